// Shared field checks.
#include "services/common/field_checks.h"

#include <openssl/rand.h>

#include <cstdint>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace ismap::liu {
namespace {

// Whether `text` is well-formed UTF-8 (no overlong forms, no surrogates,
// nothing above U+10FFFF).
bool IsValidUtf8(absl::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    const auto byte = static_cast<uint8_t>(text[i]);
    if (byte < 0x80) {
      ++i;
      continue;
    }
    int length;
    uint32_t code_point;
    if ((byte & 0xE0) == 0xC0) {
      length = 2;
      code_point = byte & 0x1F;
    } else if ((byte & 0xF0) == 0xE0) {
      length = 3;
      code_point = byte & 0x0F;
    } else if ((byte & 0xF8) == 0xF0) {
      length = 4;
      code_point = byte & 0x07;
    } else {
      return false;
    }
    if (i + length > text.size()) return false;
    for (int k = 1; k < length; ++k) {
      const auto next = static_cast<uint8_t>(text[i + k]);
      if ((next & 0xC0) != 0x80) return false;
      code_point = (code_point << 6) | (next & 0x3F);
    }
    static constexpr uint32_t kSmallest[] = {0, 0, 0x80, 0x800, 0x10000};
    if (code_point < kSmallest[length] || code_point > 0x10FFFF ||
        (code_point >= 0xD800 && code_point <= 0xDFFF)) {
      return false;
    }
    i += length;
  }
  return true;
}

bool IsIdCharacter(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
}

}  // namespace

bool CheckText(absl::string_view field, absl::string_view text,
               size_t max_bytes, bool required, FieldViolations& violations) {
  if (text.empty()) {
    if (required) violations.Add(std::string(field), "is required");
    return !required;
  }
  if (!IsValidUtf8(text)) {
    violations.Add(std::string(field), "is not valid UTF-8");
    return false;
  }
  if (text.size() > max_bytes) {
    violations.Add(std::string(field),
                   absl::StrCat("is ", text.size(), " bytes long; at most ",
                                max_bytes, " bytes are allowed"));
    return false;
  }
  return true;
}

bool CheckRequestId(absl::string_view field, absl::string_view request_id,
                    FieldViolations& violations) {
  if (request_id.empty()) return true;
  bool printable = request_id.size() <= 64;
  for (char c : request_id) printable = printable && c >= 0x21 && c <= 0x7E;
  if (!printable) {
    violations.Add(std::string(field),
                   "must be 1 to 64 printable ASCII characters");
  }
  return printable;
}

std::optional<std::string> ParseResourceId(absl::string_view field,
                                           absl::string_view name,
                                           absl::string_view collection,
                                           FieldViolations& violations) {
  const std::string prefix = absl::StrCat(collection, "/");
  absl::string_view id = name;
  if (!absl::ConsumePrefix(&id, prefix) || !IsValidResourceId(id)) {
    violations.Add(std::string(field),
                   name.empty() ? std::string("is required")
                                : absl::StrCat("must be ", prefix, "{id}"));
    return std::nullopt;
  }
  return std::string(id);
}

bool IsValidResourceId(absl::string_view id) {
  bool valid = !id.empty() && id.size() <= 63;
  for (char c : id) valid = valid && IsIdCharacter(c);
  return valid;
}

std::string NewResourceId() {
  unsigned char bytes[10];
  RAND_bytes(bytes, sizeof(bytes));
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(bytes), sizeof(bytes)));
}

}  // namespace ismap::liu
