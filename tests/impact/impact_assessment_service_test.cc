// ImpactAssessmentService over gRPC against the real all-in-one server and
// SQLite, with real subjects: a CSP files pre-applications through
// EligibilityService (which opens review cases by itself), ministries assess
// them. Every RPC, every validation error, every permission rule (each
// refused call leaves storage unchanged: the audit-trail length read through
// the API and every table), the change feed, and a Japanese assessment
// round-tripping byte for byte.
#include <chrono>
#include <future>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/time_util.h"
#include "gtest/gtest.h"
#include "services/common/file_contents.h"
#include "tests/eligibility/eligibility_testing.h"
#include "tests/harness/temp_dir.h"
#include "tests/impact/impact_testing.h"

namespace ismap::liu {
namespace {

using testing::Business;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using testing::LowAssessment;
using testing::PreApplication;
using testing::Profile;
using testing::SetAnswer;
using ::testing::StartsWith;
using testing::TestServer;
using ::testing::UnorderedElementsAre;
using testing::Violations;

// The profile of target-list item 3 (business cards).
v1::BusinessProfile Cards() { return testing::ProfilesMeetingEachItem()[2]; }
const std::vector<std::string> kCardKinds = {"business_card_information"};

v1::ListImpactAssessmentsRequest ListOf(const std::string& pre_application,
                                        const std::string& review_case = "") {
  v1::ListImpactAssessmentsRequest request;
  request.set_pre_application(pre_application);
  request.set_review_case(review_case);
  return request;
}

class ImpactAssessmentServiceTest : public testing::ImpactServiceTest {
 protected:
  // A pre-application whose business "cards" `ministries` use.
  v1::PreApplication FileCards(const std::vector<std::string>& ministries,
                               const std::string& csp = "example-saas",
                               const std::string& service = "名刺クラウド") {
    return File(
        PreApplication({Business("cards", Cards(), ministries)}, service), csp);
  }

  // A pre-application of a business no item covers; its review case.
  std::string FileUncovered(const std::string& csp = "example-saas",
                            const std::string& service = "相談受付クラウド") {
    const v1::PreApplication pre =
        File(PreApplication(
                 {Business("consultation",
                           Profile("住民相談の受付", {testing::kUncoveredKind}),
                           {"mlit"})},
                 service),
             csp);
    EXPECT_EQ(pre.judgement().businesses_size(), 1);
    return pre.judgement().businesses_size() == 1
               ? pre.judgement().businesses(0).review_case()
               : "";
  }

  v1::PreApplication GetPre(const std::string& name) {
    v1::GetPreApplicationRequest request;
    request.set_name(name);
    v1::PreApplication pre;
    EXPECT_TRUE(
        eligibility_
            ->GetPreApplication(TestServer::Context(Ipa()).get(), request, &pre)
            .ok());
    return pre;
  }

  // Reads the pre-application until its overall outcome is `outcome`.
  v1::PreApplication AwaitOutcome(const std::string& name,
                                  v1::EligibilityOutcome outcome) {
    v1::PreApplication pre;
    const absl::Time deadline = absl::Now() + absl::Seconds(15);
    while (absl::Now() < deadline) {
      pre = GetPre(name);
      if (pre.judgement().overall_outcome() == outcome) return pre;
      absl::SleepFor(absl::Milliseconds(20));
    }
    ADD_FAILURE() << name << " never became "
                  << v1::EligibilityOutcome_Name(outcome);
    return pre;
  }
};

// The serialized form, to compare messages byte for byte.
std::string Bytes(const google::protobuf::Message& message) {
  return message.SerializeAsString();
}

// ---------------------------------------------------------------------------
// Every RPC.

TEST_F(ImpactAssessmentServiceTest, SubmitsForAPreApplicationBusiness) {
  const v1::PreApplication pre = FileCards({"mlit"});
  const v1::ImpactAssessment created =
      Submit("mlit", LowAssessment(kCardKinds), pre.name(), "cards");

  EXPECT_THAT(created.name(), StartsWith("ministries/mlit/impactAssessments/"));
  EXPECT_EQ(created.ministry(), "ministries/mlit");
  EXPECT_EQ(Bytes(created.business()), Bytes(pre.businesses(0).profile()));
  EXPECT_EQ(created.pre_application_business().pre_application(), pre.name());
  EXPECT_EQ(created.pre_application_business().business_id(), "cards");
  EXPECT_EQ(created.state(), v1::ImpactAssessment::STATE_ACTIVE);
  EXPECT_EQ(created.revision(), 1);
  EXPECT_TRUE(created.all_low());
  EXPECT_EQ(created.overall_level(), v1::IMPACT_LEVEL_LOW);
  EXPECT_EQ(created.high_water_mark().integrity(), v1::IMPACT_LEVEL_LOW);
  ASSERT_EQ(created.implied_minimums_size(), 1);
  EXPECT_EQ(created.implied_minimums(0).information_kind(),
            "business_card_information");
  EXPECT_EQ(created.implied_minimums(0).levels().confidentiality(),
            v1::IMPACT_LEVEL_LOW);
  EXPECT_EQ(created.rules_version(), server_->server().rules().version());
  EXPECT_FALSE(created.etag().empty());
  EXPECT_EQ(Bytes(created.create_time()), Bytes(created.update_time()));
  EXPECT_FALSE(created.has_withdraw_time());

  // The change and who made it are in the audit trail.
  v1::ListAuditEventsRequest audit_request;
  audit_request.set_page_size(500);
  v1::ListAuditEventsResponse events;
  ASSERT_TRUE(audit_
                  ->ListAuditEvents(TestServer::Context(Ipa()).get(),
                                    audit_request, &events)
                  .ok());
  int recorded = 0;
  for (const v1::AuditEvent& event : events.audit_events()) {
    if (event.resource() == created.name()) {
      EXPECT_EQ(event.action(), "CreateImpactAssessment");
      EXPECT_EQ(event.actor(), "ministry:mlit/tester");
      EXPECT_TRUE(event.before_sha256().empty());
      ++recorded;
    }
  }
  EXPECT_EQ(recorded, 1);

  // The ministry, the CSP whose pre-application it is, and IPA read it.
  for (const std::string& token : {Ministry("mlit"), Csp(), Ipa()}) {
    v1::ImpactAssessment read;
    ASSERT_TRUE(Get(token, created.name(), &read).ok());
    EXPECT_EQ(Bytes(read), Bytes(created));
  }
}

TEST_F(ImpactAssessmentServiceTest, ListsByMinistrySubjectAndStatePaged) {
  const v1::PreApplication first = FileCards({"mlit", "mof"});
  const v1::PreApplication second = FileCards({"mlit"}, "example-saas", "別");
  const std::string review_case = FileUncovered();
  const std::string a =
      Submit("mlit", LowAssessment(kCardKinds), first.name(), "cards").name();
  const std::string b =
      Submit("mof", LowAssessment(kCardKinds), first.name(), "cards").name();
  const std::string c =
      Submit("mlit", LowAssessment(kCardKinds), second.name(), "cards").name();
  const std::string d =
      Submit("mof", LowAssessment({testing::kUncoveredKind}), review_case)
          .name();

  // Newest update first.
  EXPECT_THAT(ListedNames(Ipa(), {}), ElementsAre(d, c, b, a));
  v1::ListImpactAssessmentsRequest request;
  request.set_ministry("ministries/mof");
  EXPECT_THAT(ListedNames(Ipa(), request), ElementsAre(d, b));
  EXPECT_THAT(ListedNames(Ipa(), ListOf(first.name())), ElementsAre(b, a));
  request = ListOf(first.name());
  request.set_business_id("cards");
  request.set_ministry("ministries/mlit");
  EXPECT_THAT(ListedNames(Ipa(), request), ElementsAre(a));
  request.set_business_id("other");
  EXPECT_THAT(ListedNames(Ipa(), request), IsEmpty());
  EXPECT_THAT(ListedNames(Ipa(), ListOf("", review_case)), ElementsAre(d));
  request = {};
  request.set_state(v1::ImpactAssessment::STATE_WITHDRAWN);
  EXPECT_THAT(ListedNames(Ipa(), request), IsEmpty());
  request.set_state(v1::ImpactAssessment::STATE_ACTIVE);
  EXPECT_THAT(ListedNames(Ipa(), request), ElementsAre(d, c, b, a));

  // Pages of one, neither skipping nor repeating.
  request = {};
  request.set_page_size(1);
  std::vector<std::string> paged;
  do {
    v1::ListImpactAssessmentsResponse page;
    ASSERT_TRUE(List(Ipa(), request, &page).ok());
    ASSERT_LE(page.impact_assessments_size(), 1);
    for (const auto& assessment : page.impact_assessments()) {
      paged.push_back(assessment.name());
    }
    request.set_page_token(page.next_page_token());
  } while (!request.page_token().empty());
  EXPECT_THAT(paged, ElementsAre(d, c, b, a));
}

TEST_F(ImpactAssessmentServiceTest, AnyMinistryAssessesAnOpenReviewCase) {
  const std::string review_case = FileUncovered();
  ASSERT_THAT(review_case, StartsWith("reviewCases/"));
  // mof uses no business of the pre-application, yet may assess the case.
  const v1::ImpactAssessment created =
      Submit("mof", LowAssessment({testing::kUncoveredKind}), review_case);
  EXPECT_EQ(created.review_case(), review_case);
  EXPECT_EQ(created.business().title(), "住民相談の受付");
  EXPECT_EQ(created.ministry(), "ministries/mof");

  // The review side counts it (it follows the feed).
  v1::GetReviewCaseRequest request;
  request.set_name(review_case);
  v1::ReviewCase counted;
  const absl::Time deadline = absl::Now() + absl::Seconds(15);
  while (absl::Now() < deadline &&
         counted.low_assessment_ministries().empty()) {
    ASSERT_TRUE(
        review_
            ->GetReviewCase(TestServer::Context(Ipa()).get(), request, &counted)
            .ok());
    absl::SleepFor(absl::Milliseconds(20));
  }
  EXPECT_THAT(counted.low_assessment_ministries(),
              ElementsAre("ministries/mof"));
}

TEST_F(ImpactAssessmentServiceTest, RevisesKeepingEveryEarlierRevision) {
  const v1::PreApplication pre = FileCards({"mlit"});
  const v1::ImpactAssessment first =
      Submit("mlit", LowAssessment(kCardKinds), pre.name(), "cards");

  // Rated above what the answers imply: allowed, with a justification.
  v1::ImpactAssessment above = LowAssessment(kCardKinds);
  above.mutable_information_ratings(0)->mutable_levels()->set_integrity(
      v1::IMPACT_LEVEL_MODERATE);
  v1::ImpactAssessment second;
  ASSERT_TRUE(
      Revise(Ministry("mlit"), first.name(), first.etag(), above, &second)
          .ok());
  EXPECT_EQ(second.name(), first.name());
  EXPECT_EQ(second.revision(), 2);
  EXPECT_FALSE(second.all_low());
  EXPECT_EQ(second.overall_level(), v1::IMPACT_LEVEL_MODERATE);
  EXPECT_EQ(second.high_water_mark().integrity(), v1::IMPACT_LEVEL_MODERATE);
  EXPECT_EQ(second.implied_minimums(0).levels().integrity(),
            v1::IMPACT_LEVEL_LOW);
  EXPECT_NE(second.etag(), first.etag());
  EXPECT_EQ(Bytes(second.create_time()), Bytes(first.create_time()));
  EXPECT_EQ(Bytes(second.business()), Bytes(first.business()));

  // An answer implying HIGH availability, rated HIGH; the subject may be
  // sent unchanged.
  v1::ImpactAssessment high = LowAssessment(kCardKinds);
  SetAnswer(high, "a2_tolerable_outage", "none");
  high.mutable_information_ratings(0)->mutable_levels()->set_availability(
      v1::IMPACT_LEVEL_HIGH);
  *high.mutable_pre_application_business() = first.pre_application_business();
  v1::ImpactAssessment third;
  ASSERT_TRUE(
      Revise(Ministry("mlit"), first.name(), second.etag(), high, &third).ok());
  EXPECT_EQ(third.revision(), 3);
  EXPECT_EQ(third.implied_minimums(0).levels().availability(),
            v1::IMPACT_LEVEL_HIGH);
  EXPECT_EQ(third.overall_level(), v1::IMPACT_LEVEL_HIGH);

  v1::ImpactAssessment current;
  ASSERT_TRUE(Get(Ministry("mlit"), first.name(), &current).ok());
  EXPECT_EQ(Bytes(current), Bytes(third));

  // Every revision stays readable, as it was recorded.
  v1::ListImpactAssessmentRevisionsResponse revisions;
  ASSERT_TRUE(ListRevisions(Ministry("mlit"), first.name(), &revisions).ok());
  ASSERT_EQ(revisions.revisions_size(), 3);
  const std::vector<const v1::ImpactAssessment*> expected = {&first, &second,
                                                             &third};
  for (int i = 0; i < 3; ++i) {
    const v1::ImpactAssessmentRevision& revision = revisions.revisions(i);
    EXPECT_EQ(revision.name(),
              absl::StrCat(first.name(), "/revisions/", i + 1));
    EXPECT_EQ(revision.revision(), i + 1);
    EXPECT_EQ(Bytes(revision.snapshot()), Bytes(*expected[i]));
    EXPECT_EQ(revision.author().role(), v1::CALLER_ROLE_MINISTRY);
    EXPECT_EQ(revision.author().organisation(), "ministries/mlit");
    EXPECT_EQ(revision.author().subject(), "tester");
    v1::ImpactAssessmentRevision one;
    ASSERT_TRUE(GetRevision(Csp(), revision.name(), &one).ok());
    EXPECT_EQ(Bytes(one), Bytes(revision));
  }

  v1::ListImpactAssessmentRevisionsRequest paged;
  paged.set_parent(first.name());
  paged.set_page_size(2);
  v1::ListImpactAssessmentRevisionsResponse page;
  ASSERT_TRUE(impact_
                  ->ListImpactAssessmentRevisions(
                      TestServer::Context(Ipa()).get(), paged, &page)
                  .ok());
  ASSERT_EQ(page.revisions_size(), 2);
  ASSERT_FALSE(page.next_page_token().empty());
  paged.set_page_token(page.next_page_token());
  ASSERT_TRUE(impact_
                  ->ListImpactAssessmentRevisions(
                      TestServer::Context(Ipa()).get(), paged, &page)
                  .ok());
  ASSERT_EQ(page.revisions_size(), 1);
  EXPECT_EQ(page.revisions(0).revision(), 3);
  EXPECT_TRUE(page.next_page_token().empty());

  v1::ImpactAssessmentRevision absent;
  EXPECT_EQ(
      GetRevision(Ipa(), first.name() + "/revisions/4", &absent).error_code(),
      grpc::StatusCode::NOT_FOUND);
}

TEST_F(ImpactAssessmentServiceTest, RefusedRevisionsChangeNothing) {
  const v1::PreApplication pre = FileCards({"mlit"});
  const v1::ImpactAssessment first =
      Submit("mlit", LowAssessment(kCardKinds), pre.name(), "cards");
  v1::ImpactAssessment second;
  ASSERT_TRUE(Revise(Ministry("mlit"), first.name(), first.etag(),
                     LowAssessment(kCardKinds), &second)
                  .ok());
  const std::string before = SettledStorage();
  v1::ImpactAssessment out;

  // A stale etag.
  grpc::Status status = Revise(Ministry("mlit"), first.name(), first.etag(),
                               LowAssessment(kCardKinds), &out);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::ABORTED);
  status = Withdraw(Ministry("mlit"), first.name(), first.etag(), "", &out);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::ABORTED);

  // Another subject.
  v1::ImpactAssessment moved = LowAssessment(kCardKinds);
  moved.mutable_pre_application_business()->set_pre_application(pre.name());
  moved.mutable_pre_application_business()->set_business_id("other");
  status = Revise(Ministry("mlit"), first.name(), second.etag(), moved, &out);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(Violations(status),
              ElementsAre(HasSubstr(
                  "impact_assessment.pre_application_business: the subject "
                  "cannot change")));
  moved.set_review_case("reviewCases/abc");
  status = Revise(Ministry("mlit"), first.name(), second.etag(), moved, &out);
  EXPECT_THAT(Violations(status),
              ElementsAre(HasSubstr("impact_assessment.review_case")));

  EXPECT_EQ(SettledStorage(), before);
}

TEST_F(ImpactAssessmentServiceTest, WithdrawnStaysReadableAndNoLongerCounts) {
  const v1::PreApplication pre = FileCards({"mlit"});
  const v1::ImpactAssessment created =
      Submit("mlit", LowAssessment(kCardKinds), pre.name(), "cards");
  AwaitOutcome(pre.name(), v1::ELIGIBILITY_OUTCOME_ELIGIBLE);

  v1::ImpactAssessment withdrawn;
  ASSERT_TRUE(Withdraw(Ministry("mlit"), created.name(), created.etag(),
                       "評価をやり直すため", &withdrawn)
                  .ok());
  EXPECT_EQ(withdrawn.state(), v1::ImpactAssessment::STATE_WITHDRAWN);
  EXPECT_EQ(withdrawn.withdraw_reason(), "評価をやり直すため");
  EXPECT_TRUE(withdrawn.has_withdraw_time());
  EXPECT_EQ(withdrawn.revision(), 1);
  EXPECT_NE(withdrawn.etag(), created.etag());

  // Readable, with its revisions; no longer ACTIVE.
  v1::ImpactAssessment read;
  ASSERT_TRUE(Get(Csp(), created.name(), &read).ok());
  EXPECT_EQ(Bytes(read), Bytes(withdrawn));
  v1::ImpactAssessmentRevision revision;
  ASSERT_TRUE(
      GetRevision(Ipa(), created.name() + "/revisions/1", &revision).ok());
  EXPECT_EQ(Bytes(revision.snapshot()), Bytes(created));
  v1::ListImpactAssessmentsRequest active = ListOf(pre.name());
  active.set_state(v1::ImpactAssessment::STATE_ACTIVE);
  EXPECT_THAT(ListedNames(Ipa(), active), IsEmpty());
  active.set_state(v1::ImpactAssessment::STATE_WITHDRAWN);
  EXPECT_THAT(ListedNames(Ipa(), active), ElementsAre(created.name()));

  // The judgement no longer counts it.
  const v1::PreApplication waiting =
      AwaitOutcome(pre.name(), v1::ELIGIBILITY_OUTCOME_WAITING_FOR_ASSESSMENT);
  EXPECT_THAT(waiting.judgement().businesses(0).waiting_for_ministries(),
              ElementsAre("ministries/mlit"));

  // Nothing more can happen to it.
  const std::string before = SettledStorage();
  v1::ImpactAssessment out;
  EXPECT_EQ(
      Withdraw(Ministry("mlit"), created.name(), withdrawn.etag(), "", &out)
          .error_code(),
      grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(Revise(Ministry("mlit"), created.name(), withdrawn.etag(),
                   LowAssessment(kCardKinds), &out)
                .error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(SettledStorage(), before);

  // The ministry may submit a new one.
  const v1::ImpactAssessment again =
      Submit("mlit", LowAssessment(kCardKinds), pre.name(), "cards");
  EXPECT_NE(again.name(), created.name());
  AwaitOutcome(pre.name(), v1::ELIGIBILITY_OUTCOME_ELIGIBLE);
}

TEST_F(ImpactAssessmentServiceTest, ARetriedCreateIsAnsweredOnce) {
  const v1::PreApplication pre = FileCards({"mlit", "mof"});
  v1::ImpactAssessment first;
  ASSERT_TRUE(Create("mlit", LowAssessment(kCardKinds), pre.name(), "cards",
                     &first, "0b6e8d1c-req")
                  .ok());
  const std::string after_first = SettledStorage();
  v1::ImpactAssessment again;
  ASSERT_TRUE(Create("mlit", LowAssessment(kCardKinds), pre.name(), "cards",
                     &again, "0b6e8d1c-req")
                  .ok());
  EXPECT_EQ(Bytes(again), Bytes(first));
  EXPECT_EQ(SettledStorage(), after_first);

  // The same id with another body.
  v1::ImpactAssessment changed = LowAssessment(kCardKinds);
  changed.set_justification("別の根拠");
  const grpc::Status status =
      Create("mlit", changed, pre.name(), "cards", &again, "0b6e8d1c-req");
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(Violations(status), ElementsAre(StartsWith("request_id: ")));
  EXPECT_EQ(SettledStorage(), after_first);

  // Request ids are each ministry's own.
  v1::ImpactAssessment theirs;
  ASSERT_TRUE(Create("mof", LowAssessment(kCardKinds), pre.name(), "cards",
                     &theirs, "0b6e8d1c-req")
                  .ok());
  EXPECT_NE(theirs.name(), first.name());
}

TEST_F(ImpactAssessmentServiceTest, ASecondActiveAssessmentIsRefused) {
  const v1::PreApplication pre = FileCards({"mlit"});
  const v1::ImpactAssessment first =
      Submit("mlit", LowAssessment(kCardKinds), pre.name(), "cards");
  const std::string before = SettledStorage();
  v1::ImpactAssessment out;
  const grpc::Status status =
      Create("mlit", LowAssessment(kCardKinds), pre.name(), "cards", &out);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_THAT(status.error_message(), HasSubstr(first.name()));
  EXPECT_EQ(SettledStorage(), before);
}

// ---------------------------------------------------------------------------
// The subject.

TEST_F(ImpactAssessmentServiceTest, ASubjectTheMinistryMayNotAssessIsNotFound) {
  const v1::PreApplication pre = FileCards({"mlit"});
  const std::string before = SettledStorage();
  v1::ImpactAssessment out;
  for (const auto& [ministry, subject, business] :
       std::vector<std::tuple<std::string, std::string, std::string>>{
           {"mof", pre.name(), "cards"},  // Not a using ministry.
           {"mlit", pre.name(), "nosuch"},
           {"mlit", "preApplications/nosuch", "cards"},
           {"mlit", "reviewCases/nosuch", ""}}) {
    const grpc::Status status =
        Create(ministry, LowAssessment(kCardKinds), subject, business, &out);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND)
        << ministry << " " << subject << " " << business << ": "
        << status.error_message();
  }
  EXPECT_EQ(SettledStorage(), before);
}

TEST_F(ImpactAssessmentServiceTest,
       AWithdrawnPreApplicationIsNoLongerAssessed) {
  const v1::PreApplication pre = FileCards({"mlit", "mof"});
  const v1::ImpactAssessment mlit =
      Submit("mlit", LowAssessment(kCardKinds), pre.name(), "cards");
  SettledStorage();  // The pre-application is judged again meanwhile.
  v1::WithdrawPreApplicationRequest withdraw;
  withdraw.set_name(pre.name());
  withdraw.set_etag(GetPre(pre.name()).etag());
  withdraw.set_reason("サービス提供を取りやめるため");
  v1::PreApplication withdrawn;
  ASSERT_TRUE(eligibility_
                  ->WithdrawPreApplication(TestServer::Context(Csp()).get(),
                                           withdraw, &withdrawn)
                  .ok());

  const std::string before = SettledStorage();
  v1::ImpactAssessment out;
  EXPECT_EQ(Create("mof", LowAssessment(kCardKinds), pre.name(), "cards", &out)
                .error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(Revise(Ministry("mlit"), mlit.name(), mlit.etag(),
                   LowAssessment(kCardKinds), &out)
                .error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(SettledStorage(), before);

  // Its own assessment can still be withdrawn.
  EXPECT_TRUE(
      Withdraw(Ministry("mlit"), mlit.name(), mlit.etag(), "", &out).ok());
}

TEST_F(ImpactAssessmentServiceTest, ADecidedReviewCaseIsNoLongerAssessed) {
  const std::string review_case = FileUncovered();
  const v1::ImpactAssessment mlit =
      Submit("mlit", LowAssessment({testing::kUncoveredKind}), review_case);
  SettledStorage();  // The case counts the assessment meanwhile.
  v1::GetReviewCaseRequest get;
  get.set_name(review_case);
  v1::ReviewCase current;
  ASSERT_TRUE(
      review_->GetReviewCase(TestServer::Context(Ipa()).get(), get, &current)
          .ok());
  v1::RejectReviewCaseRequest reject;
  reject.set_name(review_case);
  reject.set_etag(current.etag());
  reject.set_reason("住民の個人情報を扱うため低位とは言えない");
  v1::ReviewCase rejected;
  ASSERT_TRUE(review_
                  ->RejectReviewCase(TestServer::Context(Ipa()).get(), reject,
                                     &rejected)
                  .ok());

  const std::string before = SettledStorage();
  v1::ImpactAssessment out;
  EXPECT_EQ(Create("mof", LowAssessment({testing::kUncoveredKind}), review_case,
                   "", &out)
                .error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(Revise(Ministry("mlit"), mlit.name(), mlit.etag(),
                   LowAssessment({testing::kUncoveredKind}), &out)
                .error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(SettledStorage(), before);
}

// ---------------------------------------------------------------------------
// Validation: every violation at once, nothing stored.

TEST_F(ImpactAssessmentServiceTest, EveryViolationOfASubmissionIsNamed) {
  const v1::PreApplication pre = File(PreApplication(
      {Business("cards",
                Profile("名刺とアカウントの管理", {"business_card_information",
                                                   "user_account_information"}),
                {"mlit"})}));
  v1::ImpactAssessment bad = LowAssessment(kCardKinds);  // One kind of two.
  bad.mutable_information_ratings(0)->mutable_levels()->clear_integrity();
  SetAnswer(bad, "c2_personal_information", "citizen_personal");
  v1::CriterionAnswer* unknown_question = bad.add_answers();
  unknown_question->set_question_id("z9_unknown");
  unknown_question->set_answer_id("yes");
  v1::CriterionAnswer* unknown_answer = bad.add_answers();
  unknown_answer->set_question_id("i1_legal_effect");
  unknown_answer->set_answer_id("perhaps");
  bad.mutable_answers(0)->set_comment(std::string(3000, 'x'));
  bad.clear_justification();

  const std::string before = SettledStorage();
  v1::ImpactAssessment out;
  const grpc::Status status =
      Create("mlit", bad, pre.name(), "cards", &out, std::string(65, 'r'));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(
      Violations(status),
      UnorderedElementsAre(
          StartsWith("request_id: must be 1 to 64 printable ASCII"),
          "impact_assessment.information_ratings[0].levels.integrity: must "
          "be rated LOW, MODERATE or HIGH",
          "impact_assessment.information_ratings: no rating for "
          "user_account_information, which the business handles",
          "impact_assessment.information_ratings[0].levels.confidentiality: "
          "rated LOW but answer \"citizen_personal\" to "
          "c2_personal_information implies at least MODERATE",
          StartsWith("impact_assessment.answers[10].question_id: unknown "
                     "question \"z9_unknown\""),
          StartsWith("impact_assessment.answers[11].answer_id: \"perhaps\" is "
                     "not an answer of i1_legal_effect"),
          "impact_assessment.answers[0].comment: is longer than 2048 bytes",
          StartsWith("impact_assessment.justification: is required: answer "
                     "\"yes\" to i2_recoverable asks for one")));
  EXPECT_EQ(SettledStorage(), before);
}

TEST_F(ImpactAssessmentServiceTest, AMissingOrMalformedSubjectIsNamed) {
  const std::string before = SettledStorage();
  v1::CreateImpactAssessmentRequest request;
  *request.mutable_impact_assessment() = LowAssessment(kCardKinds);
  v1::ImpactAssessment out;
  grpc::Status status = impact_->CreateImpactAssessment(
      TestServer::Context(Ministry("mlit")).get(), request, &out);
  EXPECT_THAT(
      Violations(status),
      ElementsAre(StartsWith("impact_assessment.subject: is required")));

  status = Create("mlit", LowAssessment(kCardKinds), "pre/1", "Cards!", &out);
  EXPECT_THAT(
      Violations(status),
      ElementsAre(
          StartsWith("impact_assessment.pre_application_business."
                     "pre_application: must be preApplications/"),
          StartsWith(
              "impact_assessment.pre_application_business.business_id:")));
  status = Create("mlit", LowAssessment(kCardKinds), "cases/1", "", &out);
  EXPECT_THAT(Violations(status),
              ElementsAre(StartsWith("impact_assessment.review_case: must be "
                                     "reviewCases/")));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(SettledStorage(), before);
}

TEST_F(ImpactAssessmentServiceTest, InvalidUtf8IsNamedFieldByField) {
  const v1::PreApplication pre = FileCards({"mlit"});
  const v1::ImpactAssessment created =
      Submit("mlit", LowAssessment(kCardKinds), pre.name(), "cards");
  const std::string before = SettledStorage();

  v1::ImpactAssessment bad = LowAssessment(kCardKinds);
  bad.set_justification("根拠\xe5\x90");  // A character cut short.
  bad.mutable_answers(1)->set_comment("\xff");
  v1::ImpactAssessment out;
  grpc::Status status = Create("mof", bad, pre.name(), "cards", &out);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(Violations(status),
              ElementsAre("impact_assessment.answers[1].comment: is not valid "
                          "UTF-8",
                          "impact_assessment.justification: is not valid "
                          "UTF-8"));
  status = Revise(Ministry("mlit"), created.name(), created.etag(), bad, &out);
  EXPECT_THAT(Violations(status), ElementsAre(HasSubstr("answers[1].comment"),
                                              HasSubstr("justification")));
  status = Withdraw(Ministry("mlit"), created.name(), created.etag(),
                    "理由\x80", &out);
  EXPECT_THAT(Violations(status), ElementsAre("reason: is not valid UTF-8"));
  status = Get(Ministry("mlit"), created.name() + "\xc0", &out);
  EXPECT_THAT(Violations(status), ElementsAre("name: is not valid UTF-8"));
  EXPECT_EQ(SettledStorage(), before);
}

TEST_F(ImpactAssessmentServiceTest, RevisionsAndWithdrawalsAreValidatedToo) {
  const v1::PreApplication pre = FileCards({"mlit"});
  const v1::ImpactAssessment created =
      Submit("mlit", LowAssessment(kCardKinds), pre.name(), "cards");
  const std::string before = SettledStorage();
  v1::ImpactAssessment out;

  v1::ImpactAssessment bad = LowAssessment(kCardKinds);
  bad.set_justification(std::string(16 * 1024 + 1, 'j'));
  bad.mutable_answers(2)->set_question_id("z9_unknown");
  grpc::Status status = Revise(Ministry("mlit"), created.name(), "", bad, &out);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(
      Violations(status),
      UnorderedElementsAre(
          StartsWith("etag: is required"),
          StartsWith("impact_assessment.answers[2].question_id: unknown"),
          StartsWith("impact_assessment.answers: "),  // Now unanswered.
          "impact_assessment.justification: is longer than 16384 bytes"));
  status = Revise(Ministry("mlit"), "impactAssessments/1", created.etag(),
                  LowAssessment(kCardKinds), &out);
  EXPECT_THAT(Violations(status),
              ElementsAre(StartsWith("name: must be ministries/")));

  status = Withdraw(Ministry("mlit"), created.name(), "",
                    std::string(2049, 'r'), &out);
  EXPECT_THAT(Violations(status),
              UnorderedElementsAre(StartsWith("etag: is required"),
                                   StartsWith("reason: is 2049 bytes long")));
  EXPECT_EQ(SettledStorage(), before);
}

TEST_F(ImpactAssessmentServiceTest, MalformedNamesAndFiltersAreNamed) {
  v1::ImpactAssessment out;
  EXPECT_THAT(Violations(Get(Ipa(), "ministries/mlit/assessments/1", &out)),
              ElementsAre(StartsWith("name: must be ministries/")));
  v1::ImpactAssessmentRevision revision;
  for (const char* name : {"ministries/mlit/impactAssessments/a/revisions/0",
                           "ministries/mlit/impactAssessments/a/revisions/01",
                           "ministries/mlit/impactAssessments/a/revisions/x",
                           "ministries/mlit/impactAssessments/a"}) {
    EXPECT_THAT(Violations(GetRevision(Ipa(), name, &revision)),
                ElementsAre(StartsWith("name: must be ministries/")))
        << name;
  }
  v1::ListImpactAssessmentRevisionsResponse revisions;
  EXPECT_THAT(Violations(ListRevisions(Ipa(), "ministries/mlit", &revisions)),
              ElementsAre(StartsWith("parent: must be ministries/")));

  v1::ListImpactAssessmentsRequest request;
  request.set_ministry("mlit");
  request.set_business_id("cards");
  request.set_review_case("cases/1");
  request.set_state(static_cast<v1::ImpactAssessment::State>(7));
  request.set_page_size(-1);
  request.set_page_token("not-a-token");
  v1::ListImpactAssessmentsResponse list;
  EXPECT_THAT(Violations(List(Ipa(), request, &list)),
              UnorderedElementsAre(
                  StartsWith("ministry: "),
                  StartsWith("business_id: needs "
                             "pre_application"),
                  StartsWith("review_case: "), StartsWith("state: "),
                  StartsWith("page_size: "), StartsWith("page_token: ")));

  // A token is only good for the filters it was issued with.
  const v1::PreApplication pre = FileCards({"mlit", "mof"});
  Submit("mlit", LowAssessment(kCardKinds), pre.name(), "cards");
  Submit("mof", LowAssessment(kCardKinds), pre.name(), "cards");
  request = {};
  request.set_page_size(1);
  ASSERT_TRUE(List(Ipa(), request, &list).ok());
  ASSERT_FALSE(list.next_page_token().empty());
  request.set_page_token(list.next_page_token());
  request.set_ministry("ministries/mof");
  EXPECT_THAT(Violations(List(Ipa(), request, &list)),
              ElementsAre(StartsWith("page_token: belongs to a query")));
}

// ---------------------------------------------------------------------------
// Who may do what.

TEST_F(ImpactAssessmentServiceTest, OnlyAMinistrySubmitsRevisesOrWithdraws) {
  const v1::PreApplication pre = FileCards({"mlit"});
  const v1::ImpactAssessment created =
      Submit("mlit", LowAssessment(kCardKinds), pre.name(), "cards");
  const std::string before = SettledStorage();
  v1::CreateImpactAssessmentRequest create;
  *create.mutable_impact_assessment() = LowAssessment(kCardKinds);
  *create.mutable_impact_assessment()->mutable_pre_application_business() =
      created.pre_application_business();
  for (const std::string& token : {Csp(), Ipa()}) {
    v1::ImpactAssessment out;
    EXPECT_EQ(impact_
                  ->CreateImpactAssessment(TestServer::Context(token).get(),
                                           create, &out)
                  .error_code(),
              grpc::StatusCode::PERMISSION_DENIED);
    EXPECT_EQ(Revise(token, created.name(), created.etag(),
                     LowAssessment(kCardKinds), &out)
                  .error_code(),
              grpc::StatusCode::PERMISSION_DENIED);
    EXPECT_EQ(
        Withdraw(token, created.name(), created.etag(), "", &out).error_code(),
        grpc::StatusCode::PERMISSION_DENIED);
  }
  EXPECT_EQ(SettledStorage(), before);
}

TEST_F(ImpactAssessmentServiceTest, AMinistryReadsAndChangesOnlyItsOwn) {
  const v1::PreApplication pre = FileCards({"mlit", "mof"});
  const v1::ImpactAssessment mlit =
      Submit("mlit", LowAssessment(kCardKinds), pre.name(), "cards");
  const v1::ImpactAssessment mof =
      Submit("mof", LowAssessment(kCardKinds), pre.name(), "cards");
  const std::string before = SettledStorage();
  const std::string id = mlit.name().substr(mlit.name().rfind('/') + 1);
  v1::ImpactAssessment out;
  v1::ImpactAssessmentRevision revision;
  v1::ListImpactAssessmentRevisionsResponse revisions;
  // Another ministry's, under its own name or under the asker's.
  for (const std::string& name :
       {mlit.name(), "ministries/mof/impactAssessments/" + id}) {
    EXPECT_EQ(Get(Ministry("mof"), name, &out).error_code(),
              grpc::StatusCode::NOT_FOUND);
    EXPECT_EQ(GetRevision(Ministry("mof"), name + "/revisions/1", &revision)
                  .error_code(),
              grpc::StatusCode::NOT_FOUND);
    EXPECT_EQ(ListRevisions(Ministry("mof"), name, &revisions).error_code(),
              grpc::StatusCode::NOT_FOUND);
    EXPECT_EQ(Revise(Ministry("mof"), name, mlit.etag(),
                     LowAssessment(kCardKinds), &out)
                  .error_code(),
              grpc::StatusCode::NOT_FOUND);
    EXPECT_EQ(
        Withdraw(Ministry("mof"), name, mlit.etag(), "", &out).error_code(),
        grpc::StatusCode::NOT_FOUND);
  }
  EXPECT_EQ(SettledStorage(), before);

  EXPECT_THAT(ListedNames(Ministry("mof"), {}), ElementsAre(mof.name()));
  v1::ListImpactAssessmentsRequest theirs;
  theirs.set_ministry("ministries/mlit");
  EXPECT_THAT(ListedNames(Ministry("mof"), theirs), IsEmpty());
  EXPECT_THAT(ListedNames(Ministry("mlit"), ListOf(pre.name())),
              ElementsAre(mlit.name()));
}

TEST_F(ImpactAssessmentServiceTest, ACspReadsOnlyThoseOfItsPreApplications) {
  const v1::PreApplication pre = FileCards({"mlit"});
  const v1::ImpactAssessment created =
      Submit("mlit", LowAssessment(kCardKinds), pre.name(), "cards");
  v1::ImpactAssessment out;
  v1::ImpactAssessmentRevision revision;
  v1::ListImpactAssessmentRevisionsResponse revisions;
  ASSERT_TRUE(Get(Csp(), created.name(), &out).ok());
  ASSERT_TRUE(ListRevisions(Csp(), created.name(), &revisions).ok());
  EXPECT_THAT(ListedNames(Csp(), ListOf(pre.name())),
              ElementsAre(created.name()));

  const std::string other = Csp("other-saas");
  EXPECT_EQ(Get(other, created.name(), &out).error_code(),
            grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(GetRevision(other, created.name() + "/revisions/1", &revision)
                .error_code(),
            grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(ListRevisions(other, created.name(), &revisions).error_code(),
            grpc::StatusCode::NOT_FOUND);
  EXPECT_THAT(ListedNames(other, ListOf(pre.name())), IsEmpty());

  // A CSP lists one pre-application's or review case's at a time.
  v1::ListImpactAssessmentsResponse list;
  EXPECT_THAT(Violations(List(Csp(), {}, &list)),
              ElementsAre(StartsWith("pre_application: a CSP lists")));
}

TEST_F(ImpactAssessmentServiceTest, ACspReadsACasesThroughItsLinkedBusiness) {
  const std::string review_case = FileUncovered();
  const v1::ImpactAssessment created =
      Submit("mof", LowAssessment({testing::kUncoveredKind}), review_case);
  v1::ImpactAssessment out;
  ASSERT_TRUE(Get(Csp(), created.name(), &out).ok());
  EXPECT_THAT(ListedNames(Csp(), ListOf("", review_case)),
              ElementsAre(created.name()));

  const std::string other = Csp("other-saas");
  EXPECT_EQ(Get(other, created.name(), &out).error_code(),
            grpc::StatusCode::NOT_FOUND);
  EXPECT_THAT(ListedNames(other, ListOf("", review_case)), IsEmpty());

  // Once one of its own pre-applications is linked to the case, it reads
  // the case's assessments too.
  EXPECT_EQ(FileUncovered("other-saas", "別の相談受付クラウド"), review_case);
  ASSERT_TRUE(Get(other, created.name(), &out).ok());
  EXPECT_THAT(ListedNames(other, ListOf("", review_case)),
              ElementsAre(created.name()));
}

// ---------------------------------------------------------------------------
// Japanese text.

TEST_F(ImpactAssessmentServiceTest, JapaneseRoundTripsByteForByte) {
  const std::string title = "名刺管理（𠮷野家・ｶﾀｶﾅ・か\u3099・①・〜）";
  const v1::PreApplication pre = File(PreApplication({Business(
      "cards", Profile(title, {"business_card_information"}), {"mlit"})}));
  v1::ImpactAssessment assessment = LowAssessment(kCardKinds);
  const std::string justification =
      "評価の根拠：名刺情報は相手に広く手渡す範囲の情報であり、漏えいの影響は"
      "限定的である。原本（紙の名刺）と照合して回復でき、停止時は電話・メール"
      "で代替する。𠮷（サロゲートペア）、全角ＡＢＣ、半角ｱｲｳ、絵文字🙂も"
      "含"
      "む"
      "。";
  const std::string comment = "補足：機密性２情報（要機密情報）に該当する。";
  assessment.set_justification(justification);
  assessment.mutable_answers(0)->set_comment(comment);
  const v1::ImpactAssessment created =
      Submit("mlit", assessment, pre.name(), "cards");
  ASSERT_EQ(created.justification(), justification);
  EXPECT_EQ(created.answers(0).comment(), comment);
  EXPECT_EQ(created.business().title(), title);

  v1::ImpactAssessment read;
  ASSERT_TRUE(Get(Ministry("mlit"), created.name(), &read).ok());
  EXPECT_EQ(read.justification(), justification);
  EXPECT_EQ(read.answers(0).comment(), comment);
  EXPECT_EQ(read.business().title(), title);
  EXPECT_EQ(Bytes(read), Bytes(created));
  v1::ImpactAssessmentRevision revision;
  ASSERT_TRUE(
      GetRevision(Csp(), created.name() + "/revisions/1", &revision).ok());
  EXPECT_EQ(revision.snapshot().justification(), justification);
  EXPECT_EQ(revision.snapshot().answers(0).comment(), comment);
  EXPECT_EQ(Bytes(revision.snapshot()), Bytes(created));
  v1::ListImpactAssessmentsResponse list;
  ASSERT_TRUE(List(Ipa(), ListOf(pre.name()), &list).ok());
  ASSERT_EQ(list.impact_assessments_size(), 1);
  EXPECT_EQ(Bytes(list.impact_assessments(0)), Bytes(created));

  v1::ImpactAssessment withdrawn;
  const std::string reason = "事業計画の見直しにより取り下げる（再評価予定）";
  ASSERT_TRUE(Withdraw(Ministry("mlit"), created.name(), created.etag(), reason,
                       &withdrawn)
                  .ok());
  ASSERT_TRUE(Get(Ipa(), created.name(), &read).ok());
  EXPECT_EQ(read.withdraw_reason(), reason);
}

// ---------------------------------------------------------------------------
// The change feed.

class ImpactWatchTest : public ImpactAssessmentServiceTest {
 protected:
  std::unique_ptr<grpc::ClientContext> context_ =
      TestServer::Context("");  // Replaced per watch.

  std::unique_ptr<grpc::ClientReader<v1::ImpactAssessmentEvent>> Watch(
      const v1::WatchImpactAssessmentsRequest& request,
      const std::string& token) {
    context_ = TestServer::Context(token);
    context_->set_deadline(std::chrono::system_clock::now() +
                           std::chrono::seconds(30));
    return impact_->WatchImpactAssessments(context_.get(), request);
  }

  // Reads `count` events.
  std::vector<v1::ImpactAssessmentEvent> Read(
      grpc::ClientReader<v1::ImpactAssessmentEvent>& reader, int count) {
    std::vector<v1::ImpactAssessmentEvent> events;
    v1::ImpactAssessmentEvent event;
    while (static_cast<int>(events.size()) < count && reader.Read(&event)) {
      events.push_back(event);
    }
    EXPECT_EQ(static_cast<int>(events.size()), count);
    return events;
  }
};

TEST_F(ImpactWatchTest, ReplaysThenStreamsNewChangesInSequenceOrder) {
  const v1::PreApplication pre = FileCards({"mlit", "mof"});
  const std::string review_case = FileUncovered();
  const v1::ImpactAssessment a =
      Submit("mlit", LowAssessment(kCardKinds), pre.name(), "cards");
  v1::ImpactAssessment a2;
  ASSERT_TRUE(Revise(Ministry("mlit"), a.name(), a.etag(),
                     LowAssessment(kCardKinds), &a2)
                  .ok());
  v1::ImpactAssessment a3;
  ASSERT_TRUE(Withdraw(Ministry("mlit"), a.name(), a2.etag(), "", &a3).ok());
  const v1::ImpactAssessment b =
      Submit("mof", LowAssessment({testing::kUncoveredKind}), review_case);

  auto reader = Watch({}, Ipa());
  const std::vector<v1::ImpactAssessmentEvent> stored = Read(*reader, 4);
  ASSERT_EQ(stored.size(), 4u);
  const std::vector<
      std::pair<v1::ImpactAssessmentEvent::Kind, const v1::ImpactAssessment*>>
      expected = {{v1::ImpactAssessmentEvent::KIND_CREATED, &a},
                  {v1::ImpactAssessmentEvent::KIND_REVISED, &a2},
                  {v1::ImpactAssessmentEvent::KIND_WITHDRAWN, &a3},
                  {v1::ImpactAssessmentEvent::KIND_CREATED, &b}};
  for (size_t i = 0; i < stored.size(); ++i) {
    EXPECT_EQ(stored[i].sequence(), static_cast<int64_t>(i + 1));
    EXPECT_EQ(stored[i].kind(), expected[i].first);
    EXPECT_EQ(Bytes(stored[i].impact_assessment()), Bytes(*expected[i].second));
    EXPECT_EQ(Bytes(stored[i].event_time()),
              Bytes(expected[i].second->update_time()));
  }

  // A change committed while watching arrives at once, woken by the commit
  // rather than by the once-a-second poll (three in a row could hardly all
  // fall just before a tick).
  const v1::ImpactAssessment c =
      Submit("mof", LowAssessment(kCardKinds), pre.name(), "cards");
  std::vector<v1::ImpactAssessmentEvent> live = Read(*reader, 1);
  ASSERT_EQ(live.size(), 1u);
  EXPECT_EQ(live[0].sequence(), 5);
  EXPECT_EQ(Bytes(live[0].impact_assessment()), Bytes(c));
  v1::ImpactAssessment current = c;
  for (int i = 0; i < 3; ++i) {
    v1::ImpactAssessment revised;
    ASSERT_TRUE(Revise(Ministry("mof"), c.name(), current.etag(),
                       LowAssessment(kCardKinds), &revised)
                    .ok());
    const absl::Time committed = absl::Now();
    live = Read(*reader, 1);
    ASSERT_EQ(live.size(), 1u);
    EXPECT_LT(absl::Now() - committed, absl::Milliseconds(400));
    EXPECT_EQ(live[0].sequence(), 6 + i);
    EXPECT_EQ(Bytes(live[0].impact_assessment()), Bytes(revised));
    current = revised;
  }
  context_->TryCancel();
  EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::CANCELLED);

  // Resuming after a sequence misses nothing and repeats nothing; filters
  // apply.
  v1::WatchImpactAssessmentsRequest request;
  request.set_after_sequence(3);
  reader = Watch(request, Ipa());
  std::vector<v1::ImpactAssessmentEvent> resumed = Read(*reader, 2);
  ASSERT_EQ(resumed.size(), 2u);
  EXPECT_EQ(resumed[0].sequence(), 4);
  EXPECT_EQ(resumed[1].sequence(), 5);
  context_->TryCancel();
  reader->Finish();

  request = {};
  request.set_pre_application(pre.name());
  reader = Watch(request, Ipa());
  resumed = Read(*reader, 7);
  ASSERT_EQ(resumed.size(), 7u);
  for (size_t i = 0; i < resumed.size(); ++i) {
    EXPECT_EQ(resumed[i].sequence(),
              static_cast<int64_t>(i < 3 ? i + 1 : i + 2));  // Not 4.
  }
  context_->TryCancel();
  reader->Finish();

  request = {};
  request.set_review_case(review_case);
  reader = Watch(request, Ipa());
  resumed = Read(*reader, 1);
  ASSERT_EQ(resumed.size(), 1u);
  EXPECT_EQ(resumed[0].sequence(), 4);
  // Nothing else for the case: the next change elsewhere is not sent.
  Submit("mlit", LowAssessment(kCardKinds), pre.name(), "cards");
  const v1::ImpactAssessment case_again =
      Submit("mlit", LowAssessment({testing::kUncoveredKind}), review_case);
  resumed = Read(*reader, 1);
  ASSERT_EQ(resumed.size(), 1u);
  EXPECT_EQ(resumed[0].sequence(), 10);
  EXPECT_EQ(resumed[0].impact_assessment().name(), case_again.name());
  context_->TryCancel();
  reader->Finish();
}

TEST_F(ImpactWatchTest, OnlyIpaWatchesAndBadRequestsAreNamed) {
  for (const std::string& token : {Csp(), Ministry("mlit")}) {
    auto reader = Watch({}, token);
    v1::ImpactAssessmentEvent event;
    EXPECT_FALSE(reader->Read(&event));
    EXPECT_EQ(reader->Finish().error_code(),
              grpc::StatusCode::PERMISSION_DENIED);
  }
  v1::WatchImpactAssessmentsRequest request;
  request.set_after_sequence(-1);
  request.set_pre_application("pre/1");
  request.set_review_case("reviewCases/");
  auto reader = Watch(request, Ipa());
  v1::ImpactAssessmentEvent event;
  EXPECT_FALSE(reader->Read(&event));
  const grpc::Status status = reader->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(Violations(status),
              UnorderedElementsAre(StartsWith("after_sequence: "),
                                   StartsWith("pre_application: "),
                                   StartsWith("review_case: ")));
}

TEST_F(ImpactWatchTest, SeesWhatAnotherProcessCommitsWithinASecondOrSo) {
  const v1::PreApplication pre = FileCards({"mlit"});
  auto reader = Watch({}, Ipa());
  // A second server on the same database, as a replica would be.
  auto replica =
      TestServer::Start({testing::SourceRulesDir(), server_->data_dir()});
  ASSERT_TRUE(replica.ok()) << replica.status();
  v1::CreateImpactAssessmentRequest create;
  *create.mutable_impact_assessment() = LowAssessment(kCardKinds);
  create.mutable_impact_assessment()
      ->mutable_pre_application_business()
      ->set_pre_application(pre.name());
  create.mutable_impact_assessment()
      ->mutable_pre_application_business()
      ->set_business_id("cards");
  v1::ImpactAssessment created;
  const absl::Time submitted = absl::Now();
  ASSERT_TRUE(
      (*replica)
          ->Stub<v1::ImpactAssessmentService>()
          ->CreateImpactAssessment(
              TestServer::Context((*replica)->Token(Role::kMinistry, "mlit"))
                  .get(),
              create, &created)
          .ok());
  const std::vector<v1::ImpactAssessmentEvent> events = Read(*reader, 1);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_LT(absl::Now() - submitted, absl::Seconds(3));
  EXPECT_EQ(events[0].impact_assessment().name(), created.name());
  context_->TryCancel();
  reader->Finish();
}

TEST_F(ImpactWatchTest, ShutdownEndsAWatchAtOnceWithUnavailable) {
  auto reader = Watch({}, Ipa());
  // The stream is open once the server has logged it in; give it a moment.
  absl::SleepFor(absl::Milliseconds(200));
  const absl::Time stopping = absl::Now();
  std::thread stop([this] { server_->Stop(); });
  v1::ImpactAssessmentEvent event;
  EXPECT_FALSE(reader->Read(&event));
  const grpc::Status status = reader->Finish();
  stop.join();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE)
      << status.error_message();
  EXPECT_THAT(status.error_message(), HasSubstr("after_sequence 0"));
  // Well within the 5 s the server would otherwise wait for calls.
  EXPECT_LT(absl::Now() - stopping, absl::Seconds(3));
}

// ---------------------------------------------------------------------------
// Start-up.

TEST(ImpactStartupTest, CriteriaWhoseExampleDisagreesKeepTheServerDown) {
  testing::TempDir rules;
  testing::CopySourceRules(rules);
  std::string criteria =
      *ReadFileContents(rules.Join("impact_criteria.textproto"));
  const std::string low =
      "implied_minimum {\n    confidentiality: "
      "IMPACT_LEVEL_LOW";
  const size_t at = criteria.find(low);
  ASSERT_NE(at, std::string::npos);
  criteria.replace(at, low.size(),
                   "implied_minimum {\n    confidentiality: IMPACT_LEVEL_HIGH");
  rules.WriteFile("impact_criteria.textproto", criteria);
  const auto server = TestServer::Start({rules.path(), ""});
  EXPECT_EQ(server.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(server.status().message()),
              HasSubstr("worked example expert_council_operation"));
}

}  // namespace
}  // namespace ismap::liu
