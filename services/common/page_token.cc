// Page token encoding: base64url("p1:<offset>:<fingerprint hash prefix>").
#include "services/common/page_token.h"

#include <algorithm>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "services/common/digest.h"

namespace ismap::liu {
namespace {

std::string FingerprintTag(absl::string_view query_fingerprint) {
  return Sha256Hex(query_fingerprint).substr(0, 16);
}

}  // namespace

Page ParsePage(int32_t page_size, absl::string_view page_token,
               absl::string_view query_fingerprint, FieldViolations& violations) {
  Page page;
  if (page_size < 0) {
    violations.Add("page_size", "must not be negative");
  }
  page.size = page_size <= 0 ? kDefaultPageSize : std::min(page_size, kMaxPageSize);
  if (page_token.empty()) return page;

  std::string decoded;
  std::vector<std::string> parts;
  if (absl::WebSafeBase64Unescape(page_token, &decoded)) {
    parts = absl::StrSplit(decoded, ':');
  }
  if (parts.size() != 3 || parts[0] != "p1" ||
      !absl::SimpleAtoi(parts[1], &page.offset) || page.offset < 0) {
    violations.Add("page_token", "is not a token this server issued");
  } else if (parts[2] != FingerprintTag(query_fingerprint)) {
    violations.Add("page_token",
                   "belongs to a query with other filters; start again without it");
  }
  return page;
}

std::string NextPageToken(const Page& page, bool more_follow,
                          absl::string_view query_fingerprint) {
  if (!more_follow) return "";
  return absl::WebSafeBase64Escape(absl::StrCat(
      "p1:", page.offset + page.size, ":", FingerprintTag(query_fingerprint)));
}

}  // namespace ismap::liu
