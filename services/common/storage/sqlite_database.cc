// SQLite implementation of the storage interface.
#include "services/common/storage/sqlite_database.h"

#include <sqlite3.h>

#include <utility>

#include "absl/strings/str_cat.h"
#include "services/common/status_macros.h"

namespace ismap::liu::storage {
namespace {

constexpr int kMaxAttempts = 5;

// Maps an SQLite result code (extended codes are on) to a canonical status.
absl::Status StatusOf(sqlite3* db, int rc, absl::string_view what) {
  const std::string message =
      absl::StrCat(what, ": ", db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
  switch (rc) {
    case SQLITE_OK:
    case SQLITE_DONE:
    case SQLITE_ROW:
      return absl::OkStatus();
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY:
      return absl::AlreadyExistsError(message);
    case SQLITE_BUSY:
    case SQLITE_BUSY_SNAPSHOT:
    case SQLITE_LOCKED:
      return TransientConflictError(message);
    default:
      break;
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
class Statement {
 public:
  ~Statement() { sqlite3_finalize(stmt_); }

  static absl::StatusOr<std::unique_ptr<Statement>> Prepare(
      sqlite3* db, absl::string_view sql, absl::Span<const Value> params) {
    auto statement = std::unique_ptr<Statement>(new Statement(db));
    const char* tail = nullptr;
    const int rc = sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()),
                                      &statement->stmt_, &tail);
    RETURN_IF_ERROR(StatusOf(db, rc, "prepare"));
    if (statement->stmt_ == nullptr) {
      return absl::InternalError("empty SQL statement");
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
          values.emplace_back(static_cast<int64_t>(sqlite3_column_int64(stmt_, c)));
          break;
        case SQLITE_TEXT:
          values.emplace_back(std::string(
              reinterpret_cast<const char*>(sqlite3_column_text(stmt_, c)),
              sqlite3_column_bytes(stmt_, c)));
          break;
        case SQLITE_BLOB: {
          const void* blob = sqlite3_column_blob(stmt_, c);
          const int size = sqlite3_column_bytes(stmt_, c);
          values.emplace_back(Bytes{
              blob == nullptr ? std::string()
                              : std::string(static_cast<const char*>(blob), size)});
          break;
        }
        default:
          return absl::InternalError(
              absl::StrCat("column ", c, " is floating point, which no store uses"));
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
      return absl::InternalError(absl::StrCat("statement has no parameter ", name));
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
};

class SqliteTransaction final : public Transaction {
 public:
  explicit SqliteTransaction(sqlite3* db) : db_(db) {}

  absl::StatusOr<int64_t> Execute(absl::string_view sql,
                                  absl::Span<const Value> params) override {
    ASSIGN_OR_RETURN(std::unique_ptr<Statement> statement,
                     Statement::Prepare(db_, sql, params));
    while (true) {
      ASSIGN_OR_RETURN(const bool row, statement->Step());
      if (!row) break;
    }
    return static_cast<int64_t>(sqlite3_changes64(db_));
  }

  absl::StatusOr<std::vector<Row>> Query(
      absl::string_view sql, absl::Span<const Value> params) override {
    ASSIGN_OR_RETURN(std::unique_ptr<Statement> statement,
                     Statement::Prepare(db_, sql, params));
    std::vector<Row> rows;
    while (true) {
      ASSIGN_OR_RETURN(const bool has_row, statement->Step());
      if (!has_row) break;
      ASSIGN_OR_RETURN(Row row, statement->CurrentRow());
      rows.push_back(std::move(row));
    }
    return rows;
  }

  absl::Status ExecuteScript(absl::string_view sql) override {
    return Exec(db_, std::string(sql).c_str());
  }

 private:
  sqlite3* db_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<SqliteDatabase>> SqliteDatabase::Open(
    const std::string& path, Options options) {
  auto database = std::unique_ptr<SqliteDatabase>(new SqliteDatabase());
  const int count = std::max(options.connections, 1);
  for (int i = 0; i < count; ++i) {
    sqlite3* db = nullptr;
    const int rc = sqlite3_open_v2(
        path.c_str(), &db,
        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
    if (db != nullptr) database->all_.push_back(db);
    RETURN_IF_ERROR(StatusOf(db, rc, absl::StrCat("open ", path)));
    sqlite3_extended_result_codes(db, 1);
    sqlite3_busy_timeout(
        db, static_cast<int>(absl::ToInt64Milliseconds(options.busy_timeout)));
    if (i == 0) {
      sqlite3_stmt* stmt = nullptr;
      RETURN_IF_ERROR(StatusOf(
          db, sqlite3_prepare_v2(db, "PRAGMA journal_mode=WAL", -1, &stmt, nullptr),
          "journal_mode"));
      const bool wal = sqlite3_step(stmt) == SQLITE_ROW &&
                       absl::string_view(reinterpret_cast<const char*>(
                           sqlite3_column_text(stmt, 0))) == "wal";
      sqlite3_finalize(stmt);
      if (!wal) {
        return absl::InternalError(absl::StrCat("cannot put ", path, " in WAL mode"));
      }
    }
    RETURN_IF_ERROR(Exec(db, "PRAGMA synchronous=FULL"));
    RETURN_IF_ERROR(Exec(db, "PRAGMA foreign_keys=ON"));
  }
  absl::MutexLock lock(&database->mu_);
  database->idle_ = database->all_;
  return database;
}

SqliteDatabase::~SqliteDatabase() {
  for (sqlite3* db : all_) sqlite3_close_v2(db);
}

bool SqliteDatabase::CanAcquireReader() const { return !idle_.empty(); }

bool SqliteDatabase::CanAcquireWriter() const {
  return !idle_.empty() && !writer_active_;
}

sqlite3* SqliteDatabase::Acquire(Access access, absl::Time deadline) {
  absl::MutexLock lock(&mu_);
  const bool writer = access == Access::kReadWrite;
  const absl::Condition ready =
      writer ? absl::Condition(this, &SqliteDatabase::CanAcquireWriter)
             : absl::Condition(this, &SqliteDatabase::CanAcquireReader);
  if (!mu_.AwaitWithDeadline(ready, deadline)) return nullptr;
  sqlite3* db = idle_.back();
  idle_.pop_back();
  if (writer) writer_active_ = true;
  return db;
}

void SqliteDatabase::Release(Access access, sqlite3* connection) {
  absl::MutexLock lock(&mu_);
  idle_.push_back(connection);
  if (access == Access::kReadWrite) writer_active_ = false;
}

absl::Status SqliteDatabase::RunInTransaction(
    Access access, absl::Time deadline,
    absl::FunctionRef<absl::Status(Transaction&)> fn) {
  absl::Status status;
  for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
    sqlite3* db = Acquire(access, deadline);
    if (db == nullptr) {
      return absl::DeadlineExceededError(
          "the deadline passed while waiting for the database");
    }
    status = RunOnce(db, access, fn);
    Release(access, db);
    if (!IsTransientConflict(status)) return status;
  }
  return status;
}

absl::Status SqliteDatabase::RunOnce(
    sqlite3* db, Access access,
    absl::FunctionRef<absl::Status(Transaction&)> fn) {
  RETURN_IF_ERROR(
      Exec(db, access == Access::kReadWrite ? "BEGIN IMMEDIATE" : "BEGIN"));
  SqliteTransaction transaction(db);
  absl::Status status = fn(transaction);
  if (status.ok()) status = Exec(db, "COMMIT");
  if (!status.ok() && !sqlite3_get_autocommit(db)) {
    Exec(db, "ROLLBACK").IgnoreError();
  }
  return status;
}

}  // namespace ismap::liu::storage
