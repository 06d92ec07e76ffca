// PreApplicationDirectory over EligibilityService's gRPC API: the audit
// service asks GetPreApplication through its peer channel, with its own
// service identity (role ipa), like any other client.
#ifndef ISMAP_LIU_SERVICES_AUDIT_GRPC_PRE_APPLICATION_DIRECTORY_H_
#define ISMAP_LIU_SERVICES_AUDIT_GRPC_PRE_APPLICATION_DIRECTORY_H_

#include "services/audit/pre_application_directory.h"
#include "services/common/peer/peer_channel.h"

namespace ismap::liu {

// Thread-safe. Does not own the peer channel, which must outlive it.
class GrpcPreApplicationDirectory final : public PreApplicationDirectory {
 public:
  explicit GrpcPreApplicationDirectory(const PeerChannel* eligibility)
      : eligibility_(eligibility) {}

  // Calls EligibilityService.GetPreApplication. Its NOT_FOUND is passed on;
  // UNAVAILABLE, DEADLINE_EXCEEDED and RESOURCE_EXHAUSTED too; anything else
  // it answers, or an answer without a CSP, is INTERNAL.
  absl::StatusOr<v1::PreApplication> Lookup(absl::string_view name,
                                            absl::Time deadline) override;

 private:
  const PeerChannel* const eligibility_;
};

}  // namespace ismap::liu

#endif  // ISMAP_LIU_SERVICES_AUDIT_GRPC_PRE_APPLICATION_DIRECTORY_H_
