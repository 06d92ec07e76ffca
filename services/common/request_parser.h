// Parsing of request messages that names every string field holding invalid
// UTF-8.
//
// Protobuf 3.21 refuses to parse a proto3 message whose string field holds
// invalid UTF-8, and gRPC then answers the call UNIMPLEMENTED with no message
// before any handler runs. The API promises INVALID_ARGUMENT naming each
// offending field (common.proto), so services that take free text receive
// their requests unparsed (gRPC "raw" methods, see
// UnaryCallRunner::ServeRaw) and parse them here. Free of gRPC.
#ifndef ISMAP_LIU_SERVICES_COMMON_REQUEST_PARSER_H_
#define ISMAP_LIU_SERVICES_COMMON_REQUEST_PARSER_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"

namespace ismap::liu {

// The paths of every string field of `bytes`, read as a serialized message
// of type `descriptor`, that holds invalid UTF-8, in wire order, e.g.
// `impact_assessment.answers[1].comment` (indices count the occurrences of a
// repeated field). Fields the descriptor does not know, and anything nested
// deeper than protobuf's own recursion limit (100), are not inspected.
// Pure; never fails: bytes that are no message at all yield no paths.
std::vector<std::string> InvalidUtf8Fields(
    const google::protobuf::Descriptor& descriptor, absl::string_view bytes);

// Parses `bytes` into `message` (replacing its content). INVALID_ARGUMENT
// with one FieldViolation per string field holding invalid UTF-8 (see
// InvalidUtf8Fields), or, for bytes that are not a message of that type for
// another reason, INVALID_ARGUMENT without violations.
absl::Status ParseRequest(absl::string_view bytes,
                          google::protobuf::Message& message);

}  // namespace ismap::liu

#endif  // ISMAP_LIU_SERVICES_COMMON_REQUEST_PARSER_H_
