// Canonical errors across the API boundary: absl::Status <-> grpc::Status, and
// INVALID_ARGUMENT errors that name every offending field.
//
// Field violations travel inside an absl::Status as a payload holding a
// serialized ismap.liu.v1.BadRequest, and on the wire in the standard
// `grpc-status-details-bin` trailer (see proto/ismap/liu/v1/errors.proto).
#ifndef ISMAP_LIU_SERVICES_COMMON_GRPC_STATUS_H_
#define ISMAP_LIU_SERVICES_COMMON_GRPC_STATUS_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "grpcpp/support/status.h"
#include "ismap/liu/v1/errors.pb.h"

namespace ismap::liu {

// Type URL under which a BadRequest is attached, as in google.rpc.
inline constexpr absl::string_view kBadRequestTypeUrl =
    "type.googleapis.com/google.rpc.BadRequest";

// Converts a status for sending to a client. Codes map one to one (Abseil's
// canonical codes are gRPC's). A BadRequest payload becomes the standard
// status-details trailer. Never fails.
grpc::Status ToGrpcStatus(const absl::Status& status);

// Converts a status received from another service back, keeping any
// BadRequest details. Never fails; malformed details are dropped.
absl::Status FromGrpcStatus(const grpc::Status& status);

// Returns the field violations carried by `status`, or none.
std::vector<v1::FieldViolation> FieldViolationsOf(const absl::Status& status);

// Collects every problem with a request before refusing it, so that the
// caller learns of all offending fields at once.
//
//   FieldViolations violations;
//   if (req.title().empty()) violations.Add("title", "must not be empty");
//   RETURN_IF_ERROR(violations.ToStatus());
//
// Not thread-safe; use one per request.
class FieldViolations {
 public:
  // Records that `field` (a request path such as `businesses[1].title`) is
  // refused because of `description`.
  void Add(std::string field, std::string description);

  // Adds every violation of `status` under the prefix `field_prefix` (e.g.
  // "profile"), or, for an OK status, nothing. A non-OK status without
  // violations is recorded against the prefix itself.
  void Merge(absl::string_view field_prefix, const absl::Status& status);

  bool empty() const { return details_.field_violations().empty(); }

  // OK when nothing was added; otherwise INVALID_ARGUMENT whose message lists
  // every violation ("title: must not be empty; ...") and whose payload is
  // the BadRequest.
  absl::Status ToStatus() const;

 private:
  v1::BadRequest details_;
};

}  // namespace ismap::liu

#endif  // ISMAP_LIU_SERVICES_COMMON_GRPC_STATUS_H_
