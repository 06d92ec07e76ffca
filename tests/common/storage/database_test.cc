// The storage interface's contract, on both backends: SQLite files and
// PostgreSQL databases (with LIU_TEST_DATABASE_URL). Handles opened
// separately on one database stand for separate processes: they share only
// what the database shares.
#include "services/common/storage/database.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "gtest/gtest.h"
#include "services/common/status_macros.h"
#include "tests/harness/test_database.h"

namespace ismap::liu::storage {
namespace {

const absl::Time kNoDeadline = absl::InfiniteFuture();

// The single integer `sql` selects, read in its own read-only transaction.
absl::StatusOr<int64_t> QueryInt(Database& database, const char* sql) {
  int64_t value = 0;
  RETURN_IF_ERROR(database.RunInTransaction(
      Database::Access::kReadOnly, kNoDeadline,
      [&](Transaction& tx) -> absl::Status {
        ASSIGN_OR_RETURN(std::vector<Row> rows, tx.Query(sql, {}));
        ASSIGN_OR_RETURN(value, rows.at(0).Int(0));
        return absl::OkStatus();
      }));
  return value;
}

// Adds one to the 'counter' row by reading it and writing it back: the
// read-modify-write that loses updates unless writers are serialised.
absl::Status IncrementCounter(Database& database) {
  return database.RunInTransaction(
      Database::Access::kReadWrite, absl::Now() + absl::Seconds(30),
      [](Transaction& tx) -> absl::Status {
        ASSIGN_OR_RETURN(
            std::vector<Row> rows,
            tx.Query("SELECT n FROM items WHERE id = 'counter'", {}));
        ASSIGN_OR_RETURN(const int64_t n, rows.at(0).Int(0));
        return tx
            .Execute("UPDATE items SET n = $1 WHERE id = 'counter'", {n + 1})
            .status();
      });
}

class DatabaseTest : public ::testing::TestWithParam<testing::Backend> {
 protected:
  void SetUp() override {
    if (!testing::BackendAvailable(GetParam())) {
      GTEST_SKIP() << "PostgreSQL tests need LIU_TEST_DATABASE_URL";
    }
    auto test_database = testing::TestDatabase::Create(GetParam());
    ASSERT_TRUE(test_database.ok()) << test_database.status();
    test_database_ = *std::move(test_database);
    database_ = OpenOther();
    ASSERT_TRUE(
        Write([](Transaction& tx) {
          return tx.ExecuteScript(
              "CREATE TABLE items (id TEXT PRIMARY KEY, n BIGINT NOT NULL "
              "CHECK (n >= 0), data BYTEA);"
              "CREATE TABLE links (item TEXT NOT NULL REFERENCES items (id));");
        }).ok());
  }

  // Another handle on the database, as another process would have.
  std::unique_ptr<Database> OpenOther(
      absl::Duration busy_timeout = absl::Seconds(5)) {
    auto database = test_database_->Open(busy_timeout);
    EXPECT_TRUE(database.ok()) << database.status();
    return database.ok() ? *std::move(database) : nullptr;
  }

  absl::Status Write(absl::FunctionRef<absl::Status(Transaction&)> fn) {
    return database_->RunInTransaction(Database::Access::kReadWrite,
                                       kNoDeadline, fn);
  }

  absl::StatusOr<int64_t> CountItems() {
    return QueryInt(*database_, "SELECT COUNT(*) FROM items");
  }

  std::unique_ptr<testing::TestDatabase> test_database_;
  std::unique_ptr<Database> database_;
};

TEST_P(DatabaseTest, ValuesRoundTripIncludingJapaneseTextAndBinary) {
  const std::string japanese =
      "業務・情報の影響度評価（機密性・完全性・可用性）";
  const std::string binary("\x00\xff\x01\x02", 4);
  ASSERT_TRUE(Write([&](Transaction& tx) {
                return tx
                    .Execute(
                        "INSERT INTO items (id, n, data) VALUES ($1, $2, $3)",
                        {japanese, int64_t{42}, Bytes{binary}})
                    .status();
              }).ok());
  ASSERT_TRUE(
      database_
          ->RunInTransaction(
              Database::Access::kReadOnly, kNoDeadline,
              [&](Transaction& tx) -> absl::Status {
                ASSIGN_OR_RETURN(
                    std::vector<Row> rows,
                    tx.Query("SELECT id, n, data, NULL FROM items WHERE n = $1",
                             {int64_t{42}}));
                EXPECT_EQ(rows.size(), 1u);
                EXPECT_EQ(*rows[0].Text(0), japanese);
                EXPECT_EQ(*rows[0].Int(1), 42);
                EXPECT_EQ(*rows[0].Blob(2), binary);
                EXPECT_TRUE(rows[0].IsNull(3));
                EXPECT_EQ(rows[0].Int(0).status().code(),
                          absl::StatusCode::kInternal);
                return absl::OkStatus();
              })
          .ok());
}

TEST_P(DatabaseTest, FailedFunctionRollsBackEverything) {
  const absl::Status status = Write([](Transaction& tx) -> absl::Status {
    RETURN_IF_ERROR(tx.Execute("INSERT INTO items (id, n) VALUES ($1, $2)",
                               {"a", int64_t{1}})
                        .status());
    return absl::FailedPreconditionError("changed my mind");
  });
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(*CountItems(), 0);
}

TEST_P(DatabaseTest, ConstraintViolationsMapToCanonicalCodes) {
  ASSERT_TRUE(Write([](Transaction& tx) {
                return tx
                    .Execute("INSERT INTO items (id, n) VALUES ($1, $2)",
                             {"a", int64_t{1}})
                    .status();
              }).ok());
  EXPECT_EQ(Write([](Transaction& tx) {
              return tx
                  .Execute("INSERT INTO items (id, n) VALUES ($1, $2)",
                           {"a", int64_t{2}})
                  .status();
            }).code(),
            absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(Write([](Transaction& tx) {
              return tx
                  .Execute("INSERT INTO items (id, n) VALUES ($1, $2)",
                           {"b", int64_t{-1}})
                  .status();
            }).code(),
            absl::StatusCode::kFailedPrecondition);
  // Foreign keys are enforced.
  EXPECT_EQ(Write([](Transaction& tx) {
              return tx
                  .Execute("INSERT INTO links (item) VALUES ($1)", {"missing"})
                  .status();
            }).code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(*CountItems(), 1);
}

TEST_P(DatabaseTest, ParameterMismatchIsAnInternalError) {
  EXPECT_EQ(Write([](Transaction& tx) {
              return tx
                  .Execute("INSERT INTO items (id, n) VALUES ($1, $2)", {"a"})
                  .status();
            }).code(),
            absl::StatusCode::kInternal);
  EXPECT_EQ(Write([](Transaction& tx) {
              return tx.Execute("NOT SQL AT ALL", {}).status();
            }).code(),
            absl::StatusCode::kInternal);
}

TEST_P(DatabaseTest, ConcurrentReadModifyWritesLoseNoUpdate) {
  ASSERT_TRUE(
      Write([](Transaction& tx) {
        return tx.Execute("INSERT INTO items (id, n) VALUES ('counter', 0)", {})
            .status();
      }).ok());
  constexpr int kThreads = 4;
  constexpr int kIncrements = 50;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kIncrements; ++i) {
        if (!IncrementCounter(*database_).ok()) ++failures;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(*QueryInt(*database_, "SELECT n FROM items"),
            kThreads * kIncrements);
}

TEST_P(DatabaseTest, CommittedWritesAreSeenByANewProcessView) {
  ASSERT_TRUE(Write([](Transaction& tx) {
                return tx
                    .Execute("INSERT INTO items (id, n) VALUES ('kept', 1)", {})
                    .status();
              }).ok());
  // A second, independent handle sees the commit without the first one
  // closing (SQLite: WAL content is in the file system, not in memory).
  auto other = OpenOther();
  EXPECT_EQ(*QueryInt(*other, "SELECT COUNT(*) FROM items"), 1);
}

TEST_P(DatabaseTest, DeadlineWhileWaitingForTheWriterTurn) {
  absl::Notification inside;
  absl::Notification release;
  std::thread holder([&] {
    Write([&](Transaction&) {
      inside.Notify();
      release.WaitForNotification();
      return absl::OkStatus();
    }).IgnoreError();
  });
  inside.WaitForNotification();
  const absl::Status status = database_->RunInTransaction(
      Database::Access::kReadWrite, absl::Now() + absl::Milliseconds(100),
      [](Transaction&) { return absl::OkStatus(); });
  EXPECT_EQ(status.code(), absl::StatusCode::kDeadlineExceeded);
  release.Notify();
  holder.join();
}

TEST_P(DatabaseTest, OneStatementPerCall) {
  EXPECT_EQ(Write([](Transaction& tx) {
              return tx
                  .Execute(
                      "INSERT INTO items (id, n) VALUES ('a', 1); "
                      "INSERT INTO items (id, n) VALUES ('b', 2)",
                      {})
                  .status();
            }).code(),
            absl::StatusCode::kInternal);
  EXPECT_EQ(*CountItems(), 0);
  // A trailing semicolon is not a second statement.
  EXPECT_TRUE(Write([](Transaction& tx) {
                return tx
                    .Execute("INSERT INTO items (id, n) VALUES ('a', 1);", {})
                    .status();
              }).ok());
}

TEST_P(DatabaseTest, ReadOnlyTransactionsCannotWrite) {
  const absl::Status status = database_->RunInTransaction(
      Database::Access::kReadOnly, kNoDeadline, [](Transaction& tx) {
        return tx.Execute("INSERT INTO items (id, n) VALUES ('sneaky', 1)", {})
            .status();
      });
  EXPECT_FALSE(status.ok());
  EXPECT_EQ(*CountItems(), 0);
}

// Two independent handles on one database behave as two processes would:
// they share nothing in memory, only the database's locks (SQLite's file
// locks, PostgreSQL's write lock).
TEST_P(DatabaseTest, ALockHeldByAnotherProcessIsWaitedForOnlyUntilTheDeadline) {
  auto other = OpenOther();
  database_ = OpenOther(/*busy_timeout=*/absl::Milliseconds(500));
  absl::Notification inside;
  absl::Notification release;
  std::thread holder([&] {
    other
        ->RunInTransaction(
            Database::Access::kReadWrite, kNoDeadline,
            [&](Transaction& tx) -> absl::Status {
              RETURN_IF_ERROR(
                  tx.Execute("INSERT INTO items (id, n) VALUES ('x', 1)", {})
                      .status());
              inside.Notify();
              release.WaitForNotification();
              return absl::OkStatus();
            })
        .IgnoreError();
  });
  inside.WaitForNotification();
  const absl::Time start = absl::Now();
  const absl::Status status = Write([](Transaction& tx) {
    return tx.Execute("INSERT INTO items (id, n) VALUES ('y', 1)", {}).status();
  });
  // Write() has no deadline: it waits for the busy timeout at most.
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable) << status;
  const absl::Status with_deadline = database_->RunInTransaction(
      Database::Access::kReadWrite, absl::Now() + absl::Milliseconds(200),
      [](Transaction& tx) {
        return tx.Execute("INSERT INTO items (id, n) VALUES ('z', 1)", {})
            .status();
      });
  EXPECT_EQ(with_deadline.code(), absl::StatusCode::kDeadlineExceeded)
      << with_deadline;
  release.Notify();
  holder.join();
  EXPECT_LT(absl::Now() - start, absl::Seconds(60));  // Bounded, not stuck.
  EXPECT_EQ(*CountItems(), 1);                        // Only the holder's row.
}

TEST_P(DatabaseTest, TwoProcessesIncrementingLoseNoUpdate) {
  ASSERT_TRUE(
      Write([](Transaction& tx) {
        return tx.Execute("INSERT INTO items (id, n) VALUES ('counter', 0)", {})
            .status();
      }).ok());
  auto other = OpenOther();
  constexpr int kIncrements = 100;
  auto increment = [](Database& database) {
    int failures = 0;
    for (int i = 0; i < kIncrements; ++i) {
      if (!IncrementCounter(database).ok()) ++failures;
    }
    return failures;
  };
  int failures_a = 0;
  int failures_b = 0;
  std::thread a([&] { failures_a = increment(*database_); });
  std::thread b([&] { failures_b = increment(*other); });
  a.join();
  b.join();
  const int64_t n = *QueryInt(*database_, "SELECT n FROM items");
  // Every increment either committed or was reported as failed: none lost.
  EXPECT_EQ(n, 2 * kIncrements - failures_a - failures_b);
  EXPECT_EQ(failures_a + failures_b, 0);
}

TEST_P(DatabaseTest, AcknowledgedWritesSurviveKillMinus9) {
  int acks[2];
  ASSERT_EQ(pipe(acks), 0);
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    // The child writes rows one transaction at a time and acknowledges each
    // id once RunInTransaction has returned OK, until it is killed.
    close(acks[0]);
    auto database = test_database_->Open();
    if (!database.ok()) _exit(1);
    for (int64_t id = 1;; ++id) {
      const absl::Status status = (*database)->RunInTransaction(
          Database::Access::kReadWrite, absl::InfiniteFuture(),
          [&](Transaction& tx) {
            return tx
                .Execute("INSERT INTO items (id, n) VALUES ($1, $2)",
                         {absl::StrCat("row-", id), id})
                .status();
          });
      if (!status.ok() || write(acks[1], &id, sizeof(id)) != sizeof(id))
        _exit(1);
    }
  }
  close(acks[1]);
  int64_t acknowledged = 0;
  for (int i = 0; i < 200; ++i) {
    ASSERT_EQ(read(acks[0], &acknowledged, sizeof(acknowledged)),
              static_cast<ssize_t>(sizeof(acknowledged)));
  }
  kill(child, SIGKILL);
  waitpid(child, nullptr, 0);
  int64_t late = 0;
  while (read(acks[0], &late, sizeof(late)) == sizeof(late))
    acknowledged = late;
  close(acks[0]);

  // Reopened after the crash, every acknowledged row is there.
  database_.reset();
  auto reopened = OpenOther();
  int64_t count = 0;
  int64_t max_n = 0;
  ASSERT_TRUE(
      reopened
          ->RunInTransaction(
              Database::Access::kReadOnly, kNoDeadline,
              [&](Transaction& tx) -> absl::Status {
                ASSIGN_OR_RETURN(
                    std::vector<Row> rows,
                    tx.Query("SELECT COUNT(*), COALESCE(MAX(n), 0) FROM items "
                             "WHERE n <= $1",
                             {acknowledged}));
                ASSIGN_OR_RETURN(count, rows.at(0).Int(0));
                ASSIGN_OR_RETURN(max_n, rows.at(0).Int(1));
                return absl::OkStatus();
              })
          .ok());
  EXPECT_GE(acknowledged, 200);
  EXPECT_EQ(count, acknowledged);
  EXPECT_EQ(max_n, acknowledged);
}

TEST_P(DatabaseTest, CheckThenInsertFromSeveralProcessesNeverCollides) {
  // Each writer inserts a row unless it finds it: without writers taking
  // turns across processes, two would both find nothing and one insert would
  // fail with ALREADY_EXISTS.
  constexpr int kHandles = 3;
  constexpr int kThreadsPerHandle = 2;
  constexpr int kKeys = 30;
  std::vector<std::unique_ptr<Database>> handles;
  for (int h = 0; h < kHandles; ++h) handles.push_back(OpenOther());
  std::atomic<int> failures{0};
  std::atomic<int> inserted{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kHandles * kThreadsPerHandle; ++t) {
    threads.emplace_back([&, t] {
      Database& database = *handles[t % kHandles];
      for (int k = 0; k < kKeys; ++k) {
        const std::string id = absl::StrCat("key-", k);
        const absl::Status status = database.RunInTransaction(
            Database::Access::kReadWrite, absl::Now() + absl::Seconds(30),
            [&](Transaction& tx) -> absl::Status {
              ASSIGN_OR_RETURN(
                  std::vector<Row> rows,
                  tx.Query("SELECT COUNT(*) FROM items WHERE id = $1", {id}));
              ASSIGN_OR_RETURN(const int64_t present, rows.at(0).Int(0));
              if (present > 0) return absl::OkStatus();
              ++inserted;
              return tx
                  .Execute("INSERT INTO items (id, n) VALUES ($1, 0)", {id})
                  .status();
            });
        if (!status.ok()) {
          ++failures;
          ADD_FAILURE() << status;
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(inserted.load(), kKeys);
  EXPECT_EQ(*CountItems(), kKeys);
}

TEST_P(DatabaseTest, AFailedStatementEndsTheTransaction) {
  ASSERT_TRUE(Write([](Transaction& tx) {
                return tx
                    .Execute("INSERT INTO items (id, n) VALUES ('a', 1)", {})
                    .status();
              }).ok());
  // Going on after a failure is refused, and nothing of it is kept.
  absl::Status later;
  const absl::Status status = Write([&](Transaction& tx) -> absl::Status {
    RETURN_IF_ERROR(
        tx.Execute("INSERT INTO items (id, n) VALUES ('b', 1)", {}).status());
    EXPECT_EQ(tx.Execute("INSERT INTO items (id, n) VALUES ('a', 2)", {})
                  .status()
                  .code(),
              absl::StatusCode::kAlreadyExists);
    later =
        tx.Execute("INSERT INTO items (id, n) VALUES ('c', 1)", {}).status();
    return absl::OkStatus();  // Ignores both failures.
  });
  EXPECT_EQ(later.code(), absl::StatusCode::kInternal) << later;
  EXPECT_EQ(status.code(), absl::StatusCode::kInternal) << status;
  EXPECT_EQ(*CountItems(), 1);
}

TEST_P(DatabaseTest, CountsSumsAndComparisonsReadAsIntegers) {
  ASSERT_TRUE(Write([](Transaction& tx) -> absl::Status {
                for (const int64_t n :
                     {int64_t{0}, int64_t{7}, int64_t{1'000'000'000'000'000}}) {
                  RETURN_IF_ERROR(
                      tx.Execute("INSERT INTO items (id, n) VALUES ($1, $2)",
                                 {absl::StrCat("item-", n), n})
                          .status());
                }
                return absl::OkStatus();
              }).ok());
  ASSERT_TRUE(
      database_
          ->RunInTransaction(
              Database::Access::kReadOnly, kNoDeadline,
              [&](Transaction& tx) -> absl::Status {
                ASSIGN_OR_RETURN(
                    std::vector<Row> rows,
                    tx.Query("SELECT COUNT(*), SUM(n), -SUM(n), MAX(n), "
                             "COALESCE(MAX(n), 0) + 1, MIN(n) < 1, "
                             "MIN(n) > 1, SUM(n) - SUM(n) FROM items",
                             {}));
                EXPECT_EQ(*rows.at(0).Int(0), 3);
                EXPECT_EQ(*rows[0].Int(1), 1'000'000'000'000'007);
                EXPECT_EQ(*rows[0].Int(2), -1'000'000'000'000'007);
                EXPECT_EQ(*rows[0].Int(3), 1'000'000'000'000'000);
                EXPECT_EQ(*rows[0].Int(4), 1'000'000'000'000'001);
                EXPECT_EQ(*rows[0].Int(5), 1);
                EXPECT_EQ(*rows[0].Int(6), 0);
                EXPECT_EQ(*rows[0].Int(7), 0);
                return absl::OkStatus();
              })
          .ok());
}

TEST_P(DatabaseTest, PlaceholdersInsideLiteralsAndCommentsAreNotParameters) {
  ASSERT_TRUE(Write([](Transaction& tx) {
                return tx
                    .Execute(
                        "INSERT INTO items (id, n) /* $3 */ VALUES "
                        "('$2' || $1, $2) -- $4",
                        {"x", int64_t{5}})
                    .status();
              }).ok());
  EXPECT_EQ(*QueryInt(*database_, "SELECT n FROM items WHERE id = '$2x'"), 5);
}

TEST_P(DatabaseTest, AReadOnlyTransactionSeesOneSnapshot) {
  auto other = OpenOther();
  ASSERT_TRUE(
      database_
          ->RunInTransaction(
              Database::Access::kReadOnly, kNoDeadline,
              [&](Transaction& tx) -> absl::Status {
                ASSIGN_OR_RETURN(std::vector<Row> before,
                                 tx.Query("SELECT COUNT(*) FROM items", {}));
                // Another process commits meanwhile.
                EXPECT_TRUE(other
                                ->RunInTransaction(
                                    Database::Access::kReadWrite, kNoDeadline,
                                    [](Transaction& write) {
                                      return write
                                          .Execute(
                                              "INSERT INTO items (id, n) "
                                              "VALUES ('new', 1)",
                                              {})
                                          .status();
                                    })
                                .ok());
                ASSIGN_OR_RETURN(std::vector<Row> after,
                                 tx.Query("SELECT COUNT(*) FROM items", {}));
                EXPECT_EQ(*before.at(0).Int(0), 0);
                EXPECT_EQ(*after.at(0).Int(0), 0);
                return absl::OkStatus();
              })
          .ok());
  EXPECT_EQ(*CountItems(), 1);
}

INSTANTIATE_TEST_SUITE_P(Backends, DatabaseTest,
                         ::testing::ValuesIn(testing::AllBackends()),
                         testing::BackendName);

}  // namespace
}  // namespace ismap::liu::storage
