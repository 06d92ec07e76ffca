// How a service of the product proves who it is when it calls another one.
//
// A service calls its peers (eligibility asks impact for assessments, impact
// asks eligibility whether a pre-application names the caller's ministry)
// with a bearer token of its own, verified by the peer like any caller's.
// The token carries role `ipa` and organisation `ipa`, so the access policy
// grants the service what the programme's operations body may read, and
// nothing a peer does for it is attributed to a user.
#ifndef ISMAP_LIU_SERVICES_COMMON_PEER_SERVICE_CREDENTIALS_H_
#define ISMAP_LIU_SERVICES_COMMON_PEER_SERVICE_CREDENTIALS_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "services/common/identity/dev_signing_key.h"

namespace ismap::liu {

// A source of the bearer token a service presents to its peers.
// Implementations are thread-safe.
class ServiceCredentials {
 public:
  virtual ~ServiceCredentials() = default;

  // A token valid at `now` for at least a minute more. UNAVAILABLE when none
  // can be had (the token file is missing or empty).
  virtual absl::StatusOr<std::string> Token(absl::Time now) = 0;
};

// Mints tokens for `subject` (e.g. "eligibility-service", role ipa,
// organisation ipa) with the development signing key of a local run, each
// valid for 15 minutes and reused until 5 minutes before it expires.
std::unique_ptr<ServiceCredentials> MakeDevServiceCredentials(
    DevSigningKey key, absl::string_view subject);

// Reads the token from `path`, as a deployment's token agent writes and
// rotates it; the file is read again whenever its modification time changes.
// Surrounding whitespace is ignored.
std::unique_ptr<ServiceCredentials> MakeFileServiceCredentials(
    std::string path);

}  // namespace ismap::liu

#endif  // ISMAP_LIU_SERVICES_COMMON_PEER_SERVICE_CREDENTIALS_H_
