// Building and consulting the access policy table.
#include "services/common/identity/access_policy_table.h"

#include "absl/strings/str_cat.h"
#include "google/protobuf/descriptor.h"

namespace ismap::liu {

v1::CallerRole ToCallerRole(Role role) {
  switch (role) {
    case Role::kCsp:
      return v1::CALLER_ROLE_CSP;
    case Role::kMinistry:
      return v1::CALLER_ROLE_MINISTRY;
    case Role::kIpa:
      return v1::CALLER_ROLE_IPA;
  }
  return v1::CALLER_ROLE_UNSPECIFIED;
}

absl::StatusOr<AccessPolicyTable> AccessPolicyTable::Build(
    const v1::AccessPolicy& policy,
    const std::vector<std::string>& hosted_services) {
  AccessPolicyTable table;
  for (const v1::MethodAccess& entry : policy.methods()) {
    auto& roles = table.grants_[entry.method()];
    for (const v1::RoleGrant& grant : entry.grants()) {
      roles[grant.role()] = grant.scope();
    }
  }
  for (const std::string& service : hosted_services) {
    const google::protobuf::ServiceDescriptor* descriptor =
        google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(
            service);
    if (descriptor == nullptr) {
      return absl::FailedPreconditionError(
          absl::StrCat("unknown service ", service));
    }
    for (int i = 0; i < descriptor->method_count(); ++i) {
      const std::string method =
          absl::StrCat(service, "/", descriptor->method(i)->name());
      if (table.grants_.find(method) == table.grants_.end()) {
        return absl::FailedPreconditionError(
            absl::StrCat("the access policy has no entry for ", method,
                         "; every RPC served needs one (add it to "
                         "access_policy.textproto)"));
      }
    }
  }
  return table;
}

absl::StatusOr<v1::AccessScope> AccessPolicyTable::Authorize(
    const Caller& caller, absl::string_view service,
    absl::string_view method) const {
  const std::string rpc = absl::StrCat(service, "/", method);
  const auto entry = grants_.find(rpc);
  if (entry != grants_.end()) {
    const auto grant = entry->second.find(ToCallerRole(caller.role));
    if (grant != entry->second.end()) return grant->second;
  }
  return absl::PermissionDeniedError(
      absl::StrCat("the ", RoleName(caller.role), " role may not call ", rpc));
}

}  // namespace ismap::liu
