// Two replicas of the all-in-one server on one database behave as one
// service (#8): they start at once on the database of one data directory (a
// PostgreSQL database with LIU_TEST_DATABASE_URL, else one SQLite file) and
// share its development key, and calls that conflict are spread over both:
// one request_id sent to each, confirmations of one review case, revisions
// of one assessment with one etag, registration decisions on one
// pre-application. Every replica also follows the impact feed, so each
// change is re-judged by both: notifications must not double.
#include <algorithm>
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
#include "ismap/liu/v1/audit_planning.grpc.pb.h"
#include "ismap/liu/v1/eligibility.grpc.pb.h"
#include "ismap/liu/v1/impact_assessment.grpc.pb.h"
#include "ismap/liu/v1/review.grpc.pb.h"
#include "tests/eligibility/eligibility_testing.h"
#include "tests/harness/assessment_builder.h"
#include "tests/harness/temp_dir.h"
#include "tests/harness/test_server.h"

namespace ismap::liu {
namespace {

using testing::Business;
using testing::LowAssessment;
using testing::PreApplication;
using testing::Profile;
using testing::ProfilesMeetingEachItem;
using testing::TestServer;
using ::testing::UnorderedElementsAre;

constexpr int kReplicas = 2;
// Concurrent callers per conflicting call, spread over the replicas.
constexpr int kCallers = 8;

class ReplicasTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::vector<absl::StatusOr<std::unique_ptr<TestServer>>> started(kReplicas);
    std::vector<std::thread> starting;
    for (int i = 0; i < kReplicas; ++i) {
      starting.emplace_back([&, i] {
        started[i] =
            TestServer::Start({testing::SourceRulesDir(), data_.path()});
      });
    }
    for (std::thread& thread : starting) thread.join();
    for (auto& server : started) {
      ASSERT_TRUE(server.ok()) << server.status();
      replicas_.push_back(*std::move(server));
    }
    for (const auto& replica : replicas_) {
      eligibility_.push_back(replica->Stub<v1::EligibilityService>());
      review_.push_back(replica->Stub<v1::ReviewService>());
      impact_.push_back(replica->Stub<v1::ImpactAssessmentService>());
      audit_.push_back(replica->Stub<v1::AuditPlanningService>());
    }
  }

  // Both replicas trust one key: a token from either serves for both.
  std::string Csp() { return replicas_[0]->Token(Role::kCsp, "example-saas"); }
  std::string Ministry(const std::string& org) {
    return replicas_[1]->Token(Role::kMinistry, org);
  }
  std::string Ipa() { return replicas_[0]->Token(Role::kIpa, "ipa"); }

  // Runs `call(caller, replica)` from kCallers threads at once, for caller
  // 0 to kCallers - 1 on replica caller % kReplicas; returns each caller's
  // status code.
  std::vector<grpc::StatusCode> Concurrently(
      const std::function<grpc::Status(int caller, int replica)>& call) {
    std::vector<grpc::StatusCode> codes(kCallers);
    std::atomic<int> ready{0};
    std::vector<std::thread> callers;
    for (int i = 0; i < kCallers; ++i) {
      callers.emplace_back([&, i] {
        ++ready;
        while (ready.load() < kCallers) std::this_thread::yield();
        codes[i] = call(i, i % kReplicas).error_code();
      });
    }
    for (std::thread& caller : callers) caller.join();
    return codes;
  }

  v1::PreApplication File(int replica, const v1::PreApplication& pre) {
    v1::CreatePreApplicationRequest request;
    *request.mutable_pre_application() = pre;
    v1::PreApplication created;
    const grpc::Status status = eligibility_[replica]->CreatePreApplication(
        TestServer::Context(Csp()).get(), request, &created);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return created;
  }

  v1::ImpactAssessment Submit(int replica, const std::string& ministry,
                              v1::ImpactAssessment assessment) {
    v1::CreateImpactAssessmentRequest request;
    *request.mutable_impact_assessment() = std::move(assessment);
    v1::ImpactAssessment created;
    const grpc::Status status = impact_[replica]->CreateImpactAssessment(
        TestServer::Context(Ministry(ministry)).get(), request, &created);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return created;
  }

  // Reads `name` through `replica` until `done` holds (or 15 s pass).
  v1::ReviewCase AwaitCase(
      int replica, const std::string& name,
      const std::function<bool(const v1::ReviewCase&)>& done) {
    v1::ReviewCase review_case;
    const absl::Time deadline = absl::Now() + absl::Seconds(15);
    while (absl::Now() < deadline) {
      v1::GetReviewCaseRequest request;
      request.set_name(name);
      EXPECT_TRUE(review_[replica]
                      ->GetReviewCase(TestServer::Context(Ipa()).get(), request,
                                      &review_case)
                      .ok());
      if (done(review_case)) return review_case;
      absl::SleepFor(absl::Milliseconds(20));
    }
    ADD_FAILURE() << "timed out waiting for " << name;
    return review_case;
  }

  v1::PreApplication AwaitOutcome(int replica, const std::string& name,
                                  v1::EligibilityOutcome outcome) {
    v1::PreApplication pre;
    const absl::Time deadline = absl::Now() + absl::Seconds(15);
    while (absl::Now() < deadline) {
      v1::GetPreApplicationRequest request;
      request.set_name(name);
      EXPECT_TRUE(eligibility_[replica]
                      ->GetPreApplication(TestServer::Context(Csp()).get(),
                                          request, &pre)
                      .ok());
      if (pre.judgement().overall_outcome() == outcome) return pre;
      absl::SleepFor(absl::Milliseconds(20));
    }
    ADD_FAILURE() << "timed out waiting for " << name << " to be " << outcome;
    return pre;
  }

  // The notifications of `pre_application`, read through `replica`.
  std::vector<v1::Notification> Notifications(
      int replica, const std::string& pre_application) {
    v1::ListNotificationsRequest request;
    request.set_parent(pre_application);
    request.set_page_size(100);
    v1::ListNotificationsResponse response;
    EXPECT_TRUE(eligibility_[replica]
                    ->ListNotifications(TestServer::Context(Csp()).get(),
                                        request, &response)
                    .ok());
    return {response.notifications().begin(), response.notifications().end()};
  }

  // The judgements of `pre_application`, read through `replica`.
  std::vector<v1::Judgement> Judgements(int replica,
                                        const std::string& pre_application) {
    v1::ListJudgementsRequest request;
    request.set_parent(pre_application);
    request.set_page_size(100);
    v1::ListJudgementsResponse response;
    EXPECT_TRUE(eligibility_[replica]
                    ->ListJudgements(TestServer::Context(Csp()).get(), request,
                                     &response)
                    .ok());
    return {response.judgements().begin(), response.judgements().end()};
  }

  testing::TempDir data_;
  std::vector<std::unique_ptr<TestServer>> replicas_;
  std::vector<std::unique_ptr<v1::EligibilityService::Stub>> eligibility_;
  std::vector<std::unique_ptr<v1::ReviewService::Stub>> review_;
  std::vector<std::unique_ptr<v1::ImpactAssessmentService::Stub>> impact_;
  std::vector<std::unique_ptr<v1::AuditPlanningService::Stub>> audit_;
};

TEST_F(ReplicasTest, OneRequestIdSentToBothReplicasCreatesOnePreApplication) {
  v1::CreatePreApplicationRequest request;
  *request.mutable_pre_application() = PreApplication(
      {Business("cards", ProfilesMeetingEachItem()[2], {"mlit"})});
  request.set_request_id("replicated-request-1");
  std::vector<std::string> names(kCallers);
  const std::vector<grpc::StatusCode> codes =
      Concurrently([&](int caller, int replica) {
        v1::PreApplication created;
        const grpc::Status status = eligibility_[replica]->CreatePreApplication(
            TestServer::Context(Csp()).get(), request, &created);
        names[caller] = created.name();
        return status;
      });
  for (const grpc::StatusCode code : codes) {
    EXPECT_EQ(code, grpc::StatusCode::OK);
  }
  for (const std::string& name : names) EXPECT_EQ(name, names[0]);

  for (int replica = 0; replica < kReplicas; ++replica) {
    v1::ListPreApplicationsResponse listed;
    ASSERT_TRUE(eligibility_[replica]
                    ->ListPreApplications(TestServer::Context(Csp()).get(),
                                          v1::ListPreApplicationsRequest(),
                                          &listed)
                    .ok());
    ASSERT_EQ(listed.pre_applications_size(), 1) << "replica " << replica;
    EXPECT_EQ(listed.pre_applications(0).name(), names[0]);
    // One creation: one first judgement, notified once.
    EXPECT_EQ(Judgements(replica, names[0]).size(), 1u);
    EXPECT_EQ(Notifications(replica, names[0]).size(), 1u);
  }
}

TEST_F(ReplicasTest, ConfirmationsThroughBothReplicasAddOneItemNotifiedOnce) {
  const v1::PreApplication pre =
      File(0, PreApplication({Business(
                  "p", Profile("調達情報の共有", {"procurement_information"}),
                  {"mlit"})}));
  const std::string case_name = pre.judgement().businesses(0).review_case();
  ASSERT_FALSE(case_name.empty());
  for (const auto& [replica, ministry] :
       std::vector<std::pair<int, std::string>>{{0, "mlit"}, {1, "mof"}}) {
    v1::ImpactAssessment assessment =
        LowAssessment({"procurement_information"});
    assessment.set_review_case(case_name);
    Submit(replica, ministry, std::move(assessment));
  }
  // Both replicas follow the feed; either may tally.
  const v1::ReviewCase review_case = AwaitCase(1, case_name, [](const auto& c) {
    return c.low_assessment_ministries_size() == 2;
  });
  EXPECT_THAT(review_case.low_assessment_ministries(),
              UnorderedElementsAre("ministries/mlit", "ministries/mof"));

  const std::vector<grpc::StatusCode> codes =
      Concurrently([&](int, int replica) {
        v1::ConfirmReviewCaseRequest request;
        request.set_name(review_case.name());
        request.set_etag(review_case.etag());
        request.set_reason("二つの省庁がいずれも低位と評価したため確認する");
        v1::ReviewCase out;
        return review_[replica]->ConfirmReviewCase(
            TestServer::Context(Ipa()).get(), request, &out);
      });
  int confirmed = 0;
  for (const grpc::StatusCode code : codes) {
    if (code == grpc::StatusCode::OK) ++confirmed;
    EXPECT_TRUE(code == grpc::StatusCode::OK ||
                code == grpc::StatusCode::ABORTED ||
                code == grpc::StatusCode::FAILED_PRECONDITION)
        << code;
  }
  EXPECT_EQ(confirmed, 1);
  for (int replica = 0; replica < kReplicas; ++replica) {
    v1::ListTargetBusinessesResponse items;
    ASSERT_TRUE(eligibility_[replica]
                    ->ListTargetBusinesses(TestServer::Context(Ipa()).get(),
                                           v1::ListTargetBusinessesRequest(),
                                           &items)
                    .ok());
    EXPECT_EQ(items.target_businesses_size(), 9) << "replica " << replica;
    EXPECT_EQ(items.current_list_version(), 2) << "replica " << replica;
  }

  // The waiting pre-application becomes eligible, and the CSP hears of it
  // once, though both replicas follow every change.
  AwaitOutcome(0, pre.name(), v1::ELIGIBILITY_OUTCOME_ELIGIBLE);
  absl::SleepFor(absl::Seconds(1));  // Lets both followers catch up.
  for (int replica = 0; replica < kReplicas; ++replica) {
    int eligible = 0;
    for (const v1::Notification& notification :
         Notifications(replica, pre.name())) {
      if (notification.new_outcome() == v1::ELIGIBILITY_OUTCOME_ELIGIBLE) {
        ++eligible;
      }
    }
    EXPECT_EQ(eligible, 1) << "replica " << replica;
    int judged_eligible = 0;
    for (const v1::Judgement& judgement : Judgements(replica, pre.name())) {
      if (judgement.overall_outcome() == v1::ELIGIBILITY_OUTCOME_ELIGIBLE) {
        ++judged_eligible;
      }
    }
    EXPECT_EQ(judged_eligible, 1) << "replica " << replica;
  }
}

TEST_F(ReplicasTest, RevisionsWithOneEtagThroughBothReplicasAcceptOne) {
  const v1::PreApplication pre =
      File(0, PreApplication(
                  {Business("cards", ProfilesMeetingEachItem()[2], {"mlit"})}));
  v1::ImpactAssessment assessment =
      LowAssessment({"business_card_information"});
  assessment.mutable_pre_application_business()->set_pre_application(
      pre.name());
  assessment.mutable_pre_application_business()->set_business_id("cards");
  const v1::ImpactAssessment created = Submit(1, "mlit", assessment);
  ASSERT_FALSE(created.etag().empty());

  const std::vector<grpc::StatusCode> codes =
      Concurrently([&](int, int replica) {
        v1::ReviseImpactAssessmentRequest request;
        request.set_name(created.name());
        request.set_etag(created.etag());
        *request.mutable_impact_assessment() = assessment;
        request.mutable_impact_assessment()->set_justification(
            absl::StrCat("改訂 via replica ", replica));
        v1::ImpactAssessment out;
        return impact_[replica]->ReviseImpactAssessment(
            TestServer::Context(Ministry("mlit")).get(), request, &out);
      });
  int revised = 0;
  for (const grpc::StatusCode code : codes) {
    if (code == grpc::StatusCode::OK) ++revised;
    EXPECT_TRUE(code == grpc::StatusCode::OK ||
                code == grpc::StatusCode::ABORTED)
        << code;
  }
  EXPECT_EQ(revised, 1);
  for (int replica = 0; replica < kReplicas; ++replica) {
    v1::ListImpactAssessmentRevisionsRequest request;
    request.set_parent(created.name());
    v1::ListImpactAssessmentRevisionsResponse revisions;
    ASSERT_TRUE(impact_[replica]
                    ->ListImpactAssessmentRevisions(
                        TestServer::Context(Ministry("mlit")).get(), request,
                        &revisions)
                    .ok());
    EXPECT_EQ(revisions.revisions_size(), 2) << "replica " << replica;
  }
}

TEST_F(ReplicasTest, RegistrationDecisionsThroughBothReplicasMakeOneService) {
  // An ELIGIBLE pre-application: filed through one replica, assessed LOW
  // through the other, judged by whichever follower gets there first.
  const v1::PreApplication pre =
      File(0, PreApplication(
                  {Business("cards", ProfilesMeetingEachItem()[2], {"mlit"})}));
  v1::ImpactAssessment assessment =
      LowAssessment({"business_card_information"});
  assessment.mutable_pre_application_business()->set_pre_application(
      pre.name());
  assessment.mutable_pre_application_business()->set_business_id("cards");
  Submit(1, "mlit", std::move(assessment));
  AwaitOutcome(0, pre.name(), v1::ELIGIBILITY_OUTCOME_ELIGIBLE);

  // Half the callers retry one RegisterService (one request_id), the others
  // each hold the service (a request_id each), all at once.
  std::vector<std::string> registered(kCallers);
  const auto is_register = [](int caller) { return caller % 2 == 0; };
  const std::vector<grpc::StatusCode> codes =
      Concurrently([&](int caller, int replica) {
        v1::CloudService out;
        grpc::Status status;
        if (is_register(caller)) {
          v1::RegisterServiceRequest request;
          request.set_pre_application(pre.name());
          request.mutable_statement_scope();
          request.set_request_id("register-once");
          status = audit_[replica]->RegisterService(
              TestServer::Context(Ipa()).get(), request, &out);
          registered[caller] = out.name();
        } else {
          v1::HoldServiceRequest request;
          request.set_pre_application(pre.name());
          request.mutable_statement_scope();
          request.set_reason("再監査");
          request.set_request_id(absl::StrCat("hold-", caller));
          status = audit_[replica]->HoldService(
              TestServer::Context(Ipa()).get(), request, &out);
        }
        return status;
      });
  for (const grpc::StatusCode code : codes) {
    EXPECT_TRUE(code == grpc::StatusCode::OK ||
                code == grpc::StatusCode::ALREADY_EXISTS)
        << code;
  }
  const int ok = std::count(codes.begin(), codes.end(), grpc::StatusCode::OK);
  int registers_ok = 0;
  for (int i = 0; i < kCallers; ++i) {
    if (is_register(i) && codes[i] == grpc::StatusCode::OK) ++registers_ok;
  }
  if (registers_ok > 0) {
    // The registration won: every retry of it is answered with its service,
    // and every hold is refused.
    EXPECT_EQ(registers_ok, kCallers / 2);
    EXPECT_EQ(ok, kCallers / 2);
    for (int i = 0; i < kCallers; i += 2) {
      EXPECT_EQ(registered[i], registered[0]);
    }
  } else {
    EXPECT_EQ(ok, 1);  // One hold won.
  }
  for (int replica = 0; replica < kReplicas; ++replica) {
    v1::ListServicesRequest request;
    request.set_pre_application(pre.name());
    v1::ListServicesResponse services;
    ASSERT_TRUE(
        audit_[replica]
            ->ListServices(TestServer::Context(Ipa()).get(), request, &services)
            .ok());
    EXPECT_EQ(services.services_size(), 1) << "replica " << replica;
  }
}

}  // namespace
}  // namespace ismap::liu
