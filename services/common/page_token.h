// Paging of List RPCs: page_size limits and opaque page tokens.
//
// A page token encodes where the next page starts and a fingerprint of the
// query it belongs to, so a token replayed with other filters is refused
// instead of silently skipping or repeating results.
#ifndef ISMAP_LIU_SERVICES_COMMON_PAGE_TOKEN_H_
#define ISMAP_LIU_SERVICES_COMMON_PAGE_TOKEN_H_

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "services/common/grpc_status.h"

namespace ismap::liu {

// Where a page starts and how long it is.
struct Page {
  int64_t offset = 0;
  int32_t size = 0;
};

inline constexpr int32_t kDefaultPageSize = 50;
inline constexpr int32_t kMaxPageSize = 500;

// Reads `page_size` (0 means the default; larger than the maximum is capped)
// and `page_token` (empty for the first page) of a query whose filters are
// summarised by `query_fingerprint`. Adds a violation of `page_size` if it is
// negative and of `page_token` if it is malformed or belongs to another query.
Page ParsePage(int32_t page_size, absl::string_view page_token,
               absl::string_view query_fingerprint, FieldViolations& violations);

// The token of the page after `page`, or "" if `page` is the last one. Stores
// learn whether more rows follow by asking for page.size + 1 rows.
std::string NextPageToken(const Page& page, bool more_follow,
                          absl::string_view query_fingerprint);

}  // namespace ismap::liu

#endif  // ISMAP_LIU_SERVICES_COMMON_PAGE_TOKEN_H_
