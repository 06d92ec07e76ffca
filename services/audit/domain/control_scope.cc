// Indexing the control criteria and resolving a statement scope.
#include "services/audit/domain/control_scope.h"

#include <algorithm>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/common/field_violations.h"
#include "services/common/status_macros.h"

namespace ismap::liu::audit {
namespace {

// The end of the part of `id` that starts at `begin`: the next '.' or the
// end of `id`.
size_t PartEnd(absl::string_view id, size_t begin) {
  size_t end = begin;
  while (end < id.size() && id[end] != '.') ++end;
  return end;
}

bool IsNumber(absl::string_view part) {
  if (part.empty()) return false;
  for (const char c : part) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// <0, 0 or >0 as part `a` sorts before, with or after part `b`: numbers by
// value before text, text by bytes.
int CompareParts(absl::string_view a, absl::string_view b) {
  const bool a_number = IsNumber(a);
  const bool b_number = IsNumber(b);
  if (a_number != b_number) return a_number ? -1 : 1;
  if (a_number) {
    while (a.size() > 1 && a.front() == '0') a.remove_prefix(1);
    while (b.size() > 1 && b.front() == '0') b.remove_prefix(1);
    if (a.size() != b.size()) return a.size() < b.size() ? -1 : 1;
  }
  return a.compare(b);
}

absl::Status Invalid(const std::vector<std::string>& problems) {
  return absl::InvalidArgumentError(absl::StrJoin(problems, "; "));
}

}  // namespace

bool ObjectiveIdLess(absl::string_view a, absl::string_view b) {
  size_t at_a = 0;
  size_t at_b = 0;
  while (at_a < a.size() && at_b < b.size()) {
    const size_t end_a = PartEnd(a, at_a);
    const size_t end_b = PartEnd(b, at_b);
    const int order = CompareParts(a.substr(at_a, end_a - at_a),
                                   b.substr(at_b, end_b - at_b));
    if (order != 0) return order < 0;
    at_a = end_a + 1;
    at_b = end_b + 1;
  }
  const bool a_done = at_a >= a.size();
  const bool b_done = at_b >= b.size();
  if (a_done != b_done) return a_done;
  return a < b;  // Same parts written differently ("01" and "1").
}

bool ObjectiveLess(const v1::ControlObjective& a,
                   const v1::ControlObjective& b) {
  if (a.tier() != b.tier()) return a.tier() < b.tier();
  return ObjectiveIdLess(a.id(), b.id());
}

bool IsCriticalControl(const v1::ControlObjective& objective) {
  return objective.tier() == v1::CONTROL_TIER_CONTROLS &&
         !objective.critical_areas().empty();
}

absl::StatusOr<ControlCriteria> ControlCriteria::Create(
    const v1::ControlCatalog& catalog) {
  ControlCriteria criteria;
  std::vector<std::string> problems;
  for (const v1::ControlObjective& objective : catalog.objectives()) {
    criteria.objectives_.push_back(&objective);
  }
  std::sort(criteria.objectives_.begin(), criteria.objectives_.end(),
            [](const v1::ControlObjective* a, const v1::ControlObjective* b) {
              return ObjectiveLess(*a, *b);
            });
  for (int i = 0; i < static_cast<int>(criteria.objectives_.size()); ++i) {
    const std::string& id = criteria.objectives_[i]->id();
    if (!criteria.index_.emplace(id, i).second) {
      problems.push_back(
          absl::StrCat("objective id \"", id, "\" appears more than once"));
    }
  }
  criteria.detailed_controls_.resize(criteria.objectives_.size());
  for (const v1::DetailedControl& control : catalog.detailed_controls()) {
    const int index = criteria.IndexOf(control.objective_id());
    if (index < 0) {
      problems.push_back(absl::StrCat(
          "detailed control \"", control.id(), "\" belongs to objective \"",
          control.objective_id(), "\", which is not in the catalog"));
      continue;
    }
    criteria.detailed_controls_[index].push_back(&control);
  }
  if (!problems.empty()) return Invalid(problems);
  for (auto& controls : criteria.detailed_controls_) {
    std::sort(controls.begin(), controls.end(),
              [](const v1::DetailedControl* a, const v1::DetailedControl* b) {
                return ObjectiveIdLess(a->id(), b->id());
              });
  }
  return criteria;
}

int ControlCriteria::IndexOf(absl::string_view id) const {
  const auto found = index_.find(id);
  return found == index_.end() ? -1 : found->second;
}

absl::StatusOr<ControlScope> ControlScope::Create(
    const ControlCriteria& criteria, const v1::StatementScope& statement) {
  ControlScope scope(criteria);
  const std::vector<const v1::ControlObjective*>& all = criteria.objectives();
  scope.in_scope_.assign(all.size(), true);
  FieldViolations violations;
  // (criteria position, position in the request) of each exclusion.
  std::vector<std::pair<int, int>> excluded;
  for (int i = 0; i < statement.excluded_objectives_size(); ++i) {
    const v1::ObjectiveExclusion& exclusion = statement.excluded_objectives(i);
    const std::string field = absl::StrCat("excluded_objectives[", i, "]");
    if (exclusion.reason().empty()) {
      violations.Add(absl::StrCat(field, ".reason"),
                     "an exclusion must say why (除外した理由)");
    }
    const int index = criteria.IndexOf(exclusion.objective_id());
    if (index < 0) {
      violations.Add(absl::StrCat(field, ".objective_id"),
                     absl::StrCat("\"", exclusion.objective_id(),
                                  "\" is not a control objective"));
      continue;
    }
    if (all[index]->tier() != v1::CONTROL_TIER_CONTROLS) {
      violations.Add(
          absl::StrCat(field, ".objective_id"),
          absl::StrCat("\"", exclusion.objective_id(), "\" is a ",
                       all[index]->tier() == v1::CONTROL_TIER_GOVERNANCE
                           ? "governance"
                           : "management",
                       " objective, which is implemented in full and cannot "
                       "be excluded"));
      continue;
    }
    if (!scope.in_scope_[index]) {
      violations.Add(absl::StrCat(field, ".objective_id"),
                     absl::StrCat("\"", exclusion.objective_id(),
                                  "\" is excluded more than once"));
      continue;
    }
    scope.in_scope_[index] = false;
    excluded.emplace_back(index, i);
  }
  RETURN_IF_ERROR(violations.ToStatus());

  for (int index = 0; index < static_cast<int>(all.size()); ++index) {
    if (scope.in_scope_[index]) scope.objectives_.push_back(all[index]);
  }
  std::sort(excluded.begin(), excluded.end());
  for (const auto& [index, position] : excluded) {
    scope.exclusions_.push_back(statement.excluded_objectives(position));
    for (const v1::DetailedControl* control :
         criteria.DetailedControlsOf(index)) {
      scope.excluded_detailed_controls_.push_back(control);
    }
  }
  return scope;
}

}  // namespace ismap::liu::audit
