// What only the PostgreSQL backend has: sessions the server ends, statement
// deadlines, server settings it checks or corrects, and text it cannot
// hold. The contract both backends share is in database_test.cc.
#include "services/common/storage/postgres_database.h"

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/status_macros.h"
#include "services/common/storage/database_url.h"
#include "tests/harness/test_database.h"

namespace ismap::liu::storage {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

const absl::Time kNoDeadline = absl::InfiniteFuture();

// The single text `sql` selects, read in its own read-only transaction.
absl::StatusOr<std::string> QueryText(Database& database, const char* sql) {
  std::string value;
  RETURN_IF_ERROR(database.RunInTransaction(
      Database::Access::kReadOnly, kNoDeadline,
      [&](Transaction& tx) -> absl::Status {
        ASSIGN_OR_RETURN(std::vector<Row> rows, tx.Query(sql, {}));
        ASSIGN_OR_RETURN(value, rows.at(0).Text(0));
        return absl::OkStatus();
      }));
  return value;
}

class PostgresDatabaseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (testing::TestClusterUrl().empty()) {
      GTEST_SKIP() << "PostgreSQL tests need LIU_TEST_DATABASE_URL";
    }
    auto scratch =
        testing::ScratchPostgresDatabase::Create(testing::TestClusterUrl());
    ASSERT_TRUE(scratch.ok()) << scratch.status();
    scratch_ = *std::move(scratch);
    auto database = PostgresDatabase::Open(scratch_->url(), {});
    ASSERT_TRUE(database.ok()) << database.status();
    database_ = *std::move(database);
  }

  std::unique_ptr<testing::ScratchPostgresDatabase> scratch_;
  std::unique_ptr<PostgresDatabase> database_;
};

TEST_F(PostgresDatabaseTest, ASessionTheServerEndedIsReestablished) {
  const absl::Status created = database_->RunInTransaction(
      Database::Access::kReadWrite, kNoDeadline, [](Transaction& tx) {
        return tx.ExecuteScript("CREATE TABLE t (n BIGINT)");
      });
  ASSERT_TRUE(created.ok()) << created;
  // An administrator (or a server restart) ends every session of ours.
  auto admin = PostgresDatabase::Open(scratch_->url(), {});
  ASSERT_TRUE(admin.ok());
  ASSERT_TRUE((*admin)
                  ->RunInTransaction(
                      Database::Access::kReadOnly, kNoDeadline,
                      [](Transaction& tx) {
                        return tx
                            .Query(
                                "SELECT COUNT(pg_terminate_backend(pid)) FROM "
                                "pg_stat_activity WHERE datname = "
                                "current_database() AND pid <> "
                                "pg_backend_pid() AND application_name = "
                                "'liu-server' AND backend_type = 'client "
                                "backend'",
                                {})
                            .status();
                      })
                  .ok());
  // Nothing was lost but sessions: writers and readers carry on, each on a
  // new session.
  const absl::Status inserted = database_->RunInTransaction(
      Database::Access::kReadWrite, kNoDeadline, [](Transaction& tx) {
        return tx.Execute("INSERT INTO t (n) VALUES (1)", {}).status();
      });
  EXPECT_TRUE(inserted.ok()) << inserted;
  const absl::StatusOr<std::string> count =
      QueryText(*database_, "SELECT CAST(COUNT(*) AS TEXT) FROM t");
  ASSERT_TRUE(count.ok()) << count.status();
  EXPECT_EQ(*count, "1");
}

TEST_F(PostgresDatabaseTest, AStatementRunningPastTheDeadlineIsCancelled) {
  const absl::Time start = absl::Now();
  const absl::Status status = database_->RunInTransaction(
      Database::Access::kReadOnly, absl::Now() + absl::Milliseconds(300),
      [](Transaction& tx) {
        return tx.Execute("SELECT pg_sleep(30)", {}).status();
      });
  EXPECT_EQ(status.code(), absl::StatusCode::kDeadlineExceeded) << status;
  EXPECT_LT(absl::Now() - start, absl::Seconds(10));
}

TEST_F(PostgresDatabaseTest, SessionsCommitDurablyEvenIfTheUrlSaysOtherwise) {
  // synchronous_commit=off would acknowledge commits before they are on
  // disk; the backend turns it back on.
  auto database = PostgresDatabase::Open(
      scratch_->url() + "?options=-c%20synchronous_commit%3Doff", {});
  ASSERT_TRUE(database.ok()) << database.status();
  EXPECT_EQ(
      *QueryText(**database, "SELECT current_setting('synchronous_commit')"),
      "on");
  EXPECT_EQ(*QueryText(**database, "SELECT current_setting('fsync')"), "on");
}

TEST_F(PostgresDatabaseTest, TextWithANulCharacterIsRefused) {
  const absl::Status status = database_->RunInTransaction(
      Database::Access::kReadOnly, kNoDeadline, [](Transaction& tx) {
        return tx.Query("SELECT CAST($1 AS TEXT)", {std::string("a\0b", 3)})
            .status();
      });
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
}

TEST_F(PostgresDatabaseTest, ColumnsOfTypesNoStoreUsesAreInternalErrors) {
  const absl::Status status = database_->RunInTransaction(
      Database::Access::kReadOnly, kNoDeadline, [](Transaction& tx) {
        return tx.Query("SELECT CAST(1.5 AS DOUBLE PRECISION)", {}).status();
      });
  EXPECT_EQ(status.code(), absl::StatusCode::kInternal) << status;
  const absl::Status fraction = database_->RunInTransaction(
      Database::Access::kReadOnly, kNoDeadline, [](Transaction& tx) {
        return tx.Query("SELECT CAST(2.5 AS NUMERIC)", {}).status();
      });
  EXPECT_EQ(fraction.code(), absl::StatusCode::kInternal) << fraction;
}

TEST_F(PostgresDatabaseTest, RefusesADatabaseThatCannotHoldJapaneseText) {
  auto ascii = testing::ScratchPostgresDatabase::Create(
      testing::TestClusterUrl(), "SQL_ASCII");
  ASSERT_TRUE(ascii.ok()) << ascii.status();
  const auto database = PostgresDatabase::Open((*ascii)->url(), {});
  EXPECT_EQ(database.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(database.status().message(), HasSubstr("UTF8"));
}

// Needs no cluster: nothing listens on port 1.
TEST(PostgresUrlTest, AnUnreachableServerIsUnavailableAndThePasswordStaysOut) {
  const auto database = OpenDatabase(
      "postgresql://liu:s3cret-pw@127.0.0.1:1/liu?connect_timeout=5", "", 1);
  EXPECT_EQ(database.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(database.status().message(), Not(HasSubstr("s3cret-pw")));
}

TEST(PostgresUrlTest, OnlyEmptyOrPostgresqlUrlsAreAccepted) {
  EXPECT_TRUE(IsPostgresUrl("postgresql://db.example/liu"));
  EXPECT_TRUE(IsPostgresUrl("postgres://db.example/liu"));
  EXPECT_FALSE(IsPostgresUrl(""));
  const auto database = OpenDatabase("mysql://root:pw@db.example/liu", "", 1);
  EXPECT_EQ(database.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(database.status().message(), Not(HasSubstr("pw@")));
}

TEST(PostgresUrlTest, TheTestHarnessReplacesOnlyTheDatabaseName) {
  EXPECT_EQ(testing::WithDatabaseName(
                "postgresql://liu:pw@127.0.0.1:5432/postgres", "x"),
            "postgresql://liu:pw@127.0.0.1:5432/x");
  EXPECT_EQ(testing::WithDatabaseName(
                "postgresql://h:1/postgres?sslmode=disable", "x"),
            "postgresql://h:1/x?sslmode=disable");
  EXPECT_EQ(testing::WithDatabaseName("postgresql://h:1", "x"),
            "postgresql://h:1/x");
  EXPECT_EQ(testing::WithDatabaseName("postgresql://h?sslmode=disable", "x"),
            "postgresql://h/x?sslmode=disable");
}

}  // namespace
}  // namespace ismap::liu::storage
