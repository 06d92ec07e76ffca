// A channel from one service of the product to another (its peer), carrying
// the calling service's own identity.
//
// In the all-in-one server a peer is reached through the server's in-process
// channel; in the microservice layout through a TLS channel to its address.
// Either way the call goes through the peer's gRPC API and its checkpoint:
// services never read each other's tables.
//
//   ASSIGN_OR_RETURN(PeerChannel::Call call, peer.Prepare(deadline));
//   grpc::Status status = v1::ImpactAssessmentService::NewStub(call.channel)
//       ->ListImpactAssessments(call.context.get(), request, &response);
#ifndef ISMAP_LIU_SERVICES_COMMON_PEER_PEER_CHANNEL_H_
#define ISMAP_LIU_SERVICES_COMMON_PEER_PEER_CHANNEL_H_

#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "grpcpp/channel.h"
#include "grpcpp/client_context.h"
#include "grpcpp/support/status.h"
#include "services/common/peer/service_credentials.h"

namespace ismap::liu {

// Thread-safe. Does not own the credentials, which must outlive it.
class PeerChannel {
 public:
  // `peer` names the peer service in errors, e.g. "ImpactAssessmentService".
  PeerChannel(std::string peer, ServiceCredentials* credentials)
      : peer_(std::move(peer)), credentials_(credentials) {}

  // Sets the channel calls go over. Calls prepared before are UNAVAILABLE.
  // May be called again to replace it.
  void Connect(std::shared_ptr<grpc::Channel> channel);

  // What one outgoing call needs: the channel, and a fresh context with the
  // service's bearer token and `deadline`.
  struct Call {
    std::shared_ptr<grpc::Channel> channel;
    std::unique_ptr<grpc::ClientContext> context;
  };

  // Prepares a call. UNAVAILABLE if not connected or no token can be had;
  // DEADLINE_EXCEEDED if `deadline` has passed.
  absl::StatusOr<Call> Prepare(absl::Time deadline) const;

  // The status of a finished call, as this service reports it: the peer's
  // UNAVAILABLE, DEADLINE_EXCEEDED and RESOURCE_EXHAUSTED are passed on
  // (the client may retry); anything else the peer answered unexpectedly is
  // INTERNAL naming the peer, since it means the two services disagree.
  // Callers handle the codes they expect (NOT_FOUND, say) before this.
  absl::Status Unexpected(const grpc::Status& status) const;

 private:
  const std::string peer_;
  ServiceCredentials* const credentials_;
  mutable absl::Mutex mu_;
  std::shared_ptr<grpc::Channel> channel_ ABSL_GUARDED_BY(mu_);
};

}  // namespace ismap::liu

#endif  // ISMAP_LIU_SERVICES_COMMON_PEER_PEER_CHANNEL_H_
