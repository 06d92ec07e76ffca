// Role names and principal-id syntax.
#include "services/common/caller.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace ismap::liu {

absl::string_view RoleName(Role role) {
  switch (role) {
    case Role::kCsp:
      return "csp";
    case Role::kMinistry:
      return "ministry";
    case Role::kIpa:
      return "ipa";
  }
  return "unknown";
}

absl::StatusOr<Role> ParseRole(absl::string_view name) {
  for (Role role : {Role::kCsp, Role::kMinistry, Role::kIpa}) {
    if (name == RoleName(role)) return role;
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "unknown role \"", name, "\"; expected csp, ministry or ipa"));
}

bool IsValidPrincipalId(absl::string_view id) {
  if (id.empty() || id.size() > 63) return false;
  if (!absl::ascii_islower(id[0]) && !absl::ascii_isdigit(id[0])) return false;
  for (char c : id) {
    if (!absl::ascii_islower(c) && !absl::ascii_isdigit(c) && c != '.' &&
        c != '_' && c != '-') {
      return false;
    }
  }
  return true;
}

std::string DescribeCaller(const Caller& caller) {
  return absl::StrCat(RoleName(caller.role), ":", caller.organisation, "/",
                      caller.subject);
}

}  // namespace ismap::liu
