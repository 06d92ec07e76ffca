// The rules the audit domain runs on, indexed once per loaded rule set: the
// control criteria (rules/control_catalog.textproto), the audit policy
// (rules/audit_policy.textproto) with its calendar time zone, and the version
// of the set they came from.
//
// Pure: no I/O besides reading the system's tzdata for the time zone.
#ifndef ISMAP_LIU_SERVICES_AUDIT_DOMAIN_AUDIT_RULES_H_
#define ISMAP_LIU_SERVICES_AUDIT_DOMAIN_AUDIT_RULES_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "ismap/liu/v1/rules.pb.h"
#include "services/audit/domain/control_scope.h"
#include "services/audit/domain/internal_audit_planner.h"

namespace ismap::liu::audit {

// Immutable once created; thread-safe to share. Does not own the catalog or
// the policy, which must outlive it (a loaded RuleSet keeps them).
class AuditRules {
 public:
  // Indexes `catalog` and checks that `policy` can drive the planners.
  // INVALID_ARGUMENT naming what cannot be used: a catalog the criteria
  // refuse, a policy field out of range, a time zone that does not load.
  // `version` is the content hash of the rule set both came from.
  static absl::StatusOr<AuditRules> Create(const v1::ControlCatalog& catalog,
                                           const v1::AuditPolicy& policy,
                                           std::string version);

  const ControlCriteria& criteria() const { return criteria_; }
  const v1::AuditPolicy& policy() const { return *policy_; }
  // The calendar's time zone (AuditPolicy.calendar_time_zone).
  absl::TimeZone zone() const { return zone_; }
  const std::string& version() const { return version_; }
  const InternalAuditRotationPlanner& rotation_planner() const {
    return rotation_planner_;
  }

 private:
  AuditRules(ControlCriteria criteria, const v1::AuditPolicy* policy,
             absl::TimeZone zone, std::string version,
             InternalAuditRotationPlanner rotation_planner)
      : criteria_(std::move(criteria)),
        policy_(policy),
        zone_(zone),
        version_(std::move(version)),
        rotation_planner_(rotation_planner) {}

  ControlCriteria criteria_;
  const v1::AuditPolicy* policy_;
  absl::TimeZone zone_;
  std::string version_;
  InternalAuditRotationPlanner rotation_planner_;
};

}  // namespace ismap::liu::audit

#endif  // ISMAP_LIU_SERVICES_AUDIT_DOMAIN_AUDIT_RULES_H_
