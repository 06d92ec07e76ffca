// Reading a whole file: keys, certificates, rules, key sets.
#ifndef ISMAP_LIU_SERVICES_COMMON_FILE_CONTENTS_H_
#define ISMAP_LIU_SERVICES_COMMON_FILE_CONTENTS_H_

#include <string>

#include "absl/status/statusor.h"

namespace ismap::liu {

// The bytes of the file at `path`. NOT_FOUND if there is no such file;
// INTERNAL if it exists but cannot be read. Thread-safe.
absl::StatusOr<std::string> ReadFileContents(const std::string& path);

}  // namespace ismap::liu

#endif  // ISMAP_LIU_SERVICES_COMMON_FILE_CONTENTS_H_
