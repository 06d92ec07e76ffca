// The impact calculator against the repository's criteria: every combination
// of levels over several kinds of information, each answer's minimum level one
// by one, every validation rule, and the worked examples.
#include "services/impact/domain/impact_calculator.h"

#include <map>
#include <memory>
#include <set>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/field_violations.h"
#include "services/common/rules/rule_set.h"
#include "tests/harness/test_server.h"

namespace ismap::liu::impact {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr std::array<v1::ImpactLevel, 3> kLevels = {
    v1::IMPACT_LEVEL_LOW, v1::IMPACT_LEVEL_MODERATE, v1::IMPACT_LEVEL_HIGH};

class ImpactCalculatorTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    rules_ = new std::shared_ptr<const RuleSet>(
        *RuleSet::LoadFromDirectory(testing::SourceRulesDir()));
  }
  static void TearDownTestSuite() { delete rules_; }

  const v1::ImpactCriteria& criteria() const {
    return **(*rules_)->Require<v1::ImpactCriteria>();
  }
  ImpactCalculator calculator() const {
    return ImpactCalculator(&criteria(),
                            *(*rules_)->Require<v1::InformationVocabulary>());
  }

  // For each question, the first answer that implies LOW (some ask for a
  // justification, so assessments made with them carry one).
  std::map<std::string, std::string> LowAnswers() const {
    std::map<std::string, std::string> low;
    for (const v1::ImpactQuestion& question : criteria().questions()) {
      for (const v1::ImpactAnswer& answer : question.answers()) {
        if (answer.minimum_level() == v1::IMPACT_LEVEL_LOW) {
          low.emplace(question.id(), answer.id());
          break;
        }
      }
    }
    return low;
  }

  // An assessment of `kinds`, each rated `levels`, answering every question
  // with `answers` (question -> answer, for every kind).
  static v1::ImpactAssessment Assessment(
      const std::vector<std::string>& kinds, const v1::LevelTriple& levels,
      const std::map<std::string, std::string>& answers) {
    v1::ImpactAssessment assessment;
    for (const std::string& kind : kinds) {
      v1::InformationRating* rating = assessment.add_information_ratings();
      rating->set_information_kind(kind);
      *rating->mutable_levels() = levels;
    }
    for (const auto& [question, answer] : answers) {
      v1::CriterionAnswer* given = assessment.add_answers();
      given->set_question_id(question);
      given->set_answer_id(answer);
    }
    assessment.set_justification("代替手段と原本との照合方法は別紙のとおり。");
    return assessment;
  }

  static v1::LevelTriple Levels(v1::ImpactLevel c, v1::ImpactLevel i,
                                v1::ImpactLevel a) {
    v1::LevelTriple levels;
    levels.set_confidentiality(c);
    levels.set_integrity(i);
    levels.set_availability(a);
    return levels;
  }

  static std::vector<std::string> Fields(const absl::Status& status) {
    std::vector<std::string> fields;
    for (const v1::FieldViolation& violation : FieldViolationsOf(status)) {
      fields.push_back(violation.field() + ": " + violation.description());
    }
    return fields;
  }

  static std::shared_ptr<const RuleSet>* rules_;
};

std::shared_ptr<const RuleSet>* ImpactCalculatorTest::rules_ = nullptr;

TEST_F(ImpactCalculatorTest, TheWorkedExamplesAgreeWithTheQuestions) {
  EXPECT_TRUE(calculator().CheckExamples().ok())
      << calculator().CheckExamples();
  int low = 0;
  for (const v1::ImpactExample& example : criteria().examples()) {
    const v1::LevelTriple& minimum = example.implied_minimum();
    const bool all_low = minimum.confidentiality() == v1::IMPACT_LEVEL_LOW &&
                         minimum.integrity() == v1::IMPACT_LEVEL_LOW &&
                         minimum.availability() == v1::IMPACT_LEVEL_LOW;
    // The programme's own target businesses are its examples of low impact.
    EXPECT_EQ(all_low, example.target_business_item() != 0) << example.id();
    low += all_low;
  }
  EXPECT_EQ(low, 8);
}

TEST_F(ImpactCalculatorTest, AnExampleThatDisagreesIsRefused) {
  v1::ImpactCriteria broken = criteria();
  broken.mutable_examples(0)->mutable_implied_minimum()->set_integrity(
      v1::IMPACT_LEVEL_HIGH);
  const ImpactCalculator calculator(
      &broken, *(*rules_)->Require<v1::InformationVocabulary>());
  const absl::Status status = calculator.CheckExamples();
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(status.message()),
              HasSubstr(broken.examples(0).id()));
}

TEST_F(ImpactCalculatorTest, EveryCombinationOfLevelsOverSeveralKinds) {
  const ImpactCalculator calc = calculator();
  const std::vector<std::string> kinds = {"business_card_information",
                                          "user_account_information",
                                          "staff_titles_and_names"};
  const std::map<std::string, std::string> low = LowAnswers();
  int combinations = 0;
  // 3 objectives x 3 kinds = 9 ratings, each LOW, MODERATE or HIGH: 3^9.
  for (int code = 0; code < 19683; ++code) {
    v1::ImpactAssessment assessment = Assessment(kinds, v1::LevelTriple(), low);
    int rest = code;
    std::array<int, 3> highest = {0, 0, 0};
    for (int k = 0; k < 3; ++k) {
      std::array<int, 3> chosen;
      for (int objective = 0; objective < 3; ++objective) {
        chosen[objective] = rest % 3;
        rest /= 3;
        highest[objective] = std::max(highest[objective], chosen[objective]);
      }
      *assessment.mutable_information_ratings(k)->mutable_levels() =
          Levels(kLevels[chosen[0]], kLevels[chosen[1]], kLevels[chosen[2]]);
    }
    const absl::StatusOr<ImpactEvaluation> evaluation =
        calc.Evaluate(assessment, kinds);
    ASSERT_TRUE(evaluation.ok()) << code << ": " << evaluation.status();
    EXPECT_EQ(evaluation->high_water_mark.confidentiality(),
              kLevels[highest[0]]);
    EXPECT_EQ(evaluation->high_water_mark.integrity(), kLevels[highest[1]]);
    EXPECT_EQ(evaluation->high_water_mark.availability(), kLevels[highest[2]]);
    const int overall = std::max({highest[0], highest[1], highest[2]});
    EXPECT_EQ(evaluation->overall_level, kLevels[overall]);
    EXPECT_EQ(evaluation->all_low, overall == 0);
    ASSERT_EQ(evaluation->implied_minimums.size(), 3u);
    for (const v1::InformationRating& minimum : evaluation->implied_minimums) {
      EXPECT_EQ(minimum.levels().SerializeAsString(),
                Levels(kLevels[0], kLevels[0], kLevels[0]).SerializeAsString());
    }
    ++combinations;
  }
  EXPECT_EQ(combinations, 19683);
}

TEST_F(ImpactCalculatorTest, EachAnswerImpliesItsMinimumLevelOneByOne) {
  const ImpactCalculator calc = calculator();
  const std::vector<std::string> kinds = {"citizen_personal_information"};
  int checked = 0;
  for (const v1::ImpactQuestion& question : criteria().questions()) {
    for (const v1::ImpactAnswer& answer : question.answers()) {
      std::map<std::string, std::string> answers = LowAnswers();
      answers[question.id()] = answer.id();
      const v1::ImpactLevel minimum = answer.minimum_level();
      auto field_of = [&](int kind_index) {
        const char* name =
            question.objective() == v1::SECURITY_OBJECTIVE_CONFIDENTIALITY
                ? "confidentiality"
            : question.objective() == v1::SECURITY_OBJECTIVE_INTEGRITY
                ? "integrity"
                : "availability";
        return absl::StrCat("information_ratings[", kind_index, "].levels.",
                            name);
      };
      v1::LevelTriple at_minimum = Levels(
          v1::IMPACT_LEVEL_LOW, v1::IMPACT_LEVEL_LOW, v1::IMPACT_LEVEL_LOW);
      switch (question.objective()) {
        case v1::SECURITY_OBJECTIVE_CONFIDENTIALITY:
          at_minimum.set_confidentiality(minimum);
          break;
        case v1::SECURITY_OBJECTIVE_INTEGRITY:
          at_minimum.set_integrity(minimum);
          break;
        default:
          at_minimum.set_availability(minimum);
      }
      // Rated exactly at the minimum: accepted, and the minimum is reported.
      v1::ImpactAssessment assessment = Assessment(kinds, at_minimum, answers);
      if (answer.justification_required()) {
        // Without a justification the answer is refused, naming why.
        v1::ImpactAssessment unjustified = assessment;
        unjustified.clear_justification();
        EXPECT_THAT(Fields(calc.Evaluate(unjustified, kinds).status()),
                    ::testing::ElementsAre(HasSubstr(
                        absl::StrCat("answer \"", answer.id(), "\" to ",
                                     question.id(), " asks for one"))));
      }
      const auto accepted = calc.Evaluate(assessment, kinds);
      ASSERT_TRUE(accepted.ok())
          << question.id() << "/" << answer.id() << ": " << accepted.status();
      EXPECT_EQ(accepted->implied_minimums[0].levels().SerializeAsString(),
                at_minimum.SerializeAsString());
      EXPECT_EQ(accepted->all_low, minimum == v1::IMPACT_LEVEL_LOW);

      // Rated one level lower: refused, naming the field, question and answer.
      if (minimum != v1::IMPACT_LEVEL_LOW) {
        v1::LevelTriple below = at_minimum;
        const auto lower =
            static_cast<v1::ImpactLevel>(static_cast<int>(minimum) - 1);
        switch (question.objective()) {
          case v1::SECURITY_OBJECTIVE_CONFIDENTIALITY:
            below.set_confidentiality(lower);
            break;
          case v1::SECURITY_OBJECTIVE_INTEGRITY:
            below.set_integrity(lower);
            break;
          default:
            below.set_availability(lower);
        }
        v1::ImpactAssessment too_low = Assessment(kinds, below, answers);
        too_low.set_justification("x");
        const auto refused = calc.Evaluate(too_low, kinds);
        EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
        EXPECT_THAT(Fields(refused.status()),
                    ::testing::Contains(absl::StrCat(
                        field_of(0), ": rated ", LevelName(lower),
                        " but answer \"", answer.id(), "\" to ", question.id(),
                        " implies at least ", LevelName(minimum))));
      }
      ++checked;
    }
  }
  EXPECT_GE(checked, 2 * criteria().questions_size());
}

TEST_F(ImpactCalculatorTest, PerKindAnswersApplyToTheirKindOnly) {
  const ImpactCalculator calc = calculator();
  const std::vector<std::string> kinds = {"business_card_information",
                                          "citizen_personal_information"};
  std::map<std::string, std::string> low = LowAnswers();
  low.erase("c2_personal_information");
  v1::ImpactAssessment assessment = Assessment(
      kinds,
      Levels(v1::IMPACT_LEVEL_LOW, v1::IMPACT_LEVEL_LOW, v1::IMPACT_LEVEL_LOW),
      low);
  assessment.mutable_information_ratings(1)
      ->mutable_levels()
      ->set_confidentiality(v1::IMPACT_LEVEL_MODERATE);
  for (const auto& [kind, answer] :
       {std::pair<std::string, std::string>{"business_card_information",
                                            "business_contact"},
        {"citizen_personal_information", "citizen_personal"}}) {
    v1::CriterionAnswer* given = assessment.add_answers();
    given->set_question_id("c2_personal_information");
    given->set_answer_id(answer);
    given->set_information_kind(kind);
  }
  const auto evaluation = calc.Evaluate(assessment, kinds);
  ASSERT_TRUE(evaluation.ok()) << evaluation.status();
  EXPECT_EQ(evaluation->implied_minimums[0].levels().confidentiality(),
            v1::IMPACT_LEVEL_LOW);
  EXPECT_EQ(evaluation->implied_minimums[1].levels().confidentiality(),
            v1::IMPACT_LEVEL_MODERATE);
  EXPECT_EQ(evaluation->high_water_mark.confidentiality(),
            v1::IMPACT_LEVEL_MODERATE);
  EXPECT_FALSE(evaluation->all_low);
}

TEST_F(ImpactCalculatorTest, EveryCombinationOfPerKindAnswersAcrossKinds) {
  const ImpactCalculator calc = calculator();
  const std::vector<std::string> kinds = {"business_card_information",
                                          "citizen_personal_information"};
  // c2's answers imply LOW, MODERATE and HIGH confidentiality.
  const std::array<std::string, 3> by_level = {"none", "citizen_personal",
                                               "sensitive_personal"};
  std::map<std::string, std::string> low = LowAnswers();
  low.erase("c2_personal_information");
  int checked = 0;
  for (int first = 0; first < 3; ++first) {
    for (int second = 0; second < 3; ++second) {
      const std::array<int, 2> chosen = {first, second};
      v1::ImpactAssessment assessment =
          Assessment(kinds,
                     Levels(v1::IMPACT_LEVEL_LOW, v1::IMPACT_LEVEL_LOW,
                            v1::IMPACT_LEVEL_LOW),
                     low);
      for (int k = 0; k < 2; ++k) {
        v1::CriterionAnswer* answer = assessment.add_answers();
        answer->set_question_id("c2_personal_information");
        answer->set_answer_id(by_level[chosen[k]]);
        answer->set_information_kind(kinds[k]);
        assessment.mutable_information_ratings(k)
            ->mutable_levels()
            ->set_confidentiality(kLevels[chosen[k]]);
      }
      const auto evaluation = calc.Evaluate(assessment, kinds);
      ASSERT_TRUE(evaluation.ok()) << evaluation.status();
      for (int k = 0; k < 2; ++k) {
        EXPECT_EQ(evaluation->implied_minimums[k].levels().confidentiality(),
                  kLevels[chosen[k]]);
      }
      const int highest = std::max(first, second);
      EXPECT_EQ(evaluation->high_water_mark.confidentiality(),
                kLevels[highest]);
      EXPECT_EQ(evaluation->overall_level, kLevels[highest]);
      EXPECT_EQ(evaluation->all_low, highest == 0);

      // Each kind rated one level below its own minimum is refused, naming
      // that kind's rating and the answer given for it.
      for (int k = 0; k < 2; ++k) {
        if (chosen[k] == 0) continue;
        v1::ImpactAssessment lower = assessment;
        lower.mutable_information_ratings(k)
            ->mutable_levels()
            ->set_confidentiality(kLevels[chosen[k] - 1]);
        EXPECT_THAT(
            Fields(calc.Evaluate(lower, kinds).status()),
            ElementsAre(absl::StrCat(
                "information_ratings[", k, "].levels.confidentiality: rated ",
                LevelName(kLevels[chosen[k] - 1]), " but answer \"",
                by_level[chosen[k]],
                "\" to c2_personal_information implies at least ",
                LevelName(kLevels[chosen[k]]))));
      }
      ++checked;
    }
  }
  EXPECT_EQ(checked, 9);
}

TEST_F(ImpactCalculatorTest, KindsBeyondTheBusinessCountInTheHighWaterMark) {
  const ImpactCalculator calc = calculator();
  // The business declares one kind; the ministry knows it handles another.
  v1::ImpactAssessment assessment = Assessment(
      {"business_card_information", "procurement_information"},
      Levels(v1::IMPACT_LEVEL_LOW, v1::IMPACT_LEVEL_LOW, v1::IMPACT_LEVEL_LOW),
      LowAnswers());
  assessment.mutable_information_ratings(1)->mutable_levels()->set_integrity(
      v1::IMPACT_LEVEL_HIGH);
  const auto evaluation =
      calc.Evaluate(assessment, {"business_card_information"});
  ASSERT_TRUE(evaluation.ok()) << evaluation.status();
  EXPECT_EQ(evaluation->implied_minimums.size(), 2u);
  EXPECT_EQ(evaluation->high_water_mark.integrity(), v1::IMPACT_LEVEL_HIGH);
  EXPECT_FALSE(evaluation->all_low);
}

TEST_F(ImpactCalculatorTest, EveryViolationIsListedAtOnce) {
  const ImpactCalculator calc = calculator();
  std::map<std::string, std::string> low = LowAnswers();
  low.erase("a2_tolerable_outage");  // Left unanswered.
  v1::ImpactAssessment assessment =
      Assessment({"business_card_information", "no_such_kind",
                  "business_card_information"},
                 Levels(v1::IMPACT_LEVEL_LOW, v1::IMPACT_LEVEL_UNSPECIFIED,
                        v1::IMPACT_LEVEL_HIGH),
                 low);
  v1::CriterionAnswer* unknown_question = assessment.add_answers();
  unknown_question->set_question_id("z9_nonsense");
  unknown_question->set_answer_id("yes");
  v1::CriterionAnswer* unknown_answer = assessment.add_answers();
  unknown_answer->set_question_id("i1_legal_effect");
  unknown_answer->set_answer_id("perhaps");
  v1::CriterionAnswer* per_business_with_kind = assessment.add_answers();
  per_business_with_kind->set_question_id("a1_alternative_means");
  per_business_with_kind->set_answer_id("no");
  per_business_with_kind->set_information_kind("business_card_information");
  v1::CriterionAnswer* unrated_kind = assessment.add_answers();
  unrated_kind->set_question_id("c2_personal_information");
  unrated_kind->set_answer_id("none");
  unrated_kind->set_information_kind("training_content");
  v1::CriterionAnswer* twice = assessment.add_answers();
  twice->set_question_id("i3_life_safety");
  twice->set_answer_id("no");
  twice->set_comment(std::string(3000, 'x'));
  assessment.set_justification(std::string(kMaxJustificationBytes + 1, 'j'));

  const auto evaluation = calc.Evaluate(
      assessment, {"business_card_information", "staff_safety_status"});
  EXPECT_EQ(evaluation.status().code(), absl::StatusCode::kInvalidArgument);
  const std::vector<std::string> fields = Fields(evaluation.status());
  for (
      const char* expected :
      {"information_ratings[1].information_kind: unknown kind \"no_such_kind\"",
       "information_ratings[2].information_kind: business_card_information is "
       "rated twice",
       "information_ratings[0].levels.integrity: must be rated",
       "information_ratings: no rating for staff_safety_status", "answers[",
       "answers: a2_tolerable_outage is not answered",
       "question_id: unknown question \"z9_nonsense\"",
       "answer_id: \"perhaps\" is not an answer of i1_legal_effect (answers: "
       "no, yes)",
       "information_kind: a1_alternative_means is asked once for the business",
       "information_kind: \"training_content\" is not among the rated kinds",
       "i3_life_safety is answered twice", "comment: is longer than 2048 bytes",
       "justification: is longer than"}) {
    EXPECT_THAT(fields, ::testing::Contains(HasSubstr(expected))) << expected;
  }
}

TEST_F(ImpactCalculatorTest, ARatingAboveTheAnswersNeedsAJustification) {
  const ImpactCalculator calc = calculator();
  const std::vector<std::string> kinds = {"training_content"};
  // Answers that need no justification of their own: integrity and
  // availability at least MODERATE.
  std::map<std::string, std::string> answers = LowAnswers();
  answers["i2_recoverable"] = "no";
  answers["a1_alternative_means"] = "no";
  v1::ImpactAssessment assessment =
      Assessment(kinds,
                 Levels(v1::IMPACT_LEVEL_LOW, v1::IMPACT_LEVEL_MODERATE,
                        v1::IMPACT_LEVEL_HIGH),
                 answers);
  assessment.clear_justification();
  EXPECT_THAT(
      Fields(calc.Evaluate(assessment, kinds).status()),
      ::testing::ElementsAre("justification: is required: "
                             "information_ratings[0].levels.availability "
                             "is rated above the level the answers imply"));
  assessment.set_justification(
      "教材の改ざんは研修の質に直結するため中位とする。");
  const auto evaluation = calc.Evaluate(assessment, kinds);
  ASSERT_TRUE(evaluation.ok()) << evaluation.status();
  EXPECT_EQ(evaluation->overall_level, v1::IMPACT_LEVEL_HIGH);
  EXPECT_FALSE(evaluation->all_low);
}

}  // namespace
}  // namespace ismap::liu::impact
