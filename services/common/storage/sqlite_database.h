// The embedded storage backend: one SQLite file in WAL mode.
#ifndef ISMAP_LIU_SERVICES_COMMON_STORAGE_SQLITE_DATABASE_H_
#define ISMAP_LIU_SERVICES_COMMON_STORAGE_SQLITE_DATABASE_H_

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "services/common/storage/database.h"

struct sqlite3;
struct sqlite3_stmt;

namespace ismap::liu::storage {

namespace internal {

// One open connection, its prepared statements, and the deadline its busy
// handler honours. Used by one transaction at a time.
struct SqliteConnection {
  sqlite3* db = nullptr;
  // Prepared statements by SQL text, reused across transactions.
  std::map<std::string, sqlite3_stmt*, std::less<>> statements;
  // Until when the busy handler waits for another process's lock; set before
  // every transaction.
  absl::Time wait_until = absl::InfinitePast();
};

}  // namespace internal

// Connections to one SQLite database file: one writer and a pool of readers.
//
// Every connection runs with journal_mode=WAL, synchronous=FULL (a commit is
// on disk before RunInTransaction returns) and foreign_keys=ON. Read-write
// transactions (BEGIN IMMEDIATE on the writer) take turns, so they are
// serialisable; read-only transactions run concurrently on reader
// connections, which are query_only, so they cannot write. Waiting for a lock
// held by another process respects the transaction's deadline. Thread-safe.
class SqliteDatabase final : public Database {
 public:
  struct Options {
    // Reader connections: the most read-only transactions in flight at once.
    int readers = 4;
    // Longest wait, over all retries, for a lock held by another process,
    // when the transaction's own deadline is later.
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
  using Connection = internal::SqliteConnection;

  explicit SqliteDatabase(Options options) : options_(options) {}

  // Takes the writer (kReadWrite) or an idle reader, or returns nullptr if
  // `deadline` passes first.
  Connection* Acquire(Access access, absl::Time deadline);
  void Release(Access access, Connection* connection);
  bool ReaderIdle() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  bool WriterIdle() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::Status RunOnce(Connection& connection, Access access,
                       absl::FunctionRef<absl::Status(Transaction&)> fn);

  const Options options_;
  std::vector<std::unique_ptr<Connection>> all_;  // Fixed after Open().
  Connection* writer_ = nullptr;                  // One of all_.
  absl::Mutex mu_;
  std::vector<Connection*> idle_readers_ ABSL_GUARDED_BY(mu_);
  bool writer_busy_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace ismap::liu::storage

#endif  // ISMAP_LIU_SERVICES_COMMON_STORAGE_SQLITE_DATABASE_H_
