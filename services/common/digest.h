// Content hashes used for rule-set versions and migration checksums.
#ifndef ISMAP_LIU_SERVICES_COMMON_DIGEST_H_
#define ISMAP_LIU_SERVICES_COMMON_DIGEST_H_

#include <string>

#include "absl/strings/string_view.h"

namespace ismap::liu {

// Returns the SHA-256 of `data` as 64 lowercase hex characters.
// Thread-safe; never fails.
std::string Sha256Hex(absl::string_view data);

}  // namespace ismap::liu

#endif  // ISMAP_LIU_SERVICES_COMMON_DIGEST_H_
