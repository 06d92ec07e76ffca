// Reading liuctl's input documents: a YAML or JSON file holding one protobuf
// message in the proto3 JSON mapping (what `liuctl ... --file=x.yaml` sends).
#ifndef ISMAP_LIU_CLIENTS_LIUCTL_DOCUMENT_FILE_H_
#define ISMAP_LIU_CLIENTS_LIUCTL_DOCUMENT_FILE_H_

#include <cstddef>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/message.h"

namespace ismap::liu {

// The largest file ReadDocumentFile reads: far above any message the API
// accepts.
inline constexpr size_t kMaxDocumentFileBytes = 16 << 20;

// Reads `path` (YAML, or JSON, which is YAML too) into `message` as
// ParseDocument does, naming `path` in errors. When the file cannot be read:
// the errno's status (NOT_FOUND for a missing file, PERMISSION_DENIED for an
// unreadable one, ...) with a message naming `path`; INVALID_ARGUMENT when it
// is larger than kMaxDocumentFileBytes.
absl::Status ReadDocumentFile(const std::string& path,
                              google::protobuf::Message* message);

// Parses `text`, one YAML document, into `message` (cleared first) through
// the proto3 JSON mapping: the YAML is converted to JSON and parsed with
// google::protobuf::util::JsonStringToMessage, so field names may be
// lowerCamelCase or as in the .proto, enums are given by name, Timestamps as
// RFC 3339 strings, int64 values as numbers or strings.
//
// Conversion: mappings become objects, sequences arrays, aliases copies of
// their anchored node. Quoted scalars (and those tagged !!str) are always
// strings. Plain scalars follow the YAML 1.2 core schema: null, Null, NULL, ~
// and nothing become null; true/True/TRUE and false/False/FALSE booleans;
// decimal, 0x hexadecimal and 0o octal integers and decimal floats numbers
// (.inf, -.inf and .nan the strings "Infinity", "-Infinity" and "NaN" that
// the JSON mapping takes for them); anything else a string. So a plain
// scalar that looks like a number is a number, which a string field rejects:
// quote it. A `<<` key is an ordinary key (no merge keys).
//
// Every error is INVALID_ARGUMENT with a message starting with `source`:
// YAML syntax errors, duplicate keys, keys that are not scalars, aliases of
// unfinished nodes and oversized alias expansions as "source:line:column:
// ..."; an empty text (nothing but comments, or a null document) ("empty"),
// more than one document, a top-level value that is not a mapping, text that
// is not UTF-8, and the protobuf parser's errors (which name the field for
// unknown fields and bad values) as "source: ...". On error `message` is left
// empty. Never crashes on any input.
absl::Status ParseDocument(absl::string_view text, absl::string_view source,
                           google::protobuf::Message* message);

}  // namespace ismap::liu

#endif  // ISMAP_LIU_CLIENTS_LIUCTL_DOCUMENT_FILE_H_
