// Paging of List RPCs: page_size limits and opaque page tokens.
//
// A page token carries the sort key of the last item returned (keyset
// paging), so items added or removed while a client pages never make it skip
// or repeat one, and a fingerprint of the query, so a token replayed with
// other filters is refused.
#ifndef ISMAP_LIU_SERVICES_COMMON_PAGE_TOKEN_H_
#define ISMAP_LIU_SERVICES_COMMON_PAGE_TOKEN_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "google/protobuf/repeated_field.h"
#include "services/common/field_violations.h"

namespace ismap::liu {

// Where a page starts and how long it is.
struct Page {
  // The sort key of the last item of the previous page, as the store wrote
  // it into the token; empty for the first page.
  std::string after_key;
  int32_t size = 0;
};

inline constexpr int32_t kDefaultPageSize = 50;
inline constexpr int32_t kMaxPageSize = 500;

// Reads `page_size` (0 means the default; larger than the maximum is capped)
// and `page_token` (empty for the first page) of a query whose filters are
// summarised by `query_fingerprint`. Adds a violation of `page_size` if it is
// negative and of `page_token` if it is malformed or belongs to another query.
Page ParsePage(int32_t page_size, absl::string_view page_token,
               absl::string_view query_fingerprint,
               FieldViolations& violations);

// The token of the page after one whose last item has sort key `last_key`,
// or "" when no more items follow. Stores learn whether more follow by asking
// for page.size + 1 items.
std::string NextPageToken(absl::string_view last_key, bool more_follow,
                          absl::string_view query_fingerprint);

// Moves the page of `found` (a store's up to page.size + 1 items) into `out`
// and returns the next page token, keyed by `key_of(last item)`; the extra
// item, if present, only says that more follow.
template <typename Item, typename KeyOf>
std::string FillPage(std::vector<Item> found, const Page& page,
                     absl::string_view query_fingerprint,
                     google::protobuf::RepeatedPtrField<Item>* out,
                     KeyOf key_of) {
  const bool more_follow = found.size() > static_cast<size_t>(page.size);
  if (more_follow) found.pop_back();
  for (Item& item : found) *out->Add() = std::move(item);
  return NextPageToken(out->empty() ? "" : key_of(*out->rbegin()), more_follow,
                       query_fingerprint);
}

}  // namespace ismap::liu

#endif  // ISMAP_LIU_SERVICES_COMMON_PAGE_TOKEN_H_
