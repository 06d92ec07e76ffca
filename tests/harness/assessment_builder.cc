// Assessments built from the criteria in rules/.
#include "tests/harness/assessment_builder.h"

#include "gtest/gtest.h"
#include "ismap/liu/v1/rules.pb.h"
#include "services/common/rules/rule_set.h"
#include "tests/harness/test_server.h"

namespace ismap::liu::testing {

v1::ImpactAssessment LowAssessment(const std::vector<std::string>& kinds) {
  const auto rules = RuleSet::LoadFromDirectory(SourceRulesDir());
  EXPECT_TRUE(rules.ok()) << rules.status();
  v1::ImpactAssessment assessment;
  for (const std::string& kind : kinds) {
    v1::InformationRating* rating = assessment.add_information_ratings();
    rating->set_information_kind(kind);
    rating->mutable_levels()->set_confidentiality(v1::IMPACT_LEVEL_LOW);
    rating->mutable_levels()->set_integrity(v1::IMPACT_LEVEL_LOW);
    rating->mutable_levels()->set_availability(v1::IMPACT_LEVEL_LOW);
  }
  if (!rules.ok()) return assessment;
  for (const v1::ImpactQuestion& question :
       (*(*rules)->Require<v1::ImpactCriteria>())->questions()) {
    for (const v1::ImpactAnswer& answer : question.answers()) {
      if (answer.minimum_level() == v1::IMPACT_LEVEL_LOW) {
        v1::CriterionAnswer* given = assessment.add_answers();
        given->set_question_id(question.id());
        given->set_answer_id(answer.id());
        break;
      }
    }
  }
  assessment.set_justification(
      "原本（紙の台帳）と照合して回復でき、停止時は電話とメールで業務を継続"
      "する。");
  return assessment;
}

void SetAnswer(v1::ImpactAssessment& assessment, const std::string& question,
               const std::string& answer) {
  for (v1::CriterionAnswer& given : *assessment.mutable_answers()) {
    if (given.question_id() == question) given.set_answer_id(answer);
  }
}

}  // namespace ismap::liu::testing
