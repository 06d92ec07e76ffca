// The storage interface every service's store is written against.
//
// A Database runs functions in transactions over a relational schema. Stores
// write portable SQL (the subset SQLite 3.40 and PostgreSQL 15 share):
// placeholders are `$1`, `$2`, ...; column types are TEXT, BIGINT and BYTEA
// (which SQLite stores as given); upserts use `ON CONFLICT`. SQLite is the
// embedded default (sqlite_database.h); PostgreSQL (postgres_database.h) is
// the shared one for several replicas; database_url.h chooses.
#ifndef ISMAP_LIU_SERVICES_COMMON_STORAGE_DATABASE_H_
#define ISMAP_LIU_SERVICES_COMMON_STORAGE_DATABASE_H_

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/span.h"

namespace ismap::liu::storage {

// Binary data, kept apart from text so each backend binds it as a blob.
struct Bytes {
  std::string data;
  bool operator==(const Bytes& other) const { return data == other.data; }
};

// A SQL value: NULL, integer, text (UTF-8) or bytes.
using Value = std::variant<std::monostate, int64_t, std::string, Bytes>;

// One result row. Accessors return INTERNAL when the column is absent or of
// another type, which means the store's SQL and schema disagree.
class Row {
 public:
  explicit Row(std::vector<Value> values) : values_(std::move(values)) {}

  size_t size() const { return values_.size(); }
  bool IsNull(size_t column) const;
  absl::StatusOr<int64_t> Int(size_t column) const;
  absl::StatusOr<std::string> Text(size_t column) const;
  absl::StatusOr<std::string> Blob(size_t column) const;
  const Value& value(size_t column) const { return values_.at(column); }

 private:
  std::vector<Value> values_;
};

// A transaction in progress. Valid only inside the function given to
// Database::RunInTransaction, on that function's thread.
//
// A statement that fails ends the transaction's use, on every backend (as
// PostgreSQL aborts such a transaction): later statements return INTERNAL,
// and so does RunInTransaction, rolling back, even if the function returns
// OK. A store that expects a statement to fail checks first instead.
class Transaction {
 public:
  virtual ~Transaction() = default;

  // Runs one statement with `params` bound to $1, $2, ... and returns how many
  // rows it changed. ALREADY_EXISTS on a unique-constraint violation,
  // FAILED_PRECONDITION on another constraint violation, ABORTED on a
  // conflict with a concurrent transaction, INTERNAL for malformed SQL.
  virtual absl::StatusOr<int64_t> Execute(absl::string_view sql,
                                          absl::Span<const Value> params) = 0;

  // Runs one query and returns every row. Errors as for Execute.
  virtual absl::StatusOr<std::vector<Row>> Query(
      absl::string_view sql, absl::Span<const Value> params) = 0;

  // Runs a script of several statements without parameters (migrations).
  virtual absl::Status ExecuteScript(absl::string_view sql) = 0;
};

// An ABORTED status that a backend returns when a transaction lost a race
// with a concurrent one and may simply be run again. RunInTransaction retries
// these and only these: an ABORTED returned by a store's own logic (a stale
// etag, say) is final.
absl::Status TransientConflictError(absl::string_view message);
bool IsTransientConflict(const absl::Status& status);

class Database {
 public:
  enum class Access {
    kReadOnly,   // May run concurrently with other transactions.
    kReadWrite,  // Serialisable with every other read-write transaction.
  };

  virtual ~Database() = default;

  // Runs `fn` in one transaction: commits if it returns OK, rolls back
  // otherwise and returns its status. When the backend reports a conflict
  // with a concurrent transaction (ABORTED), rolls back and runs `fn` again,
  // a few times, so `fn` must have no effect outside the transaction. A
  // commit that returns OK is durable: it survives the process being killed.
  // DEADLINE_EXCEEDED if `deadline` passes while waiting for the database.
  // Thread-safe.
  virtual absl::Status RunInTransaction(
      Access access, absl::Time deadline,
      absl::FunctionRef<absl::Status(Transaction&)> fn) = 0;

  // The backend's name, e.g. "sqlite", for logs and diagnostics.
  virtual absl::string_view backend() const = 0;
};

}  // namespace ismap::liu::storage

#endif  // ISMAP_LIU_SERVICES_COMMON_STORAGE_DATABASE_H_
