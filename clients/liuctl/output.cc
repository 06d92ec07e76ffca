// Printing of liuctl's results, for people and for scripts.
#include "clients/liuctl/output.h"

#include <algorithm>
#include <iostream>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/time/time.h"
#include "clients/liuctl/text_table.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/time_util.h"

namespace ismap::liu::liuctl {
namespace {

// Japan Standard Time, UTC+9 all year.
absl::TimeZone JapanStandardTime() { return absl::FixedTimeZone(9 * 60 * 60); }

absl::Time ToAbslTime(const google::protobuf::Timestamp& time) {
  return absl::FromUnixSeconds(time.seconds()) +
         absl::Nanoseconds(time.nanos());
}

std::string ProtoJsonText(const google::protobuf::Message& message) {
  std::string text;
  google::protobuf::util::JsonPrintOptions options;
  // Messages of the API's own descriptors always convert.
  (void)google::protobuf::util::MessageToJsonString(message, &text, options);
  return text;
}

// "EligibilityOutcome" -> "ELIGIBILITY_OUTCOME_".
std::string UpperSnakePrefix(const std::string& camel) {
  std::string prefix;
  for (size_t i = 0; i < camel.size(); ++i) {
    if (i > 0 && absl::ascii_isupper(camel[i])) prefix += '_';
    prefix += absl::ascii_toupper(camel[i]);
  }
  return prefix + "_";
}

}  // namespace

nlohmann::json ToJson(const google::protobuf::Message& message) {
  return nlohmann::json::parse(ProtoJsonText(message));
}

void PrintJson(const nlohmann::json& value) {
  std::cout << value.dump(2) << "\n";
}

void PrintJson(const google::protobuf::Message& message) {
  PrintJson(ToJson(message));
}

void PrintJsonLine(const google::protobuf::Message& message) {
  std::cout << ProtoJsonText(message) << std::endl;
}

void PrintFields(
    const std::vector<std::pair<std::string, std::string>>& fields) {
  int width = 0;
  for (const auto& [label, value] : fields) {
    if (!value.empty()) width = std::max(width, DisplayWidth(label));
  }
  for (const auto& [label, value] : fields) {
    if (value.empty()) continue;
    std::cout << label << std::string(width - DisplayWidth(label) + 2, ' ')
              << value << "\n";
  }
}

std::string ShortEnumName(const google::protobuf::EnumDescriptor* type,
                          int value) {
  const google::protobuf::EnumValueDescriptor* descriptor =
      type->FindValueByNumber(value);
  if (descriptor == nullptr) return std::to_string(value);
  if (value == 0) return "-";
  std::string name = descriptor->name();
  const std::string prefix = UpperSnakePrefix(type->name());
  if (absl::StartsWith(name, prefix)) return name.substr(prefix.size());
  return name;
}

std::string FormatTime(const google::protobuf::Timestamp& time) {
  if (time.seconds() == 0 && time.nanos() == 0) return "-";
  return absl::FormatTime("%Y-%m-%d %H:%M JST", ToAbslTime(time),
                          JapanStandardTime());
}

std::string FormatDate(const google::protobuf::Timestamp& time) {
  if (time.seconds() == 0 && time.nanos() == 0) return "-";
  return absl::FormatTime("%Y-%m-%d", ToAbslTime(time), JapanStandardTime());
}

std::string Text(const v1::LocalizedText& text) {
  return text.ja().empty() ? text.en() : text.ja();
}

std::string LastSegment(const std::string& name) {
  const size_t slash = name.rfind('/');
  return slash == std::string::npos ? name : name.substr(slash + 1);
}

}  // namespace ismap::liu::liuctl
