// Storage benchmark: durable writes and point reads through each backend,
// and what the Database abstraction costs over the raw client library.
//
// Each pair runs the same work twice in one process: once through the
// backend (SqliteDatabase, PostgresDatabase), once through the client library
// directly (the baseline: sqlite3 with WAL and synchronous=FULL; libpq with
// the server's synchronous_commit=on). After the runs it prints, per pair,
// the ratio of the abstraction's time per operation to the baseline's; the
// items_per_second of the DurableInsert runs are the durable-write rates.
// PostgreSQL runs need a cluster (each run gets a fresh database in it):
//
//   build/release/bench/storage_bench [--benchmark_min_time=2]
//   url=$(tests/throwaway-postgres.sh start /tmp/liu-bench-postgres) &&
//     LIU_BENCH_DATABASE_URL=$url build/release/bench/storage_bench;
//     tests/throwaway-postgres.sh stop /tmp/liu-bench-postgres
#include <libpq-fe.h>
#include <sqlite3.h>

#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>

#include "benchmark/benchmark.h"
#include "services/common/status_macros.h"
#include "services/common/storage/postgres_database.h"
#include "services/common/storage/sqlite_database.h"
#include "tests/harness/temp_dir.h"
#include "tests/harness/test_database.h"

namespace ismap::liu {
namespace {

using storage::Database;
using storage::Row;
using storage::Transaction;

constexpr char kSchema[] =
    "CREATE TABLE IF NOT EXISTS items (id BIGINT PRIMARY KEY, body TEXT NOT "
    "NULL)";
const std::string kBody(512, 'x');

void Check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "benchmark setup failed: %s\n", what);
    std::abort();
  }
}

sqlite3* OpenRaw(const std::string& path) {
  sqlite3* db = nullptr;
  Check(sqlite3_open(path.c_str(), &db) == SQLITE_OK, "open");
  for (const char* pragma :
       {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL",
        "PRAGMA foreign_keys=ON", kSchema}) {
    Check(sqlite3_exec(db, pragma, nullptr, nullptr, nullptr) == SQLITE_OK,
          pragma);
  }
  return db;
}

// Baseline: one durable INSERT per transaction with a prepared statement.
void BM_DurableInsert_Sqlite_Raw(benchmark::State& state) {
  testing::TempDir dir;
  sqlite3* db = OpenRaw(dir.Join("raw.sqlite3"));
  sqlite3_stmt* insert = nullptr;
  Check(sqlite3_prepare_v2(db, "INSERT INTO items (id, body) VALUES (?1, ?2)",
                           -1, &insert, nullptr) == SQLITE_OK,
        "prepare");
  int64_t id = 0;
  for (auto _ : state) {
    sqlite3_exec(db, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr);
    sqlite3_bind_int64(insert, 1, ++id);
    sqlite3_bind_text(insert, 2, kBody.data(), static_cast<int>(kBody.size()),
                      SQLITE_STATIC);
    Check(sqlite3_step(insert) == SQLITE_DONE, "insert");
    sqlite3_reset(insert);
    Check(sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr) == SQLITE_OK,
          "commit");
  }
  sqlite3_finalize(insert);
  sqlite3_close(db);
  state.SetItemsProcessed(state.iterations());
}

void BM_DurableInsert_Sqlite_Database(benchmark::State& state) {
  testing::TempDir dir;
  auto database = *storage::SqliteDatabase::Open(dir.Join("db.sqlite3"), {});
  Check(database
            ->RunInTransaction(
                Database::Access::kReadWrite, absl::InfiniteFuture(),
                [](Transaction& tx) { return tx.ExecuteScript(kSchema); })
            .ok(),
        "schema");
  int64_t id = 0;
  for (auto _ : state) {
    ++id;
    const absl::Status status = database->RunInTransaction(
        Database::Access::kReadWrite, absl::InfiniteFuture(),
        [&](Transaction& tx) {
          return tx
              .Execute("INSERT INTO items (id, body) VALUES ($1, $2)",
                       {id, kBody})
              .status();
        });
    Check(status.ok(), "insert");
  }
  state.SetItemsProcessed(state.iterations());
}

constexpr int64_t kRows = 10'000;

// Baseline: a point read in its own read transaction.
void BM_PointRead_Sqlite_Raw(benchmark::State& state) {
  testing::TempDir dir;
  sqlite3* db = OpenRaw(dir.Join("raw.sqlite3"));
  sqlite3_exec(db, "BEGIN", nullptr, nullptr, nullptr);
  sqlite3_stmt* insert = nullptr;
  sqlite3_prepare_v2(db, "INSERT INTO items (id, body) VALUES (?1, ?2)", -1,
                     &insert, nullptr);
  for (int64_t id = 1; id <= kRows; ++id) {
    sqlite3_bind_int64(insert, 1, id);
    sqlite3_bind_text(insert, 2, kBody.data(), static_cast<int>(kBody.size()),
                      SQLITE_STATIC);
    sqlite3_step(insert);
    sqlite3_reset(insert);
  }
  sqlite3_finalize(insert);
  sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr);
  sqlite3_stmt* select = nullptr;
  sqlite3_prepare_v2(db, "SELECT body FROM items WHERE id = ?1", -1, &select,
                     nullptr);
  int64_t id = 0;
  for (auto _ : state) {
    sqlite3_exec(db, "BEGIN", nullptr, nullptr, nullptr);
    sqlite3_bind_int64(select, 1, id++ % kRows + 1);
    Check(sqlite3_step(select) == SQLITE_ROW, "select");
    std::string body(
        reinterpret_cast<const char*>(sqlite3_column_text(select, 0)),
        sqlite3_column_bytes(select, 0));
    benchmark::DoNotOptimize(body);
    sqlite3_reset(select);
    sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr);
  }
  sqlite3_finalize(select);
  sqlite3_close(db);
  state.SetItemsProcessed(state.iterations());
}

void BM_PointRead_Sqlite_Database(benchmark::State& state) {
  testing::TempDir dir;
  auto database = *storage::SqliteDatabase::Open(dir.Join("db.sqlite3"), {});
  Check(database
            ->RunInTransaction(
                Database::Access::kReadWrite, absl::InfiniteFuture(),
                [](Transaction& tx) -> absl::Status {
                  RETURN_IF_ERROR(tx.ExecuteScript(kSchema));
                  for (int64_t id = 1; id <= kRows; ++id) {
                    RETURN_IF_ERROR(tx.Execute("INSERT INTO items (id, body) "
                                               "VALUES ($1, $2)",
                                               {id, kBody})
                                        .status());
                  }
                  return absl::OkStatus();
                })
            .ok(),
        "fill");
  int64_t id = 0;
  for (auto _ : state) {
    std::string body;
    const absl::Status status = database->RunInTransaction(
        Database::Access::kReadOnly, absl::InfiniteFuture(),
        [&](Transaction& tx) -> absl::Status {
          ASSIGN_OR_RETURN(std::vector<Row> rows,
                           tx.Query("SELECT body FROM items WHERE id = $1",
                                    {id++ % kRows + 1}));
          ASSIGN_OR_RETURN(body, rows.at(0).Text(0));
          return absl::OkStatus();
        });
    Check(status.ok(), "select");
    benchmark::DoNotOptimize(body);
  }
  state.SetItemsProcessed(state.iterations());
}

BENCHMARK(BM_DurableInsert_Sqlite_Raw)->UseRealTime();
BENCHMARK(BM_DurableInsert_Sqlite_Database)->UseRealTime();
BENCHMARK(BM_PointRead_Sqlite_Raw)->UseRealTime();
BENCHMARK(BM_PointRead_Sqlite_Database)->UseRealTime();

// The cluster of the PostgreSQL runs: LIU_BENCH_DATABASE_URL, or "".
std::string BenchClusterUrl() {
  const char* url = std::getenv("LIU_BENCH_DATABASE_URL");
  return url != nullptr ? url : "";
}

// A fresh database in the cluster, dropped when the run ends.
std::unique_ptr<testing::ScratchPostgresDatabase> FreshPostgres() {
  auto database = testing::ScratchPostgresDatabase::Create(BenchClusterUrl());
  Check(database.ok(), "create a database in LIU_BENCH_DATABASE_URL");
  return *std::move(database);
}

// Runs a command and checks it succeeded.
void RawPostgres(PGconn* conn, const char* sql) {
  PGresult* result = PQexec(conn, sql);
  const ExecStatusType status = PQresultStatus(result);
  PQclear(result);
  Check(status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK, sql);
}

PGconn* OpenRawPostgres(const std::string& url) {
  PGconn* conn = PQconnectdb(url.c_str());
  Check(PQstatus(conn) == CONNECTION_OK, "connect");
  PQsetNoticeProcessor(
      conn, [](void*, const char*) {}, nullptr);
  RawPostgres(conn, kSchema);
  return conn;
}

// Baseline: one INSERT per transaction with a prepared statement; COMMIT
// returns once the commit record is flushed (synchronous_commit=on).
void BM_DurableInsert_Postgres_Raw(benchmark::State& state) {
  const auto scratch = FreshPostgres();
  PGconn* conn = OpenRawPostgres(scratch->url());
  PGresult* prepared =
      PQprepare(conn, "insert", "INSERT INTO items (id, body) VALUES ($1, $2)",
                0, nullptr);
  Check(PQresultStatus(prepared) == PGRES_COMMAND_OK, "prepare");
  PQclear(prepared);
  int64_t id = 0;
  for (auto _ : state) {
    RawPostgres(conn, "BEGIN");
    const std::string id_text = std::to_string(++id);
    const char* values[] = {id_text.c_str(), kBody.c_str()};
    PGresult* result =
        PQexecPrepared(conn, "insert", 2, values, nullptr, nullptr, 0);
    Check(PQresultStatus(result) == PGRES_COMMAND_OK, "insert");
    PQclear(result);
    RawPostgres(conn, "COMMIT");
  }
  PQfinish(conn);
  state.SetItemsProcessed(state.iterations());
}

void BM_DurableInsert_Postgres_Database(benchmark::State& state) {
  const auto scratch = FreshPostgres();
  auto database = *storage::PostgresDatabase::Open(scratch->url(), {});
  Check(database
            ->RunInTransaction(
                Database::Access::kReadWrite, absl::InfiniteFuture(),
                [](Transaction& tx) { return tx.ExecuteScript(kSchema); })
            .ok(),
        "schema");
  int64_t id = 0;
  for (auto _ : state) {
    ++id;
    const absl::Status status = database->RunInTransaction(
        Database::Access::kReadWrite, absl::InfiniteFuture(),
        [&](Transaction& tx) {
          return tx
              .Execute("INSERT INTO items (id, body) VALUES ($1, $2)",
                       {id, kBody})
              .status();
        });
    Check(status.ok(), "insert");
  }
  state.SetItemsProcessed(state.iterations());
}

// Fills `url`'s items with kRows rows in one transaction.
void FillPostgres(const std::string& url) {
  PGconn* conn = OpenRawPostgres(url);
  RawPostgres(conn,
              ("INSERT INTO items (id, body) SELECT n, repeat('x', 512) FROM "
               "generate_series(1, " +
               std::to_string(kRows) + ") AS n")
                  .c_str());
  PQfinish(conn);
}

// Baseline: a point read in its own read-only transaction.
void BM_PointRead_Postgres_Raw(benchmark::State& state) {
  const auto scratch = FreshPostgres();
  FillPostgres(scratch->url());
  PGconn* conn = OpenRawPostgres(scratch->url());
  PGresult* prepared = PQprepare(
      conn, "select", "SELECT body FROM items WHERE id = $1", 0, nullptr);
  Check(PQresultStatus(prepared) == PGRES_COMMAND_OK, "prepare");
  PQclear(prepared);
  int64_t id = 0;
  for (auto _ : state) {
    RawPostgres(conn, "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY");
    const std::string id_text = std::to_string(id++ % kRows + 1);
    const char* values[] = {id_text.c_str()};
    PGresult* result =
        PQexecPrepared(conn, "select", 1, values, nullptr, nullptr, 0);
    Check(PQresultStatus(result) == PGRES_TUPLES_OK && PQntuples(result) == 1,
          "select");
    std::string body(PQgetvalue(result, 0, 0), PQgetlength(result, 0, 0));
    benchmark::DoNotOptimize(body);
    PQclear(result);
    RawPostgres(conn, "COMMIT");
  }
  PQfinish(conn);
  state.SetItemsProcessed(state.iterations());
}

void BM_PointRead_Postgres_Database(benchmark::State& state) {
  const auto scratch = FreshPostgres();
  FillPostgres(scratch->url());
  auto database = *storage::PostgresDatabase::Open(scratch->url(), {});
  int64_t id = 0;
  for (auto _ : state) {
    std::string body;
    const absl::Status status = database->RunInTransaction(
        Database::Access::kReadOnly, absl::InfiniteFuture(),
        [&](Transaction& tx) -> absl::Status {
          ASSIGN_OR_RETURN(std::vector<Row> rows,
                           tx.Query("SELECT body FROM items WHERE id = $1",
                                    {id++ % kRows + 1}));
          ASSIGN_OR_RETURN(body, rows.at(0).Text(0));
          return absl::OkStatus();
        });
    Check(status.ok(), "select");
    benchmark::DoNotOptimize(body);
  }
  state.SetItemsProcessed(state.iterations());
}

// The PostgreSQL runs, when a cluster is given.
void RegisterPostgresBenchmarks() {
  if (BenchClusterUrl().empty()) {
    std::printf(
        "PostgreSQL runs skipped: set LIU_BENCH_DATABASE_URL to a cluster "
        "(tests/throwaway-postgres.sh start DIR prints one)\n");
    return;
  }
  benchmark::RegisterBenchmark("BM_DurableInsert_Postgres_Raw",
                               BM_DurableInsert_Postgres_Raw)
      ->UseRealTime();
  benchmark::RegisterBenchmark("BM_DurableInsert_Postgres_Database",
                               BM_DurableInsert_Postgres_Database)
      ->UseRealTime();
  benchmark::RegisterBenchmark("BM_PointRead_Postgres_Raw",
                               BM_PointRead_Postgres_Raw)
      ->UseRealTime();
  benchmark::RegisterBenchmark("BM_PointRead_Postgres_Database",
                               BM_PointRead_Postgres_Database)
      ->UseRealTime();
}

// Prints the runs as usual, then each Database/Raw ratio.
class RatioReporter final : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run& run : runs) {
      if (run.run_type == Run::RT_Iteration && run.iterations > 0) {
        seconds_per_op_[run.benchmark_name()] = run.GetAdjustedRealTime();
      }
    }
  }
  void PrintRatios() const {
    for (const auto& [name, seconds] : seconds_per_op_) {
      const size_t at = name.find("_Database");
      if (at == std::string::npos) continue;
      const std::string baseline =
          name.substr(0, at) + "_Raw" + name.substr(at + 9);
      const auto found = seconds_per_op_.find(baseline);
      if (found == seconds_per_op_.end()) continue;
      std::printf("ratio %s / %s = %.3f\n", name.c_str(), baseline.c_str(),
                  seconds / found->second);
    }
  }

 private:
  std::map<std::string, double> seconds_per_op_;  // Time per operation.
};

}  // namespace
}  // namespace ismap::liu

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  ismap::liu::RegisterPostgresBenchmarks();
  ismap::liu::RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  reporter.PrintRatios();
  benchmark::Shutdown();
  return 0;
}
