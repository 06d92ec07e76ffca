// Integration tests of EligibilityService and ReviewService over gRPC against
// the real all-in-one server and SQLite: the target list, the formal check,
// pre-applications, their first judgement, review cases opening, IPA's
// decisions that need no assessment, and who may see and do what.
#include <memory>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "ismap/liu/v1/audit_trail.grpc.pb.h"
#include "ismap/liu/v1/eligibility.grpc.pb.h"
#include "ismap/liu/v1/review.grpc.pb.h"
#include "tests/eligibility/eligibility_testing.h"
#include "tests/harness/test_server.h"

namespace ismap::liu {
namespace {

using testing::Business;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using testing::PreApplication;
using testing::Profile;
using testing::ProfilesMeetingEachItem;
using testing::TestServer;
using ::testing::UnorderedElementsAre;
using testing::ViolatedFields;

class EligibilityServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto server = TestServer::Start();
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    eligibility_ = server_->Stub<v1::EligibilityService>();
    review_ = server_->Stub<v1::ReviewService>();
  }

  std::string Csp(const std::string& org = "example-saas") {
    return server_->Token(Role::kCsp, org);
  }
  std::string Ministry(const std::string& org) {
    return server_->Token(Role::kMinistry, org);
  }
  std::string Ipa() { return server_->Token(Role::kIpa, "ipa"); }

  // Files `pre` as `token`; fails the test on error.
  v1::PreApplication File(const v1::PreApplication& pre,
                          const std::string& token,
                          const std::string& request_id = "") {
    v1::CreatePreApplicationRequest request;
    *request.mutable_pre_application() = pre;
    request.set_request_id(request_id);
    v1::PreApplication created;
    const grpc::Status status = eligibility_->CreatePreApplication(
        TestServer::Context(token).get(), request, &created);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return created;
  }

  grpc::Status Get(const std::string& name, const std::string& token,
                   v1::PreApplication* out) {
    v1::GetPreApplicationRequest request;
    request.set_name(name);
    return eligibility_->GetPreApplication(TestServer::Context(token).get(),
                                           request, out);
  }

  v1::ReviewCase GetCase(const std::string& name) {
    v1::GetReviewCaseRequest request;
    request.set_name(name);
    v1::ReviewCase review_case;
    const grpc::Status status = review_->GetReviewCase(
        TestServer::Context(Ipa()).get(), request, &review_case);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return review_case;
  }

  std::unique_ptr<TestServer> server_;
  std::unique_ptr<v1::EligibilityService::Stub> eligibility_;
  std::unique_ptr<v1::ReviewService::Stub> review_;
};

TEST_F(EligibilityServiceTest, TheListStartsWithTheEightProgrammeItems) {
  for (const std::string& token : {Csp(), Ministry("mlit"), Ipa()}) {
    v1::ListTargetBusinessesRequest request;
    v1::ListTargetBusinessesResponse response;
    ASSERT_TRUE(eligibility_
                    ->ListTargetBusinesses(TestServer::Context(token).get(),
                                           request, &response)
                    .ok());
    ASSERT_EQ(response.target_businesses_size(), 8);
    EXPECT_EQ(response.list_version(), 1);
    EXPECT_EQ(response.current_list_version(), 1);
    for (int i = 0; i < 8; ++i) {
      const v1::TargetBusiness& item = response.target_businesses(i);
      EXPECT_EQ(item.item_number(), i + 1);
      EXPECT_EQ(item.origin(), v1::TargetBusiness::ORIGIN_PROGRAMME_START);
      EXPECT_FALSE(item.criterion().ja().empty());
      EXPECT_FALSE(item.criterion().en().empty());
      EXPECT_FALSE(item.examples().empty());
      EXPECT_TRUE(item.has_condition());
    }
  }
  v1::GetTargetBusinessRequest request;
  request.set_name("targetBusinesses/2");
  v1::TargetBusiness item;
  ASSERT_TRUE(
      eligibility_
          ->GetTargetBusiness(TestServer::Context(Csp()).get(), request, &item)
          .ok());
  EXPECT_THAT(item.criterion().ja(), HasSubstr("役職"));
  request.set_name("targetBusinesses/9");
  EXPECT_EQ(
      eligibility_
          ->GetTargetBusiness(TestServer::Context(Csp()).get(), request, &item)
          .error_code(),
      grpc::StatusCode::NOT_FOUND);
}

TEST_F(EligibilityServiceTest,
       EachItemsProfileMatchesItAndAnUncoveredKindMatchesNone) {
  const auto profiles = ProfilesMeetingEachItem();
  for (size_t i = 0; i < profiles.size(); ++i) {
    v1::EvaluateBusinessRequest request;
    *request.mutable_profile() = profiles[i];
    request.mutable_profile()->set_claimed_target_business(
        "targetBusinesses/" + std::to_string(i + 1));
    v1::EvaluateBusinessResponse response;
    ASSERT_TRUE(eligibility_
                    ->EvaluateBusiness(TestServer::Context(Csp()).get(),
                                       request, &response)
                    .ok());
    EXPECT_EQ(response.matched_target_business(),
              "targetBusinesses/" + std::to_string(i + 1))
        << profiles[i].title();
    EXPECT_TRUE(response.claimed_item_matched());
    EXPECT_EQ(response.list_version(), 1);

    request.mutable_profile()->add_information_kinds(testing::kUncoveredKind);
    ASSERT_TRUE(eligibility_
                    ->EvaluateBusiness(TestServer::Context(Csp()).get(),
                                       request, &response)
                    .ok());
    EXPECT_EQ(response.matched_target_business(), "") << profiles[i].title();
    ASSERT_EQ(response.item_evaluations_size(), 8);
    for (const v1::ItemEvaluation& item : response.item_evaluations()) {
      EXPECT_FALSE(item.matched());
      EXPECT_FALSE(item.failures().empty()) << item.target_business();
    }
  }
}

TEST_F(EligibilityServiceTest, StaffNamesUnderStrictSecrecyDoNotMatchItemTwo) {
  v1::EvaluateBusinessRequest request;
  *request.mutable_profile() = Profile("人事管理", {"staff_titles_and_names"},
                                       {"strict_secrecy_required"});
  v1::EvaluateBusinessResponse response;
  ASSERT_TRUE(eligibility_
                  ->EvaluateBusiness(TestServer::Context(Ipa()).get(), request,
                                     &response)
                  .ok());
  EXPECT_EQ(response.matched_target_business(), "");
  const v1::ItemEvaluation& item_two = response.item_evaluations(1);
  EXPECT_EQ(item_two.target_business(), "targetBusinesses/2");
  ASSERT_FALSE(item_two.failures().empty());
  EXPECT_EQ(item_two.failures(0).kind(),
            v1::ConditionFailure::KIND_EXCLUSION_MET);
  EXPECT_EQ(item_two.failures(0).fact(), "strict_secrecy_required");
}

TEST_F(EligibilityServiceTest, AFiledPreApplicationIsJudgedAndItsCspNotified) {
  const v1::PreApplication created = File(
      PreApplication(
          {Business("cards", ProfilesMeetingEachItem()[2], {"mlit", "mof"}),
           Business("citizens", Profile("住民相談", {testing::kUncoveredKind}),
                    {"mlit"})}),
      Csp());
  EXPECT_THAT(created.name(), HasSubstr("preApplications/"));
  EXPECT_EQ(created.csp(), "csps/example-saas");
  EXPECT_EQ(created.state(), v1::PreApplication::STATE_ACTIVE);
  EXPECT_FALSE(created.etag().empty());
  const v1::Judgement& judgement = created.judgement();
  EXPECT_EQ(judgement.name(), created.name() + "/judgements/1");
  EXPECT_EQ(judgement.trigger(), v1::Judgement::TRIGGER_CREATED);
  EXPECT_EQ(judgement.list_version(), 1);
  EXPECT_EQ(judgement.rules_version(), server_->server().rules().version());
  EXPECT_EQ(judgement.overall_outcome(), v1::ELIGIBILITY_OUTCOME_NEEDS_REVIEW);
  ASSERT_EQ(judgement.businesses_size(), 2);
  const v1::BusinessJudgement& cards = judgement.businesses(0);
  EXPECT_EQ(cards.outcome(), v1::ELIGIBILITY_OUTCOME_WAITING_FOR_ASSESSMENT);
  EXPECT_EQ(cards.matched_target_business(), "targetBusinesses/3");
  EXPECT_THAT(cards.waiting_for_ministries(),
              ElementsAre("ministries/mlit", "ministries/mof"));
  const v1::BusinessJudgement& citizens = judgement.businesses(1);
  EXPECT_EQ(citizens.outcome(), v1::ELIGIBILITY_OUTCOME_NEEDS_REVIEW);
  EXPECT_THAT(citizens.review_case(), HasSubstr("reviewCases/"));
  EXPECT_EQ(citizens.item_evaluations_size(), 8);

  v1::ListNotificationsRequest list;
  list.set_parent(created.name());
  v1::ListNotificationsResponse notifications;
  ASSERT_TRUE(eligibility_
                  ->ListNotifications(TestServer::Context(Csp()).get(), list,
                                      &notifications)
                  .ok());
  ASSERT_EQ(notifications.notifications_size(), 1);
  EXPECT_EQ(notifications.notifications(0).new_outcome(),
            v1::ELIGIBILITY_OUTCOME_NEEDS_REVIEW);
  EXPECT_EQ(notifications.notifications(0).judgement(), judgement.name());

  const v1::ReviewCase review_case = GetCase(citizens.review_case());
  EXPECT_EQ(review_case.state(), v1::ReviewCase::STATE_OPEN);
  EXPECT_EQ(review_case.required_distinct_ministries(), 2);
  EXPECT_EQ(review_case.business().title(), "住民相談");
  ASSERT_EQ(review_case.linked_businesses_size(), 1);
  EXPECT_EQ(review_case.linked_businesses(0).pre_application(), created.name());
  EXPECT_FALSE(review_case.overdue());
  const int64_t due_days =
      (review_case.due_time().seconds() - review_case.create_time().seconds()) /
      86400;
  EXPECT_EQ(due_days, 30);
}

TEST_F(EligibilityServiceTest,
       OneReviewCasePerDistinctBusinessLinkedToEveryPreApplication) {
  const v1::PreApplication first =
      File(PreApplication({Business(
               "a", Profile("住民相談", {testing::kUncoveredKind}), {"mlit"})}),
           Csp("first-saas"));
  const v1::PreApplication second = File(
      PreApplication({Business(
          "b", Profile("市民問合せ窓口", {testing::kUncoveredKind}), {"mof"})}),
      Csp("second-saas"));
  const v1::PreApplication other =
      File(PreApplication({Business(
               "c", Profile("調達", {"procurement_information"}), {"mof"})}),
           Csp("second-saas"));
  const std::string case_name = first.judgement().businesses(0).review_case();
  EXPECT_EQ(second.judgement().businesses(0).review_case(), case_name);
  EXPECT_NE(other.judgement().businesses(0).review_case(), case_name);
  const v1::ReviewCase review_case = GetCase(case_name);
  ASSERT_EQ(review_case.linked_businesses_size(), 2);
  EXPECT_EQ(review_case.linked_businesses(0).pre_application(), first.name());
  EXPECT_EQ(review_case.linked_businesses(1).pre_application(), second.name());

  // A CSP sees the case only through its own pre-application.
  v1::GetReviewCaseRequest get;
  get.set_name(case_name);
  v1::ReviewCase seen;
  ASSERT_TRUE(review_
                  ->GetReviewCase(TestServer::Context(Csp("first-saas")).get(),
                                  get, &seen)
                  .ok());
  ASSERT_EQ(seen.linked_businesses_size(), 1);
  EXPECT_EQ(seen.linked_businesses(0).pre_application(), first.name());
  EXPECT_EQ(review_
                ->GetReviewCase(TestServer::Context(Csp("third-saas")).get(),
                                get, &seen)
                .error_code(),
            grpc::StatusCode::NOT_FOUND);

  v1::ListReviewCasesRequest list;
  list.set_state(v1::ReviewCase::STATE_OPEN);
  v1::ListReviewCasesResponse cases;
  ASSERT_TRUE(review_
                  ->ListReviewCases(TestServer::Context(Ministry("mlit")).get(),
                                    list, &cases)
                  .ok());
  EXPECT_EQ(cases.review_cases_size(), 2);
  list.set_overdue(true);
  ASSERT_TRUE(
      review_->ListReviewCases(TestServer::Context(Ipa()).get(), list, &cases)
          .ok());
  EXPECT_THAT(cases.review_cases(), IsEmpty());
  list.clear_overdue();
  ASSERT_TRUE(
      review_
          ->ListReviewCases(TestServer::Context(Csp("first-saas")).get(), list,
                            &cases)
          .ok());
  ASSERT_EQ(cases.review_cases_size(), 1);
  EXPECT_EQ(cases.review_cases(0).name(), case_name);
}

TEST_F(EligibilityServiceTest, EveryBadFieldIsNamedAtOnceAndNothingIsStored) {
  v1::PreApplication pre = PreApplication(
      {Business("Bad Id",
                Profile("", {"no_such_kind", "no_such_kind"}, {"no_such_fact"}),
                {}),
       Business("dup", ProfilesMeetingEachItem()[0], {"mlit", "mlit"}),
       Business("dup", ProfilesMeetingEachItem()[1], {"Not A Ministry"})});
  pre.set_service_name("");
  pre.clear_platform();
  pre.mutable_businesses(1)->mutable_profile()->set_claimed_target_business(
      "targetBusinesses/99");
  pre.mutable_businesses(1)->mutable_profile()->set_description(
      std::string(5000, 'x'));
  const std::string before = server_->DumpAllTables();
  v1::CreatePreApplicationRequest request;
  *request.mutable_pre_application() = pre;
  request.set_request_id(std::string(65, 'x'));
  v1::PreApplication created;
  const grpc::Status status = eligibility_->CreatePreApplication(
      TestServer::Context(Csp()).get(), request, &created);
  ASSERT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(
      ViolatedFields(status),
      UnorderedElementsAre(
          "request_id", "pre_application.service_name",
          "pre_application.platform",
          "pre_application.businesses[0].business_id",
          "pre_application.businesses[0].profile.title",
          "pre_application.businesses[0].profile.information_kinds[0]",
          "pre_application.businesses[0].profile.information_kinds[1]",
          "pre_application.businesses[0].profile.facts[0]",
          "pre_application.businesses[0].ministries",
          "pre_application.businesses[1].profile.description",
          "pre_application.businesses[1].profile.claimed_target_business",
          "pre_application.businesses[1].ministries[1]",
          "pre_application.businesses[2].business_id",
          "pre_application.businesses[2].ministries[0]"));
  EXPECT_EQ(server_->DumpAllTables(), before);
}

TEST_F(EligibilityServiceTest, InvalidUtf8IsNamedAndNothingIsStored) {
  const std::string before = server_->DumpAllTables();
  v1::CreatePreApplicationRequest request;
  *request.mutable_pre_application() = PreApplication(
      {Business("cards", ProfilesMeetingEachItem()[2], {"mlit"})});
  request.mutable_pre_application()->set_service_name(
      std::string("\xe5\x90", 2));
  v1::PreApplication created;
  const grpc::Status status = eligibility_->CreatePreApplication(
      TestServer::Context(Csp()).get(), request, &created);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(ViolatedFields(status),
              ElementsAre("pre_application.service_name"));
  EXPECT_EQ(server_->DumpAllTables(), before);
}

TEST_F(EligibilityServiceTest,
       ARetriedCreateWithTheSameRequestIdIsAnsweredOnce) {
  const v1::PreApplication pre = PreApplication(
      {Business("cards", ProfilesMeetingEachItem()[2], {"mlit"})});
  const v1::PreApplication first = File(pre, Csp(), "req-1");
  const std::string after_first = server_->DumpAllTables();
  const v1::PreApplication again = File(pre, Csp(), "req-1");
  EXPECT_EQ(again.name(), first.name());
  EXPECT_EQ(again.etag(), first.etag());
  EXPECT_EQ(server_->DumpAllTables(), after_first);

  // Another CSP's request ids are its own.
  EXPECT_NE(File(pre, Csp("other-saas"), "req-1").name(), first.name());

  v1::CreatePreApplicationRequest changed;
  *changed.mutable_pre_application() = pre;
  changed.mutable_pre_application()->set_service_name("別のサービス");
  changed.set_request_id("req-1");
  v1::PreApplication out;
  const grpc::Status status = eligibility_->CreatePreApplication(
      TestServer::Context(Csp()).get(), changed, &out);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(ViolatedFields(status), ElementsAre("request_id"));
}

TEST_F(EligibilityServiceTest,
       ACspHasOneActivePreApplicationPerSaasUntilItWithdrawsIt) {
  const v1::PreApplication pre = PreApplication(
      {Business("cards", ProfilesMeetingEachItem()[2], {"mlit"})},
      "名刺管理クラウド");
  const v1::PreApplication first = File(pre, Csp());
  const std::string after_first = server_->DumpAllTables();

  v1::CreatePreApplicationRequest again;
  *again.mutable_pre_application() = pre;
  again.set_request_id("another-request");
  v1::PreApplication out;
  grpc::Status status = eligibility_->CreatePreApplication(
      TestServer::Context(Csp()).get(), again, &out);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_THAT(status.error_message(), HasSubstr(first.name()));
  EXPECT_EQ(server_->DumpAllTables(), after_first);

  // Another CSP may name its SaaS the same.
  File(pre, Csp("other-saas"));

  v1::WithdrawPreApplicationRequest withdraw;
  withdraw.set_name(first.name());
  withdraw.set_etag(first.etag());
  ASSERT_TRUE(eligibility_
                  ->WithdrawPreApplication(TestServer::Context(Csp()).get(),
                                           withdraw, &out)
                  .ok());
  status = eligibility_->CreatePreApplication(TestServer::Context(Csp()).get(),
                                              again, &out);
  EXPECT_TRUE(status.ok()) << status.error_message();
  EXPECT_NE(out.name(), first.name());
}

TEST_F(EligibilityServiceTest, EachCallerSeesOnlyWhatConcernsIt) {
  const v1::PreApplication mine =
      File(PreApplication(
               {Business("cards", ProfilesMeetingEachItem()[2], {"mlit"})}),
           Csp());
  File(PreApplication({Business("hr", ProfilesMeetingEachItem()[1], {"mof"})}),
       Csp("other-saas"));
  v1::PreApplication out;
  EXPECT_TRUE(Get(mine.name(), Csp(), &out).ok());
  EXPECT_TRUE(Get(mine.name(), Ministry("mlit"), &out).ok());
  EXPECT_TRUE(Get(mine.name(), Ipa(), &out).ok());
  out.Clear();
  const grpc::Status other_csp = Get(mine.name(), Csp("other-saas"), &out);
  EXPECT_EQ(other_csp.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(out.name(), "");  // Never the data.
  EXPECT_EQ(Get(mine.name(), Ministry("mof"), &out).error_code(),
            grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(Get("preApplications/doesnotexist", Csp(), &out).error_code(),
            grpc::StatusCode::NOT_FOUND);

  v1::ListPreApplicationsRequest list;
  v1::ListPreApplicationsResponse listed;
  ASSERT_TRUE(
      eligibility_
          ->ListPreApplications(TestServer::Context(Csp()).get(), list, &listed)
          .ok());
  ASSERT_EQ(listed.pre_applications_size(), 1);
  EXPECT_EQ(listed.pre_applications(0).name(), mine.name());
  list.set_waiting_for_ministry("ministries/mlit");
  ASSERT_TRUE(
      eligibility_
          ->ListPreApplications(TestServer::Context(Ministry("mlit")).get(),
                                list, &listed)
          .ok());
  ASSERT_EQ(listed.pre_applications_size(), 1);
  list.Clear();
  ASSERT_TRUE(
      eligibility_
          ->ListPreApplications(TestServer::Context(Ipa()).get(), list, &listed)
          .ok());
  EXPECT_EQ(listed.pre_applications_size(), 2);
  list.set_csp("csps/other-saas");
  EXPECT_EQ(
      eligibility_
          ->ListPreApplications(TestServer::Context(Csp()).get(), list, &listed)
          .error_code(),
      grpc::StatusCode::INVALID_ARGUMENT);

  // Refused changes leave storage as it was.
  const std::string before = server_->DumpAllTables();
  v1::WithdrawPreApplicationRequest withdraw;
  withdraw.set_name(mine.name());
  withdraw.set_etag(mine.etag());
  withdraw.set_reason("取り下げ");
  EXPECT_EQ(
      eligibility_
          ->WithdrawPreApplication(TestServer::Context(Csp("other-saas")).get(),
                                   withdraw, &out)
          .error_code(),
      grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(eligibility_
                ->WithdrawPreApplication(
                    TestServer::Context(Ministry("mlit")).get(), withdraw, &out)
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  v1::ReevaluatePreApplicationRequest reevaluate;
  reevaluate.set_name(mine.name());
  reevaluate.set_etag(mine.etag());
  EXPECT_EQ(
      eligibility_
          ->ReevaluatePreApplication(
              TestServer::Context(Csp("other-saas")).get(), reevaluate, &out)
          .error_code(),
      grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(server_->DumpAllTables(), before);
}

TEST_F(EligibilityServiceTest,
       WithdrawingNeedsTheCurrentEtagAndKeepsTheRecord) {
  const v1::PreApplication pre =
      File(PreApplication({Business(
               "a", Profile("住民相談", {testing::kUncoveredKind}), {"mlit"})}),
           Csp());
  v1::WithdrawPreApplicationRequest withdraw;
  withdraw.set_name(pre.name());
  withdraw.set_etag("stale");
  withdraw.set_reason("サービス提供を中止したため");
  v1::PreApplication out;
  EXPECT_EQ(eligibility_
                ->WithdrawPreApplication(TestServer::Context(Csp()).get(),
                                         withdraw, &out)
                .error_code(),
            grpc::StatusCode::ABORTED);
  withdraw.set_etag(pre.etag());
  ASSERT_TRUE(eligibility_
                  ->WithdrawPreApplication(TestServer::Context(Csp()).get(),
                                           withdraw, &out)
                  .ok());
  EXPECT_EQ(out.state(), v1::PreApplication::STATE_WITHDRAWN);
  EXPECT_EQ(out.withdraw_reason(), "サービス提供を中止したため");
  ASSERT_TRUE(Get(pre.name(), Csp(), &out).ok());
  EXPECT_EQ(out.state(), v1::PreApplication::STATE_WITHDRAWN);
  EXPECT_EQ(eligibility_
                ->WithdrawPreApplication(TestServer::Context(Csp()).get(),
                                         withdraw, &out)
                .error_code(),
            grpc::StatusCode::ABORTED);
  // The case no longer lists the withdrawn pre-application as waiting on it.
  v1::ListReviewCasesRequest list;
  list.set_pre_application(pre.name());
  v1::ListReviewCasesResponse cases;
  ASSERT_TRUE(
      review_->ListReviewCases(TestServer::Context(Ipa()).get(), list, &cases)
          .ok());
  EXPECT_THAT(cases.review_cases(), IsEmpty());
}

TEST_F(EligibilityServiceTest, OnlyIpaDecidesAndNotWithoutTwoMinistries) {
  const v1::PreApplication pre =
      File(PreApplication({Business(
               "a", Profile("住民相談", {testing::kUncoveredKind}), {"mlit"})}),
           Csp());
  const v1::ReviewCase review_case =
      GetCase(pre.judgement().businesses(0).review_case());
  const std::string before = server_->DumpAllTables();
  v1::ConfirmReviewCaseRequest confirm;
  confirm.set_name(review_case.name());
  confirm.set_etag(review_case.etag());
  confirm.set_reason("二省庁の評価が低位のため");
  v1::ReviewCase out;
  EXPECT_EQ(review_
                ->ConfirmReviewCase(TestServer::Context(Ministry("mlit")).get(),
                                    confirm, &out)
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(
      review_
          ->ConfirmReviewCase(TestServer::Context(Csp()).get(), confirm, &out)
          .error_code(),
      grpc::StatusCode::PERMISSION_DENIED);
  const grpc::Status premature = review_->ConfirmReviewCase(
      TestServer::Context(Ipa()).get(), confirm, &out);
  EXPECT_EQ(premature.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(premature.error_message(),
              HasSubstr("2 distinct ministries; 0 counted (none), 2 missing"));
  confirm.clear_reason();
  const grpc::Status no_reason = review_->ConfirmReviewCase(
      TestServer::Context(Ipa()).get(), confirm, &out);
  EXPECT_THAT(ViolatedFields(no_reason), ElementsAre("reason"));
  EXPECT_EQ(server_->DumpAllTables(), before);

  v1::RejectReviewCaseRequest reject;
  reject.set_name(review_case.name());
  reject.set_etag(review_case.etag());
  reject.set_reason("住民の個人情報を扱うため低位とは言えない");
  ASSERT_TRUE(
      review_->RejectReviewCase(TestServer::Context(Ipa()).get(), reject, &out)
          .ok());
  EXPECT_EQ(out.state(), v1::ReviewCase::STATE_REJECTED);
  EXPECT_EQ(out.decision().reason(), reject.reason());
  EXPECT_EQ(out.decision().decided_by().organisation(), "ipa");
  EXPECT_EQ(
      review_->RejectReviewCase(TestServer::Context(Ipa()).get(), reject, &out)
          .error_code(),
      grpc::StatusCode::FAILED_PRECONDITION);

  v1::PreApplication judged;
  ASSERT_TRUE(Get(pre.name(), Csp(), &judged).ok());
  EXPECT_EQ(judged.judgement().overall_outcome(),
            v1::ELIGIBILITY_OUTCOME_NOT_ELIGIBLE);
  EXPECT_EQ(judged.judgement().trigger(),
            v1::Judgement::TRIGGER_REVIEW_CASE_REJECTED);
  v1::ListNotificationsRequest list;
  list.set_parent("preApplications/-");
  v1::ListNotificationsResponse notifications;
  ASSERT_TRUE(eligibility_
                  ->ListNotifications(TestServer::Context(Csp()).get(), list,
                                      &notifications)
                  .ok());
  ASSERT_EQ(notifications.notifications_size(), 2);
  EXPECT_EQ(notifications.notifications(1).previous_outcome(),
            v1::ELIGIBILITY_OUTCOME_NEEDS_REVIEW);
  EXPECT_EQ(notifications.notifications(1).new_outcome(),
            v1::ELIGIBILITY_OUTCOME_NOT_ELIGIBLE);
  EXPECT_GT(notifications.notifications(1).sequence(),
            notifications.notifications(0).sequence());
  // Another CSP's feed is empty.
  ASSERT_TRUE(eligibility_
                  ->ListNotifications(TestServer::Context(Csp("x-saas")).get(),
                                      list, &notifications)
                  .ok());
  EXPECT_THAT(notifications.notifications(), IsEmpty());
}

TEST_F(EligibilityServiceTest, JapaneseTextRoundTripsByteForByte) {
  const std::string title = "災害時の職員安否確認（𠮷野家支店を含む）";
  v1::PreApplication pre = PreApplication(
      {Business("safety",
                Profile(title, {"staff_safety_status"}, {"disaster_response"}),
                {"mlit"})},
      "安否確認クラウド　ＡＢＣ");
  const v1::PreApplication created = File(pre, Csp());
  v1::PreApplication read;
  ASSERT_TRUE(Get(created.name(), Ministry("mlit"), &read).ok());
  EXPECT_EQ(read.service_name(), "安否確認クラウド　ＡＢＣ");
  EXPECT_EQ(read.businesses(0).profile().title(), title);
  EXPECT_EQ(read.businesses(0).profile().description(), title + " の業務");
}

}  // namespace
}  // namespace ismap::liu
