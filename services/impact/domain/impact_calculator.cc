// Validation and computation of impact assessments.
#include "services/impact/domain/impact_calculator.h"

#include <algorithm>
#include <array>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/common/field_violations.h"
#include "services/common/status_macros.h"

namespace ismap::liu::impact {
namespace {

constexpr std::array<v1::SecurityObjective, 3> kObjectives = {
    v1::SECURITY_OBJECTIVE_CONFIDENTIALITY, v1::SECURITY_OBJECTIVE_INTEGRITY,
    v1::SECURITY_OBJECTIVE_AVAILABILITY};

size_t IndexOf(v1::SecurityObjective objective) {
  switch (objective) {
    case v1::SECURITY_OBJECTIVE_INTEGRITY:
      return 1;
    case v1::SECURITY_OBJECTIVE_AVAILABILITY:
      return 2;
    default:
      return 0;
  }
}

const char* FieldName(v1::SecurityObjective objective) {
  constexpr std::array<const char*, 3> kNames = {"confidentiality", "integrity",
                                                 "availability"};
  return kNames[IndexOf(objective)];
}

v1::ImpactLevel LevelIn(const v1::LevelTriple& levels,
                        v1::SecurityObjective objective) {
  switch (IndexOf(objective)) {
    case 1:
      return levels.integrity();
    case 2:
      return levels.availability();
    default:
      return levels.confidentiality();
  }
}

void SetLevel(v1::LevelTriple& levels, v1::SecurityObjective objective,
              v1::ImpactLevel level) {
  switch (IndexOf(objective)) {
    case 1:
      levels.set_integrity(level);
      break;
    case 2:
      levels.set_availability(level);
      break;
    default:
      levels.set_confidentiality(level);
  }
}

v1::LevelTriple AllLow() {
  v1::LevelTriple levels;
  for (v1::SecurityObjective objective : kObjectives) {
    SetLevel(levels, objective, v1::IMPACT_LEVEL_LOW);
  }
  return levels;
}

}  // namespace

v1::ImpactLevel HigherLevel(v1::ImpactLevel a, v1::ImpactLevel b) {
  return static_cast<int>(a) >= static_cast<int>(b) ? a : b;
}

std::string LevelName(v1::ImpactLevel level) {
  switch (level) {
    case v1::IMPACT_LEVEL_LOW:
      return "LOW";
    case v1::IMPACT_LEVEL_MODERATE:
      return "MODERATE";
    case v1::IMPACT_LEVEL_HIGH:
      return "HIGH";
    default:
      return "UNSPECIFIED";
  }
}

ImpactCalculator::ImpactCalculator(const v1::ImpactCriteria* criteria,
                                   const v1::InformationVocabulary* vocabulary)
    : criteria_(criteria) {
  for (const v1::VocabularyTerm& kind : vocabulary->information_kinds()) {
    kinds_.insert(kind.id());
  }
  for (const v1::ImpactQuestion& question : criteria->questions()) {
    Question& entry = questions_[question.id()];
    entry.question = &question;
    for (const v1::ImpactAnswer& answer : question.answers()) {
      entry.answers[answer.id()] = &answer;
    }
  }
}

ImpactCalculator::Implication ImpactCalculator::Imply(
    const google::protobuf::RepeatedPtrField<v1::CriterionAnswer>& answers,
    const std::vector<std::string>& kinds, FieldViolations& violations) const {
  Implication result;
  result.minimums.assign(kinds.size(), AllLow());
  result.causes.assign(kinds.size(), {});
  absl::flat_hash_map<std::string, size_t> kind_index;
  for (size_t i = 0; i < kinds.size(); ++i) kind_index.emplace(kinds[i], i);

  // Per question: answered for every kind at once, and for which kinds.
  absl::flat_hash_map<std::string,
                      std::pair<bool, absl::flat_hash_set<std::string>>>
      answered;
  for (int j = 0; j < answers.size(); ++j) {
    const v1::CriterionAnswer& answer = answers[j];
    const std::string field = absl::StrCat("answers[", j, "]");
    if (answer.comment().size() > kMaxCommentBytes) {
      violations.Add(
          field + ".comment",
          absl::StrCat("is longer than ", kMaxCommentBytes, " bytes"));
    }
    const auto question = questions_.find(answer.question_id());
    if (question == questions_.end()) {
      violations.Add(field + ".question_id",
                     absl::StrCat("unknown question \"", answer.question_id(),
                                  "\"; see rules/impact_criteria.textproto"));
      continue;
    }
    const v1::ImpactQuestion& asked = *question->second.question;
    const auto chosen = question->second.answers.find(answer.answer_id());
    if (chosen == question->second.answers.end()) {
      std::vector<std::string> ids;
      for (const v1::ImpactAnswer& possible : asked.answers()) {
        ids.push_back(possible.id());
      }
      violations.Add(
          field + ".answer_id",
          absl::StrCat("\"", answer.answer_id(), "\" is not an answer of ",
                       asked.id(), " (answers: ", absl::StrJoin(ids, ", "),
                       ")"));
      continue;
    }
    const bool per_business = asked.scope() == v1::QUESTION_SCOPE_PER_BUSINESS;
    const std::string& kind = answer.information_kind();
    if (per_business && !kind.empty()) {
      violations.Add(
          field + ".information_kind",
          absl::StrCat(
              asked.id(),
              " is asked once for the business; leave the kind empty"));
      continue;
    }
    if (!kind.empty() && !kind_index.contains(kind)) {
      violations.Add(
          field + ".information_kind",
          absl::StrCat("\"", kind, "\" is not among the rated kinds"));
      continue;
    }
    auto& [for_all, for_kinds] = answered[asked.id()];
    if (kind.empty() ? for_all : !for_kinds.insert(kind).second) {
      violations.Add(field, absl::StrCat(asked.id(), " is answered twice",
                                         kind.empty() ? "" : " for " + kind));
      continue;
    }
    if (kind.empty()) for_all = true;

    const v1::ImpactAnswer& implied = *chosen->second;
    for (size_t i = 0; i < kinds.size(); ++i) {
      if (!kind.empty() && kinds[i] != kind) continue;
      v1::LevelTriple& minimum = result.minimums[i];
      if (static_cast<int>(implied.minimum_level()) >
          static_cast<int>(LevelIn(minimum, asked.objective()))) {
        SetLevel(minimum, asked.objective(), implied.minimum_level());
        result.causes[i][IndexOf(asked.objective())] =
            absl::StrCat("answer \"", implied.id(), "\" to ", asked.id());
      }
    }
    if (implied.justification_required()) {
      result.why_justification.push_back(absl::StrCat(
          "answer \"", implied.id(), "\" to ", asked.id(), " asks for one"));
    }
  }

  for (const v1::ImpactQuestion& question : criteria_->questions()) {
    const auto it = answered.find(question.id());
    const bool for_all = it != answered.end() && it->second.first;
    if (for_all) continue;
    if (question.scope() == v1::QUESTION_SCOPE_PER_BUSINESS) {
      violations.Add("answers",
                     absl::StrCat(question.id(), " is not answered"));
      continue;
    }
    for (const std::string& kind : kinds) {
      if (it == answered.end() || !it->second.second.contains(kind)) {
        violations.Add("answers", absl::StrCat(question.id(),
                                               " is not answered for ", kind));
      }
    }
  }
  return result;
}

absl::StatusOr<ImpactEvaluation> ImpactCalculator::Evaluate(
    const v1::ImpactAssessment& assessment,
    absl::Span<const std::string> business_kinds) const {
  FieldViolations violations;
  // The rated kinds that can be evaluated: known, each once, in order.
  std::vector<std::string> kinds;
  std::vector<int> rating_of_kind;
  for (int i = 0; i < assessment.information_ratings_size(); ++i) {
    const v1::InformationRating& rating = assessment.information_ratings(i);
    const std::string field = absl::StrCat("information_ratings[", i, "]");
    const std::string& kind = rating.information_kind();
    if (kind.empty()) {
      violations.Add(field + ".information_kind",
                     "must name a kind of information from the vocabulary");
    } else if (!kinds_.contains(kind)) {
      violations.Add(
          field + ".information_kind",
          absl::StrCat("unknown kind \"", kind,
                       "\"; see rules/information_vocabulary.textproto"));
    } else if (std::find(kinds.begin(), kinds.end(), kind) != kinds.end()) {
      violations.Add(field + ".information_kind",
                     absl::StrCat(kind, " is rated twice"));
    } else {
      kinds.push_back(kind);
      rating_of_kind.push_back(i);
    }
    for (v1::SecurityObjective objective : kObjectives) {
      if (LevelIn(rating.levels(), objective) == v1::IMPACT_LEVEL_UNSPECIFIED) {
        violations.Add(absl::StrCat(field, ".levels.", FieldName(objective)),
                       "must be rated LOW, MODERATE or HIGH");
      }
    }
  }
  for (const std::string& kind : business_kinds) {
    if (std::find(kinds.begin(), kinds.end(), kind) == kinds.end()) {
      violations.Add(
          "information_ratings",
          absl::StrCat("no rating for ", kind, ", which the business handles"));
    }
  }

  const Implication implication =
      Imply(assessment.answers(), kinds, violations);
  std::vector<std::string> why_justification = implication.why_justification;
  for (size_t k = 0; k < kinds.size(); ++k) {
    const v1::InformationRating& rating =
        assessment.information_ratings(rating_of_kind[k]);
    for (v1::SecurityObjective objective : kObjectives) {
      const v1::ImpactLevel rated = LevelIn(rating.levels(), objective);
      const v1::ImpactLevel minimum =
          LevelIn(implication.minimums[k], objective);
      const std::string field =
          absl::StrCat("information_ratings[", rating_of_kind[k], "].levels.",
                       FieldName(objective));
      if (rated == v1::IMPACT_LEVEL_UNSPECIFIED) continue;
      if (static_cast<int>(rated) < static_cast<int>(minimum)) {
        violations.Add(field,
                       absl::StrCat("rated ", LevelName(rated), " but ",
                                    implication.causes[k][IndexOf(objective)],
                                    " implies at least ", LevelName(minimum)));
      } else if (rated != minimum &&
                 criteria_->justify_ratings_above_implied()) {
        why_justification.push_back(
            absl::StrCat(field, " is rated above the level the answers imply"));
      }
    }
  }
  if (assessment.justification().size() > kMaxJustificationBytes) {
    violations.Add(
        "justification",
        absl::StrCat("is longer than ", kMaxJustificationBytes, " bytes"));
  } else if (!why_justification.empty() &&
             absl::StripAsciiWhitespace(assessment.justification()).empty()) {
    violations.Add(
        "justification",
        absl::StrCat("is required: ", absl::StrJoin(why_justification, "; ")));
  }
  RETURN_IF_ERROR(violations.ToStatus());

  ImpactEvaluation evaluation;
  for (size_t k = 0; k < kinds.size(); ++k) {
    v1::InformationRating minimum;
    minimum.set_information_kind(kinds[k]);
    *minimum.mutable_levels() = implication.minimums[k];
    evaluation.implied_minimums.push_back(std::move(minimum));
  }
  for (v1::SecurityObjective objective : kObjectives) {
    v1::ImpactLevel highest = v1::IMPACT_LEVEL_LOW;
    for (const v1::InformationRating& rating :
         assessment.information_ratings()) {
      highest = HigherLevel(highest, LevelIn(rating.levels(), objective));
    }
    SetLevel(evaluation.high_water_mark, objective, highest);
    evaluation.overall_level = HigherLevel(evaluation.overall_level, highest);
  }
  evaluation.all_low = evaluation.overall_level == v1::IMPACT_LEVEL_LOW;
  return evaluation;
}

absl::Status ImpactCalculator::CheckExamples() const {
  for (const v1::ImpactExample& example : criteria_->examples()) {
    google::protobuf::RepeatedPtrField<v1::CriterionAnswer> answers;
    for (const v1::ExampleAnswer& given : example.answers()) {
      v1::CriterionAnswer* answer = answers.Add();
      answer->set_question_id(given.question_id());
      answer->set_answer_id(given.answer_id());
      answer->set_information_kind(given.information_kind());
    }
    const std::vector<std::string> kinds(example.information_kinds().begin(),
                                         example.information_kinds().end());
    FieldViolations violations;
    for (size_t i = 0; i < kinds.size(); ++i) {
      if (!kinds_.contains(kinds[i])) {
        violations.Add(absl::StrCat("information_kinds[", i, "]"),
                       absl::StrCat("unknown kind \"", kinds[i], "\""));
      }
    }
    const Implication implication = Imply(answers, kinds, violations);
    v1::LevelTriple highest = AllLow();
    for (const v1::LevelTriple& minimum : implication.minimums) {
      for (v1::SecurityObjective objective : kObjectives) {
        SetLevel(highest, objective,
                 HigherLevel(LevelIn(highest, objective),
                             LevelIn(minimum, objective)));
      }
    }
    if (!violations.empty() ||
        highest.SerializeAsString() !=
            example.implied_minimum().SerializeAsString()) {
      return absl::FailedPreconditionError(absl::StrCat(
          "worked example ", example.id(), " does not agree with the questions",
          violations.empty()
              ? ": its implied_minimum differs from what its answers imply"
              : absl::StrCat(": ", violations.ToStatus().message())));
    }
  }
  return absl::OkStatus();
}

}  // namespace ismap::liu::impact
