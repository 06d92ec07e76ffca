// The judgement as assessments arrive, over gRPC against the real all-in-one
// server and SQLite: ministries submit, revise and withdraw through
// ImpactAssessmentService; the eligibility service follows its feed and
// re-judges; IPA confirms 要検討業務 once two distinct ministries rate them
// LOW. Judgements follow assessments asynchronously (through the feed), so
// the tests wait for them with a deadline.
#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "ismap/liu/v1/eligibility.grpc.pb.h"
#include "ismap/liu/v1/impact_assessment.grpc.pb.h"
#include "ismap/liu/v1/review.grpc.pb.h"
#include "tests/eligibility/eligibility_testing.h"
#include "tests/harness/assessment_builder.h"
#include "tests/harness/test_server.h"

namespace ismap::liu {
namespace {

using testing::Business;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::PreApplication;
using testing::Profile;
using testing::ProfilesMeetingEachItem;
using testing::TestServer;

// An assessment rating every kind LOW, except integrity of `moderate_kind`
// (if given) rated MODERATE (higher than the answers imply, which the
// justification covers).
v1::ImpactAssessment Assessment(const std::vector<std::string>& kinds,
                                const std::string& moderate_kind = "") {
  v1::ImpactAssessment assessment = testing::LowAssessment(kinds);
  for (v1::InformationRating& rating :
       *assessment.mutable_information_ratings()) {
    if (rating.information_kind() == moderate_kind) {
      rating.mutable_levels()->set_integrity(v1::IMPACT_LEVEL_MODERATE);
    }
  }
  return assessment;
}

std::vector<std::string> KindsOf(const v1::BusinessProfile& profile) {
  return {profile.information_kinds().begin(),
          profile.information_kinds().end()};
}

class JudgementFlowTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto server = TestServer::Start();
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    eligibility_ = server_->Stub<v1::EligibilityService>();
    review_ = server_->Stub<v1::ReviewService>();
    impact_ = server_->Stub<v1::ImpactAssessmentService>();
  }

  std::string Csp() { return server_->Token(Role::kCsp, "example-saas"); }
  std::string Ministry(const std::string& org) {
    return server_->Token(Role::kMinistry, org);
  }
  std::string Ipa() { return server_->Token(Role::kIpa, "ipa"); }

  v1::PreApplication File(const v1::PreApplication& pre) {
    v1::CreatePreApplicationRequest request;
    *request.mutable_pre_application() = pre;
    v1::PreApplication created;
    const grpc::Status status = eligibility_->CreatePreApplication(
        TestServer::Context(Csp()).get(), request, &created);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return created;
  }

  // Submits `assessment` for `subject` as `ministry`.
  v1::ImpactAssessment Submit(const std::string& ministry,
                              v1::ImpactAssessment assessment,
                              const std::string& pre_application,
                              const std::string& business_id) {
    assessment.mutable_pre_application_business()->set_pre_application(
        pre_application);
    assessment.mutable_pre_application_business()->set_business_id(business_id);
    return Create(ministry, std::move(assessment));
  }
  v1::ImpactAssessment SubmitForCase(const std::string& ministry,
                                     v1::ImpactAssessment assessment,
                                     const std::string& review_case) {
    assessment.set_review_case(review_case);
    return Create(ministry, std::move(assessment));
  }
  v1::ImpactAssessment Create(const std::string& ministry,
                              v1::ImpactAssessment assessment) {
    v1::CreateImpactAssessmentRequest request;
    *request.mutable_impact_assessment() = std::move(assessment);
    v1::ImpactAssessment created;
    const grpc::Status status = impact_->CreateImpactAssessment(
        TestServer::Context(Ministry(ministry)).get(), request, &created);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return created;
  }

  // Reads the pre-application until `done` holds of it (or 15 s pass).
  v1::PreApplication AwaitPre(
      const std::string& name,
      const std::function<bool(const v1::PreApplication&)>& done) {
    v1::PreApplication pre;
    const absl::Time deadline = absl::Now() + absl::Seconds(15);
    while (absl::Now() < deadline) {
      v1::GetPreApplicationRequest request;
      request.set_name(name);
      EXPECT_TRUE(eligibility_
                      ->GetPreApplication(TestServer::Context(Csp()).get(),
                                          request, &pre)
                      .ok());
      if (done(pre)) return pre;
      absl::SleepFor(absl::Milliseconds(20));
    }
    ADD_FAILURE() << "timed out waiting for " << name
                  << "; last judgement: " << pre.judgement().DebugString();
    return pre;
  }
  v1::PreApplication AwaitOutcome(const std::string& name,
                                  v1::EligibilityOutcome outcome) {
    return AwaitPre(name, [outcome](const v1::PreApplication& pre) {
      return pre.judgement().overall_outcome() == outcome;
    });
  }

  v1::ReviewCase AwaitCase(
      const std::string& name,
      const std::function<bool(const v1::ReviewCase&)>& done) {
    v1::ReviewCase review_case;
    const absl::Time deadline = absl::Now() + absl::Seconds(15);
    while (absl::Now() < deadline) {
      v1::GetReviewCaseRequest request;
      request.set_name(name);
      EXPECT_TRUE(review_
                      ->GetReviewCase(TestServer::Context(Ipa()).get(), request,
                                      &review_case)
                      .ok());
      if (done(review_case)) return review_case;
      absl::SleepFor(absl::Milliseconds(20));
    }
    ADD_FAILURE() << "timed out waiting for " << name;
    return review_case;
  }

  grpc::Status Confirm(const v1::ReviewCase& review_case, v1::ReviewCase* out) {
    v1::ConfirmReviewCaseRequest request;
    request.set_name(review_case.name());
    request.set_etag(review_case.etag());
    request.set_reason("二つの省庁がいずれも低位と評価したため確認する");
    return review_->ConfirmReviewCase(TestServer::Context(Ipa()).get(), request,
                                      out);
  }

  std::unique_ptr<TestServer> server_;
  std::unique_ptr<v1::EligibilityService::Stub> eligibility_;
  std::unique_ptr<v1::ReviewService::Stub> review_;
  std::unique_ptr<v1::ImpactAssessmentService::Stub> impact_;
};

TEST_F(JudgementFlowTest, EachItemsBusinessIsEligibleWithLowAssessments) {
  const auto profiles = ProfilesMeetingEachItem();
  for (size_t i = 0; i < profiles.size(); ++i) {
    const v1::PreApplication pre =
        File(PreApplication({Business("b", profiles[i], {"mlit"})}));
    EXPECT_EQ(pre.judgement().overall_outcome(),
              v1::ELIGIBILITY_OUTCOME_WAITING_FOR_ASSESSMENT);
    Submit("mlit", Assessment(KindsOf(profiles[i])), pre.name(), "b");
    const v1::PreApplication judged =
        AwaitOutcome(pre.name(), v1::ELIGIBILITY_OUTCOME_ELIGIBLE);
    const v1::BusinessJudgement& business = judged.judgement().businesses(0);
    EXPECT_EQ(business.matched_target_business(),
              absl::StrCat("targetBusinesses/", i + 1));
    EXPECT_EQ(judged.judgement().trigger(),
              v1::Judgement::TRIGGER_ASSESSMENT_CHANGED);
    ASSERT_EQ(judged.judgement().assessment_revisions_size(), 1);
    EXPECT_THAT(judged.judgement().assessment_revisions(0),
                HasSubstr("ministries/mlit/impactAssessments/"));

    // The same business handling one more kind that no item covers needs
    // review.
    v1::BusinessProfile wider = profiles[i];
    wider.add_information_kinds(testing::kUncoveredKind);
    const v1::PreApplication needs_review =
        File(PreApplication({Business("b", wider, {"mlit"})}));
    const v1::BusinessJudgement& unlisted =
        needs_review.judgement().businesses(0);
    EXPECT_EQ(unlisted.outcome(), v1::ELIGIBILITY_OUTCOME_NEEDS_REVIEW);
    EXPECT_EQ(unlisted.matched_target_business(), "");
    EXPECT_THAT(unlisted.review_case(), HasSubstr("reviewCases/"));
  }
}

TEST_F(JudgementFlowTest, AModerateIntegrityRatingOrAMissingAssessmentIsNamed) {
  const v1::BusinessProfile cards = ProfilesMeetingEachItem()[2];
  const v1::PreApplication pre =
      File(PreApplication({Business("cards", cards, {"mlit", "mof"})}));
  Submit("mlit", Assessment(KindsOf(cards)), pre.name(), "cards");
  v1::PreApplication judged = AwaitPre(pre.name(), [](const auto& p) {
    return p.judgement().businesses(0).waiting_for_ministries_size() == 1;
  });
  EXPECT_EQ(judged.judgement().overall_outcome(),
            v1::ELIGIBILITY_OUTCOME_WAITING_FOR_ASSESSMENT);
  EXPECT_THAT(judged.judgement().businesses(0).waiting_for_ministries(),
              ElementsAre("ministries/mof"));
  bool named_missing = false;
  for (const v1::JudgementReason& reason :
       judged.judgement().businesses(0).reasons()) {
    if (reason.kind() == v1::JudgementReason::KIND_ASSESSMENT_MISSING) {
      named_missing = reason.ministry() == "ministries/mof";
    }
  }
  EXPECT_TRUE(named_missing);

  Submit("mof", Assessment(KindsOf(cards), "business_card_information"),
         pre.name(), "cards");
  judged = AwaitOutcome(pre.name(), v1::ELIGIBILITY_OUTCOME_NOT_ELIGIBLE);
  const v1::BusinessJudgement& business = judged.judgement().businesses(0);
  EXPECT_EQ(business.outcome(), v1::ELIGIBILITY_OUTCOME_NOT_ELIGIBLE);
  int not_low = 0;
  for (const v1::JudgementReason& reason : business.reasons()) {
    if (reason.kind() != v1::JudgementReason::KIND_ASSESSMENT_NOT_LOW) continue;
    ++not_low;
    EXPECT_EQ(reason.ministry(), "ministries/mof");
    EXPECT_EQ(reason.information_kind(), "business_card_information");
    EXPECT_EQ(reason.objective(), v1::SECURITY_OBJECTIVE_INTEGRITY);
    EXPECT_EQ(reason.level(), v1::IMPACT_LEVEL_MODERATE);
    EXPECT_THAT(reason.text().ja(), HasSubstr("完全性"));
  }
  EXPECT_EQ(not_low, 1);

  // The CSP was told of each change of outcome.
  v1::ListNotificationsRequest list;
  list.set_parent(pre.name());
  v1::ListNotificationsResponse notifications;
  ASSERT_TRUE(eligibility_
                  ->ListNotifications(TestServer::Context(Csp()).get(), list,
                                      &notifications)
                  .ok());
  ASSERT_EQ(notifications.notifications_size(), 2);
  EXPECT_EQ(notifications.notifications(1).new_outcome(),
            v1::ELIGIBILITY_OUTCOME_NOT_ELIGIBLE);
}

TEST_F(JudgementFlowTest, TwoDistinctMinistriesThenIpaPutTheBusinessOnTheList) {
  const v1::BusinessProfile procurement =
      Profile("調達情報の共有", {"procurement_information"});
  const std::vector<std::string> kinds = KindsOf(procurement);
  const v1::PreApplication pre = File(
      PreApplication({Business("cards", ProfilesMeetingEachItem()[2], {"mlit"}),
                      Business("procurement", procurement, {"mlit"})}));
  Submit("mlit", Assessment(KindsOf(ProfilesMeetingEachItem()[2])), pre.name(),
         "cards");
  const std::string case_name = pre.judgement().businesses(1).review_case();
  ASSERT_FALSE(case_name.empty());

  // One ministry assessing twice counts once: a second submission is refused
  // (ALREADY_EXISTS, impact_assessment.proto), and a revision replaces the
  // first.
  const v1::ImpactAssessment first =
      SubmitForCase("mlit", Assessment(kinds), case_name);
  v1::CreateImpactAssessmentRequest again;
  *again.mutable_impact_assessment() = Assessment(kinds);
  again.mutable_impact_assessment()->set_review_case(case_name);
  v1::ImpactAssessment refused_again;
  EXPECT_EQ(
      impact_
          ->CreateImpactAssessment(TestServer::Context(Ministry("mlit")).get(),
                                   again, &refused_again)
          .error_code(),
      grpc::StatusCode::ALREADY_EXISTS);
  v1::ReviseImpactAssessmentRequest revise;
  revise.set_name(first.name());
  revise.set_etag(first.etag());
  *revise.mutable_impact_assessment() = Assessment(kinds);
  v1::ImpactAssessment revised;
  ASSERT_TRUE(
      impact_
          ->ReviseImpactAssessment(TestServer::Context(Ministry("mlit")).get(),
                                   revise, &revised)
          .ok());
  v1::ReviewCase review_case = AwaitCase(case_name, [](const auto& c) {
    return c.assessments_in_force_size() == 1;
  });
  EXPECT_THAT(review_case.low_assessment_ministries(),
              ElementsAre("ministries/mlit"));
  v1::ReviewCase out;
  grpc::Status refused = Confirm(review_case, &out);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(refused.error_message(),
              HasSubstr("1 counted (ministries/mlit), 1 missing"));

  // A withdrawn assessment stops counting.
  const v1::ImpactAssessment mof =
      SubmitForCase("mof", Assessment(kinds), case_name);
  AwaitCase(case_name, [](const auto& c) {
    return c.low_assessment_ministries_size() == 2;
  });
  v1::WithdrawImpactAssessmentRequest withdraw;
  withdraw.set_name(mof.name());
  withdraw.set_etag(mof.etag());
  withdraw.set_reason("評価をやり直すため");
  v1::ImpactAssessment withdrawn;
  ASSERT_TRUE(
      impact_
          ->WithdrawImpactAssessment(TestServer::Context(Ministry("mof")).get(),
                                     withdraw, &withdrawn)
          .ok());
  review_case = AwaitCase(case_name, [](const auto& c) {
    return c.low_assessment_ministries_size() == 1;
  });
  refused = Confirm(review_case, &out);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::FAILED_PRECONDITION);

  // Two distinct ministries LOW: IPA confirms.
  SubmitForCase("mof", Assessment(kinds), case_name);
  review_case = AwaitCase(case_name, [](const auto& c) {
    return c.low_assessment_ministries_size() == 2;
  });
  ASSERT_TRUE(Confirm(review_case, &out).ok());
  EXPECT_EQ(out.state(), v1::ReviewCase::STATE_CONFIRMED);
  EXPECT_EQ(out.decision().target_business(), "targetBusinesses/9");
  EXPECT_EQ(out.decision().list_version(), 2);
  EXPECT_EQ(out.decision().counted_assessment_revisions_size(), 2);

  v1::ListTargetBusinessesRequest list;
  v1::ListTargetBusinessesResponse items;
  ASSERT_TRUE(
      eligibility_
          ->ListTargetBusinesses(TestServer::Context(Csp()).get(), list, &items)
          .ok());
  ASSERT_EQ(items.target_businesses_size(), 9);
  EXPECT_EQ(items.list_version(), 2);
  const v1::TargetBusiness& added = items.target_businesses(8);
  EXPECT_EQ(added.origin(), v1::TargetBusiness::ORIGIN_REVIEW_CASE);
  EXPECT_EQ(added.origin_review_case(), case_name);
  EXPECT_EQ(added.list_version(), 2);
  list.set_list_version(1);
  ASSERT_TRUE(
      eligibility_
          ->ListTargetBusinesses(TestServer::Context(Csp()).get(), list, &items)
          .ok());
  EXPECT_EQ(items.target_businesses_size(), 8);
  EXPECT_EQ(items.current_list_version(), 2);

  // The waiting pre-application is judged again and becomes eligible: its
  // ministry's assessment of the case counts for the business.
  v1::GetPreApplicationRequest get;
  get.set_name(pre.name());
  v1::PreApplication judged;
  ASSERT_TRUE(
      eligibility_
          ->GetPreApplication(TestServer::Context(Csp()).get(), get, &judged)
          .ok());
  EXPECT_EQ(judged.judgement().overall_outcome(),
            v1::ELIGIBILITY_OUTCOME_ELIGIBLE);
  EXPECT_EQ(judged.judgement().trigger(),
            v1::Judgement::TRIGGER_REVIEW_CASE_CONFIRMED);
  EXPECT_EQ(judged.judgement().list_version(), 2);
  EXPECT_EQ(judged.judgement().businesses(1).matched_target_business(),
            "targetBusinesses/9");
  v1::ListNotificationsRequest notifications_request;
  notifications_request.set_parent(pre.name());
  v1::ListNotificationsResponse notifications;
  ASSERT_TRUE(eligibility_
                  ->ListNotifications(TestServer::Context(Csp()).get(),
                                      notifications_request, &notifications)
                  .ok());
  ASSERT_FALSE(notifications.notifications().empty());
  const v1::Notification& last = *notifications.notifications().rbegin();
  EXPECT_EQ(last.previous_outcome(), v1::ELIGIBILITY_OUTCOME_NEEDS_REVIEW);
  EXPECT_EQ(last.new_outcome(), v1::ELIGIBILITY_OUTCOME_ELIGIBLE);

  // A later pre-application of the same business matches the new item.
  const v1::PreApplication later = File(PreApplication({Business(
      "p", Profile("別名の調達業務", {"procurement_information"}), {"mlit"})}));
  EXPECT_EQ(later.judgement().businesses(0).matched_target_business(),
            "targetBusinesses/9");
  EXPECT_EQ(later.judgement().overall_outcome(),
            v1::ELIGIBILITY_OUTCOME_ELIGIBLE);
}

TEST_F(JudgementFlowTest, TheCspWatchesItsNotificationsAsTheyHappen) {
  const v1::BusinessProfile cards = ProfilesMeetingEachItem()[2];
  const v1::PreApplication pre =
      File(PreApplication({Business("cards", cards, {"mlit"})}));
  // Another CSP's pre-application: its notifications never reach this CSP.
  v1::CreatePreApplicationRequest other;
  *other.mutable_pre_application() =
      PreApplication({Business("cards", cards, {"mof"})});
  v1::PreApplication other_pre;
  ASSERT_TRUE(
      eligibility_
          ->CreatePreApplication(
              TestServer::Context(server_->Token(Role::kCsp, "other-saas"))
                  .get(),
              other, &other_pre)
          .ok());

  v1::WatchNotificationsRequest request;
  request.set_parent("preApplications/-");
  auto context = TestServer::Context(Csp());
  std::unique_ptr<grpc::ClientReader<v1::WatchNotificationsResponse>> reader =
      eligibility_->WatchNotifications(context.get(), request);
  v1::WatchNotificationsResponse received;
  ASSERT_TRUE(reader->Read(&received));  // The first judgement's.
  EXPECT_EQ(received.notification().pre_application(), pre.name());
  EXPECT_EQ(received.notification().new_outcome(),
            v1::ELIGIBILITY_OUTCOME_WAITING_FOR_ASSESSMENT);
  const int64_t first = received.notification().sequence();

  Submit("mlit", Assessment(KindsOf(cards)), pre.name(), "cards");
  ASSERT_TRUE(reader->Read(&received));  // Pushed as the judgement changes.
  EXPECT_EQ(received.notification().pre_application(), pre.name());
  EXPECT_EQ(received.notification().previous_outcome(),
            v1::ELIGIBILITY_OUTCOME_WAITING_FOR_ASSESSMENT);
  EXPECT_EQ(received.notification().new_outcome(),
            v1::ELIGIBILITY_OUTCOME_ELIGIBLE);
  EXPECT_GT(received.notification().sequence(), first);
  context->TryCancel();
  EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::CANCELLED);

  // Resuming after the first notification gives the second alone.
  request.set_parent(pre.name());
  request.set_after_sequence(first);
  auto resumed = TestServer::Context(Csp());
  reader = eligibility_->WatchNotifications(resumed.get(), request);
  ASSERT_TRUE(reader->Read(&received));
  EXPECT_EQ(received.notification().new_outcome(),
            v1::ELIGIBILITY_OUTCOME_ELIGIBLE);
  resumed->TryCancel();
  reader->Finish();

  // Another CSP may not watch this pre-application.
  auto refused = TestServer::Context(server_->Token(Role::kCsp, "other-saas"));
  reader = eligibility_->WatchNotifications(refused.get(), request);
  EXPECT_FALSE(reader->Read(&received));
  EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::NOT_FOUND);
}

TEST_F(JudgementFlowTest, ConcurrentConfirmationsAddExactlyOneItem) {
  const v1::PreApplication pre = File(PreApplication({Business(
      "p", Profile("調達情報の共有", {"procurement_information"}), {"mlit"})}));
  const std::string case_name = pre.judgement().businesses(0).review_case();
  for (const char* ministry : {"mlit", "mof"}) {
    SubmitForCase(ministry, Assessment({"procurement_information"}), case_name);
  }
  const v1::ReviewCase review_case = AwaitCase(case_name, [](const auto& c) {
    return c.low_assessment_ministries_size() == 2;
  });
  constexpr int kCallers = 8;
  std::atomic<int> confirmed{0};
  std::vector<grpc::StatusCode> codes(kCallers);
  std::vector<std::thread> callers;
  for (int i = 0; i < kCallers; ++i) {
    callers.emplace_back([&, i] {
      v1::ReviewCase out;
      const grpc::Status status = Confirm(review_case, &out);
      codes[i] = status.error_code();
      if (status.ok()) ++confirmed;
    });
  }
  for (std::thread& caller : callers) caller.join();
  EXPECT_EQ(confirmed.load(), 1);
  for (grpc::StatusCode code : codes) {
    EXPECT_TRUE(code == grpc::StatusCode::OK ||
                code == grpc::StatusCode::ABORTED ||
                code == grpc::StatusCode::FAILED_PRECONDITION)
        << code;
  }
  v1::ListTargetBusinessesRequest list;
  v1::ListTargetBusinessesResponse items;
  ASSERT_TRUE(
      eligibility_
          ->ListTargetBusinesses(TestServer::Context(Ipa()).get(), list, &items)
          .ok());
  EXPECT_EQ(items.target_businesses_size(), 9);
  EXPECT_EQ(items.current_list_version(), 2);
}

}  // namespace
}  // namespace ismap::liu
