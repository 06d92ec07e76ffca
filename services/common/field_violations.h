// INVALID_ARGUMENT errors that name every offending field.
//
// Field violations travel inside an absl::Status as a payload holding a
// serialized ismap.liu.v1.BadRequest (wire-compatible with
// google.rpc.BadRequest). Free of gRPC, so domain code uses it too;
// grpc_status.h carries the violations across the API boundary.
#ifndef ISMAP_LIU_SERVICES_COMMON_FIELD_VIOLATIONS_H_
#define ISMAP_LIU_SERVICES_COMMON_FIELD_VIOLATIONS_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "ismap/liu/v1/errors.pb.h"

namespace ismap::liu {

// Type URL under which a BadRequest is attached, as in google.rpc.
inline constexpr absl::string_view kBadRequestTypeUrl =
    "type.googleapis.com/google.rpc.BadRequest";

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

#endif  // ISMAP_LIU_SERVICES_COMMON_FIELD_VIOLATIONS_H_
