// Semantic checks, one function per rules type.
#include "services/common/rules/rule_checks.h"

#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/descriptor.h"
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

void CheckAccessPolicy(const v1::AccessPolicy& policy,
                       FieldViolations& violations) {
  std::set<std::string> seen;
  for (int i = 0; i < policy.methods_size(); ++i) {
    const v1::MethodAccess& entry = policy.methods(i);
    const std::string field = absl::StrCat("methods[", i, "]");
    const std::vector<std::string> parts = absl::StrSplit(entry.method(), '/');
    const google::protobuf::ServiceDescriptor* service =
        parts.size() == 2
            ? google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(parts[0])
            : nullptr;
    if (service == nullptr || service->FindMethodByName(parts[1]) == nullptr) {
      violations.Add(field + ".method",
                     absl::StrCat("\"", entry.method(),
                                  "\" is not an RPC of the API (<package>.<Service>/<Method>)"));
    } else if (!seen.insert(entry.method()).second) {
      violations.Add(field + ".method",
                     absl::StrCat(entry.method(), " has a second entry"));
    }
    if (entry.grants().empty()) {
      violations.Add(field, "must grant at least one role (leave an RPC to nobody "
                            "by not serving it)");
    }
    std::set<int> roles;
    for (int g = 0; g < entry.grants_size(); ++g) {
      const v1::RoleGrant& grant = entry.grants(g);
      const std::string grant_field = absl::StrCat(field, ".grants[", g, "]");
      if (grant.role() == v1::CALLER_ROLE_UNSPECIFIED) {
        violations.Add(grant_field + ".role", "must be set");
      } else if (!roles.insert(grant.role()).second) {
        violations.Add(grant_field + ".role", "is granted twice for this RPC");
      }
      if (grant.scope() == v1::ACCESS_SCOPE_UNSPECIFIED) {
        violations.Add(grant_field + ".scope", "must be set");
      }
    }
  }
}

}  // namespace

absl::Status CheckRules(const google::protobuf::Message& rules) {
  FieldViolations violations;
  if (const auto* p = dynamic_cast<const v1::AuditPolicy*>(&rules)) {
    CheckAuditPolicy(*p, violations);
  } else if (const auto* r = dynamic_cast<const v1::ReviewPolicy*>(&rules)) {
    CheckReviewPolicy(*r, violations);
  } else if (const auto* a = dynamic_cast<const v1::AccessPolicy*>(&rules)) {
    CheckAccessPolicy(*a, violations);
  }
  return violations.ToStatus();
}

}  // namespace ismap::liu
