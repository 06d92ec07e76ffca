// Checks of request fields that every service makes the same way: free text
// (UTF-8, length), request ids, and resource names.
#ifndef ISMAP_LIU_SERVICES_COMMON_FIELD_CHECKS_H_
#define ISMAP_LIU_SERVICES_COMMON_FIELD_CHECKS_H_

#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "services/common/field_violations.h"

namespace ismap::liu {

// Adds a violation of `field` when `text` is not valid UTF-8 or is longer
// than `max_bytes`, or, when `required`, empty. Returns whether it was fine.
bool CheckText(absl::string_view field, absl::string_view text,
               size_t max_bytes, bool required, FieldViolations& violations);

// Adds a violation of `field` unless `request_id` is empty (no idempotency
// asked for) or 1 to 64 printable ASCII characters (common.proto).
bool CheckRequestId(absl::string_view field, absl::string_view request_id,
                    FieldViolations& violations);

// The id in `name` if it is `<collection>/<id>` with an id of 1 to 63
// characters of [a-z0-9-]; otherwise adds a violation of `field` (saying
// what was expected) and returns nothing. `collection` is e.g.
// "preApplications".
std::optional<std::string> ParseResourceId(absl::string_view field,
                                           absl::string_view name,
                                           absl::string_view collection,
                                           FieldViolations& violations);

// Whether `id` is 1 to 63 characters of [a-z0-9-]: the form of every id in a
// resource name.
bool IsValidResourceId(absl::string_view id);

// A new random resource id: 20 lowercase hex characters (80 bits).
// Thread-safe.
std::string NewResourceId();

}  // namespace ismap::liu

#endif  // ISMAP_LIU_SERVICES_COMMON_FIELD_CHECKS_H_
