// Who is calling: the identity derived from a verified token.
//
// Handlers receive a Caller from the runtime and never read a role or an
// organisation from a request body.
#ifndef ISMAP_LIU_SERVICES_COMMON_CALLER_H_
#define ISMAP_LIU_SERVICES_COMMON_CALLER_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace ismap::liu {

// The three user groups of the programme.
enum class Role {
  kCsp,  // クラウドサービス事業者: files pre-applications, reports audits.
  kMinistry,  // 利用省庁: assesses impact.
  kIpa,       // ISMAP運用支援機関 (IPA): reviews, registers, suspends.
};

// Returns "csp", "ministry" or "ipa".
absl::string_view RoleName(Role role);

// Parses the output of RoleName. INVALID_ARGUMENT for anything else.
absl::StatusOr<Role> ParseRole(absl::string_view name);

// Whether `id` may name an organisation or a subject: 1 to 63 characters of
// [a-z0-9._-], starting with a letter or digit. Organisation ids appear in
// resource names (`ministries/{organisation}/...`), hence the restriction.
bool IsValidPrincipalId(absl::string_view id);

// A verified caller. Plain value; copyable.
struct Caller {
  Role role = Role::kCsp;
  // The organisation the caller acts for, e.g. "mlit" or "example-saas".
  std::string organisation;
  // The person or workload within the organisation, e.g. "alice".
  std::string subject;
};

// "ministry:mlit/alice": how a caller appears in logs and audit records.
std::string DescribeCaller(const Caller& caller);

}  // namespace ismap::liu

#endif  // ISMAP_LIU_SERVICES_COMMON_CALLER_H_
