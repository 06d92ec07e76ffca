// The embedded storage backend: one SQLite file in WAL mode.
#ifndef ISMAP_LIU_SERVICES_COMMON_STORAGE_SQLITE_DATABASE_H_
#define ISMAP_LIU_SERVICES_COMMON_STORAGE_SQLITE_DATABASE_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "services/common/storage/database.h"

struct sqlite3;

namespace ismap::liu::storage {

// A pool of connections to one SQLite database file.
//
// Every connection runs with journal_mode=WAL, synchronous=FULL (a commit is
// on disk before RunInTransaction returns), foreign_keys=ON and a busy
// timeout. Read-only transactions run concurrently on their own connections;
// read-write transactions (BEGIN IMMEDIATE) take turns, so they are
// serialisable. Thread-safe.
class SqliteDatabase final : public Database {
 public:
  struct Options {
    // Connections in the pool: the most transactions in flight at once.
    int connections = 4;
    // How long SQLite waits for a lock held by another process.
    absl::Duration busy_timeout = absl::Seconds(5);
  };

  // Opens the database at `path`, creating the file if it does not exist.
  // The directory must exist. INTERNAL if the file cannot be opened or put in
  // WAL mode.
  static absl::StatusOr<std::unique_ptr<SqliteDatabase>> Open(
      const std::string& path, Options options);

  // Closes every connection. No transaction may be running.
  ~SqliteDatabase() override;

  absl::Status RunInTransaction(
      Access access, absl::Time deadline,
      absl::FunctionRef<absl::Status(Transaction&)> fn) override;

  absl::string_view backend() const override { return "sqlite"; }

 private:
  SqliteDatabase() = default;

  // Takes an idle connection (for kReadWrite, also the writer's turn), or
  // returns nullptr if `deadline` passes first.
  sqlite3* Acquire(Access access, absl::Time deadline);
  void Release(Access access, sqlite3* connection);
  bool CanAcquireReader() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  bool CanAcquireWriter() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::Status RunOnce(sqlite3* connection, Access access,
                       absl::FunctionRef<absl::Status(Transaction&)> fn);

  std::vector<sqlite3*> all_;  // Every connection; fixed after Open().
  absl::Mutex mu_;
  std::vector<sqlite3*> idle_ ABSL_GUARDED_BY(mu_);
  bool writer_active_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace ismap::liu::storage

#endif  // ISMAP_LIU_SERVICES_COMMON_STORAGE_SQLITE_DATABASE_H_
