// Test databases on SQLite and on a throwaway PostgreSQL cluster.
#include "tests/harness/test_database.h"

#include <libpq-fe.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <iostream>
#include <map>
#include <random>

#include "absl/memory/memory.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "services/common/status_macros.h"
#include "services/common/storage/postgres_database.h"
#include "services/common/storage/sqlite_database.h"

namespace ismap::liu::testing {
namespace {

// Runs one statement outside a transaction (CREATE and DROP DATABASE cannot
// run in one) on a session of its own.
absl::Status RunAdminStatement(const std::string& cluster_url,
                               const std::string& sql) {
  const char* keywords[] = {"connect_timeout", "dbname", nullptr};
  const char* values[] = {"10", cluster_url.c_str(), nullptr};
  PGconn* conn = PQconnectdbParams(keywords, values, /*expand_dbname=*/1);
  absl::Status status;
  if (PQstatus(conn) != CONNECTION_OK) {
    status = absl::UnavailableError(absl::StrCat(
        "cannot connect to the test cluster: ", PQerrorMessage(conn)));
  } else {
    PQsetNoticeProcessor(
        conn, [](void*, const char*) {}, nullptr);
    PGresult* result = PQexec(conn, sql.c_str());
    if (PQresultStatus(result) != PGRES_COMMAND_OK) {
      status = absl::InternalError(
          absl::StrCat(sql, ": ", PQresultErrorMessage(result)));
    }
    PQclear(result);
  }
  PQfinish(conn);
  return status;
}

// A database name unique across test processes and within this one.
std::string UniqueDatabaseName() {
  static std::atomic<int> counter{0};
  std::random_device random;
  return absl::StrCat("liu_test_", getpid(), "_", counter++, "_",
                      absl::Hex(random(), absl::kZeroPad8));
}

// Databases by data directory (DatabaseUrlFor), dropped at exit.
class DatabasesByDataDir {
 public:
  static DatabasesByDataDir& Get() {
    static DatabasesByDataDir* const instance = new DatabasesByDataDir;
    return *instance;
  }

  absl::StatusOr<std::string> UrlFor(const std::string& data_dir) {
    absl::MutexLock lock(&mu_);
    auto it = databases_.find(data_dir);
    if (it == databases_.end()) {
      ASSIGN_OR_RETURN(auto database,
                       ScratchPostgresDatabase::Create(TestClusterUrl()));
      if (databases_.empty() && !exit_handler_registered_) {
        std::atexit([] { Get().ReleaseAll(); });
        exit_handler_registered_ = true;
      }
      it = databases_.emplace(data_dir, std::move(database)).first;
    }
    return it->second->url();
  }

  void Release(const std::string& data_dir) {
    std::unique_ptr<ScratchPostgresDatabase> database;
    {
      absl::MutexLock lock(&mu_);
      auto it = databases_.find(data_dir);
      if (it == databases_.end()) return;
      database = std::move(it->second);
      databases_.erase(it);
    }
  }

  void ReleaseAll() {
    std::map<std::string, std::unique_ptr<ScratchPostgresDatabase>> databases;
    {
      absl::MutexLock lock(&mu_);
      databases.swap(databases_);
    }
  }

 private:
  absl::Mutex mu_;
  std::map<std::string, std::unique_ptr<ScratchPostgresDatabase>> databases_
      ABSL_GUARDED_BY(mu_);
  bool exit_handler_registered_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace

absl::StatusOr<std::string> DescribeSchema(storage::Transaction& tx,
                                           absl::string_view backend) {
  std::vector<const char*> queries;
  if (backend == "sqlite") {
    queries = {
        "SELECT type || ' ' || name || ' ' || COALESCE(sql, '') FROM "
        "sqlite_master ORDER BY type, name"};
  } else {
    queries = {
        "SELECT 'table ' || table_name || ' ' || string_agg(column_name || ' ' "
        "|| data_type || CASE is_nullable WHEN 'NO' THEN ' NOT NULL' ELSE '' "
        "END, ', ' ORDER BY ordinal_position) FROM information_schema.columns "
        "WHERE table_schema = current_schema() GROUP BY table_name ORDER BY "
        "table_name",
        "SELECT 'index ' || indexname || ' ' || indexdef FROM pg_indexes WHERE "
        "schemaname = current_schema() ORDER BY indexname"};
  }
  std::string schema;
  for (const char* query : queries) {
    ASSIGN_OR_RETURN(std::vector<storage::Row> rows, tx.Query(query, {}));
    for (const storage::Row& row : rows) {
      ASSIGN_OR_RETURN(std::string line, row.Text(0));
      absl::StrAppend(&schema, line, "\n");
    }
  }
  return schema;
}

std::string TestClusterUrl() {
  const char* url = std::getenv("LIU_TEST_DATABASE_URL");
  return url != nullptr ? url : "";
}

std::string WithDatabaseName(const std::string& url, const std::string& name) {
  const size_t scheme = url.find("://");
  const size_t authority = scheme == std::string::npos ? 0 : scheme + 3;
  const size_t path = url.find_first_of("/?", authority);
  if (path == std::string::npos) return absl::StrCat(url, "/", name);
  const size_t query = url.find('?', path);
  return absl::StrCat(url.substr(0, path), "/", name,
                      query == std::string::npos ? "" : url.substr(query));
}

ScratchPostgresDatabase::ScratchPostgresDatabase(std::string cluster_url,
                                                 std::string name)
    : cluster_url_(std::move(cluster_url)),
      name_(std::move(name)),
      url_(WithDatabaseName(cluster_url_, name_)) {}

absl::StatusOr<std::unique_ptr<ScratchPostgresDatabase>>
ScratchPostgresDatabase::Create(const std::string& cluster_url,
                                const std::string& encoding) {
  auto database = absl::WrapUnique(
      new ScratchPostgresDatabase(cluster_url, UniqueDatabaseName()));
  const absl::Status status = RunAdminStatement(
      cluster_url, absl::StrCat("CREATE DATABASE ", database->name_,
                                " TEMPLATE template0 ENCODING '", encoding,
                                "' LC_COLLATE 'C' LC_CTYPE 'C'"));
  if (!status.ok()) {
    database->created_ = false;
    return status;
  }
  return database;
}

ScratchPostgresDatabase::~ScratchPostgresDatabase() {
  if (!created_) return;
  // Also at exit, outside any test: a database left behind goes with the
  // throwaway cluster, so this reports rather than fails.
  const absl::Status status = RunAdminStatement(
      cluster_url_,
      absl::StrCat("DROP DATABASE IF EXISTS ", name_, " WITH (FORCE)"));
  if (!status.ok()) std::cerr << "cannot drop " << name_ << ": " << status;
}

absl::StatusOr<std::string> DatabaseUrlFor(const std::string& data_dir) {
  if (TestClusterUrl().empty()) return std::string();
  return DatabasesByDataDir::Get().UrlFor(data_dir);
}

void ReleaseDatabaseFor(const std::string& data_dir) {
  if (TestClusterUrl().empty()) return;
  DatabasesByDataDir::Get().Release(data_dir);
}

void PrintTo(Backend backend, std::ostream* out) {
  *out << (backend == Backend::kSqlite ? "sqlite" : "postgresql");
}

bool BackendAvailable(Backend backend) {
  return backend == Backend::kSqlite || !TestClusterUrl().empty();
}

std::vector<Backend> AllBackends() {
  return {Backend::kSqlite, Backend::kPostgres};
}

std::string BackendName(const ::testing::TestParamInfo<Backend>& info) {
  return info.param == Backend::kSqlite ? "sqlite" : "postgresql";
}

absl::StatusOr<std::unique_ptr<TestDatabase>> TestDatabase::Create(
    Backend backend) {
  if (!BackendAvailable(backend)) {
    return absl::FailedPreconditionError(
        "PostgreSQL tests need LIU_TEST_DATABASE_URL (see tests/run.sh)");
  }
  std::unique_ptr<TestDatabase> database(new TestDatabase(backend));
  if (backend == Backend::kSqlite) {
    database->dir_ = std::make_unique<TempDir>();
  } else {
    ASSIGN_OR_RETURN(database->postgres_,
                     ScratchPostgresDatabase::Create(TestClusterUrl()));
  }
  return database;
}

absl::StatusOr<std::unique_ptr<storage::Database>> TestDatabase::Open(
    absl::Duration busy_timeout) const {
  if (backend_ == Backend::kSqlite) {
    storage::SqliteDatabase::Options options;
    options.busy_timeout = busy_timeout;
    ASSIGN_OR_RETURN(auto database, storage::SqliteDatabase::Open(
                                        dir_->Join("test.sqlite3"), options));
    return database;
  }
  storage::PostgresDatabase::Options options;
  options.busy_timeout = busy_timeout;
  ASSIGN_OR_RETURN(auto database,
                   storage::PostgresDatabase::Open(postgres_->url(), options));
  return database;
}

absl::Status TestDatabase::Tamper(const std::string& script) const {
  ASSIGN_OR_RETURN(std::unique_ptr<storage::Database> database, Open());
  return database->RunInTransaction(
      storage::Database::Access::kReadWrite, absl::InfiniteFuture(),
      [&](storage::Transaction& tx) { return tx.ExecuteScript(script); });
}

}  // namespace ismap::liu::testing
