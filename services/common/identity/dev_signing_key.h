// The development signing key of a local run: a P-256 key kept in the data
// directory, whose public half the server trusts (as a one-key JWKS) when no
// issuer keys are configured, and with which `liuctl dev-token` mints tokens.
#ifndef ISMAP_LIU_SERVICES_COMMON_IDENTITY_DEV_SIGNING_KEY_H_
#define ISMAP_LIU_SERVICES_COMMON_IDENTITY_DEV_SIGNING_KEY_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/common/caller.h"
#include "services/common/identity/jwt.h"

namespace ismap::liu {

// Issuer and audience of development tokens.
inline constexpr char kDevTokenIssuer[] = "ismap-liu-dev";
inline constexpr char kTokenAudience[] = "ismap-liu";
// File names in the data directory.
inline constexpr char kDevSigningKeyFile[] = "dev-signing-key.pem";
inline constexpr char kDevJwksFile[] = "dev-jwks.json";

struct DevSigningKey {
  EvpPkeyPtr private_key;
  std::string kid;   // Derived from the public key.
  std::string jwks;  // A JWKS holding the public half.
};

// Reads `<data_dir>/dev-signing-key.pem`, creating a new P-256 key there
// (mode 0600) if it does not exist, and writes `<data_dir>/dev-jwks.json`.
// INTERNAL if the files cannot be read or written.
absl::StatusOr<DevSigningKey> LoadOrCreateDevSigningKey(
    const std::string& data_dir);

// Reads an existing key file. NOT_FOUND if there is none; INVALID_ARGUMENT
// if it is not a P-256 private key in PEM.
absl::StatusOr<DevSigningKey> LoadDevSigningKey(const std::string& key_file);

// A development token for `caller`, valid from `now` for `ttl`.
absl::StatusOr<std::string> MintDevToken(const DevSigningKey& key,
                                         const Caller& caller, absl::Time now,
                                         absl::Duration ttl);

}  // namespace ismap::liu

#endif  // ISMAP_LIU_SERVICES_COMMON_IDENTITY_DEV_SIGNING_KEY_H_
