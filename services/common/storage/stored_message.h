// The bytes a message is stored as.
#ifndef ISMAP_LIU_SERVICES_COMMON_STORAGE_STORED_MESSAGE_H_
#define ISMAP_LIU_SERVICES_COMMON_STORAGE_STORED_MESSAGE_H_

#include <string>

#include "google/protobuf/message.h"

namespace ismap::liu::storage {

// `message` serialised deterministically (map entries sorted), so that equal
// messages give equal bytes and equal hashes (etags, audit records) within a
// build. Thread-safe; never fails.
std::string DeterministicBytes(const google::protobuf::Message& message);

}  // namespace ismap::liu::storage

#endif  // ISMAP_LIU_SERVICES_COMMON_STORAGE_STORED_MESSAGE_H_
