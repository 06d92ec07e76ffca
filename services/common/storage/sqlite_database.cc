// SQLite implementation of the storage interface.
#include "services/common/storage/sqlite_database.h"

#include <sqlite3.h>

#include <algorithm>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "services/common/status_macros.h"

namespace ismap::liu::storage {
namespace {

constexpr int kMaxAttempts = 5;
// Statements kept prepared per connection; stores use a fixed set of SQL
// texts, so this bounds memory without evicting in practice.
constexpr size_t kMaxCachedStatements = 256;

// Maps an SQLite result code (extended codes are on) to a canonical status.
absl::Status StatusOf(sqlite3* db, int rc, absl::string_view what) {
  const std::string message = absl::StrCat(
      what, ": ", db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
  switch (rc) {
    case SQLITE_OK:
    case SQLITE_DONE:
    case SQLITE_ROW:
      return absl::OkStatus();
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY:
      return absl::AlreadyExistsError(message);
    default:
      break;
  }
  if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED) {
    return TransientConflictError(message);
  }
  if ((rc & 0xff) == SQLITE_CONSTRAINT) {
    return absl::FailedPreconditionError(message);
  }
  return absl::InternalError(message);
}

absl::Status Exec(sqlite3* db, const char* sql) {
  return StatusOf(db, sqlite3_exec(db, sql, nullptr, nullptr, nullptr), sql);
}

// Owns a prepared statement.
// A prepared statement in use by one call: taken from the connection's cache
// (or prepared and cached), reset for its next use when done.
class Statement {
 public:
  ~Statement() {
    if (cached_) {
      sqlite3_reset(stmt_);
      sqlite3_clear_bindings(stmt_);
    } else {
      sqlite3_finalize(stmt_);
    }
  }

  static absl::StatusOr<std::unique_ptr<Statement>> Prepare(
      internal::SqliteConnection& connection, absl::string_view sql,
      absl::Span<const Value> params) {
    sqlite3* db = connection.db;
    auto statement = std::unique_ptr<Statement>(new Statement(db));
    const auto cached = connection.statements.find(sql);
    if (cached != connection.statements.end()) {
      statement->stmt_ = cached->second;
      statement->cached_ = true;
    } else {
      const char* tail = nullptr;
      const int rc = sqlite3_prepare_v3(
          db, sql.data(), static_cast<int>(sql.size()),
          SQLITE_PREPARE_PERSISTENT, &statement->stmt_, &tail);
      RETURN_IF_ERROR(StatusOf(db, rc, "prepare"));
      if (statement->stmt_ == nullptr) {
        return absl::InternalError("empty SQL statement");
      }
      // One statement per call: text after it would be silently ignored.
      const absl::string_view rest(tail, sql.data() + sql.size() - tail);
      if (!absl::StripAsciiWhitespace(
               absl::StripSuffix(absl::StripAsciiWhitespace(rest), ";"))
               .empty()) {
        return absl::InternalError(absl::StrCat(
            "more than one statement given to Execute/Query: ", sql));
      }
      if (connection.statements.size() < kMaxCachedStatements) {
        connection.statements.emplace(std::string(sql), statement->stmt_);
        statement->cached_ = true;
      }
    }
    if (sqlite3_bind_parameter_count(statement->stmt_) !=
        static_cast<int>(params.size())) {
      return absl::InternalError(absl::StrCat(
          "statement takes ", sqlite3_bind_parameter_count(statement->stmt_),
          " parameters, ", params.size(), " given: ", sql));
    }
    for (size_t i = 0; i < params.size(); ++i) {
      RETURN_IF_ERROR(statement->Bind(i + 1, params[i]));
    }
    return statement;
  }

  // Steps once: true if a row is ready, false when done.
  absl::StatusOr<bool> Step() {
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    return StatusOf(db_, rc, "step");
  }

  absl::StatusOr<Row> CurrentRow() const {
    const int columns = sqlite3_column_count(stmt_);
    std::vector<Value> values;
    values.reserve(columns);
    for (int c = 0; c < columns; ++c) {
      switch (sqlite3_column_type(stmt_, c)) {
        case SQLITE_NULL:
          values.emplace_back(std::monostate{});
          break;
        case SQLITE_INTEGER:
          values.emplace_back(
              static_cast<int64_t>(sqlite3_column_int64(stmt_, c)));
          break;
        case SQLITE_TEXT:
          values.emplace_back(std::string(
              reinterpret_cast<const char*>(sqlite3_column_text(stmt_, c)),
              sqlite3_column_bytes(stmt_, c)));
          break;
        case SQLITE_BLOB: {
          const void* blob = sqlite3_column_blob(stmt_, c);
          const int size = sqlite3_column_bytes(stmt_, c);
          values.emplace_back(
              Bytes{blob == nullptr
                        ? std::string()
                        : std::string(static_cast<const char*>(blob), size)});
          break;
        }
        default:
          return absl::InternalError(absl::StrCat(
              "column ", c, " is floating point, which no store uses"));
      }
    }
    return Row(std::move(values));
  }

 private:
  explicit Statement(sqlite3* db) : db_(db) {}

  absl::Status Bind(size_t index, const Value& value) {
    const std::string name = absl::StrCat("$", index);
    const int position = sqlite3_bind_parameter_index(stmt_, name.c_str());
    if (position == 0) {
      return absl::InternalError(
          absl::StrCat("statement has no parameter ", name));
    }
    int rc = SQLITE_OK;
    if (std::holds_alternative<std::monostate>(value)) {
      rc = sqlite3_bind_null(stmt_, position);
    } else if (const auto* i = std::get_if<int64_t>(&value)) {
      rc = sqlite3_bind_int64(stmt_, position, *i);
    } else if (const auto* text = std::get_if<std::string>(&value)) {
      rc = sqlite3_bind_text64(stmt_, position, text->data(), text->size(),
                               SQLITE_TRANSIENT, SQLITE_UTF8);
    } else {
      const std::string& data = std::get<Bytes>(value).data;
      rc = sqlite3_bind_blob64(stmt_, position, data.data(), data.size(),
                               SQLITE_TRANSIENT);
    }
    return StatusOf(db_, rc, "bind");
  }

  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
  bool cached_ = false;  // Owned by the connection's cache, not by this.
};

class SqliteTransaction final : public Transaction {
 public:
  explicit SqliteTransaction(internal::SqliteConnection& connection)
      : connection_(connection), db_(connection.db) {}

  absl::StatusOr<int64_t> Execute(absl::string_view sql,
                                  absl::Span<const Value> params) override {
    RETURN_IF_ERROR(CheckUsable());
    absl::StatusOr<int64_t> changed = RunExecute(sql, params);
    Note(changed.status());
    return changed;
  }

  absl::StatusOr<std::vector<Row>> Query(
      absl::string_view sql, absl::Span<const Value> params) override {
    RETURN_IF_ERROR(CheckUsable());
    absl::StatusOr<std::vector<Row>> rows = RunQuery(sql, params);
    Note(rows.status());
    return rows;
  }

  absl::Status ExecuteScript(absl::string_view sql) override {
    RETURN_IF_ERROR(CheckUsable());
    absl::Status status = Exec(db_, std::string(sql).c_str());
    Note(status);
    return status;
  }

  // The first statement that failed, or OK. As on PostgreSQL, which aborts
  // such a transaction, it may not go on or commit.
  const absl::Status& failure() const { return failure_; }

 private:
  absl::Status CheckUsable() const {
    if (failure_.ok()) return absl::OkStatus();
    return absl::InternalError(
        absl::StrCat("a statement failed earlier in this transaction: ",
                     failure_.message()));
  }

  // Remembers the first failure.
  void Note(const absl::Status& status) {
    if (!status.ok() && failure_.ok()) failure_ = status;
  }

  absl::StatusOr<int64_t> RunExecute(absl::string_view sql,
                                     absl::Span<const Value> params) {
    ASSIGN_OR_RETURN(std::unique_ptr<Statement> statement,
                     Statement::Prepare(connection_, sql, params));
    while (true) {
      ASSIGN_OR_RETURN(const bool row, statement->Step());
      if (!row) break;
    }
    return static_cast<int64_t>(sqlite3_changes64(db_));
  }

  absl::StatusOr<std::vector<Row>> RunQuery(absl::string_view sql,
                                            absl::Span<const Value> params) {
    ASSIGN_OR_RETURN(std::unique_ptr<Statement> statement,
                     Statement::Prepare(connection_, sql, params));
    std::vector<Row> rows;
    while (true) {
      ASSIGN_OR_RETURN(const bool has_row, statement->Step());
      if (!has_row) break;
      ASSIGN_OR_RETURN(Row row, statement->CurrentRow());
      rows.push_back(std::move(row));
    }
    return rows;
  }

  internal::SqliteConnection& connection_;
  sqlite3* db_;
  absl::Status failure_;
};

}  // namespace

namespace {

// Waits, with growing sleeps, until the connection's wait_until; 0 gives up
// and lets SQLite report SQLITE_BUSY.
int WaitWhileBusy(void* argument, int attempt) {
  const auto* wait_until = static_cast<const absl::Time*>(argument);
  const absl::Duration left = *wait_until - absl::Now();
  if (left <= absl::ZeroDuration()) return 0;
  const absl::Duration sleep =
      std::min({absl::Milliseconds(1) * (1 << std::min(attempt, 6)),
                absl::Milliseconds(50), left});
  absl::SleepFor(sleep);
  return 1;
}

absl::StatusOr<sqlite3*> OpenConnection(const std::string& path, bool reader,
                                        absl::Time* wait_until) {
  sqlite3* db = nullptr;
  const int rc = sqlite3_open_v2(
      path.c_str(), &db,
      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
      nullptr);
  if (rc != SQLITE_OK) {
    absl::Status status = StatusOf(db, rc, absl::StrCat("open ", path));
    sqlite3_close_v2(db);
    return status;
  }
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_handler(db, &WaitWhileBusy, wait_until);
  absl::Status status = Exec(db, "PRAGMA synchronous=FULL");
  if (status.ok()) status = Exec(db, "PRAGMA foreign_keys=ON");
  if (status.ok() && reader) status = Exec(db, "PRAGMA query_only=ON");
  if (!status.ok()) {
    sqlite3_close_v2(db);
    return status;
  }
  return db;
}

// Switches the file to WAL. While another process opening it at the same
// moment holds its lock, SQLite reports SQLITE_BUSY without waiting (the
// switch upgrades a shared lock, which the busy handler cannot wait for), so
// this tries again until `wait_until`.
absl::Status EnableWal(sqlite3* db, const std::string& path,
                       absl::Time wait_until) {
  sqlite3_stmt* stmt = nullptr;
  RETURN_IF_ERROR(StatusOf(
      db, sqlite3_prepare_v2(db, "PRAGMA journal_mode=WAL", -1, &stmt, nullptr),
      "journal_mode"));
  int rc = SQLITE_BUSY;
  for (int attempt = 0; (rc & 0xff) == SQLITE_BUSY; ++attempt) {
    if (attempt > 0) {
      if (absl::Now() >= wait_until) break;
      absl::SleepFor(absl::Milliseconds(1) * (1 << std::min(attempt, 6)));
    }
    sqlite3_reset(stmt);
    rc = sqlite3_step(stmt);
  }
  const bool wal =
      rc == SQLITE_ROW && absl::string_view(reinterpret_cast<const char*>(
                              sqlite3_column_text(stmt, 0))) == "wal";
  sqlite3_finalize(stmt);
  if (!wal) {
    return absl::InternalError(absl::StrCat(
        "cannot put ", path, " in WAL mode: ", sqlite3_errstr(rc)));
  }
  return absl::OkStatus();
}

// Sleep before running a transaction again after a conflict: 1, 2, 4, ...
// milliseconds with jitter, so that retrying writers spread out.
absl::Duration RetryBackoff(int attempt) {
  const absl::Duration base = absl::Milliseconds(1 << std::min(attempt, 6));
  return base + base * (absl::ToUnixNanos(absl::Now()) % 1000) / 1000;
}

}  // namespace

absl::StatusOr<std::unique_ptr<SqliteDatabase>> SqliteDatabase::Open(
    const std::string& path, Options options) {
  auto database = std::unique_ptr<SqliteDatabase>(new SqliteDatabase(options));
  const int readers = std::max(options.readers, 1);
  for (int i = 0; i <= readers; ++i) {
    auto connection = std::make_unique<Connection>();
    const bool reader = i > 0;
    // Another process opening the file at the same moment holds its lock
    // while it switches the file to WAL: wait for it as for any lock.
    connection->wait_until = absl::Now() + options.busy_timeout;
    ASSIGN_OR_RETURN(connection->db,
                     OpenConnection(path, reader, &connection->wait_until));
    if (!reader) {
      RETURN_IF_ERROR(EnableWal(connection->db, path, connection->wait_until));
    }
    database->all_.push_back(std::move(connection));
  }
  database->writer_ = database->all_[0].get();
  absl::MutexLock lock(&database->mu_);
  for (int i = 1; i <= readers; ++i) {
    database->idle_readers_.push_back(database->all_[i].get());
  }
  return database;
}

SqliteDatabase::~SqliteDatabase() {
  for (const auto& connection : all_) {
    for (const auto& [sql, statement] : connection->statements) {
      sqlite3_finalize(statement);
    }
    sqlite3_close_v2(connection->db);
  }
}

bool SqliteDatabase::ReaderIdle() const { return !idle_readers_.empty(); }

bool SqliteDatabase::WriterIdle() const { return !writer_busy_; }

SqliteDatabase::Connection* SqliteDatabase::Acquire(Access access,
                                                    absl::Time deadline) {
  absl::MutexLock lock(&mu_);
  if (access == Access::kReadWrite) {
    if (!mu_.AwaitWithDeadline(
            absl::Condition(this, &SqliteDatabase::WriterIdle), deadline)) {
      return nullptr;
    }
    writer_busy_ = true;
    return writer_;
  }
  if (!mu_.AwaitWithDeadline(absl::Condition(this, &SqliteDatabase::ReaderIdle),
                             deadline)) {
    return nullptr;
  }
  Connection* connection = idle_readers_.back();
  idle_readers_.pop_back();
  return connection;
}

void SqliteDatabase::Release(Access access, Connection* connection) {
  absl::MutexLock lock(&mu_);
  if (access == Access::kReadWrite) {
    writer_busy_ = false;
  } else {
    idle_readers_.push_back(connection);
  }
}

absl::Status SqliteDatabase::RunInTransaction(
    Access access, absl::Time deadline,
    absl::FunctionRef<absl::Status(Transaction&)> fn) {
  // Lock waits (in SQLite's busy handler) and retries together take no longer
  // than the busy timeout, nor past the deadline.
  const absl::Time wait_until =
      std::min(deadline, absl::Now() + options_.busy_timeout);
  for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
    if (attempt > 0) absl::SleepFor(RetryBackoff(attempt));
    if (absl::Now() >= wait_until) break;
    Connection* connection = Acquire(access, deadline);
    if (connection == nullptr) break;
    connection->wait_until = wait_until;
    const absl::Status status = RunOnce(*connection, access, fn);
    Release(access, connection);
    if (!IsTransientConflict(status)) return status;
  }
  if (absl::Now() >= deadline) {
    return absl::DeadlineExceededError(
        "the deadline passed while waiting for the database");
  }
  return absl::UnavailableError("the database stayed busy; retry with backoff");
}

absl::Status SqliteDatabase::RunOnce(
    Connection& connection, Access access,
    absl::FunctionRef<absl::Status(Transaction&)> fn) {
  sqlite3* db = connection.db;
  RETURN_IF_ERROR(
      Exec(db, access == Access::kReadWrite ? "BEGIN IMMEDIATE" : "BEGIN"));
  SqliteTransaction transaction(connection);
  absl::Status status = fn(transaction);
  if (status.ok() && !transaction.failure().ok()) {
    status = absl::InternalError(
        absl::StrCat("the transaction went on after a failed statement, which "
                     "PostgreSQL rolls back: ",
                     transaction.failure().message()));
  }
  if (status.ok()) status = Exec(db, "COMMIT");
  if (!status.ok() && !sqlite3_get_autocommit(db)) {
    Exec(db, "ROLLBACK").IgnoreError();
  }
  return status;
}

}  // namespace ismap::liu::storage
