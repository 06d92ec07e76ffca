// Semantic checks, one function per rules type.
#include "services/common/rules/rule_checks.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "ismap/liu/v1/rules.pb.h"
#include "services/common/grpc_status.h"

namespace ismap::liu {
namespace {

void AtLeast(FieldViolations& violations, const std::string& field,
             int64_t value, int64_t minimum) {
  if (value < minimum) {
    violations.Add(field, absl::StrCat("must be at least ", minimum,
                                       ", is ", value));
  }
}

void CheckAuditPolicy(const v1::AuditPolicy& policy,
                      FieldViolations& violations) {
  AtLeast(violations, "external_audit_cycle_years",
          policy.external_audit_cycle_years(), 1);
  AtLeast(violations, "internal_audit_rotation_years",
          policy.internal_audit_rotation_years(), 1);
  AtLeast(violations, "registration_hold_grace_months",
          policy.registration_hold_grace_months(), 1);
  const int months = policy.external_audit_period_max_months();
  if (months < 1 || months > 12) {
    violations.Add("external_audit_period_max_months",
                   absl::StrCat("must be between 1 and 12, is ", months));
  }
}

void CheckReviewPolicy(const v1::ReviewPolicy& policy,
                       FieldViolations& violations) {
  AtLeast(violations, "processing_period_days",
          policy.processing_period_days(), 1);
  AtLeast(violations, "required_distinct_ministries",
          policy.required_distinct_ministries(), 1);
}

}  // namespace

absl::Status CheckRules(const google::protobuf::Message& rules) {
  FieldViolations violations;
  if (const auto* p = dynamic_cast<const v1::AuditPolicy*>(&rules)) {
    CheckAuditPolicy(*p, violations);
  } else if (const auto* r = dynamic_cast<const v1::ReviewPolicy*>(&rules)) {
    CheckReviewPolicy(*r, violations);
  }
  return violations.ToStatus();
}

}  // namespace ismap::liu
