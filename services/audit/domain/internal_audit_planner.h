// The internal-audit rotation (内部監査のローテーション) of one registered
// service: which control objectives to audit in each of the coming years, and
// the coverage of each objective (last audited, next due, status).
//
// Pure and deterministic: the same inputs always give the same plan.
#ifndef ISMAP_LIU_SERVICES_AUDIT_DOMAIN_INTERNAL_AUDIT_PLANNER_H_
#define ISMAP_LIU_SERVICES_AUDIT_DOMAIN_INTERNAL_AUDIT_PLANNER_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/types/span.h"
#include "ismap/liu/v1/audit_planning.pb.h"
#include "ismap/liu/v1/rules.pb.h"
#include "services/audit/domain/audit_calendar.h"

namespace ismap::liu::audit {

// Objective id -> the days its internal audits (内部監査) covered it, e.g. the
// last days of the reports' audit periods, in any order.
using InternalAuditHistory =
    absl::flat_hash_map<std::string, std::vector<absl::CivilDay>>;

// Coverage of one objective (監査の網羅状況).
struct ObjectiveCoverage {
  // One of the planned objectives.
  const v1::ControlObjective* objective = nullptr;
  // The latest audit in the history; empty if never audited.
  std::optional<absl::CivilDay> last_audited;
  // The last day on which its next audit is on time (次回期限): the day
  // before `rotation_years` years after the last audit or, if never audited,
  // after the registration day (MonthsLater(day, 12·rotation_years) - 1).
  absl::CivilDay next_due;
  // OVERDUE if next_due is before the plan start; DUE_THIS_YEAR if it is
  // within the first plan year; COVERED otherwise.
  v1::CoverageStatus status = v1::COVERAGE_STATUS_UNSPECIFIED;
  // The audit year the plan puts it in.
  int planned_audit_year = 0;
};

// One year of the rotation.
struct InternalAuditPlanYear {
  // The audit year (1-based from registration, twelve months each).
  int audit_year = 0;
  AuditPeriod period;
  // The objectives to audit in it: earliest next_due (longest unaudited)
  // first, ties in ObjectiveLess order.
  std::vector<const v1::ControlObjective*> objectives;
};

// The rotation from the audit year holding the plan start on.
struct InternalAuditRotationPlan {
  // `rotation_years` consecutive audit years. Every objective is in exactly
  // one of them.
  std::vector<InternalAuditPlanYear> years;
  // Every objective, in ObjectiveLess order.
  std::vector<ObjectiveCoverage> coverage;
};

// The dates a rotation is planned from.
struct RotationDates {
  // The service's registration day (登録日): audit year 1 starts on it, and a
  // never-audited objective is due `rotation_years` years after it.
  absl::CivilDay registration;
  // The day the plan is made for ("today"): the plan's first year is the
  // audit year holding it, and statuses are as of it. Not before
  // `registration`.
  absl::CivilDay plan_start;
};

// Plans internal audits so that every objective is audited at least once per
// rotation period.
//
// Audit years are twelve months long from the registration day (see
// AuditPeriodOf). Each objective's deadline year is the plan year holding its
// next_due (the first plan year if it is already overdue). Objectives are
// taken earliest next_due first (ties in ObjectiveLess order) and dealt into
// the plan years in that order, filling year j with
//   max over k >= j of ceil((forced_k - placed) / (k - j + 1))
// objectives, where forced_k counts the objectives whose deadline year is k or
// earlier (all of them for the last year) and `placed` those in earlier years.
// So no objective is planned after its deadline year, the busiest year is as
// light as the deadlines allow, and the yearly counts differ by at most one
// whenever some plan meeting every deadline has them so.
//
// Copyable; Plan is const and thread-safe.
class InternalAuditRotationPlanner {
 public:
  // A planner by `policy`'s internal_audit_rotation_years (>= 1, else
  // INVALID_ARGUMENT naming it).
  static absl::StatusOr<InternalAuditRotationPlanner> Create(
      const v1::AuditPolicy& policy);

  // Plans the in-scope `objectives` (not owned; each must outlive the plan;
  // any order) from `history` (entries for other objectives are ignored).
  // INVALID_ARGUMENT if an objective is null, if one (the same tier and id) is
  // listed twice, or if the plan start is before the registration.
  absl::StatusOr<InternalAuditRotationPlan> Plan(
      absl::Span<const v1::ControlObjective* const> objectives,
      const InternalAuditHistory& history, const RotationDates& dates) const;

 private:
  explicit InternalAuditRotationPlanner(int rotation_years)
      : rotation_years_(rotation_years) {}

  int rotation_years_;
};

}  // namespace ismap::liu::audit

#endif  // ISMAP_LIU_SERVICES_AUDIT_DOMAIN_INTERNAL_AUDIT_PLANNER_H_
