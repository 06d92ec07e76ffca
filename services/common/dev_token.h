// Development tokens for local runs: HMAC-SHA256 over the caller's claims,
// keyed by a secret kept in the data directory.
//
// Format: `liudev1.<base64url(claims)>.<base64url(hmac)>`, where claims are
// the lines role, organisation, subject and expiry (Unix seconds). Only who
// can read the key file can mint a token, so a local run is not open to every
// process on the machine. Deployments use a verifier of real signed tokens
// instead (another Authenticator).
#ifndef ISMAP_LIU_SERVICES_COMMON_DEV_TOKEN_H_
#define ISMAP_LIU_SERVICES_COMMON_DEV_TOKEN_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "services/common/authenticator.h"
#include "services/common/caller.h"

namespace ismap::liu {

// Reads the signing key at `path`, creating it (32 random bytes, mode 0600)
// if the file does not exist. INTERNAL if it can be neither read nor created;
// FAILED_PRECONDITION if it exists but is shorter than 32 bytes.
absl::StatusOr<std::string> LoadOrCreateDevTokenKey(const std::string& path);

// Reads an existing signing key. NOT_FOUND if there is none at `path`.
absl::StatusOr<std::string> LoadDevTokenKey(const std::string& path);

// Returns a token proving `caller` until `expiry`, signed with `key`.
// INVALID_ARGUMENT if the caller's organisation or subject is not a valid
// principal id (see IsValidPrincipalId).
absl::StatusOr<std::string> MintDevToken(absl::string_view key,
                                         const Caller& caller,
                                         absl::Time expiry);

// Verifies development tokens signed with one key. Immutable after
// construction, so thread-safe.
class DevTokenAuthenticator final : public Authenticator {
 public:
  explicit DevTokenAuthenticator(std::string key) : key_(std::move(key)) {}

  absl::StatusOr<Caller> Authenticate(absl::string_view bearer_token,
                                      absl::Time now) const override;

 private:
  const std::string key_;
};

}  // namespace ismap::liu

#endif  // ISMAP_LIU_SERVICES_COMMON_DEV_TOKEN_H_
