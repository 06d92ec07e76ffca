// Unit tests of the pre-application judgement and the review-case tally:
// every outcome per business, the precedence of the overall outcome, the
// reasons, and how a case's assessments count.
#include "services/eligibility/domain/pre_application_judge.h"

#include <memory>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/rules/rule_set.h"
#include "services/eligibility/domain/review_case_tally.h"
#include "tests/harness/test_server.h"

namespace ismap::liu::eligibility {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

v1::ImpactAssessment Assessed(const std::string& ministry, int id,
                              v1::ImpactLevel integrity, int64_t updated = 0) {
  v1::ImpactAssessment assessment;
  assessment.set_name(
      absl::StrCat("ministries/", ministry, "/impactAssessments/a", id));
  assessment.set_ministry("ministries/" + ministry);
  assessment.set_revision(1);
  assessment.set_state(v1::ImpactAssessment::STATE_ACTIVE);
  v1::InformationRating* rating = assessment.add_information_ratings();
  rating->set_information_kind("business_card_information");
  rating->mutable_levels()->set_confidentiality(v1::IMPACT_LEVEL_LOW);
  rating->mutable_levels()->set_integrity(integrity);
  rating->mutable_levels()->set_availability(v1::IMPACT_LEVEL_LOW);
  assessment.set_all_low(integrity == v1::IMPACT_LEVEL_LOW);
  assessment.set_overall_level(integrity);
  assessment.mutable_update_time()->set_seconds(updated);
  return assessment;
}

class PreApplicationJudgeTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    rules_ = new std::shared_ptr<const RuleSet>(
        *RuleSet::LoadFromDirectory(testing::SourceRulesDir()));
    matcher_ = new TargetListMatcher(*TargetListMatcher::Create(
        ItemsOf(**(*rules_)->Require<v1::TargetBusinessList>()),
        *(*rules_)->Require<v1::InformationVocabulary>()));
  }
  static void TearDownTestSuite() {
    delete matcher_;
    delete rules_;
  }

  // A pre-application whose businesses handle `kinds` each, used by
  // `ministries`.
  static v1::PreApplication Pre(
      const std::vector<std::vector<std::string>>& kinds,
      const std::vector<std::string>& ministries) {
    v1::PreApplication pre;
    pre.set_name("preApplications/p");
    for (size_t i = 0; i < kinds.size(); ++i) {
      v1::PreApplicationBusiness* business = pre.add_businesses();
      business->set_business_id(absl::StrCat("b", i));
      business->mutable_profile()->set_title("業務");
      for (const std::string& kind : kinds[i]) {
        business->mutable_profile()->add_information_kinds(kind);
      }
      for (const std::string& ministry : ministries) {
        business->add_ministries("ministries/" + ministry);
      }
    }
    return pre;
  }

  static std::shared_ptr<const RuleSet>* rules_;
  static TargetListMatcher* matcher_;
};

std::shared_ptr<const RuleSet>* PreApplicationJudgeTest::rules_ = nullptr;
TargetListMatcher* PreApplicationJudgeTest::matcher_ = nullptr;

TEST_F(PreApplicationJudgeTest, ListedWithEveryMinistryLowIsEligible) {
  const v1::ImpactAssessment mlit = Assessed("mlit", 1, v1::IMPACT_LEVEL_LOW);
  const v1::ImpactAssessment mof = Assessed("mof", 2, v1::IMPACT_LEVEL_LOW);
  std::vector<BusinessEvidence> evidence(1);
  evidence[0].business_assessments = {&mlit, &mof};
  const v1::Judgement judgement =
      Judge(Pre({{"business_card_information"}}, {"mlit", "mof"}), evidence,
            *matcher_);
  EXPECT_EQ(judgement.overall_outcome(), v1::ELIGIBILITY_OUTCOME_ELIGIBLE);
  EXPECT_EQ(judgement.businesses(0).matched_target_business(),
            "targetBusinesses/3");
  EXPECT_THAT(judgement.assessment_revisions(),
              ElementsAre("ministries/mlit/impactAssessments/a1/revisions/1",
                          "ministries/mof/impactAssessments/a2/revisions/1"));
}

TEST_F(PreApplicationJudgeTest, NotLowBeatsMissingAndNamesWhatIsAboveLow) {
  const v1::ImpactAssessment mof = Assessed("mof", 2, v1::IMPACT_LEVEL_HIGH);
  std::vector<BusinessEvidence> evidence(1);
  evidence[0].business_assessments = {&mof};
  const v1::Judgement judgement =
      Judge(Pre({{"business_card_information"}}, {"mlit", "mof"}), evidence,
            *matcher_);
  const v1::BusinessJudgement& business = judgement.businesses(0);
  EXPECT_EQ(business.outcome(), v1::ELIGIBILITY_OUTCOME_NOT_ELIGIBLE);
  EXPECT_THAT(business.waiting_for_ministries(),
              ElementsAre("ministries/mlit"));
  const v1::JudgementReason& not_low = business.reasons(2);
  EXPECT_EQ(not_low.kind(), v1::JudgementReason::KIND_ASSESSMENT_NOT_LOW);
  EXPECT_EQ(not_low.ministry(), "ministries/mof");
  EXPECT_EQ(not_low.information_kind(), "business_card_information");
  EXPECT_EQ(not_low.objective(), v1::SECURITY_OBJECTIVE_INTEGRITY);
  EXPECT_EQ(not_low.level(), v1::IMPACT_LEVEL_HIGH);
}

TEST_F(PreApplicationJudgeTest, AMissingAssessmentWaitsForThatMinistry) {
  std::vector<BusinessEvidence> evidence(1);
  const v1::Judgement judgement = Judge(
      Pre({{"business_card_information"}}, {"mlit"}), evidence, *matcher_);
  EXPECT_EQ(judgement.overall_outcome(),
            v1::ELIGIBILITY_OUTCOME_WAITING_FOR_ASSESSMENT);
  EXPECT_THAT(judgement.businesses(0).waiting_for_ministries(),
              ElementsAre("ministries/mlit"));
  EXPECT_THAT(judgement.assessment_revisions(), IsEmpty());
}

TEST_F(PreApplicationJudgeTest, ACaseAssessmentStandsInForTheMinistrysOwn) {
  const v1::ImpactAssessment of_case =
      Assessed("mlit", 3, v1::IMPACT_LEVEL_LOW);
  std::vector<BusinessEvidence> evidence(1);
  evidence[0].case_assessments = {&of_case};
  evidence[0].review_case =
      CaseStatus{"reviewCases/c", v1::ReviewCase::STATE_CONFIRMED};
  EXPECT_EQ(
      Judge(Pre({{"business_card_information"}}, {"mlit"}), evidence, *matcher_)
          .overall_outcome(),
      v1::ELIGIBILITY_OUTCOME_ELIGIBLE);
  // The business's own assessment comes first.
  const v1::ImpactAssessment own =
      Assessed("mlit", 4, v1::IMPACT_LEVEL_MODERATE);
  evidence[0].business_assessments = {&own};
  EXPECT_EQ(
      Judge(Pre({{"business_card_information"}}, {"mlit"}), evidence, *matcher_)
          .overall_outcome(),
      v1::ELIGIBILITY_OUTCOME_NOT_ELIGIBLE);
}

TEST_F(PreApplicationJudgeTest, UnlistedBusinessesFollowTheirCase) {
  std::vector<BusinessEvidence> evidence(2);
  evidence[1].review_case =
      CaseStatus{"reviewCases/c", v1::ReviewCase::STATE_OPEN};
  const v1::PreApplication pre = Pre(
      {{"business_card_information"}, {"procurement_information"}}, {"mlit"});
  v1::Judgement judgement = Judge(pre, evidence, *matcher_);
  EXPECT_EQ(judgement.businesses(1).outcome(),
            v1::ELIGIBILITY_OUTCOME_NEEDS_REVIEW);
  EXPECT_EQ(judgement.businesses(1).review_case(), "reviewCases/c");
  EXPECT_EQ(judgement.businesses(1).item_evaluations_size(), 8);
  // NEEDS_REVIEW outranks WAITING.
  EXPECT_EQ(judgement.overall_outcome(), v1::ELIGIBILITY_OUTCOME_NEEDS_REVIEW);

  evidence[1].review_case->state = v1::ReviewCase::STATE_REJECTED;
  judgement = Judge(pre, evidence, *matcher_);
  EXPECT_EQ(judgement.businesses(1).outcome(),
            v1::ELIGIBILITY_OUTCOME_NOT_ELIGIBLE);
  EXPECT_EQ(judgement.overall_outcome(), v1::ELIGIBILITY_OUTCOME_NOT_ELIGIBLE);
  EXPECT_EQ(judgement.businesses(1).reasons(1).kind(),
            v1::JudgementReason::KIND_REVIEW_CASE_REJECTED);
}

TEST_F(PreApplicationJudgeTest, AClaimIsReportedButNeverDecides) {
  v1::PreApplication pre = Pre({{"staff_titles_and_names"}}, {"mlit"});
  pre.mutable_businesses(0)->mutable_profile()->set_claimed_target_business(
      "targetBusinesses/3");
  std::vector<BusinessEvidence> evidence(1);
  v1::Judgement judgement = Judge(pre, evidence, *matcher_);
  EXPECT_EQ(judgement.businesses(0).matched_target_business(),
            "targetBusinesses/2");
  EXPECT_FALSE(judgement.businesses(0).claimed_item_matched());
  pre.mutable_businesses(0)->mutable_profile()->set_claimed_target_business(
      "targetBusinesses/2");
  judgement = Judge(pre, evidence, *matcher_);
  EXPECT_TRUE(judgement.businesses(0).claimed_item_matched());
}

TEST(BusinessKeyTest, OnlyKindsAndFactsCountInAnyOrder) {
  v1::BusinessProfile a;
  a.set_title("A");
  a.add_information_kinds("y");
  a.add_information_kinds("x");
  a.add_facts("f");
  v1::BusinessProfile b;
  b.set_title("B");
  b.set_description("別の説明");
  b.add_information_kinds("x");
  b.add_information_kinds("y");
  b.add_facts("f");
  EXPECT_EQ(BusinessKey(a), BusinessKey(b));
  EXPECT_EQ(BusinessKey(a), "kinds=x,y;facts=f");
  b.clear_facts();
  EXPECT_NE(BusinessKey(a), BusinessKey(b));
}

TEST(ReviewCaseTallyTest, OneMinistryCountsOnceAndOnlyItsLatestAssessment) {
  std::vector<v1::ImpactAssessment> assessments = {
      Assessed("mlit", 1, v1::IMPACT_LEVEL_LOW, 10),
      Assessed("mlit", 2, v1::IMPACT_LEVEL_LOW, 20),
      Assessed("mof", 3, v1::IMPACT_LEVEL_LOW, 10),
      Assessed("mof", 4, v1::IMPACT_LEVEL_MODERATE, 30),
      Assessed("moj", 5, v1::IMPACT_LEVEL_LOW, 10),
  };
  assessments[4].set_state(v1::ImpactAssessment::STATE_WITHDRAWN);
  const CaseTally tally = TallyCaseAssessments(assessments);
  ASSERT_EQ(tally.in_force.size(), 2u);
  EXPECT_EQ(tally.in_force[0].ministry(), "ministries/mlit");
  EXPECT_EQ(tally.in_force[0].impact_assessment_revision(),
            "ministries/mlit/impactAssessments/a2/revisions/1");
  EXPECT_FALSE(tally.in_force[1].all_low());
  EXPECT_THAT(tally.low_ministries, ElementsAre("ministries/mlit"));
}

}  // namespace
}  // namespace ismap::liu::eligibility
