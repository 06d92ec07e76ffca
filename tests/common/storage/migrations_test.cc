// Migrations: from empty, idempotent, and guarded against drift.
#include "services/common/storage/migrations.h"

#include "gtest/gtest.h"
#include "services/common/status_macros.h"
#include "services/common/storage/sqlite_database.h"
#include "tests/harness/temp_dir.h"

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
        ASSIGN_OR_RETURN(std::vector<Row> schema,
                         tx.Query("SELECT type, name, sql FROM sqlite_master "
                                  "ORDER BY type, name",
                                  {}));
        for (const Row& row : schema) {
          dump += *row.Text(0) + " " + *row.Text(1) + "\n";
        }
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

class MigrationsTest : public ::testing::Test {
 protected:
  std::unique_ptr<SqliteDatabase> Open() {
    return *SqliteDatabase::Open(dir_.Join("m.sqlite3"), {});
  }
  testing::TempDir dir_;
};

TEST_F(MigrationsTest, BuildsTheSchemaFromNothingAndASecondRunChangesNothing) {
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

TEST_F(MigrationsTest, AppliesOnlyWhatIsNew) {
  auto database = Open();
  ASSERT_TRUE(ApplyMigrations(*database, "demo", kV1, kNow).ok());
  EXPECT_EQ(Dump(*database)->find("table b"), std::string::npos);
  ASSERT_TRUE(ApplyMigrations(*database, "demo", kV2, kNow).ok());
  EXPECT_NE(Dump(*database)->find("table b"), std::string::npos);
}

TEST_F(MigrationsTest, ComponentsAreIndependent) {
  auto database = Open();
  ASSERT_TRUE(ApplyMigrations(*database, "one", kV1, kNow).ok());
  constexpr Migration kOther[] = {{1, "create c", "CREATE TABLE c (id TEXT);"}};
  ASSERT_TRUE(ApplyMigrations(*database, "two", kOther, kNow).ok());
  EXPECT_NE(Dump(*database)->find("table c"), std::string::npos);
}

TEST_F(MigrationsTest, RefusesAnEditedMigration) {
  auto database = Open();
  ASSERT_TRUE(ApplyMigrations(*database, "demo", kV1, kNow).ok());
  constexpr Migration kEdited[] = {
      {1, "create a", "CREATE TABLE a (id TEXT PRIMARY KEY, extra TEXT);"}};
  const absl::Status status = ApplyMigrations(*database, "demo", kEdited, kNow);
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(status.message().find("demo/1"), absl::string_view::npos);
}

TEST_F(MigrationsTest, RefusesADatabaseNewerThanTheBinary) {
  auto database = Open();
  ASSERT_TRUE(ApplyMigrations(*database, "demo", kV2, kNow).ok());
  EXPECT_EQ(ApplyMigrations(*database, "demo", kV1, kNow).code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST_F(MigrationsTest, AFailingMigrationLeavesNothingOfItself) {
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

TEST_F(MigrationsTest, RefusesMisnumberedMigrations) {
  auto database = Open();
  constexpr Migration kGap[] = {{1, "a", "SELECT 1;"}, {3, "c", "SELECT 1;"}};
  EXPECT_EQ(ApplyMigrations(*database, "demo", kGap, kNow).code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace ismap::liu::storage
