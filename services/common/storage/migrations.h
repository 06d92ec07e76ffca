// Versioned schema migrations, applied at start-up.
//
// Each component (e.g. "rules", "impact") owns an ordered list of migrations
// numbered 1, 2, 3, ... and never edits one once released: a new change is a
// new migration. The table `schema_migrations` records what was applied, with
// a checksum of each migration's SQL, so an edited migration or a database
// newer than the binary stops start-up instead of drifting silently.
#ifndef ISMAP_LIU_SERVICES_COMMON_STORAGE_MIGRATIONS_H_
#define ISMAP_LIU_SERVICES_COMMON_STORAGE_MIGRATIONS_H_

#include <cstdint>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "services/common/storage/database.h"

namespace ismap::liu::storage {

// One schema change, in portable SQL (see database.h).
struct Migration {
  int64_t version;         // 1 for the first, then consecutive.
  absl::string_view name;  // What it does, e.g. "create rule sets".
  absl::string_view sql;   // One or more statements.
};

// Brings `component`'s schema up to the last of `migrations`: each migration
// not yet applied runs, with its record in schema_migrations, in a
// transaction of its own, so a crash leaves the schema at a migration
// boundary. Applying an up-to-date schema changes nothing. Safe to call
// concurrently from several processes on one database.
// Errors: INVALID_ARGUMENT if the versions are not 1, 2, 3, ...;
// FAILED_PRECONDITION if an applied migration's SQL has changed or the
// database has versions this binary does not know; the database's error if a
// migration fails (nothing of that migration is kept).
absl::Status ApplyMigrations(Database& database, absl::string_view component,
                             absl::Span<const Migration> migrations,
                             absl::Time now);

}  // namespace ismap::liu::storage

#endif  // ISMAP_LIU_SERVICES_COMMON_STORAGE_MIGRATIONS_H_
