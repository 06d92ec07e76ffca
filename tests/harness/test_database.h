// The storage backend the tests run against: SQLite files by default, or
// fresh databases in the throwaway PostgreSQL cluster that the environment
// variable LIU_TEST_DATABASE_URL names (tests/run.sh starts one; see
// tests/throwaway-postgres.sh). Every database a test gets is its own, so
// tests run in parallel.
#ifndef ISMAP_LIU_TESTS_HARNESS_TEST_DATABASE_H_
#define ISMAP_LIU_TESTS_HARNESS_TEST_DATABASE_H_

#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "services/common/storage/database.h"
#include "tests/harness/temp_dir.h"

namespace ismap::liu::testing {

// LIU_TEST_DATABASE_URL: a postgresql:// URL with the right to create
// databases, or "" when unset (tests use SQLite).
std::string TestClusterUrl();

// `url` (a postgresql:// URL) naming database `name` instead of its own.
std::string WithDatabaseName(const std::string& url, const std::string& name);

// A database created fresh in a PostgreSQL cluster (UTF8, C collation) and
// dropped, with any sessions still on it, when this object goes away.
class ScratchPostgresDatabase {
 public:
  // Creates a database with a name no other test process uses, through
  // `cluster_url`, in `encoding`.
  static absl::StatusOr<std::unique_ptr<ScratchPostgresDatabase>> Create(
      const std::string& cluster_url, const std::string& encoding = "UTF8");
  ~ScratchPostgresDatabase();
  ScratchPostgresDatabase(const ScratchPostgresDatabase&) = delete;
  ScratchPostgresDatabase& operator=(const ScratchPostgresDatabase&) = delete;

  const std::string& name() const { return name_; }
  // URL of this database.
  const std::string& url() const { return url_; }

 private:
  ScratchPostgresDatabase(std::string cluster_url, std::string name);

  std::string cluster_url_;
  std::string name_;
  std::string url_;
  bool created_ = true;
};

// The database URL for a server whose data directory is `data_dir`: "" (its
// SQLite file) without LIU_TEST_DATABASE_URL, else a PostgreSQL database
// created for that directory on first use, so that servers started on one
// data directory share a database as they would share its SQLite file. Such
// databases are dropped by ReleaseDatabaseFor() or when the process exits.
// Thread-safe.
absl::StatusOr<std::string> DatabaseUrlFor(const std::string& data_dir);

// Drops the database DatabaseUrlFor(data_dir) created, if any.
void ReleaseDatabaseFor(const std::string& data_dir);

// The schema `tx` sees, one line per table and index, starting "table
// <name>" or "index <name>" and followed by its definition in the backend's
// own terms (`backend` is Database::backend()).
absl::StatusOr<std::string> DescribeSchema(storage::Transaction& tx,
                                           absl::string_view backend);

// A backend, as a test parameter.
enum class Backend { kSqlite, kPostgres };
void PrintTo(Backend backend, std::ostream* out);
// Whether tests can run on `backend`: SQLite always, PostgreSQL with
// LIU_TEST_DATABASE_URL. Fixtures skip the others.
bool BackendAvailable(Backend backend);
// Both backends, for INSTANTIATE_TEST_SUITE_P; the test name suffix is
// "sqlite" or "postgresql".
std::vector<Backend> AllBackends();
std::string BackendName(const ::testing::TestParamInfo<Backend>& info);

// One fresh, empty database of a backend, which tests open as many times as
// they like, each handle standing for a process of its own.
class TestDatabase {
 public:
  // FAILED_PRECONDITION if !BackendAvailable(backend).
  static absl::StatusOr<std::unique_ptr<TestDatabase>> Create(Backend backend);

  Backend backend() const { return backend_; }

  // A new handle on the database, waiting at most `busy_timeout` for locks
  // other handles hold.
  absl::StatusOr<std::unique_ptr<storage::Database>> Open(
      absl::Duration busy_timeout = absl::Seconds(5)) const;

  // Runs `script` in a read-write transaction of a new handle, as someone
  // with direct access to the database would (tests tamper this way).
  absl::Status Tamper(const std::string& script) const;

 private:
  explicit TestDatabase(Backend backend) : backend_(backend) {}

  Backend backend_;
  std::unique_ptr<TempDir> dir_;                       // kSqlite.
  std::unique_ptr<ScratchPostgresDatabase> postgres_;  // kPostgres.
};

}  // namespace ismap::liu::testing

#endif  // ISMAP_LIU_TESTS_HARNESS_TEST_DATABASE_H_
