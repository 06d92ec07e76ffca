// Page token encoding: base64url("p2\n<fingerprint hash prefix>\n<last key>").
#include "services/common/page_token.h"

#include <algorithm>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "services/common/digest.h"

namespace ismap::liu {
namespace {

constexpr absl::string_view kVersion = "p2";

std::string FingerprintTag(absl::string_view query_fingerprint) {
  return Sha256Hex(query_fingerprint).substr(0, 16);
}

}  // namespace

Page ParsePage(int32_t page_size, absl::string_view page_token,
               absl::string_view query_fingerprint,
               FieldViolations& violations) {
  Page page;
  if (page_size < 0) violations.Add("page_size", "must not be negative");
  page.size =
      page_size <= 0 ? kDefaultPageSize : std::min(page_size, kMaxPageSize);
  if (page_token.empty()) return page;

  std::string decoded;
  const std::string tag = FingerprintTag(query_fingerprint);
  const std::string prefix = absl::StrCat(kVersion, "\n", tag, "\n");
  if (!absl::WebSafeBase64Unescape(page_token, &decoded) ||
      decoded.compare(0, kVersion.size() + 1, absl::StrCat(kVersion, "\n")) !=
          0 ||
      decoded.size() <= prefix.size()) {
    violations.Add("page_token", "is not a token this server issued");
  } else if (decoded.compare(0, prefix.size(), prefix) != 0) {
    violations.Add(
        "page_token",
        "belongs to a query with other filters; start again without it");
  } else {
    page.after_key = decoded.substr(prefix.size());
  }
  return page;
}

std::string NextPageToken(absl::string_view last_key, bool more_follow,
                          absl::string_view query_fingerprint) {
  if (!more_follow) return "";
  return absl::WebSafeBase64Escape(absl::StrCat(
      kVersion, "\n", FingerprintTag(query_fingerprint), "\n", last_key));
}

}  // namespace ismap::liu
