// Indexing and checking the audit rules.
#include "services/audit/domain/audit_rules.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "services/audit/domain/audit_calendar.h"
#include "services/audit/domain/control_scope.h"
#include "services/common/field_violations.h"
#include "services/common/status_macros.h"

namespace ismap::liu::audit {

absl::StatusOr<AuditRules> AuditRules::Create(const v1::ControlCatalog& catalog,
                                              const v1::AuditPolicy& policy,
                                              std::string version) {
  FieldViolations violations;
  absl::StatusOr<ControlCriteria> criteria = ControlCriteria::Create(catalog);
  violations.Merge("control_catalog", criteria.status());
  const absl::StatusOr<InternalAuditRotationPlanner> rotation =
      InternalAuditRotationPlanner::Create(policy);
  violations.Merge("audit_policy", rotation.status());
  if (policy.external_audit_cycle_years() < 1) {
    violations.Add("audit_policy.external_audit_cycle_years",
                   "must be at least 1");
  }
  for (const auto& [field, months] :
       {std::pair<const char*, int>{"external_audit_period_max_months",
                                    policy.external_audit_period_max_months()},
        {"internal_audit_report_period_max_months",
         policy.internal_audit_report_period_max_months()}}) {
    if (months < 1 || months > 12) {
      violations.Add(absl::StrCat("audit_policy.", field),
                     "must be between 1 and 12");
    }
  }
  if (policy.registration_hold_grace_months() < 1) {
    violations.Add("audit_policy.registration_hold_grace_months",
                   "must be at least 1");
  }
  if (policy.external_audit_finding_min_severity() ==
      v1::FINDING_SEVERITY_UNSPECIFIED) {
    violations.Add("audit_policy.external_audit_finding_min_severity",
                   "must be set");
  }
  absl::TimeZone zone;
  if (!absl::LoadTimeZone(policy.calendar_time_zone(), &zone)) {
    violations.Add(
        "audit_policy.calendar_time_zone",
        absl::StrCat("\"", policy.calendar_time_zone(),
                     "\" is not a time zone of the system's tzdata"));
  }
  RETURN_IF_ERROR(violations.ToStatus());
  return AuditRules(*std::move(criteria), &policy, zone, std::move(version),
                    *rotation);
}

}  // namespace ismap::liu::audit
