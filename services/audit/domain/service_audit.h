// The audit side of one registered service: its internal-audit reports as
// CSPs submit them, and the plans and coverage computed from its statement
// scope, registration, incidents and reports, as the API returns them.
//
// Pure and deterministic: the caller passes "now"; the same inputs always
// give the same messages.
#ifndef ISMAP_LIU_SERVICES_AUDIT_DOMAIN_SERVICE_AUDIT_H_
#define ISMAP_LIU_SERVICES_AUDIT_DOMAIN_SERVICE_AUDIT_H_

#include <memory>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "ismap/liu/v1/audit_planning.pb.h"
#include "services/audit/domain/audit_rules.h"
#include "services/audit/domain/control_scope.h"
#include "services/audit/domain/external_audit_planner.h"

namespace ismap::liu::audit {

// Checks an internal-audit report (内部監査報告書) a CSP submits for a service
// whose statement scope is `scope`, at `now`. Reads audit_period,
// audited_objectives and findings; the free text (findings' descriptions,
// summary) is the adapter's to check, like every text field
// (services/common/field_checks.h). INVALID_ARGUMENT naming every offending
// field (relative to the report): the period missing, invalid, reversed or
// empty, ending after `now`, or longer than the policy's
// internal_audit_report_period_max_months (counted in days of the calendar);
// no audited objectives, or one unknown, listed twice or excluded from the
// scope; a finding whose objective is not among the audited ones, or without
// severity.
absl::Status ValidateInternalAuditReport(const v1::InternalAuditReport& report,
                                         const ControlScope& scope,
                                         const AuditRules& rules,
                                         absl::Time now);

// One registered service with what its plans are computed from. Immutable;
// thread-safe. Does not own `rules`, which must outlive it.
class ServiceAudit {
 public:
  // FAILED_PRECONDITION if `service` was never registered, or if its stored
  // statement scope no longer fits the control catalog of `rules`. `reports`
  // are the service's internal-audit reports, in any order.
  static absl::StatusOr<ServiceAudit> Create(
      const AuditRules& rules, const v1::CloudService& service,
      std::vector<v1::InternalAuditReport> reports);

  ServiceAudit(ServiceAudit&&) = default;
  ServiceAudit& operator=(ServiceAudit&&) = default;

  const ControlScope& scope() const { return *scope_; }

  // The audit year (1-based) holding `now`; 1 if `now` is before the
  // registration.
  int AuditYearAt(absl::Time now) const;

  // The external-audit plan of `audit_year`, computed at `now`.
  // INVALID_ARGUMENT if `audit_year` < 1 or its period ends after year 9999.
  absl::StatusOr<v1::ExternalAuditPlan> ExternalPlan(int audit_year,
                                                     absl::Time now) const;

  // The internal-audit rotation plan from the audit year holding `now`.
  absl::StatusOr<v1::InternalAuditPlan> InternalPlan(absl::Time now) const;

  // The internal-audit coverage of every objective in scope at `now`.
  absl::StatusOr<v1::Coverage> Coverage(absl::Time now) const;

 private:
  ServiceAudit(const AuditRules& rules, const v1::CloudService& service,
               std::unique_ptr<ControlScope> scope,
               std::vector<v1::InternalAuditReport> reports);

  // The rotation plan and, per objective id, the report that last covered
  // it.
  struct Rotation;
  absl::StatusOr<Rotation> PlanRotation(absl::Time now) const;

  const AuditRules* rules_;
  std::string name_;
  absl::CivilDay registration_;
  // Heap-allocated so that the planner's pointer to it survives moves.
  std::unique_ptr<ControlScope> scope_;
  std::vector<v1::InternalAuditReport> reports_;
  std::vector<AuditTrigger> incidents_;
  std::vector<AuditTrigger> findings_;
};

}  // namespace ismap::liu::audit

#endif  // ISMAP_LIU_SERVICES_AUDIT_DOMAIN_SERVICE_AUDIT_H_
