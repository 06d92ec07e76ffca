// Chooses and opens the storage backend: embedded SQLite, or a shared
// PostgreSQL database named by a URL.
#ifndef ISMAP_LIU_SERVICES_COMMON_STORAGE_DATABASE_URL_H_
#define ISMAP_LIU_SERVICES_COMMON_STORAGE_DATABASE_URL_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "services/common/storage/database.h"

namespace ismap::liu::storage {

// Whether `url` names a PostgreSQL database: it starts with "postgresql://"
// or "postgres://".
bool IsPostgresUrl(absl::string_view url);

// Opens the database `database_url` names with `readers` reader connections:
// the SQLite file `sqlite_path` when the URL is empty (its directory must
// exist), or the PostgreSQL database of a postgresql:// URL. Errors:
// INVALID_ARGUMENT for any other URL; otherwise the backend's Open() errors.
// The caller owns the result.
absl::StatusOr<std::unique_ptr<Database>> OpenDatabase(
    absl::string_view database_url, const std::string& sqlite_path,
    int readers);

}  // namespace ismap::liu::storage

#endif  // ISMAP_LIU_SERVICES_COMMON_STORAGE_DATABASE_URL_H_
