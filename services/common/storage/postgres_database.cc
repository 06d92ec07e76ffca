// PostgreSQL implementation of the storage interface, over libpq.
#include "services/common/storage/postgres_database.h"

#include <libpq-fe.h>

#include <algorithm>
#include <cstring>
#include <limits>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "services/common/status_macros.h"

namespace ismap::liu::storage {
namespace {

constexpr int kMaxAttempts = 5;
// Statements kept prepared per session; stores use a fixed set of SQL texts,
// so this bounds memory without evicting in practice. Statements beyond it
// are parsed on every use.
constexpr size_t kMaxCachedStatements = 256;

// Type OIDs (catalog/pg_type.h, fixed since PostgreSQL 7) of the columns and
// parameters stores use.
constexpr Oid kBoolOid = 16;
constexpr Oid kByteaOid = 17;
constexpr Oid kNameOid = 19;
constexpr Oid kInt8Oid = 20;
constexpr Oid kInt2Oid = 21;
constexpr Oid kInt4Oid = 23;
constexpr Oid kTextOid = 25;
constexpr Oid kOidOid = 26;
constexpr Oid kBpcharOid = 1042;
constexpr Oid kVarcharOid = 1043;
constexpr Oid kNumericOid = 1700;

// Binary formats of parameters and results.
constexpr int kTextFormat = 0;
constexpr int kBinaryFormat = 1;

// Owns a PGresult.
struct ResultDeleter {
  void operator()(PGresult* result) const { PQclear(result); }
};
using Result = std::unique_ptr<PGresult, ResultDeleter>;

// libpq's messages end with a newline; statuses read better without it.
std::string Trimmed(const char* message) {
  return std::string(
      absl::StripTrailingAsciiWhitespace(message != nullptr ? message : ""));
}

// The status of a finished command: OK, or the canonical code its SQLSTATE
// maps to (database.h). A missing result or SQLSTATE means the session
// failed: UNAVAILABLE.
absl::Status StatusOf(PGconn* conn, const PGresult* result,
                      absl::string_view what) {
  if (result == nullptr) {
    return absl::UnavailableError(
        absl::StrCat(what, ": ", Trimmed(PQerrorMessage(conn))));
  }
  const ExecStatusType status = PQresultStatus(result);
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) {
    return absl::OkStatus();
  }
  const std::string message =
      absl::StrCat(what, ": ", Trimmed(PQresultErrorMessage(result)));
  const char* field = PQresultErrorField(result, PG_DIAG_SQLSTATE);
  if (field == nullptr) return absl::UnavailableError(message);
  const absl::string_view sqlstate(field);
  if (sqlstate == "23505") return absl::AlreadyExistsError(message);
  if (absl::StartsWith(sqlstate, "23")) {
    return absl::FailedPreconditionError(message);
  }
  // serialization_failure, deadlock_detected, and lock_not_available (the
  // write lock's lock_timeout, which RunInTransaction bounds and retries).
  if (sqlstate == "40001" || sqlstate == "40P01" || sqlstate == "55P03") {
    return TransientConflictError(message);
  }
  // query_canceled: statement_timeout, set to the deadline.
  if (sqlstate == "57014") {
    return absl::DeadlineExceededError(absl::StrCat(
        "the deadline passed while waiting for the database (", message, ")"));
  }
  // connection_exception, insufficient_resources, operator_intervention.
  if (absl::StartsWith(sqlstate, "08") || absl::StartsWith(sqlstate, "53") ||
      absl::StartsWith(sqlstate, "57")) {
    return absl::UnavailableError(message);
  }
  return absl::InternalError(message);
}

// Runs a command without parameters (simple query protocol; several
// statements allowed).
absl::Status Exec(PGconn* conn, const std::string& sql,
                  absl::string_view what) {
  const Result result(PQexec(conn, sql.c_str()));
  return StatusOf(conn, result.get(), what);
}

// A setting of the session, e.g. "server_encoding".
absl::StatusOr<std::string> Setting(PGconn* conn, const char* name) {
  const char* values[] = {name};
  const Result result(PQexecParams(conn, "SELECT current_setting($1)", 1,
                                   nullptr, values, nullptr, nullptr,
                                   kTextFormat));
  RETURN_IF_ERROR(StatusOf(conn, result.get(), "current_setting"));
  return std::string(PQgetvalue(result.get(), 0, 0));
}

// Milliseconds for a timeout setting: at least 1 (0 would disable it), at
// most what the setting holds.
int64_t TimeoutMillis(absl::Duration duration) {
  return std::clamp<int64_t>(absl::ToInt64Milliseconds(duration), 1,
                             std::numeric_limits<int32_t>::max());
}

// Checks what this interface relies on and settles the session: notices
// (e.g. "relation already exists, skipping") are dropped, and commits wait
// for the WAL flush.
absl::Status SetUpSession(PGconn* conn,
                          const PostgresDatabase::Options& options) {
  PQsetNoticeProcessor(
      conn, [](void*, const char*) {}, nullptr);
  ASSIGN_OR_RETURN(const std::string encoding,
                   Setting(conn, "server_encoding"));
  if (encoding != "UTF8") {
    return absl::FailedPreconditionError(absl::StrCat(
        "the database's encoding is ", encoding,
        "; create it with ENCODING 'UTF8' so Japanese text round-trips"));
  }
  ASSIGN_OR_RETURN(const std::string fsync, Setting(conn, "fsync"));
  if (fsync != "on") {
    return absl::FailedPreconditionError(
        "the server runs with fsync off: acknowledged writes would not "
        "survive a crash");
  }
  ASSIGN_OR_RETURN(const std::string synchronous_commit,
                   Setting(conn, "synchronous_commit"));
  if (synchronous_commit == "off") {
    RETURN_IF_ERROR(Exec(conn, "SET synchronous_commit = on", "settings"));
  }
  return Exec(conn,
              absl::StrCat("SET idle_in_transaction_session_timeout = ",
                           TimeoutMillis(options.idle_in_transaction_timeout)),
              "settings");
}

// Opens a session to `url`. Defaults come before the URL, which may override
// them; the client encoding comes after, so nothing overrides it.
absl::StatusOr<PGconn*> Connect(const std::string& url,
                                const PostgresDatabase::Options& options) {
  const char* keywords[] = {"connect_timeout", "application_name", "dbname",
                            "client_encoding", nullptr};
  const char* values[] = {"10", "liu-server", url.c_str(), "UTF8", nullptr};
  PGconn* conn = PQconnectdbParams(keywords, values, /*expand_dbname=*/1);
  if (conn == nullptr) {
    return absl::ResourceExhaustedError("no memory for a PostgreSQL session");
  }
  absl::Status status;
  if (PQstatus(conn) != CONNECTION_OK) {
    status = absl::UnavailableError(absl::StrCat(
        "cannot connect to PostgreSQL: ", Trimmed(PQerrorMessage(conn))));
  } else {
    status = SetUpSession(conn, options);
  }
  if (!status.ok()) {
    PQfinish(conn);
    return status;
  }
  return conn;
}

// The highest $n placeholder in `sql` outside literals, quoted identifiers,
// dollar-quoted strings and comments: how many parameters it takes, as
// SQLite's sqlite3_bind_parameter_count counts them.
int64_t PlaceholderCount(absl::string_view sql) {
  auto is_identifier = [](char c) {
    return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '_' ||
           c == '$' || static_cast<unsigned char>(c) >= 0x80;
  };
  int64_t highest = 0;
  size_t i = 0;
  while (i < sql.size()) {
    const char c = sql[i];
    if (c == '\'' || c == '"') {
      const size_t end = sql.find(c, i + 1);
      i = end == absl::string_view::npos ? sql.size() : end + 1;
    } else if (sql.substr(i, 2) == "--") {
      const size_t end = sql.find('\n', i);
      i = end == absl::string_view::npos ? sql.size() : end + 1;
    } else if (sql.substr(i, 2) == "/*") {
      const size_t end = sql.find("*/", i + 2);
      i = end == absl::string_view::npos ? sql.size() : end + 2;
    } else if (c == '$' && (i == 0 || !is_identifier(sql[i - 1]))) {
      size_t j = i + 1;
      while (j < sql.size() && absl::ascii_isdigit(sql[j])) ++j;
      if (j > i + 1) {
        int64_t n = 0;
        if (absl::SimpleAtoi(sql.substr(i + 1, j - i - 1), &n)) {
          highest = std::max(highest, n);
        }
        i = j;
        continue;
      }
      // A dollar-quoted string: $tag$ ... $tag$.
      while (j < sql.size() && is_identifier(sql[j]) && sql[j] != '$') ++j;
      if (j < sql.size() && sql[j] == '$') {
        const absl::string_view tag = sql.substr(i, j - i + 1);
        const size_t end = sql.find(tag, j + 1);
        i = end == absl::string_view::npos ? sql.size() : end + tag.size();
      } else {
        i = j;
      }
    } else {
      ++i;
    }
  }
  return highest;
}

// Parameters in libpq's form: integers as binary int8, bytes as binary
// bytea, text as text whose type the server infers from where it is used
// (as it does for NULL).
class BoundParameters {
 public:
  static absl::StatusOr<BoundParameters> Bind(absl::Span<const Value> params) {
    BoundParameters bound;
    const size_t n = params.size();
    bound.types_.resize(n, 0);
    bound.values_.resize(n, nullptr);
    bound.lengths_.resize(n, 0);
    bound.formats_.resize(n, kTextFormat);
    bound.integers_.resize(n);
    bound.signature_.reserve(n + 1);
    for (size_t i = 0; i < n; ++i) {
      const Value& value = params[i];
      if (std::holds_alternative<std::monostate>(value)) {
        bound.signature_.push_back('n');
      } else if (const auto* integer = std::get_if<int64_t>(&value)) {
        uint64_t big_endian = 0;
        for (int byte = 0; byte < 8; ++byte) {
          reinterpret_cast<unsigned char*>(&big_endian)[byte] =
              static_cast<unsigned char>(static_cast<uint64_t>(*integer) >>
                                         (56 - 8 * byte));
        }
        bound.integers_[i] = big_endian;
        bound.types_[i] = kInt8Oid;
        bound.values_[i] = reinterpret_cast<const char*>(&bound.integers_[i]);
        bound.lengths_[i] = 8;
        bound.formats_[i] = kBinaryFormat;
        bound.signature_.push_back('i');
      } else if (const auto* text = std::get_if<std::string>(&value)) {
        // libpq sends text parameters up to their first NUL; PostgreSQL text
        // cannot hold one.
        if (text->find('\0') != std::string::npos) {
          return absl::InvalidArgumentError(
              absl::StrCat("text parameter $", i + 1,
                           " contains a NUL character, which PostgreSQL "
                           "text cannot store"));
        }
        bound.values_[i] = text->c_str();
        bound.signature_.push_back('s');
      } else {
        const std::string& data = std::get<Bytes>(value).data;
        bound.types_[i] = kByteaOid;
        bound.values_[i] = data.data();
        bound.lengths_[i] = static_cast<int>(data.size());
        bound.formats_[i] = kBinaryFormat;
        bound.signature_.push_back('b');
      }
    }
    return bound;
  }

  int count() const { return static_cast<int>(types_.size()); }
  const Oid* types() const { return types_.data(); }
  const char* const* values() const { return values_.data(); }
  const int* lengths() const { return lengths_.data(); }
  const int* formats() const { return formats_.data(); }
  // One letter per parameter type: a prepared statement is specific to it.
  const std::string& signature() const { return signature_; }

 private:
  std::vector<Oid> types_;
  std::vector<const char*> values_;
  std::vector<int> lengths_;
  std::vector<int> formats_;
  std::vector<uint64_t> integers_;  // Binary int8 values, pointed into.
  std::string signature_;
};

// A big-endian integer of `size` bytes at `data`, sign-extended.
int64_t BigEndian(const char* data, int size) {
  uint64_t value = 0;
  for (int i = 0; i < size; ++i) {
    value = (value << 8) | static_cast<unsigned char>(data[i]);
  }
  if (size < 8 && (value >> (8 * size - 1)) != 0) {
    value |= ~uint64_t{0} << (8 * size);
  }
  return static_cast<int64_t>(value);
}

// A binary NUMERIC that holds an integer (SUM over BIGINT gives one), as
// int64; INTERNAL for fractions, NaN or values out of range.
absl::StatusOr<int64_t> NumericToInt64(const char* data, int size,
                                       size_t column) {
  const auto invalid = [column] {
    return absl::InternalError(absl::StrCat(
        "column ", column, " is a NUMERIC that is not a 64-bit integer"));
  };
  if (size < 8) return invalid();
  const int64_t digits = BigEndian(data, 2);
  const int64_t weight = BigEndian(data + 2, 2);
  const int64_t sign = BigEndian(data + 4, 2) & 0xffff;
  if (sign != 0x0000 && sign != 0x4000) return invalid();
  if (size != 8 + 2 * digits) return invalid();
  // Base-10000 digits; digit i counts 10000^(weight - i). The magnitude may
  // reach 2^63 (INT64_MIN's).
  constexpr uint64_t kLimit = uint64_t{1} << 63;
  uint64_t magnitude = 0;
  for (int64_t i = 0; i <= std::max(weight, digits - 1); ++i) {
    const int64_t digit = i < digits ? BigEndian(data + 8 + 2 * i, 2) : 0;
    if (weight - i < 0) {
      if (digit != 0) return invalid();
      continue;
    }
    if (magnitude > (kLimit - digit) / 10000) return invalid();
    magnitude = magnitude * 10000 + digit;
  }
  if (sign == 0x4000) {
    return magnitude == kLimit ? std::numeric_limits<int64_t>::min()
                               : -static_cast<int64_t>(magnitude);
  }
  if (magnitude == kLimit) return invalid();
  return static_cast<int64_t>(magnitude);
}

// The rows of a binary-format result, as Values: integers and booleans (1 or
// 0, as SQLite gives them) as int64, text types as text, BYTEA as bytes.
// Other types (floating point, dates, ...) are INTERNAL: no store uses them.
absl::StatusOr<std::vector<Row>> RowsOf(const PGresult* result) {
  const int rows = PQntuples(result);
  const int columns = PQnfields(result);
  std::vector<Row> out;
  out.reserve(rows);
  for (int r = 0; r < rows; ++r) {
    std::vector<Value> values;
    values.reserve(columns);
    for (int c = 0; c < columns; ++c) {
      if (PQgetisnull(result, r, c)) {
        values.emplace_back(std::monostate{});
        continue;
      }
      const char* data = PQgetvalue(result, r, c);
      const int size = PQgetlength(result, r, c);
      const Oid type = PQftype(result, c);
      switch (type) {
        case kInt8Oid:
        case kInt4Oid:
        case kInt2Oid:
        case kOidOid:
        case kBoolOid:
          values.emplace_back(BigEndian(data, size));
          break;
        case kNumericOid: {
          ASSIGN_OR_RETURN(const int64_t integer,
                           NumericToInt64(data, size, c));
          values.emplace_back(integer);
          break;
        }
        case kTextOid:
        case kVarcharOid:
        case kBpcharOid:
        case kNameOid:
          values.emplace_back(std::string(data, size));
          break;
        case kByteaOid:
          values.emplace_back(Bytes{std::string(data, size)});
          break;
        default:
          return absl::InternalError(
              absl::StrCat("column ", c, " has PostgreSQL type ", type,
                           ", which no store uses; cast it to TEXT or "
                           "BIGINT"));
      }
    }
    out.emplace_back(std::move(values));
  }
  return out;
}

class PostgresTransaction final : public Transaction {
 public:
  explicit PostgresTransaction(internal::PostgresConnection& connection)
      : connection_(connection), conn_(connection.conn) {}

  absl::StatusOr<int64_t> Execute(absl::string_view sql,
                                  absl::Span<const Value> params) override {
    ASSIGN_OR_RETURN(const Result result, Run(sql, params));
    const char* changed = PQcmdTuples(result.get());
    int64_t count = 0;
    if (changed[0] != '\0' && !absl::SimpleAtoi(changed, &count)) {
      return absl::InternalError(
          absl::StrCat("unexpected row count '", changed, "'"));
    }
    return count;
  }

  absl::StatusOr<std::vector<Row>> Query(
      absl::string_view sql, absl::Span<const Value> params) override {
    ASSIGN_OR_RETURN(const Result result, Run(sql, params));
    return RowsOf(result.get());
  }

  absl::Status ExecuteScript(absl::string_view sql) override {
    RETURN_IF_ERROR(CheckUsable());
    return Failed(Exec(conn_, std::string(sql), "script"));
  }

  // The first statement that failed, or OK. PostgreSQL aborts a transaction
  // whose statement fails, so it cannot commit.
  const absl::Status& failure() const { return failure_; }

 private:
  absl::Status CheckUsable() const {
    if (failure_.ok()) return absl::OkStatus();
    return absl::InternalError(
        absl::StrCat("a statement failed earlier in this transaction: ",
                     failure_.message()));
  }

  absl::Status Failed(absl::Status status) {
    if (!status.ok() && failure_.ok()) failure_ = status;
    return status;
  }

  // Runs one statement: prepared once per session and parameter types, or,
  // past the cache's size, parsed for this call only.
  absl::StatusOr<Result> Run(absl::string_view sql,
                             absl::Span<const Value> params) {
    RETURN_IF_ERROR(CheckUsable());
    const int64_t placeholders = PlaceholderCount(sql);
    if (placeholders != static_cast<int64_t>(params.size())) {
      return Failed(absl::InternalError(
          absl::StrCat("statement takes ", placeholders, " parameters, ",
                       params.size(), " given: ", sql)));
    }
    ASSIGN_OR_RETURN(const BoundParameters bound,
                     BoundParameters::Bind(params));
    const std::string text(sql);
    std::string key = absl::StrCat(bound.signature(), ":", sql);
    auto cached = connection_.statements.find(key);
    Result result;
    if (cached == connection_.statements.end() &&
        connection_.statements.size() >= kMaxCachedStatements) {
      result.reset(PQexecParams(conn_, text.c_str(), bound.count(),
                                bound.types(), bound.values(), bound.lengths(),
                                bound.formats(), kBinaryFormat));
    } else {
      if (cached == connection_.statements.end()) {
        std::string name = absl::StrCat("liu_", connection_.next_statement++);
        const Result prepared(PQprepare(conn_, name.c_str(), text.c_str(),
                                        bound.count(), bound.types()));
        RETURN_IF_ERROR(Failed(StatusOf(conn_, prepared.get(), "prepare")));
        cached = connection_.statements.emplace(std::move(key), std::move(name))
                     .first;
      }
      result.reset(PQexecPrepared(conn_, cached->second.c_str(), bound.count(),
                                  bound.values(), bound.lengths(),
                                  bound.formats(), kBinaryFormat));
    }
    RETURN_IF_ERROR(Failed(StatusOf(conn_, result.get(), "statement")));
    return result;
  }

  internal::PostgresConnection& connection_;
  PGconn* conn_;
  absl::Status failure_;
};

// Sleep before running a transaction again after a conflict: 1, 2, 4, ...
// milliseconds with jitter, so that retrying writers spread out.
absl::Duration RetryBackoff(int attempt) {
  const absl::Duration base = absl::Milliseconds(1 << std::min(attempt, 6));
  return base + base * (absl::ToUnixNanos(absl::Now()) % 1000) / 1000;
}

// Re-establishes a session the server or the network ended, forgetting what
// was prepared on it.
absl::Status Reconnect(internal::PostgresConnection& connection,
                       const PostgresDatabase::Options& options) {
  if (PQstatus(connection.conn) == CONNECTION_OK) return absl::OkStatus();
  connection.statements.clear();
  PQreset(connection.conn);
  if (PQstatus(connection.conn) != CONNECTION_OK) {
    return absl::UnavailableError(
        absl::StrCat("cannot reconnect to PostgreSQL: ",
                     Trimmed(PQerrorMessage(connection.conn))));
  }
  return SetUpSession(connection.conn, options);
}

}  // namespace

absl::StatusOr<std::unique_ptr<PostgresDatabase>> PostgresDatabase::Open(
    const std::string& url, Options options) {
  auto database =
      std::unique_ptr<PostgresDatabase>(new PostgresDatabase(options));
  const int readers = std::max(options.readers, 1);
  for (int i = 0; i <= readers; ++i) {
    auto connection = std::make_unique<Connection>();
    ASSIGN_OR_RETURN(connection->conn, Connect(url, options));
    database->all_.push_back(std::move(connection));
  }
  database->writer_ = database->all_[0].get();
  absl::MutexLock lock(&database->mu_);
  for (int i = 1; i <= readers; ++i) {
    database->idle_readers_.push_back(database->all_[i].get());
  }
  return database;
}

PostgresDatabase::~PostgresDatabase() {
  for (const auto& connection : all_) PQfinish(connection->conn);
}

bool PostgresDatabase::ReaderIdle() const { return !idle_readers_.empty(); }

bool PostgresDatabase::WriterIdle() const { return !writer_busy_; }

PostgresDatabase::Connection* PostgresDatabase::Acquire(Access access,
                                                        absl::Time deadline) {
  absl::MutexLock lock(&mu_);
  if (access == Access::kReadWrite) {
    if (!mu_.AwaitWithDeadline(
            absl::Condition(this, &PostgresDatabase::WriterIdle), deadline)) {
      return nullptr;
    }
    writer_busy_ = true;
    return writer_;
  }
  if (!mu_.AwaitWithDeadline(
          absl::Condition(this, &PostgresDatabase::ReaderIdle), deadline)) {
    return nullptr;
  }
  Connection* connection = idle_readers_.back();
  idle_readers_.pop_back();
  return connection;
}

void PostgresDatabase::Release(Access access, Connection* connection) {
  absl::MutexLock lock(&mu_);
  if (access == Access::kReadWrite) {
    writer_busy_ = false;
  } else {
    idle_readers_.push_back(connection);
  }
}

absl::Status PostgresDatabase::RunInTransaction(
    Access access, absl::Time deadline,
    absl::FunctionRef<absl::Status(Transaction&)> fn) {
  // Waits for the write lock and retries together take no longer than the
  // busy timeout, nor past the deadline.
  const absl::Time wait_until =
      std::min(deadline, absl::Now() + options_.busy_timeout);
  bool session_renewed = false;
  for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
    if (attempt > 0) absl::SleepFor(RetryBackoff(attempt));
    if (absl::Now() >= wait_until) break;
    Connection* connection = Acquire(access, deadline);
    if (connection == nullptr) break;
    absl::Status status = Reconnect(*connection, options_);
    bool commit_sent = false;
    if (status.ok()) {
      status =
          RunOnce(*connection, access, deadline, wait_until, fn, commit_sent);
    }
    const bool session_lost = PQstatus(connection->conn) != CONNECTION_OK;
    Release(access, connection);
    // A session the server ended (a restart, a failover, an administrator)
    // before COMMIT was sent committed nothing: run once more on a new one.
    if (session_lost && !commit_sent && !session_renewed) {
      session_renewed = true;
      continue;
    }
    if (!IsTransientConflict(status)) return status;
  }
  if (absl::Now() >= deadline) {
    return absl::DeadlineExceededError(
        "the deadline passed while waiting for the database");
  }
  return absl::UnavailableError("the database stayed busy; retry with backoff");
}

absl::Status PostgresDatabase::RunOnce(
    Connection& connection, Access access, absl::Time deadline,
    absl::Time wait_until, absl::FunctionRef<absl::Status(Transaction&)> fn,
    bool& commit_sent) {
  PGconn* conn = connection.conn;
  const absl::Time now = absl::Now();
  // One round trip: begin, bound the waits, and for a writer, take the write
  // lock. statement_timeout 0 means none.
  std::string begin =
      access == Access::kReadWrite
          ? "BEGIN ISOLATION LEVEL READ COMMITTED, READ WRITE; "
          : "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY; ";
  absl::StrAppend(
      &begin, "SET LOCAL statement_timeout = ",
      deadline == absl::InfiniteFuture() ? 0 : TimeoutMillis(deadline - now),
      "; ");
  if (access == Access::kReadWrite) {
    absl::StrAppend(
        &begin, "SET LOCAL lock_timeout = ", TimeoutMillis(wait_until - now),
        "; SELECT pg_advisory_xact_lock(", kWriteLockKey, ")");
  }
  absl::Status status = Exec(conn, begin, "begin");
  if (status.ok()) {
    PostgresTransaction transaction(connection);
    status = fn(transaction);
    if (status.ok() && !transaction.failure().ok()) {
      status = absl::InternalError(absl::StrCat(
          "the transaction went on after a failed statement, which "
          "PostgreSQL rolls back: ",
          transaction.failure().message()));
    }
    if (status.ok()) {
      commit_sent = true;
      const Result result(PQexec(conn, "COMMIT"));
      status = StatusOf(conn, result.get(), "commit");
      // COMMIT of a transaction the server had aborted reports ROLLBACK.
      if (status.ok() &&
          absl::string_view(PQcmdStatus(result.get())) != "COMMIT") {
        status = absl::InternalError("the transaction was rolled back");
      }
      if (!status.ok() && PQstatus(conn) != CONNECTION_OK) {
        return absl::UnavailableError(absl::StrCat(
            "the connection was lost during COMMIT, so whether the "
            "transaction committed is unknown: ",
            status.message()));
      }
      if (status.ok()) return status;
    }
  }
  if (PQtransactionStatus(conn) != PQTRANS_IDLE &&
      PQstatus(conn) == CONNECTION_OK) {
    Exec(conn, "ROLLBACK", "rollback").IgnoreError();
  }
  return status;
}

}  // namespace ismap::liu::storage
