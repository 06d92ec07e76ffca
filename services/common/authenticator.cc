// Parsing of the authorization header.
#include "services/common/authenticator.h"

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/strip.h"

namespace ismap::liu {

absl::StatusOr<absl::string_view> BearerTokenOf(
    absl::string_view authorization) {
  constexpr absl::string_view kScheme = "bearer ";
  if (authorization.size() <= kScheme.size() ||
      !absl::StartsWithIgnoreCase(authorization, kScheme)) {
    return absl::UnauthenticatedError(
        "the authorization metadata must be \"Bearer <token>\"");
  }
  absl::string_view token =
      absl::StripAsciiWhitespace(authorization.substr(kScheme.size()));
  if (token.empty()) {
    return absl::UnauthenticatedError("the bearer token is empty");
  }
  return token;
}

}  // namespace ismap::liu
