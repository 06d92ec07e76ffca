// The access policy table (rules/access_policy.textproto) as the call
// checkpoint applies it: which roles may call an RPC, and with what scope.
#ifndef ISMAP_LIU_SERVICES_COMMON_IDENTITY_ACCESS_POLICY_TABLE_H_
#define ISMAP_LIU_SERVICES_COMMON_IDENTITY_ACCESS_POLICY_TABLE_H_

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "ismap/liu/v1/rules.pb.h"
#include "services/common/caller.h"

namespace ismap::liu {

// The API's role value for a caller's role.
v1::CallerRole ToCallerRole(Role role);

// Immutable after Build(); thread-safe.
class AccessPolicyTable {
 public:
  // Indexes `policy` and checks that it covers every method of each service
  // in `hosted_services` (full names). FAILED_PRECONDITION naming the first
  // RPC without an entry: a server must not serve an RPC nobody decided on.
  static absl::StatusOr<AccessPolicyTable> Build(
      const v1::AccessPolicy& policy,
      const std::vector<std::string>& hosted_services);

  // The scope with which `caller` may call `service`/`method`.
  // PERMISSION_DENIED, naming role and RPC, when the role has no grant or the
  // RPC has no entry (default deny).
  absl::StatusOr<v1::AccessScope> Authorize(const Caller& caller,
                                            absl::string_view service,
                                            absl::string_view method) const;

 private:
  // "<service>/<method>" -> role -> scope.
  std::map<std::string, std::map<v1::CallerRole, v1::AccessScope>, std::less<>>
      grants_;
};

}  // namespace ismap::liu

#endif  // ISMAP_LIU_SERVICES_COMMON_IDENTITY_ACCESS_POLICY_TABLE_H_
