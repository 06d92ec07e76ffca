// Migrations, on both backends: from empty, idempotent, guarded against
// drift, and applied once when several processes start at once.
#include "services/common/storage/migrations.h"

#include <thread>
#include <vector>

#include "absl/synchronization/barrier.h"
#include "gtest/gtest.h"
#include "services/common/status_macros.h"
#include "tests/harness/test_database.h"

namespace ismap::liu::storage {
namespace {

const absl::Time kNow = absl::FromUnixSeconds(1'800'000'000);

constexpr Migration kV1[] = {
    {1, "create a", "CREATE TABLE a (id TEXT PRIMARY KEY);"},
};
constexpr Migration kV2[] = {
    {1, "create a", "CREATE TABLE a (id TEXT PRIMARY KEY);"},
    {2, "create b",
     "CREATE TABLE b (id TEXT PRIMARY KEY); CREATE INDEX b_id ON b (id);"},
};

// The whole schema and the migration records, as text.
absl::StatusOr<std::string> Dump(Database& database) {
  std::string dump;
  RETURN_IF_ERROR(database.RunInTransaction(
      Database::Access::kReadOnly, absl::InfiniteFuture(),
      [&](Transaction& tx) -> absl::Status {
        ASSIGN_OR_RETURN(dump, testing::DescribeSchema(tx, database.backend()));
        ASSIGN_OR_RETURN(std::vector<Row> applied,
                         tx.Query("SELECT component, version, name, checksum, "
                                  "applied_at FROM schema_migrations "
                                  "ORDER BY component, version",
                                  {}));
        for (const Row& row : applied) {
          dump += *row.Text(0) + "/" + std::to_string(*row.Int(1)) + " " +
                  *row.Text(2) + " " + *row.Text(3) + " " + *row.Text(4) + "\n";
        }
        return absl::OkStatus();
      }));
  return dump;
}

class MigrationsTest : public ::testing::TestWithParam<testing::Backend> {
 protected:
  void SetUp() override {
    if (!testing::BackendAvailable(GetParam())) {
      GTEST_SKIP() << "PostgreSQL tests need LIU_TEST_DATABASE_URL";
    }
    auto test_database = testing::TestDatabase::Create(GetParam());
    ASSERT_TRUE(test_database.ok()) << test_database.status();
    test_database_ = *std::move(test_database);
  }

  // A new handle on the database, as a process starting would open.
  std::unique_ptr<Database> Open() {
    auto database = test_database_->Open();
    EXPECT_TRUE(database.ok()) << database.status();
    return database.ok() ? *std::move(database) : nullptr;
  }

  std::unique_ptr<testing::TestDatabase> test_database_;
};

TEST_P(MigrationsTest, BuildsTheSchemaFromNothingAndASecondRunChangesNothing) {
  auto database = Open();
  ASSERT_TRUE(ApplyMigrations(*database, "demo", kV2, kNow).ok());
  const std::string first = *Dump(*database);
  EXPECT_NE(first.find("table a"), std::string::npos);
  EXPECT_NE(first.find("index b_id"), std::string::npos);
  EXPECT_NE(first.find("demo/2 create b"), std::string::npos);

  database.reset();
  database = Open();
  ASSERT_TRUE(
      ApplyMigrations(*database, "demo", kV2, kNow + absl::Hours(1)).ok());
  EXPECT_EQ(*Dump(*database), first);
}

TEST_P(MigrationsTest, AppliesOnlyWhatIsNew) {
  auto database = Open();
  ASSERT_TRUE(ApplyMigrations(*database, "demo", kV1, kNow).ok());
  EXPECT_EQ(Dump(*database)->find("table b"), std::string::npos);
  ASSERT_TRUE(ApplyMigrations(*database, "demo", kV2, kNow).ok());
  EXPECT_NE(Dump(*database)->find("table b"), std::string::npos);
}

TEST_P(MigrationsTest, ComponentsAreIndependent) {
  auto database = Open();
  ASSERT_TRUE(ApplyMigrations(*database, "one", kV1, kNow).ok());
  constexpr Migration kOther[] = {{1, "create c", "CREATE TABLE c (id TEXT);"}};
  ASSERT_TRUE(ApplyMigrations(*database, "two", kOther, kNow).ok());
  EXPECT_NE(Dump(*database)->find("table c"), std::string::npos);
}

TEST_P(MigrationsTest, RefusesAnEditedMigration) {
  auto database = Open();
  ASSERT_TRUE(ApplyMigrations(*database, "demo", kV1, kNow).ok());
  constexpr Migration kEdited[] = {
      {1, "create a", "CREATE TABLE a (id TEXT PRIMARY KEY, extra TEXT);"}};
  const absl::Status status = ApplyMigrations(*database, "demo", kEdited, kNow);
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(status.message().find("demo/1"), absl::string_view::npos);
}

TEST_P(MigrationsTest, RefusesADatabaseNewerThanTheBinary) {
  auto database = Open();
  ASSERT_TRUE(ApplyMigrations(*database, "demo", kV2, kNow).ok());
  EXPECT_EQ(ApplyMigrations(*database, "demo", kV1, kNow).code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST_P(MigrationsTest, AFailingMigrationLeavesNothingOfItself) {
  auto database = Open();
  constexpr Migration kBroken[] = {
      {1, "create a", "CREATE TABLE a (id TEXT PRIMARY KEY);"},
      {2, "half broken", "CREATE TABLE half (id TEXT); NOT SQL;"},
  };
  EXPECT_FALSE(ApplyMigrations(*database, "demo", kBroken, kNow).ok());
  const std::string dump = *Dump(*database);
  EXPECT_NE(dump.find("table a"), std::string::npos);
  EXPECT_EQ(dump.find("table half"), std::string::npos);
  EXPECT_EQ(dump.find("demo/2"), std::string::npos);
}

TEST_P(MigrationsTest, RefusesMisnumberedMigrations) {
  auto database = Open();
  constexpr Migration kGap[] = {{1, "a", "SELECT 1;"}, {3, "c", "SELECT 1;"}};
  EXPECT_EQ(ApplyMigrations(*database, "demo", kGap, kNow).code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_P(MigrationsTest, ReplicasStartingAtOnceApplyEachMigrationOnce) {
  // Four processes start together on a database nobody opened yet, each
  // opening it and applying the same migrations (and creating
  // schema_migrations) at the same moment.
  constexpr int kReplicas = 4;
  std::vector<std::unique_ptr<Database>> replicas(kReplicas);
  absl::Barrier* start = new absl::Barrier(kReplicas);
  std::vector<absl::Status> results(kReplicas);
  std::vector<std::thread> threads;
  for (int i = 0; i < kReplicas; ++i) {
    threads.emplace_back([&, i] {
      if (start->Block()) delete start;
      auto database = test_database_->Open();
      results[i] = database.status();
      if (!database.ok()) return;
      replicas[i] = *std::move(database);
      results[i] = ApplyMigrations(*replicas[i], "demo", kV2, kNow);
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (const absl::Status& result : results) {
    ASSERT_TRUE(result.ok()) << result;
  }
  const std::string dump = *Dump(*replicas[0]);
  EXPECT_NE(dump.find("table b"), std::string::npos);
  EXPECT_NE(dump.find("demo/1 create a"), std::string::npos);
  EXPECT_NE(dump.find("demo/2 create b"), std::string::npos);
  EXPECT_EQ(dump.find("demo/3"), std::string::npos);
  // Applying again from any replica changes nothing.
  ASSERT_TRUE(
      ApplyMigrations(*replicas[kReplicas - 1], "demo", kV2, kNow).ok());
  EXPECT_EQ(*Dump(*replicas[0]), dump);
}

INSTANTIATE_TEST_SUITE_P(Backends, MigrationsTest,
                         ::testing::ValuesIn(testing::AllBackends()),
                         testing::BackendName);

}  // namespace
}  // namespace ismap::liu::storage
