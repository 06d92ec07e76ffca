// The migration runner.
#include "services/common/storage/migrations.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "services/common/digest.h"
#include "services/common/status_macros.h"

namespace ismap::liu::storage {
namespace {

constexpr absl::string_view kCreateMigrationsTable = R"sql(
CREATE TABLE IF NOT EXISTS schema_migrations (
  component  TEXT   NOT NULL,
  version    BIGINT NOT NULL,
  name       TEXT   NOT NULL,
  checksum   TEXT   NOT NULL,
  applied_at TEXT   NOT NULL,
  PRIMARY KEY (component, version)
))sql";

absl::Status CheckSequence(absl::string_view component,
                           absl::Span<const Migration> migrations) {
  for (size_t i = 0; i < migrations.size(); ++i) {
    if (migrations[i].version != static_cast<int64_t>(i + 1)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "migrations of ", component, " must be numbered 1, 2, 3, ...; entry ",
          i, " is version ", migrations[i].version));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ApplyMigrations(Database& database, absl::string_view component,
                             absl::Span<const Migration> migrations,
                             absl::Time now) {
  RETURN_IF_ERROR(CheckSequence(component, migrations));
  const absl::Time no_deadline = absl::InfiniteFuture();
  RETURN_IF_ERROR(database.RunInTransaction(
      Database::Access::kReadWrite, no_deadline, [](Transaction& tx) {
        return tx.ExecuteScript(kCreateMigrationsTable);
      }));

  const std::string applied_at =
      absl::FormatTime(absl::RFC3339_full, now, absl::UTCTimeZone());
  for (const Migration& migration : migrations) {
    const std::string checksum = Sha256Hex(migration.sql);
    RETURN_IF_ERROR(database.RunInTransaction(
        Database::Access::kReadWrite, no_deadline,
        [&](Transaction& tx) -> absl::Status {
          ASSIGN_OR_RETURN(
              std::vector<Row> applied,
              tx.Query("SELECT checksum FROM schema_migrations "
                       "WHERE component = $1 AND version = $2",
                       {std::string(component), migration.version}));
          if (!applied.empty()) {
            ASSIGN_OR_RETURN(std::string recorded, applied[0].Text(0));
            if (recorded != checksum) {
              return absl::FailedPreconditionError(absl::StrCat(
                  "migration ", component, "/", migration.version, " (",
                  migration.name,
                  ") differs from the one applied to this database; "
                  "released migrations must never change"));
            }
            return absl::OkStatus();
          }
          RETURN_IF_ERROR(tx.ExecuteScript(migration.sql));
          return tx
              .Execute(
                  "INSERT INTO schema_migrations "
                  "(component, version, name, checksum, applied_at) "
                  "VALUES ($1, $2, $3, $4, $5)",
                  {std::string(component), migration.version,
                   std::string(migration.name), checksum, applied_at})
              .status();
        }));
  }

  return database.RunInTransaction(
      Database::Access::kReadOnly, no_deadline,
      [&](Transaction& tx) -> absl::Status {
        ASSIGN_OR_RETURN(std::vector<Row> newer,
                         tx.Query("SELECT version FROM schema_migrations "
                                  "WHERE component = $1 AND version > $2",
                                  {std::string(component),
                                   static_cast<int64_t>(migrations.size())}));
        if (!newer.empty()) {
          return absl::FailedPreconditionError(absl::StrCat(
              "the database has migrations of ", component,
              " that this binary does not know; run a newer binary"));
        }
        return absl::OkStatus();
      });
}

}  // namespace ismap::liu::storage
