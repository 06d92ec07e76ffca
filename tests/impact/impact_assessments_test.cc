// The rules of ImpactAssessmentService over a real SQLite store and a fake
// SubjectDirectory: what the integration tests cannot arrange with real
// services (an eligibility service that does not answer, a scope the access
// policy does not grant today, a review case losing its link), and the
// store's feed and paging keys. An addition to the integration tests, which
// use the real subjects.
#include "services/impact/impact_assessments.h"

#include <map>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/audit_trail/audit_trail.h"
#include "services/common/rules/rule_set.h"
#include "services/common/status_macros.h"
#include "services/common/storage/migrations.h"
#include "services/common/storage/sqlite_database.h"
#include "tests/harness/temp_dir.h"
#include "tests/harness/test_server.h"
#include "tests/impact/impact_testing.h"

namespace ismap::liu::impact {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::StartsWith;

// Subjects held in maps; `outage` makes every lookup UNAVAILABLE.
class FakeDirectory final : public SubjectDirectory {
 public:
  absl::StatusOr<v1::PreApplication> GetPreApplication(
      absl::string_view name, absl::Time) const override {
    if (!outage.ok()) return outage;
    const auto it = pre_applications.find(std::string(name));
    if (it == pre_applications.end()) return absl::NotFoundError("absent");
    return it->second;
  }
  absl::StatusOr<v1::ReviewCase> GetReviewCase(absl::string_view name,
                                               absl::Time) const override {
    if (!outage.ok()) return outage;
    const auto it = review_cases.find(std::string(name));
    if (it == review_cases.end()) return absl::NotFoundError("absent");
    return it->second;
  }

  std::map<std::string, v1::PreApplication> pre_applications;
  std::map<std::string, v1::ReviewCase> review_cases;
  absl::Status outage;
};

class ImpactAssessmentsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    database_ = *storage::SqliteDatabase::Open(dir_.Join("liu.sqlite3"), {});
    ASSERT_TRUE(storage::ApplyMigrations(*database_, AuditTrail::kComponent,
                                         AuditTrail::Migrations(), absl::Now())
                    .ok());
    ASSERT_TRUE(storage::ApplyMigrations(*database_, ImpactStore::kComponent,
                                         ImpactStore::Migrations(), absl::Now())
                    .ok());
    rules_ = *RuleSet::LoadFromDirectory(testing::SourceRulesDir());
    store_ = std::make_unique<ImpactStore>(database_.get());
    calculator_ = std::make_unique<ImpactCalculator>(
        *rules_->Require<v1::ImpactCriteria>(),
        *rules_->Require<v1::InformationVocabulary>());
    assessments_ = std::make_unique<ImpactAssessments>(
        store_.get(), calculator_.get(), &directory_, rules_->version(),
        &notifier_);

    v1::PreApplication pre;
    pre.set_name("preApplications/p1");
    pre.set_csp("csps/example-saas");
    pre.set_state(v1::PreApplication::STATE_ACTIVE);
    v1::PreApplicationBusiness* business = pre.add_businesses();
    business->set_business_id("cards");
    business->mutable_profile()->set_title("名刺管理");
    business->mutable_profile()->add_information_kinds(
        "business_card_information");
    business->add_ministries("ministries/mlit");
    directory_.pre_applications[pre.name()] = pre;

    v1::ReviewCase review_case;
    review_case.set_name("reviewCases/c1");
    review_case.set_state(v1::ReviewCase::STATE_OPEN);
    review_case.mutable_business()->set_title("住民相談");
    review_case.mutable_business()->add_information_kinds(
        "citizen_personal_information");
    review_case.add_linked_businesses()->set_pre_application(pre.name());
    directory_.review_cases[review_case.name()] = review_case;
  }

  static CallContext Call(Role role, const std::string& organisation,
                          v1::AccessScope scope) {
    return {Caller{role, organisation, "tester"}, scope,
            absl::Now() + absl::Seconds(10)};
  }
  static CallContext Mlit() {
    return Call(Role::kMinistry, "mlit", v1::ACCESS_SCOPE_OWN);
  }
  static CallContext Csp(const std::string& organisation = "example-saas") {
    return Call(Role::kCsp, organisation, v1::ACCESS_SCOPE_CONCERNED);
  }

  absl::StatusOr<v1::ImpactAssessment> CreateForCase(const CallContext& call) {
    v1::CreateImpactAssessmentRequest request;
    *request.mutable_impact_assessment() =
        testing::LowAssessment({"citizen_personal_information"});
    request.mutable_impact_assessment()->set_review_case("reviewCases/c1");
    v1::ImpactAssessment out;
    RETURN_IF_ERROR(assessments_->Create(call, request, &out));
    return out;
  }

  absl::Status Get(const CallContext& call, const std::string& name) {
    v1::GetImpactAssessmentRequest request;
    request.set_name(name);
    v1::ImpactAssessment out;
    return assessments_->Get(call, request, &out);
  }

  std::vector<std::string> Listed(const CallContext& call,
                                  const std::string& review_case) {
    v1::ListImpactAssessmentsRequest request;
    request.set_review_case(review_case);
    v1::ListImpactAssessmentsResponse out;
    EXPECT_TRUE(assessments_->List(call, request, &out).ok());
    std::vector<std::string> names;
    for (const auto& assessment : out.impact_assessments()) {
      names.push_back(assessment.name());
    }
    return names;
  }

  testing::TempDir dir_;
  std::unique_ptr<storage::Database> database_;
  std::shared_ptr<const RuleSet> rules_;
  std::unique_ptr<ImpactStore> store_;
  std::unique_ptr<ImpactCalculator> calculator_;
  FakeDirectory directory_;
  ChangeNotifier notifier_{absl::Hours(1)};
  std::unique_ptr<ImpactAssessments> assessments_;
};

TEST_F(ImpactAssessmentsTest, AnUnreachableDirectoryIsNeverTakenForAbsence) {
  const v1::ImpactAssessment created = *CreateForCase(Mlit());
  directory_.outage = absl::UnavailableError("EligibilityService: down");

  // Submitting needs the subject: UNAVAILABLE, nothing stored.
  EXPECT_EQ(CreateForCase(Call(Role::kMinistry, "mof", v1::ACCESS_SCOPE_OWN))
                .status()
                .code(),
            absl::StatusCode::kUnavailable);
  EXPECT_EQ(
      store_->ListEvents(0, {}, 10, absl::Now() + absl::Seconds(10))->size(),
      1u);
  // A CSP's read of a case assessment needs the links: UNAVAILABLE, not
  // NOT_FOUND (which would tell it the assessment is not its to read).
  EXPECT_EQ(Get(Csp(), created.name()).code(), absl::StatusCode::kUnavailable);
  // Revising needs the subject's state.
  v1::ReviseImpactAssessmentRequest revise;
  revise.set_name(created.name());
  revise.set_etag(created.etag());
  *revise.mutable_impact_assessment() =
      testing::LowAssessment({"citizen_personal_information"});
  v1::ImpactAssessment out;
  EXPECT_EQ(assessments_->Revise(Mlit(), revise, &out).code(),
            absl::StatusCode::kUnavailable);
  // Reads of its own need no subject.
  EXPECT_TRUE(Get(Mlit(), created.name()).ok());
}

TEST_F(ImpactAssessmentsTest, OnlyAMinistryEverSubmitsWhateverThePolicySays) {
  // Were the policy to grant another role OWN on Create, it still could not
  // submit in a ministry's name.
  EXPECT_EQ(
      CreateForCase(Call(Role::kCsp, "example-saas", v1::ACCESS_SCOPE_OWN))
          .status()
          .code(),
      absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(CreateForCase(Call(Role::kIpa, "ipa", v1::ACCESS_SCOPE_ALL))
                .status()
                .code(),
            absl::StatusCode::kPermissionDenied);
}

TEST_F(ImpactAssessmentsTest, AScopeOutsideTheGrantsReachesNothing) {
  const v1::ImpactAssessment created = *CreateForCase(Mlit());
  for (const CallContext& call :
       {Call(Role::kMinistry, "mlit", v1::ACCESS_SCOPE_CONCERNED),
        Call(Role::kCsp, "example-saas", v1::ACCESS_SCOPE_OWN),
        Call(Role::kIpa, "ipa", v1::ACCESS_SCOPE_UNSPECIFIED)}) {
    EXPECT_EQ(Get(call, created.name()).code(), absl::StatusCode::kNotFound);
    EXPECT_THAT(Listed(call, "reviewCases/c1"), IsEmpty());
  }
  EXPECT_THAT(
      Listed(Call(Role::kIpa, "ipa", v1::ACCESS_SCOPE_ALL), "reviewCases/c1"),
      ElementsAre(created.name()));
}

TEST_F(ImpactAssessmentsTest, ACspSeesACaseOnlyWhileItsPreApplicationIsLinked) {
  const v1::ImpactAssessment created = *CreateForCase(Mlit());
  EXPECT_TRUE(Get(Csp(), created.name()).ok());
  EXPECT_THAT(Listed(Csp(), "reviewCases/c1"), ElementsAre(created.name()));
  EXPECT_EQ(Get(Csp("other-saas"), created.name()).code(),
            absl::StatusCode::kNotFound);

  // Withdrawn pre-applications are unlinked from their cases.
  directory_.review_cases["reviewCases/c1"].clear_linked_businesses();
  EXPECT_EQ(Get(Csp(), created.name()).code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(Listed(Csp(), "reviewCases/c1"), IsEmpty());
}

TEST_F(ImpactAssessmentsTest, FeedSequencesAreConsecutiveInCommitOrder) {
  const v1::ImpactAssessment first = *CreateForCase(Mlit());
  const v1::ImpactAssessment second =
      *CreateForCase(Call(Role::kMinistry, "mof", v1::ACCESS_SCOPE_OWN));
  v1::WithdrawImpactAssessmentRequest withdraw;
  withdraw.set_name(first.name());
  withdraw.set_etag(first.etag());
  v1::ImpactAssessment withdrawn;
  ASSERT_TRUE(assessments_->Withdraw(Mlit(), withdraw, &withdrawn).ok());

  const absl::Time deadline = absl::Now() + absl::Seconds(10);
  const auto all = store_->ListEvents(0, {}, 10, deadline);
  ASSERT_TRUE(all.ok()) << all.status();
  ASSERT_EQ(all->size(), 3u);
  for (int i = 0; i < 3; ++i) EXPECT_EQ((*all)[i].sequence(), i + 1);
  EXPECT_EQ((*all)[2].impact_assessment().name(), first.name());
  EXPECT_EQ((*all)[2].kind(), v1::ImpactAssessmentEvent::KIND_WITHDRAWN);

  const auto limited = store_->ListEvents(1, {}, 1, deadline);
  ASSERT_EQ(limited->size(), 1u);
  EXPECT_EQ((*limited)[0].impact_assessment().name(), second.name());
  EXPECT_THAT(*store_->ListEvents(0, {"preApplications/p1", ""}, 10, deadline),
              IsEmpty());
}

TEST_F(ImpactAssessmentsTest, APageTokenWithAForeignKeyIsRefused) {
  // A token whose fingerprint matches but whose key this store did not make.
  v1::ListImpactAssessmentsRequest request;
  request.set_page_token(
      NextPageToken("not-a-key", true, "ListImpactAssessments\n\n\n\n\n0"));
  v1::ListImpactAssessmentsResponse out;
  const absl::Status status = assessments_->List(
      Call(Role::kIpa, "ipa", v1::ACCESS_SCOPE_ALL), request, &out);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  std::vector<std::string> fields;
  for (const auto& violation : FieldViolationsOf(status)) {
    fields.push_back(violation.field());
  }
  EXPECT_THAT(fields, ElementsAre("page_token"));

  const v1::ImpactAssessment created = *CreateForCase(Mlit());
  v1::ListImpactAssessmentRevisionsRequest revisions;
  revisions.set_parent(created.name());
  revisions.set_page_token(NextPageToken(
      "0", true, "ListImpactAssessmentRevisions\n" + created.name()));
  v1::ListImpactAssessmentRevisionsResponse revisions_out;
  const absl::Status revisions_status =
      assessments_->ListRevisions(Mlit(), revisions, &revisions_out);
  EXPECT_EQ(revisions_status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FieldViolationsOf(revisions_status).size(), 1u);
}

}  // namespace
}  // namespace ismap::liu::impact
