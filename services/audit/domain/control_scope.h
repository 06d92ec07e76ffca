// The control criteria (ISMAP管理基準) indexed for planning, and the statement
// scope (言明の範囲) of one service: which control objectives it declares, and
// which it excludes (適用除外) with their detailed controls.
//
// Pure and deterministic: no I/O, no clock. Objects are immutable once
// created and thread-safe to share.
#ifndef ISMAP_LIU_SERVICES_AUDIT_DOMAIN_CONTROL_SCOPE_H_
#define ISMAP_LIU_SERVICES_AUDIT_DOMAIN_CONTROL_SCOPE_H_

#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "ismap/liu/v1/audit_planning.pb.h"
#include "ismap/liu/v1/rules.pb.h"

namespace ismap::liu::audit {

// Natural order of objective ids: number by number ("9.4.5" before "10.1.1"),
// an id before a longer one it starts ("6.3.1" before "6.3.1.P"), text parts
// by bytes. A strict weak order.
bool ObjectiveIdLess(absl::string_view a, absl::string_view b);

// Order of objectives in plans and coverage: by tier, then ObjectiveIdLess.
bool ObjectiveLess(const v1::ControlObjective& a,
                   const v1::ControlObjective& b);

// True for a controls-tier objective with at least one critical area: a
// control that can directly affect the service platform or its configuration.
bool IsCriticalControl(const v1::ControlObjective& objective);

// The control catalog of rules/, indexed. Does not own the catalog, which must
// outlive it (a loaded RuleSet keeps it). Copyable; thread-safe to share.
class ControlCriteria {
 public:
  // Indexes `catalog`. The rules loader has already checked it in full; this
  // refuses only what would make lookups ambiguous: INVALID_ARGUMENT naming
  // every duplicate objective id and every detailed control whose objective
  // is not in the catalog.
  static absl::StatusOr<ControlCriteria> Create(
      const v1::ControlCatalog& catalog);

  // Every objective, in ObjectiveLess order.
  const std::vector<const v1::ControlObjective*>& objectives() const {
    return objectives_;
  }

  // Position of the objective `id` in objectives(), or -1 if it is not in the
  // catalog.
  int IndexOf(absl::string_view id) const;

  // The detailed controls of objectives()[index], by id. `index` must be a
  // position in objectives().
  const std::vector<const v1::DetailedControl*>& DetailedControlsOf(
      int index) const {
    return detailed_controls_[index];
  }

 private:
  ControlCriteria() = default;

  std::vector<const v1::ControlObjective*> objectives_;
  // Objective id (viewing the catalog's string) -> position in objectives_.
  absl::flat_hash_map<absl::string_view, int> index_;
  // Parallel to objectives_.
  std::vector<std::vector<const v1::DetailedControl*>> detailed_controls_;
};

// The statement scope of one service: every objective of the criteria except
// those it excludes. Does not own the criteria, which must outlive it.
// Copyable; thread-safe to share.
class ControlScope {
 public:
  // The scope `statement` declares against `criteria`. Reads only
  // `statement.excluded_objectives()`; its output-only fields are ignored.
  // INVALID_ARGUMENT with a field violation (field_violations.h) for every
  // problem, each under its field path (`excluded_objectives[i].objective_id`
  // or `.reason`): an id not in the catalog, a governance or management
  // objective (never excludable), an objective excluded twice, an empty
  // reason.
  static absl::StatusOr<ControlScope> Create(
      const ControlCriteria& criteria, const v1::StatementScope& statement);

  const ControlCriteria& criteria() const { return *criteria_; }

  // The objectives in scope, in ObjectiveLess order.
  const std::vector<const v1::ControlObjective*>& objectives() const {
    return objectives_;
  }

  // True if the objective at `criteria_index` in criteria().objectives() is in
  // scope. `criteria_index` must be a position there.
  bool Contains(int criteria_index) const { return in_scope_[criteria_index]; }

  // The exclusions, by objective id (ObjectiveIdLess).
  const std::vector<v1::ObjectiveExclusion>& exclusions() const {
    return exclusions_;
  }

  // The detailed controls (.B / .PB) excluded with the excluded objectives,
  // by objective then id.
  const std::vector<const v1::DetailedControl*>& excluded_detailed_controls()
      const {
    return excluded_detailed_controls_;
  }

 private:
  explicit ControlScope(const ControlCriteria& criteria)
      : criteria_(&criteria) {}

  const ControlCriteria* criteria_;
  std::vector<bool> in_scope_;  // Parallel to criteria_->objectives().
  std::vector<const v1::ControlObjective*> objectives_;
  std::vector<v1::ObjectiveExclusion> exclusions_;
  std::vector<const v1::DetailedControl*> excluded_detailed_controls_;
};

}  // namespace ismap::liu::audit

#endif  // ISMAP_LIU_SERVICES_AUDIT_DOMAIN_CONTROL_SCOPE_H_
