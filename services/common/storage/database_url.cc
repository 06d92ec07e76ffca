// The backend factory.
#include "services/common/storage/database_url.h"

#include "absl/strings/match.h"
#include "services/common/status_macros.h"
#include "services/common/storage/postgres_database.h"
#include "services/common/storage/sqlite_database.h"

namespace ismap::liu::storage {

bool IsPostgresUrl(absl::string_view url) {
  return absl::StartsWith(url, "postgresql://") ||
         absl::StartsWith(url, "postgres://");
}

absl::StatusOr<std::unique_ptr<Database>> OpenDatabase(
    absl::string_view database_url, const std::string& sqlite_path,
    int readers) {
  if (database_url.empty()) {
    SqliteDatabase::Options options;
    options.readers = readers;
    ASSIGN_OR_RETURN(std::unique_ptr<SqliteDatabase> database,
                     SqliteDatabase::Open(sqlite_path, options));
    return database;
  }
  if (!IsPostgresUrl(database_url)) {
    // The URL may hold a password: it is not repeated.
    return absl::InvalidArgumentError(
        "database_url: must be empty (embedded SQLite) or a postgresql:// "
        "URL");
  }
  PostgresDatabase::Options options;
  options.readers = readers;
  ASSIGN_OR_RETURN(std::unique_ptr<PostgresDatabase> database,
                   PostgresDatabase::Open(std::string(database_url), options));
  return database;
}

}  // namespace ismap::liu::storage
