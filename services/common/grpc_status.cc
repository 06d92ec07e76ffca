// Status conversion between Abseil and gRPC.
#include "services/common/grpc_status.h"

#include <utility>

#include "absl/strings/cord.h"

namespace ismap::liu {

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  const auto code = static_cast<grpc::StatusCode>(status.code());
  const std::string message(status.message());
  const absl::optional<absl::Cord> payload =
      status.GetPayload(kBadRequestTypeUrl);
  if (!payload.has_value()) return grpc::Status(code, message);

  v1::StatusDetails details;
  details.set_code(static_cast<int32_t>(code));
  details.set_message(message);
  google::protobuf::Any* any = details.add_details();
  any->set_type_url(std::string(kBadRequestTypeUrl));
  any->set_value(std::string(*payload));
  return grpc::Status(code, message, details.SerializeAsString());
}

absl::Status FromGrpcStatus(const grpc::Status& status) {
  if (status.ok()) return absl::OkStatus();
  absl::Status result(static_cast<absl::StatusCode>(status.error_code()),
                      status.error_message());
  v1::StatusDetails details;
  if (!status.error_details().empty() &&
      details.ParseFromString(status.error_details())) {
    for (const google::protobuf::Any& any : details.details()) {
      if (any.type_url() == kBadRequestTypeUrl) {
        result.SetPayload(kBadRequestTypeUrl, absl::Cord(any.value()));
      }
    }
  }
  return result;
}

}  // namespace ismap::liu
