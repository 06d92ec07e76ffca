// PeerChannel: identity and deadline on every call to a peer service.
#include "services/common/peer/peer_channel.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "grpcpp/support/time.h"
#include "services/common/grpc_status.h"

namespace ismap::liu {

void PeerChannel::Connect(std::shared_ptr<grpc::Channel> channel) {
  absl::MutexLock lock(&mu_);
  channel_ = std::move(channel);
}

absl::StatusOr<PeerChannel::Call> PeerChannel::Prepare(
    absl::Time deadline) const {
  const absl::Time now = absl::Now();
  if (deadline <= now) {
    return absl::DeadlineExceededError(
        absl::StrCat("no time left to call ", peer_));
  }
  Call call;
  {
    absl::MutexLock lock(&mu_);
    call.channel = channel_;
  }
  if (call.channel == nullptr) {
    return absl::UnavailableError(absl::StrCat(peer_, " is not connected"));
  }
  absl::StatusOr<std::string> token = credentials_->Token(now);
  if (!token.ok()) {
    return absl::UnavailableError(absl::StrCat(
        "no service token to call ", peer_, ": ", token.status().message()));
  }
  call.context = std::make_unique<grpc::ClientContext>();
  call.context->set_deadline(absl::ToChronoTime(deadline));
  call.context->AddMetadata("authorization", absl::StrCat("Bearer ", *token));
  return call;
}

absl::Status PeerChannel::Unexpected(const grpc::Status& status) const {
  switch (status.error_code()) {
    case grpc::StatusCode::OK:
      return absl::OkStatus();
    case grpc::StatusCode::UNAVAILABLE:
    case grpc::StatusCode::DEADLINE_EXCEEDED:
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      return absl::Status(FromGrpcStatus(status).code(),
                          absl::StrCat(peer_, ": ", status.error_message()));
    default:
      return absl::InternalError(
          absl::StrCat(peer_, " answered ", FromGrpcStatus(status).ToString()));
  }
}

}  // namespace ismap::liu
