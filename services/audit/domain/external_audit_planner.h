// The reduced annual external audit (外部監査) of one registered service: the
// audit period of each audit year and the control objectives audited in it.
//
// Pure and deterministic: the same inputs always give the same plan.
#ifndef ISMAP_LIU_SERVICES_AUDIT_DOMAIN_EXTERNAL_AUDIT_PLANNER_H_
#define ISMAP_LIU_SERVICES_AUDIT_DOMAIN_EXTERNAL_AUDIT_PLANNER_H_

#include <string>
#include <vector>

#include "absl/container/inlined_vector.h"
#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/types/span.h"
#include "ismap/liu/v1/audit_planning.pb.h"
#include "ismap/liu/v1/rules.pb.h"
#include "services/audit/domain/audit_calendar.h"
#include "services/audit/domain/control_scope.h"

namespace ismap::liu::audit {

// An incident (インシデント) or an internal-audit finding (発見事項) that
// touches control objectives. Dated within the period of audit year y, it
// pulls them into the external audit of year y+1. The caller passes only the
// findings that should pull objectives in (e.g. above a severity threshold).
struct AuditTrigger {
  // Names the incident or the report of the finding; echoed in the plan.
  std::string source;
  // When it occurred (incident) or the audit that found it ended (finding).
  absl::CivilDay date;
  // The control objective ids it touches.
  std::vector<std::string> objective_ids;
};

// One objective in an external-audit plan, with why.
struct PlannedObjective {
  // Points into the control catalog the scope was made from.
  const v1::ControlObjective* objective = nullptr;
  // Why it is audited: at least one reason, each once, ascending.
  absl::InlinedVector<v1::InclusionReason, 4> reasons;
  // For PULLED_IN_BY_INCIDENT: the incidents' sources, in input order, each
  // once.
  std::vector<std::string> incident_sources;
  // For PULLED_IN_BY_FINDING: the findings' sources, in input order, each
  // once.
  std::vector<std::string> finding_sources;
};

// The external audit of one audit year.
struct ExternalAuditPlan {
  int audit_year = 0;      // 1-based from registration.
  AuditPeriod period;      // Back to back with the neighbouring years'.
  int cycle_years = 0;     // Years over which critical controls rotate.
  int cycle_position = 0;  // This year's turn in the cycle, 1..cycle_years.
  // The objectives audited this year, in ObjectiveLess order (tier, then id).
  std::vector<PlannedObjective> objectives;
};

// Plans the external audits of one service.
//
// Every in-scope governance and management objective is audited every year.
// The in-scope critical control objectives (IsCriticalControl), in id order,
// take turns: the k-th (0-based) is audited in the years whose cycle position
// is k mod cycle_years + 1, so each is audited exactly once per cycle and the
// yearly counts differ by at most one. Objectives touched by an incident or a
// finding dated within year y-1's audit period join year y. Excluded
// objectives never appear, whatever touches them.
//
// Copyable; Plan is const and thread-safe.
class ExternalAuditPlanner {
 public:
  // A planner for a service with statement scope `scope` (not owned; it and
  // its criteria must outlive the planner) registered on `registration`, by
  // `policy`'s external_audit_cycle_years (>= 1) and
  // external_audit_period_max_months (1..12). INVALID_ARGUMENT naming the
  // policy field otherwise.
  static absl::StatusOr<ExternalAuditPlanner> Create(
      const ControlScope& scope, absl::CivilDay registration,
      const v1::AuditPolicy& policy);

  // The plan of `audit_year`, given every incident and qualifying finding
  // recorded for the service (any dates; only those within the previous
  // year's period count). INVALID_ARGUMENT if `audit_year` < 1, or naming
  // (`incidents[i].objective_ids[k]` / `findings[...]`) every objective id
  // not in the control catalog.
  absl::StatusOr<ExternalAuditPlan> Plan(
      int audit_year, absl::Span<const AuditTrigger> incidents,
      absl::Span<const AuditTrigger> findings) const;

 private:
  ExternalAuditPlanner(const ControlScope& scope, absl::CivilDay registration,
                       int cycle_years, int period_months);

  const ControlScope* scope_;
  absl::CivilDay registration_;
  int cycle_years_;
  int period_months_;
  // Parallel to scope_->objectives(): the cycle position (1..cycle_years) of
  // a critical control, 0 for every other objective.
  std::vector<int> rotation_positions_;
  // Parallel to the criteria's objectives(): position in
  // scope_->objectives(), or -1 for an excluded objective.
  std::vector<int> scope_positions_;
};

}  // namespace ismap::liu::audit

#endif  // ISMAP_LIU_SERVICES_AUDIT_DOMAIN_EXTERNAL_AUDIT_PLANNER_H_
