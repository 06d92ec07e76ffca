// How liuctl prints: the API's messages as proto3 JSON for scripts (--json),
// and for people, aligned "label  value" blocks and tables, enum values
// without their prefix, times in Japan Standard Time, and Japanese text
// first.
#ifndef ISMAP_LIU_CLIENTS_LIUCTL_OUTPUT_H_
#define ISMAP_LIU_CLIENTS_LIUCTL_OUTPUT_H_

#include <string>
#include <utility>
#include <vector>

#include "google/protobuf/generated_enum_reflection.h"
#include "google/protobuf/message.h"
#include "google/protobuf/timestamp.pb.h"
#include "ismap/liu/v1/common.pb.h"
#include "nlohmann/json.hpp"

namespace ismap::liu::liuctl {

// `message` in the proto3 JSON mapping (lowerCamelCase names, enums by name,
// Timestamps in RFC 3339), as a JSON value.
nlohmann::json ToJson(const google::protobuf::Message& message);

// Prints `value` on stdout, indented, followed by a newline.
void PrintJson(const nlohmann::json& value);
// Prints `message` on stdout as indented proto3 JSON.
void PrintJson(const google::protobuf::Message& message);
// Prints `message` on stdout as proto3 JSON on one line (JSON Lines).
void PrintJsonLine(const google::protobuf::Message& message);

// Prints "label  value" lines with the values aligned by display width;
// pairs with an empty value are left out.
void PrintFields(
    const std::vector<std::pair<std::string, std::string>>& fields);

// The name of an enum value without the prefix its type gives every value:
// ELIGIBILITY_OUTCOME_ELIGIBLE -> ELIGIBLE, STATE_OPEN -> OPEN. "-" for the
// UNSPECIFIED value.
std::string ShortEnumName(const google::protobuf::EnumDescriptor* type,
                          int value);
template <typename Enum>
std::string Short(Enum value) {
  return ShortEnumName(google::protobuf::GetEnumDescriptor<Enum>(),
                       static_cast<int>(value));
}

// "2026-11-22 14:05 JST" (Japan has no daylight saving time); "-" when
// unset.
std::string FormatTime(const google::protobuf::Timestamp& time);
// The date alone, "2026-11-22"; "-" when unset.
std::string FormatDate(const google::protobuf::Timestamp& time);

// The Japanese text, else the English one.
std::string Text(const v1::LocalizedText& text);

// The last segment of a resource name: "preApplications/abc" -> "abc".
std::string LastSegment(const std::string& name);

}  // namespace ismap::liu::liuctl

#endif  // ISMAP_LIU_CLIENTS_LIUCTL_OUTPUT_H_
