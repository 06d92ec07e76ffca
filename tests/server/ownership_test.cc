// Every RPC whose grant is limited to the caller's own or concerned
// resources, tried by another organisation of the same role on real
// resources (issue #6): each is refused without a word about the resource
// (NOT_FOUND, or a list without its items), and storage is unchanged. A
// coverage check holds the cases against the access policy, so that an RPC
// granted OWN or CONCERNED without a case here fails the suite.
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "ismap/liu/v1/eligibility.grpc.pb.h"
#include "ismap/liu/v1/impact_assessment.grpc.pb.h"
#include "ismap/liu/v1/review.grpc.pb.h"
#include "services/common/identity/access_policy_table.h"
#include "tests/eligibility/eligibility_testing.h"
#include "tests/harness/assessment_builder.h"
#include "tests/harness/test_server.h"

namespace ismap::liu {
namespace {

using testing::Business;
using testing::PreApplication;
using testing::Profile;
using testing::ProfilesMeetingEachItem;
using testing::TestServer;

// One RPC tried by an intruder: returns whether the resource stayed hidden
// (a refusal that says nothing about it, or a response without its data).
struct Intrusion {
  std::string method;  // Full name, e.g. "ismap.liu.v1.X/Y".
  Role role;
  std::function<bool()> hidden;
};

bool NotFound(const grpc::Status& status) {
  return status.error_code() == grpc::StatusCode::NOT_FOUND;
}

class OwnershipTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto server = TestServer::Start();
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    eligibility_ = server_->Stub<v1::EligibilityService>();
    review_ = server_->Stub<v1::ReviewService>();
    impact_ = server_->Stub<v1::ImpactAssessmentService>();

    // The owners' resources: a pre-application of owner-saas naming mlit,
    // with one business on the list and one needing review, and mlit's
    // assessment of the listed one.
    v1::CreatePreApplicationRequest create;
    *create.mutable_pre_application() = PreApplication(
        {Business("cards", ProfilesMeetingEachItem()[2], {"mlit"}),
         Business("proc", Profile("調達", {"procurement_information"}),
                  {"mlit"})});
    ASSERT_TRUE(
        eligibility_
            ->CreatePreApplication(
                TestServer::Context(Token(Role::kCsp, "owner-saas")).get(),
                create, &pre_)
            .ok());
    review_case_ = pre_.judgement().businesses(1).review_case();

    v1::CreateImpactAssessmentRequest assess;
    v1::ImpactAssessment* assessment = assess.mutable_impact_assessment();
    *assessment = testing::LowAssessment({"business_card_information"});
    assessment->mutable_pre_application_business()->set_pre_application(
        pre_.name());
    assessment->mutable_pre_application_business()->set_business_id("cards");
    const grpc::Status assessed = impact_->CreateImpactAssessment(
        TestServer::Context(Token(Role::kMinistry, "mlit")).get(), assess,
        &assessment_);
    ASSERT_TRUE(assessed.ok()) << assessed.error_message();
    // Wait until the judgement has followed the assessment and the
    // follower has stored its place in the feed, so that nothing changes on
    // its own while the intruders try.
    const absl::Time deadline = absl::Now() + absl::Seconds(15);
    while (absl::Now() < deadline && pre_.judgement().businesses(0).outcome() !=
                                         v1::ELIGIBILITY_OUTCOME_ELIGIBLE) {
      v1::GetPreApplicationRequest get;
      get.set_name(pre_.name());
      ASSERT_TRUE(eligibility_
                      ->GetPreApplication(
                          TestServer::Context(Token(Role::kIpa, "ipa")).get(),
                          get, &pre_)
                      .ok());
    }
    std::string previous;
    for (std::string dump = server_->DumpAllTables();
         dump != previous && absl::Now() < deadline;
         dump = server_->DumpAllTables()) {
      previous = std::move(dump);
      absl::SleepFor(absl::Milliseconds(200));
    }
  }

  std::string Token(Role role, const std::string& organisation) {
    return server_->Token(role, organisation);
  }
  std::unique_ptr<grpc::ClientContext> Intruder(Role role) {
    return TestServer::Context(
        Token(role, role == Role::kCsp ? "intruder-saas" : "mof"));
  }

  std::vector<Intrusion> Intrusions() {
    const std::string judgement = pre_.judgement().name();
    const std::string notification = pre_.name() + "/notifications/1";
    const std::string revision = assessment_.name() + "/revisions/1";
    auto e = [](const char* method) {
      return absl::StrCat(v1::EligibilityService::service_full_name(), "/",
                          method);
    };
    auto r = [](const char* method) {
      return absl::StrCat(v1::ReviewService::service_full_name(), "/", method);
    };
    auto i = [](const char* method) {
      return absl::StrCat(v1::ImpactAssessmentService::service_full_name(), "/",
                          method);
    };
    std::vector<Intrusion> all;
    for (Role role : {Role::kCsp, Role::kMinistry}) {
      all.push_back({e("GetPreApplication"), role, [=] {
                       v1::GetPreApplicationRequest q;
                       q.set_name(pre_.name());
                       v1::PreApplication out;
                       return NotFound(eligibility_->GetPreApplication(
                                  Intruder(role).get(), q, &out)) &&
                              out.name().empty();
                     }});
      all.push_back({e("ListPreApplications"), role, [=] {
                       v1::ListPreApplicationsRequest q;
                       v1::ListPreApplicationsResponse out;
                       return eligibility_
                                  ->ListPreApplications(Intruder(role).get(), q,
                                                        &out)
                                  .ok() &&
                              out.pre_applications().empty();
                     }});
      all.push_back({e("GetJudgement"), role, [=] {
                       v1::GetJudgementRequest q;
                       q.set_name(judgement);
                       v1::Judgement out;
                       return NotFound(eligibility_->GetJudgement(
                           Intruder(role).get(), q, &out));
                     }});
      all.push_back({e("ListJudgements"), role, [=] {
                       v1::ListJudgementsRequest q;
                       q.set_parent(pre_.name());
                       v1::ListJudgementsResponse out;
                       return NotFound(eligibility_->ListJudgements(
                           Intruder(role).get(), q, &out));
                     }});
      all.push_back({i("GetImpactAssessment"), role, [=] {
                       v1::GetImpactAssessmentRequest q;
                       q.set_name(assessment_.name());
                       v1::ImpactAssessment out;
                       return NotFound(impact_->GetImpactAssessment(
                                  Intruder(role).get(), q, &out)) &&
                              out.name().empty();
                     }});
      all.push_back({i("ListImpactAssessments"), role, [=] {
                       v1::ListImpactAssessmentsRequest q;
                       q.set_pre_application(pre_.name());
                       v1::ListImpactAssessmentsResponse out;
                       const grpc::Status status =
                           impact_->ListImpactAssessments(Intruder(role).get(),
                                                          q, &out);
                       return (status.ok() || NotFound(status)) &&
                              out.impact_assessments().empty();
                     }});
      all.push_back({i("GetImpactAssessmentRevision"), role, [=] {
                       v1::GetImpactAssessmentRevisionRequest q;
                       q.set_name(revision);
                       v1::ImpactAssessmentRevision out;
                       return NotFound(impact_->GetImpactAssessmentRevision(
                           Intruder(role).get(), q, &out));
                     }});
      all.push_back({i("ListImpactAssessmentRevisions"), role, [=] {
                       v1::ListImpactAssessmentRevisionsRequest q;
                       q.set_parent(assessment_.name());
                       v1::ListImpactAssessmentRevisionsResponse out;
                       return NotFound(impact_->ListImpactAssessmentRevisions(
                           Intruder(role).get(), q, &out));
                     }});
    }
    // CSP-only grants.
    all.push_back({e("ReevaluatePreApplication"), Role::kCsp, [=] {
                     v1::ReevaluatePreApplicationRequest q;
                     q.set_name(pre_.name());
                     q.set_etag(pre_.etag());
                     v1::PreApplication out;
                     return NotFound(eligibility_->ReevaluatePreApplication(
                         Intruder(Role::kCsp).get(), q, &out));
                   }});
    all.push_back({e("WithdrawPreApplication"), Role::kCsp, [=] {
                     v1::WithdrawPreApplicationRequest q;
                     q.set_name(pre_.name());
                     q.set_etag(pre_.etag());
                     q.set_reason("乗っ取り");
                     v1::PreApplication out;
                     return NotFound(eligibility_->WithdrawPreApplication(
                         Intruder(Role::kCsp).get(), q, &out));
                   }});
    all.push_back({e("GetNotification"), Role::kCsp, [=] {
                     v1::GetNotificationRequest q;
                     q.set_name(notification);
                     v1::Notification out;
                     return NotFound(eligibility_->GetNotification(
                         Intruder(Role::kCsp).get(), q, &out));
                   }});
    all.push_back(
        {e("ListNotifications"), Role::kCsp, [=] {
           v1::ListNotificationsRequest q;
           q.set_parent("preApplications/-");
           v1::ListNotificationsResponse out;
           const bool all_hidden =
               eligibility_
                   ->ListNotifications(Intruder(Role::kCsp).get(), q, &out)
                   .ok() &&
               out.notifications().empty();
           q.set_parent(pre_.name());
           return all_hidden && NotFound(eligibility_->ListNotifications(
                                    Intruder(Role::kCsp).get(), q, &out));
         }});
    all.push_back({e("WatchNotifications"), Role::kCsp, [=] {
                     v1::WatchNotificationsRequest q;
                     q.set_parent(pre_.name());
                     auto context = Intruder(Role::kCsp);
                     auto reader =
                         eligibility_->WatchNotifications(context.get(), q);
                     v1::WatchNotificationsResponse out;
                     return !reader->Read(&out) && NotFound(reader->Finish());
                   }});
    all.push_back({r("GetReviewCase"), Role::kCsp, [=] {
                     v1::GetReviewCaseRequest q;
                     q.set_name(review_case_);
                     v1::ReviewCase out;
                     return NotFound(review_->GetReviewCase(
                         Intruder(Role::kCsp).get(), q, &out));
                   }});
    all.push_back(
        {r("ListReviewCases"), Role::kCsp, [=] {
           v1::ListReviewCasesRequest q;
           v1::ListReviewCasesResponse out;
           return review_->ListReviewCases(Intruder(Role::kCsp).get(), q, &out)
                      .ok() &&
                  out.review_cases().empty();
         }});
    // Ministry-only grants.
    all.push_back({i("CreateImpactAssessment"), Role::kMinistry, [=] {
                     // mof is not a using ministry of the business.
                     v1::CreateImpactAssessmentRequest q;
                     *q.mutable_impact_assessment() = assessment_;
                     v1::ImpactAssessment out;
                     const grpc::Status status =
                         impact_->CreateImpactAssessment(
                             Intruder(Role::kMinistry).get(), q, &out);
                     return !status.ok() && out.name().empty();
                   }});
    all.push_back({i("ReviseImpactAssessment"), Role::kMinistry, [=] {
                     v1::ReviseImpactAssessmentRequest q;
                     q.set_name(assessment_.name());
                     q.set_etag(assessment_.etag());
                     *q.mutable_impact_assessment() = assessment_;
                     v1::ImpactAssessment out;
                     return NotFound(impact_->ReviseImpactAssessment(
                         Intruder(Role::kMinistry).get(), q, &out));
                   }});
    all.push_back({i("WithdrawImpactAssessment"), Role::kMinistry, [=] {
                     v1::WithdrawImpactAssessmentRequest q;
                     q.set_name(assessment_.name());
                     q.set_etag(assessment_.etag());
                     q.set_reason("他省庁による取下げ");
                     v1::ImpactAssessment out;
                     return NotFound(impact_->WithdrawImpactAssessment(
                         Intruder(Role::kMinistry).get(), q, &out));
                   }});
    // Last: the intruder's own filing links it to the same review case.
    all.push_back({e("CreatePreApplication"), Role::kCsp, [=] {
                     // A CSP always files as itself: the new pre-application
                     // is the intruder's, never the owner's.
                     v1::CreatePreApplicationRequest q;
                     *q.mutable_pre_application() = pre_;
                     v1::PreApplication out;
                     const bool ok =
                         eligibility_
                             ->CreatePreApplication(Intruder(Role::kCsp).get(),
                                                    q, &out)
                             .ok();
                     created_by_intruder_ = out.name();
                     return ok && out.csp() == "csps/intruder-saas" &&
                            out.name() != pre_.name();
                   }});
    return all;
  }

  std::unique_ptr<TestServer> server_;
  std::unique_ptr<v1::EligibilityService::Stub> eligibility_;
  std::unique_ptr<v1::ReviewService::Stub> review_;
  std::unique_ptr<v1::ImpactAssessmentService::Stub> impact_;
  v1::PreApplication pre_;
  v1::ImpactAssessment assessment_;
  std::string review_case_;
  std::string created_by_intruder_;
};

TEST_F(OwnershipTest, AnotherOrganisationOfTheSameRoleReachesNothing) {
  const std::vector<Intrusion> intrusions = Intrusions();
  for (const Intrusion& intrusion : intrusions) {
    const std::string before = server_->DumpAllTables();
    EXPECT_TRUE(intrusion.hidden())
        << intrusion.method << " as another " << RoleName(intrusion.role);
    if (intrusion.method !=
        absl::StrCat(v1::EligibilityService::service_full_name(),
                     "/CreatePreApplication")) {
      EXPECT_EQ(server_->DumpAllTables(), before)
          << intrusion.method << " as another " << RoleName(intrusion.role)
          << " changed storage";
    }
  }
  // The owner's pre-application is untouched by the intruder's own filing.
  v1::GetPreApplicationRequest get;
  get.set_name(pre_.name());
  v1::PreApplication after;
  ASSERT_TRUE(
      eligibility_
          ->GetPreApplication(
              TestServer::Context(Token(Role::kCsp, "owner-saas")).get(), get,
              &after)
          .ok());
  EXPECT_EQ(after.etag(), pre_.etag());
  EXPECT_NE(created_by_intruder_, pre_.name());
}

TEST_F(OwnershipTest, EveryOwnOrConcernedGrantOfTheseServicesHasACase) {
  std::set<std::pair<std::string, Role>> covered;
  for (const Intrusion& intrusion : Intrusions()) {
    covered.insert({intrusion.method, intrusion.role});
  }
  const v1::AccessPolicy& policy =
      **server_->server().rules().Require<v1::AccessPolicy>();
  for (const v1::MethodAccess& entry : policy.methods()) {
    const bool tested_here =
        absl::StartsWith(entry.method(), "ismap.liu.v1.EligibilityService/") ||
        absl::StartsWith(entry.method(), "ismap.liu.v1.ReviewService/") ||
        absl::StartsWith(entry.method(),
                         "ismap.liu.v1.ImpactAssessmentService/");
    if (!tested_here) continue;
    for (const v1::RoleGrant& grant : entry.grants()) {
      if (grant.scope() == v1::ACCESS_SCOPE_ALL) continue;
      for (Role role : {Role::kCsp, Role::kMinistry, Role::kIpa}) {
        if (ToCallerRole(role) != grant.role()) continue;
        EXPECT_TRUE(covered.count({entry.method(), role}))
            << entry.method() << " grants " << RoleName(role)
            << " a limited scope but has no case here";
      }
    }
  }
}

}  // namespace
}  // namespace ismap::liu
