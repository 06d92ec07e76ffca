// Canonical errors across the API boundary: absl::Status <-> grpc::Status.
// Field violations (field_violations.h) travel on the wire in the standard
// `grpc-status-details-bin` trailer (see proto/ismap/liu/v1/errors.proto).
#ifndef ISMAP_LIU_SERVICES_COMMON_GRPC_STATUS_H_
#define ISMAP_LIU_SERVICES_COMMON_GRPC_STATUS_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "grpcpp/support/status.h"
#include "ismap/liu/v1/errors.pb.h"
#include "services/common/field_violations.h"

namespace ismap::liu {

// Converts a status for sending to a client. Codes map one to one (Abseil's
// canonical codes are gRPC's). A BadRequest payload becomes the standard
// status-details trailer. Never fails.
grpc::Status ToGrpcStatus(const absl::Status& status);

// Converts a status received from another service back, keeping any
// BadRequest details. Never fails; malformed details are dropped.
absl::Status FromGrpcStatus(const grpc::Status& status);

}  // namespace ismap::liu

#endif  // ISMAP_LIU_SERVICES_COMMON_GRPC_STATUS_H_
