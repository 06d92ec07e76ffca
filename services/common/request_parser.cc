// Walks the wire form of a message by its descriptor to find invalid UTF-8.
#include "services/common/request_parser.h"

#include <limits>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/stubs/common.h"
#include "google/protobuf/unknown_field_set.h"
#include "services/common/field_violations.h"

namespace ismap::liu {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::UnknownField;
using google::protobuf::UnknownFieldSet;

// Protobuf's default recursion limit: deeper messages fail to parse anyway.
constexpr int kMaxDepth = 100;

void Walk(const Descriptor& descriptor, absl::string_view bytes,
          const std::string& prefix, int depth,
          std::vector<std::string>& paths) {
  if (depth > kMaxDepth ||
      bytes.size() > static_cast<size_t>(std::numeric_limits<int>::max())) {
    return;
  }
  UnknownFieldSet fields;
  if (!fields.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return;
  }
  absl::flat_hash_map<int, int> occurrences;
  for (int i = 0; i < fields.field_count(); ++i) {
    const UnknownField& field = fields.field(i);
    const FieldDescriptor* known = descriptor.FindFieldByNumber(field.number());
    if (known == nullptr ||
        field.type() != UnknownField::TYPE_LENGTH_DELIMITED) {
      continue;
    }
    const int index = occurrences[field.number()]++;
    std::string path =
        absl::StrCat(prefix, prefix.empty() ? "" : ".", known->name());
    if (known->is_repeated()) absl::StrAppend(&path, "[", index, "]");
    const std::string& value = field.length_delimited();
    if (known->type() == FieldDescriptor::TYPE_STRING) {
      if (!google::protobuf::internal::IsStructurallyValidUTF8(
              value.data(), static_cast<int>(value.size()))) {
        paths.push_back(std::move(path));
      }
    } else if (known->type() == FieldDescriptor::TYPE_MESSAGE) {
      Walk(*known->message_type(), value, path, depth + 1, paths);
    }
  }
}

}  // namespace

std::vector<std::string> InvalidUtf8Fields(const Descriptor& descriptor,
                                           absl::string_view bytes) {
  std::vector<std::string> paths;
  Walk(descriptor, bytes, "", 0, paths);
  return paths;
}

absl::Status ParseRequest(absl::string_view bytes,
                          google::protobuf::Message& message) {
  FieldViolations violations;
  for (std::string& path : InvalidUtf8Fields(*message.GetDescriptor(), bytes)) {
    violations.Add(std::move(path), "is not valid UTF-8");
  }
  if (!violations.empty()) return violations.ToStatus();
  if (bytes.size() > static_cast<size_t>(std::numeric_limits<int>::max()) ||
      !message.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return absl::InvalidArgumentError(
        absl::StrCat("the request is not a valid ", message.GetTypeName()));
  }
  return absl::OkStatus();
}

}  // namespace ismap::liu
