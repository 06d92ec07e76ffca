// The pluggable check that turns a bearer token into a Caller.
//
// The runtime calls the configured Authenticator for every API call before
// any handler runs. The implementation is JwtAuthenticator
// (identity/jwt.h), trusting an issuer's keys or the development key.
#ifndef ISMAP_LIU_SERVICES_COMMON_AUTHENTICATOR_H_
#define ISMAP_LIU_SERVICES_COMMON_AUTHENTICATOR_H_

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "services/common/caller.h"

namespace ismap::liu {

class Authenticator {
 public:
  virtual ~Authenticator() = default;

  // Verifies `bearer_token` (the credential after "Bearer ") as of `now` and
  // returns the caller it proves. Any token that does not verify (malformed,
  // wrongly signed, expired, ...) is UNAUTHENTICATED with a reason that does
  // not echo secrets. Never crashes on any input.
  // Thread-safe: called concurrently for every call.
  virtual absl::StatusOr<Caller> Authenticate(absl::string_view bearer_token,
                                              absl::Time now) const = 0;
};

// Extracts the token from an `authorization` metadata value of the form
// "Bearer <token>" (scheme case-insensitive). UNAUTHENTICATED if the value is
// of another form.
absl::StatusOr<absl::string_view> BearerTokenOf(
    absl::string_view authorization);

}  // namespace ismap::liu

#endif  // ISMAP_LIU_SERVICES_COMMON_AUTHENTICATOR_H_
