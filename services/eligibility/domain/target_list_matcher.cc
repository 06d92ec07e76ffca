// Evaluation and explanation of target-list conditions.
#include "services/eligibility/domain/target_list_matcher.h"

#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/common/field_violations.h"
#include "services/common/status_macros.h"

namespace ismap::liu::eligibility {
namespace {

using Failures = std::vector<v1::ConditionFailure>;

// The profile as sets, for membership tests.
struct ProfileSets {
  const v1::BusinessProfile& profile;
  absl::flat_hash_set<std::string> kinds;
  absl::flat_hash_set<std::string> facts;
};

ProfileSets SetsOf(const v1::BusinessProfile& profile) {
  return {
      profile,
      {profile.information_kinds().begin(), profile.information_kinds().end()},
      {profile.facts().begin(), profile.facts().end()}};
}

std::string ChildPath(const std::string& path, const char* list, int index) {
  return absl::StrCat(path, path.empty() ? "" : ".", list, "[", index, "]");
}

const v1::ConditionList* ListOf(const v1::Condition& condition,
                                const char** name) {
  switch (condition.kind_case()) {
    case v1::Condition::kAllOf:
      *name = "all_of";
      return &condition.all_of();
    case v1::Condition::kAnyOf:
      *name = "any_of";
      return &condition.any_of();
    case v1::Condition::kNoneOf:
      *name = "none_of";
      return &condition.none_of();
    default:
      return nullptr;
  }
}

bool Holds(const v1::Condition& condition, const ProfileSets& profile) {
  switch (condition.kind_case()) {
    case v1::Condition::kAllOf:
      for (const v1::Condition& sub : condition.all_of().conditions()) {
        if (!Holds(sub, profile)) return false;
      }
      return true;
    case v1::Condition::kAnyOf:
      for (const v1::Condition& sub : condition.any_of().conditions()) {
        if (Holds(sub, profile)) return true;
      }
      return false;
    case v1::Condition::kNoneOf:
      for (const v1::Condition& sub : condition.none_of().conditions()) {
        if (Holds(sub, profile)) return false;
      }
      return true;
    case v1::Condition::kHasInformationKind:
      return profile.kinds.contains(condition.has_information_kind());
    case v1::Condition::kHasFact:
      return profile.facts.contains(condition.has_fact());
    case v1::Condition::kInformationKindsWithin: {
      const auto& allowed =
          condition.information_kinds_within().information_kinds();
      for (const std::string& kind : profile.profile.information_kinds()) {
        if (std::find(allowed.begin(), allowed.end(), kind) == allowed.end()) {
          return false;
        }
      }
      return true;
    }
    case v1::Condition::KIND_NOT_SET:
      break;
  }
  return false;
}

v1::LocalizedText Text(std::string ja, std::string en) {
  v1::LocalizedText text;
  text.set_ja(std::move(ja));
  text.set_en(std::move(en));
  return text;
}

// Turns a condition that does not hold into the failures a reviewer reads.
class Explainer {
 public:
  Explainer(const absl::flat_hash_map<std::string, v1::LocalizedText>& kinds,
            const absl::flat_hash_map<std::string, v1::LocalizedText>& facts)
      : kinds_(kinds), facts_(facts) {}

  // Appends every failed part of `condition`, which does not hold.
  void Explain(const v1::Condition& condition, const std::string& path,
               const ProfileSets& profile, Failures& out) const {
    v1::ConditionFailure failure;
    failure.set_path(path);
    switch (condition.kind_case()) {
      case v1::Condition::kAllOf:
        for (int i = 0; i < condition.all_of().conditions_size(); ++i) {
          const v1::Condition& sub = condition.all_of().conditions(i);
          if (!Holds(sub, profile)) {
            Explain(sub, ChildPath(path, "all_of", i), profile, out);
          }
        }
        return;
      case v1::Condition::kAnyOf:
        failure.set_kind(v1::ConditionFailure::KIND_NO_ALTERNATIVE_MET);
        *failure.mutable_text() =
            Described(condition, Text("いずれの選択肢にも該当しない",
                                      "none of the alternatives holds"));
        out.push_back(std::move(failure));
        for (int i = 0; i < condition.any_of().conditions_size(); ++i) {
          Explain(condition.any_of().conditions(i),
                  ChildPath(path, "any_of", i), profile, out);
        }
        return;
      case v1::Condition::kNoneOf:
        for (int i = 0; i < condition.none_of().conditions_size(); ++i) {
          const v1::Condition& sub = condition.none_of().conditions(i);
          if (!Holds(sub, profile)) continue;
          v1::ConditionFailure excluded;
          excluded.set_path(ChildPath(path, "none_of", i));
          excluded.set_kind(v1::ConditionFailure::KIND_EXCLUSION_MET);
          if (sub.has_has_fact()) excluded.set_fact(sub.has_fact());
          if (sub.has_has_information_kind()) {
            excluded.add_information_kinds(sub.has_information_kind());
          }
          const v1::LocalizedText what =
              Described(sub, sub.has_has_fact()
                                 ? Label(facts_, sub.has_fact())
                                 : Label(kinds_, sub.has_information_kind()));
          *excluded.mutable_text() =
              Text(absl::StrCat("除外事由に該当する：", what.ja()),
                   absl::StrCat("an exclusion applies: ", what.en()));
          out.push_back(std::move(excluded));
        }
        return;
      case v1::Condition::kHasInformationKind: {
        const v1::LocalizedText label =
            Label(kinds_, condition.has_information_kind());
        failure.set_kind(v1::ConditionFailure::KIND_INFORMATION_KIND_ABSENT);
        failure.add_information_kinds(condition.has_information_kind());
        *failure.mutable_text() = Described(
            condition, Text(absl::StrCat("「", label.ja(), "」を扱っていない"),
                            absl::StrCat("does not handle ", label.en())));
        break;
      }
      case v1::Condition::kHasFact: {
        const v1::LocalizedText label = Label(facts_, condition.has_fact());
        failure.set_kind(v1::ConditionFailure::KIND_FACT_ABSENT);
        failure.set_fact(condition.has_fact());
        *failure.mutable_text() = Described(
            condition, Text(absl::StrCat("「", label.ja(), "」に該当しない"),
                            absl::StrCat("not asserted: ", label.en())));
        break;
      }
      case v1::Condition::kInformationKindsWithin: {
        const auto& allowed =
            condition.information_kinds_within().information_kinds();
        std::vector<std::string> ja;
        std::vector<std::string> en;
        for (const std::string& kind : profile.profile.information_kinds()) {
          if (std::find(allowed.begin(), allowed.end(), kind) !=
              allowed.end()) {
            continue;
          }
          failure.add_information_kinds(kind);
          ja.push_back(Label(kinds_, kind).ja());
          en.push_back(Label(kinds_, kind).en());
        }
        failure.set_kind(
            v1::ConditionFailure::KIND_INFORMATION_KIND_OUTSIDE_SET);
        *failure.mutable_text() = Described(
            condition,
            Text(absl::StrCat("この項目の対象外の情報を扱う：",
                              absl::StrJoin(ja, "、")),
                 absl::StrCat("handles information outside this item: ",
                              absl::StrJoin(en, ", "))));
        break;
      }
      case v1::Condition::KIND_NOT_SET:
        return;
    }
    out.push_back(std::move(failure));
  }

 private:
  static v1::LocalizedText Described(const v1::Condition& condition,
                                     v1::LocalizedText otherwise) {
    return condition.has_description() ? condition.description() : otherwise;
  }

  static v1::LocalizedText Label(
      const absl::flat_hash_map<std::string, v1::LocalizedText>& labels,
      const std::string& id) {
    const auto it = labels.find(id);
    return it != labels.end() ? it->second : Text(id, id);
  }

  const absl::flat_hash_map<std::string, v1::LocalizedText>& kinds_;
  const absl::flat_hash_map<std::string, v1::LocalizedText>& facts_;
};

// The first problem of a condition tree, or OK.
absl::Status CheckCondition(
    const v1::Condition& condition, const std::string& path,
    const absl::flat_hash_map<std::string, v1::LocalizedText>& kinds,
    const absl::flat_hash_map<std::string, v1::LocalizedText>& facts) {
  const std::string where = path.empty() ? "the condition" : path;
  const char* name = nullptr;
  if (const v1::ConditionList* list = ListOf(condition, &name)) {
    if (list->conditions().empty()) {
      return absl::FailedPreconditionError(
          absl::StrCat(where, ": empty ", name));
    }
    for (int i = 0; i < list->conditions_size(); ++i) {
      RETURN_IF_ERROR(CheckCondition(list->conditions(i),
                                     ChildPath(path, name, i), kinds, facts));
    }
    return absl::OkStatus();
  }
  switch (condition.kind_case()) {
    case v1::Condition::kHasInformationKind:
      if (!kinds.contains(condition.has_information_kind())) {
        return absl::FailedPreconditionError(
            absl::StrCat(where, ": unknown kind of information ",
                         condition.has_information_kind()));
      }
      return absl::OkStatus();
    case v1::Condition::kHasFact:
      if (!facts.contains(condition.has_fact())) {
        return absl::FailedPreconditionError(
            absl::StrCat(where, ": unknown fact ", condition.has_fact()));
      }
      return absl::OkStatus();
    case v1::Condition::kInformationKindsWithin: {
      const auto& within =
          condition.information_kinds_within().information_kinds();
      if (within.empty()) {
        return absl::FailedPreconditionError(
            absl::StrCat(where, ": empty set"));
      }
      for (const std::string& kind : within) {
        if (!kinds.contains(kind)) {
          return absl::FailedPreconditionError(
              absl::StrCat(where, ": unknown kind of information ", kind));
        }
      }
      return absl::OkStatus();
    }
    default:
      return absl::FailedPreconditionError(
          absl::StrCat(where, ": no condition set"));
  }
}

}  // namespace

std::vector<ListItem> ItemsOf(const v1::TargetBusinessList& list) {
  std::vector<ListItem> items;
  for (const v1::TargetBusinessItem& item : list.items()) {
    items.push_back({item.item_number(), item.condition()});
  }
  return items;
}

absl::StatusOr<TargetListMatcher> TargetListMatcher::Create(
    std::vector<ListItem> items, const v1::InformationVocabulary* vocabulary) {
  Labels labels;
  for (const v1::VocabularyTerm& term : vocabulary->information_kinds()) {
    labels.kinds[term.id()] = term.label();
  }
  for (const v1::VocabularyTerm& term : vocabulary->facts()) {
    labels.facts[term.id()] = term.label();
  }
  for (const ListItem& item : items) {
    const absl::Status status =
        CheckCondition(item.condition, "", labels.kinds, labels.facts);
    if (!status.ok()) {
      return absl::FailedPreconditionError(absl::StrCat(
          "target-business item ", item.item_number, ": ", status.message()));
    }
  }
  return TargetListMatcher(std::move(items), std::move(labels));
}

absl::Status TargetListMatcher::ValidateProfile(
    const v1::BusinessProfile& profile) const {
  FieldViolations violations;
  if (profile.information_kinds().empty()) {
    violations.Add("information_kinds",
                   "must list at least one kind of information");
  }
  absl::flat_hash_set<std::string> seen;
  for (int i = 0; i < profile.information_kinds_size(); ++i) {
    const std::string& kind = profile.information_kinds(i);
    const std::string field = absl::StrCat("information_kinds[", i, "]");
    if (!labels_.kinds.contains(kind)) {
      violations.Add(
          field,
          absl::StrCat("unknown kind of information \"", kind,
                       "\"; see rules/information_vocabulary.textproto"));
    } else if (!seen.insert(kind).second) {
      violations.Add(field, absl::StrCat(kind, " is listed twice"));
    }
  }
  seen.clear();
  for (int i = 0; i < profile.facts_size(); ++i) {
    const std::string& fact = profile.facts(i);
    const std::string field = absl::StrCat("facts[", i, "]");
    if (!labels_.facts.contains(fact)) {
      violations.Add(
          field,
          absl::StrCat("unknown fact \"", fact,
                       "\"; see rules/information_vocabulary.textproto"));
    } else if (!seen.insert(fact).second) {
      violations.Add(field, absl::StrCat(fact, " is listed twice"));
    }
  }
  return violations.ToStatus();
}

ListEvaluation TargetListMatcher::Evaluate(
    const v1::BusinessProfile& profile) const {
  const ProfileSets sets = SetsOf(profile);
  const Explainer explainer(labels_.kinds, labels_.facts);
  ListEvaluation evaluation;
  for (const ListItem& item : items_) {
    v1::ItemEvaluation result;
    result.set_target_business(
        absl::StrCat("targetBusinesses/", item.item_number));
    result.set_matched(Holds(item.condition, sets));
    if (result.matched()) {
      if (!evaluation.matched_item.has_value()) {
        evaluation.matched_item = item.item_number;
      }
    } else {
      Failures failures;
      explainer.Explain(item.condition, "", sets, failures);
      for (v1::ConditionFailure& failure : failures) {
        *result.add_failures() = std::move(failure);
      }
    }
    evaluation.items.push_back(std::move(result));
  }
  return evaluation;
}

}  // namespace ismap::liu::eligibility
