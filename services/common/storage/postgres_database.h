// The shared storage backend: one PostgreSQL database that several stateless
// replicas of the services use at once.
#ifndef ISMAP_LIU_SERVICES_COMMON_STORAGE_POSTGRES_DATABASE_H_
#define ISMAP_LIU_SERVICES_COMMON_STORAGE_POSTGRES_DATABASE_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "services/common/storage/database.h"

typedef struct pg_conn PGconn;

namespace ismap::liu::storage {

namespace internal {

// One libpq session and the statements prepared on it. Used by one
// transaction at a time.
struct PostgresConnection {
  PGconn* conn = nullptr;
  // Prepared statement names by parameter types and SQL text (see
  // postgres_database.cc); forgotten when the session is re-established.
  std::map<std::string, std::string, std::less<>> statements;
  int64_t next_statement = 0;
};

}  // namespace internal

// Sessions to one PostgreSQL database: one writer and a pool of readers per
// process, in any number of processes.
//
// Read-write transactions run at READ COMMITTED and begin by taking a
// transaction-scoped advisory lock, the database's write lock
// (pg_advisory_xact_lock(kWriteLockKey)), which every read-write transaction
// of every replica takes. So read-write transactions take turns across all
// processes, as on SQLite, and each of their statements sees every earlier
// commit: they are serialisable with each other, and nothing is lost to a
// concurrent writer. Writes would be serial regardless: every state change
// appends to the audit trail's single chain head. Migrations are read-write
// transactions too, so replicas starting at once apply each one once.
// Read-only transactions run at REPEATABLE READ, READ ONLY: one snapshot,
// concurrent with everything, and unable to write.
//
// Commits are durable: Open() refuses a server with fsync off, and sessions
// whose synchronous_commit is off are set to on, so COMMIT returns only once
// the commit record is flushed. Deadlines: waiting for this process's writer
// or a reader, and for the write lock (lock_timeout), ends at the
// transaction's deadline; a statement running past the deadline is cancelled
// (statement_timeout). A session the server ended is re-established, and a
// transaction it ended before COMMIT is run again on the new one; if it ends
// during COMMIT, RunInTransaction returns UNAVAILABLE (outcome unknown).
// Thread-safe.
class PostgresDatabase final : public Database {
 public:
  // The advisory lock key of the write lock ("ISMAPLIU" in ASCII).
  static constexpr int64_t kWriteLockKey = 0x49534d41504c4955;

  struct Options {
    // Reader sessions: the most read-only transactions in flight at once in
    // this process. Each process also holds one writer session.
    int readers = 4;
    // Longest wait for the write lock held by another process, over all
    // retries, when the transaction's own deadline is later.
    absl::Duration busy_timeout = absl::Seconds(5);
    // Longest a session may stay idle inside a transaction before the server
    // ends it, so that a stalled process cannot hold the write lock forever.
    absl::Duration idle_in_transaction_timeout = absl::Seconds(60);
  };

  // Connects to the database `url` names (a libpq connection URI,
  // "postgresql://user@host:port/dbname?param=value", or key=value
  // connection string; passwords are best kept in ~/.pgpass or PGPASSFILE).
  // The URL may override the defaults connect_timeout=10 and
  // application_name=liu-server; client_encoding is always UTF8.
  // Errors: UNAVAILABLE if a session cannot be established (the message
  // never contains the password); FAILED_PRECONDITION if the server cannot
  // keep text or commits as this interface promises (server encoding other
  // than UTF8, fsync off).
  static absl::StatusOr<std::unique_ptr<PostgresDatabase>> Open(
      const std::string& url, Options options);

  // Closes every session. No transaction may be running.
  ~PostgresDatabase() override;

  absl::Status RunInTransaction(
      Access access, absl::Time deadline,
      absl::FunctionRef<absl::Status(Transaction&)> fn) override;

  absl::string_view backend() const override { return "postgresql"; }

 private:
  using Connection = internal::PostgresConnection;

  explicit PostgresDatabase(Options options) : options_(options) {}

  // Takes the writer (kReadWrite) or an idle reader, or returns nullptr if
  // `deadline` passes first.
  Connection* Acquire(Access access, absl::Time deadline);
  void Release(Access access, Connection* connection);
  bool ReaderIdle() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  bool WriterIdle() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // One attempt; sets `commit_sent` once COMMIT has gone to the server,
  // after which the outcome of a lost session is unknown.
  absl::Status RunOnce(Connection& connection, Access access,
                       absl::Time deadline, absl::Time wait_until,
                       absl::FunctionRef<absl::Status(Transaction&)> fn,
                       bool& commit_sent);

  const Options options_;
  std::vector<std::unique_ptr<Connection>> all_;  // Fixed after Open().
  Connection* writer_ = nullptr;                  // One of all_.
  absl::Mutex mu_;
  std::vector<Connection*> idle_readers_ ABSL_GUARDED_BY(mu_);
  bool writer_busy_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace ismap::liu::storage

#endif  // ISMAP_LIU_SERVICES_COMMON_STORAGE_POSTGRES_DATABASE_H_
