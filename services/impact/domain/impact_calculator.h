// The impact calculator (影響度の算定): checks a ministry's assessment against
// the criteria in rules/ and computes what it implies.
//
// Each answer implies a minimum level for its question's objective, for one
// kind of information or for all of them; the business's level per objective
// is the highest over its kinds (high-water mark), and the business is low
// impact only when confidentiality, integrity and availability are all LOW.
// Pure and deterministic: no I/O, no clock.
#ifndef ISMAP_LIU_SERVICES_IMPACT_DOMAIN_IMPACT_CALCULATOR_H_
#define ISMAP_LIU_SERVICES_IMPACT_DOMAIN_IMPACT_CALCULATOR_H_

#include <array>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "ismap/liu/v1/impact_assessment.pb.h"
#include "ismap/liu/v1/rules.pb.h"
#include "services/common/field_violations.h"

namespace ismap::liu::impact {

// What an assessment implies.
struct ImpactEvaluation {
  // Per rated kind of information, in the order rated: the lowest levels the
  // answers allow.
  std::vector<v1::InformationRating> implied_minimums;
  // Per objective, the highest rating over every rated kind.
  v1::LevelTriple high_water_mark;
  // The highest of the three.
  v1::ImpactLevel overall_level = v1::IMPACT_LEVEL_UNSPECIFIED;
  // Whether C, I and A are all LOW.
  bool all_low = false;
};

// Limits on the free text of an assessment.
inline constexpr size_t kMaxJustificationBytes = 16 * 1024;
inline constexpr size_t kMaxCommentBytes = 2 * 1024;

// Immutable after construction; thread-safe. Keeps pointers into `criteria`
// and `vocabulary`, which must outlive it (they live in the loaded RuleSet).
class ImpactCalculator {
 public:
  ImpactCalculator(const v1::ImpactCriteria* criteria,
                   const v1::InformationVocabulary* vocabulary);

  // Checks `assessment` (its information_ratings, answers and justification;
  // other fields are ignored) for a business that handles `business_kinds`,
  // and computes what it implies. INVALID_ARGUMENT listing every violation at
  // once, each naming its field (paths relative to the assessment, e.g.
  // `information_ratings[1].levels.integrity`): an unknown, duplicated or
  // missing kind of information; an objective left unrated; an unknown
  // question or answer; a question left unanswered (for some kind); an answer
  // for a kind that is not rated; a rating lower than an answer implies
  // (naming the question and answer); a missing justification where an
  // answer or a rating above the implied level asks for one; oversized text.
  absl::StatusOr<ImpactEvaluation> Evaluate(
      const v1::ImpactAssessment& assessment,
      absl::Span<const std::string> business_kinds) const;

  // Checks every worked example of the criteria: its answers must be a
  // complete, valid assessment whose high-water mark of implied minimums is
  // the example's `implied_minimum`. FAILED_PRECONDITION naming the first
  // example that disagrees.
  absl::Status CheckExamples() const;

 private:
  // The minimum levels a set of answers implies, per kind of information.
  struct Implication {
    std::vector<v1::LevelTriple> minimums;  // Parallel to the kinds.
    // Per kind and objective (C, I, A): the answer that set the minimum.
    std::vector<std::array<std::string, 3>> causes;
    // Why a justification is required (one reason per answer asking for
    // one); empty if none is.
    std::vector<std::string> why_justification;
  };

  // Checks `answers` against the questions for the given kinds (valid and
  // distinct), adding every problem to `violations`.
  Implication Imply(
      const google::protobuf::RepeatedPtrField<v1::CriterionAnswer>& answers,
      const std::vector<std::string>& kinds, FieldViolations& violations) const;

  struct Question {
    const v1::ImpactQuestion* question;
    absl::flat_hash_map<std::string, const v1::ImpactAnswer*> answers;
  };

  const v1::ImpactCriteria* criteria_;
  absl::flat_hash_set<std::string> kinds_;
  absl::flat_hash_map<std::string, Question> questions_;
};

// The higher of two levels (UNSPECIFIED below LOW).
v1::ImpactLevel HigherLevel(v1::ImpactLevel a, v1::ImpactLevel b);

// "LOW", "MODERATE", "HIGH" or "UNSPECIFIED".
std::string LevelName(v1::ImpactLevel level);

}  // namespace ismap::liu::impact

#endif  // ISMAP_LIU_SERVICES_IMPACT_DOMAIN_IMPACT_CALCULATOR_H_
