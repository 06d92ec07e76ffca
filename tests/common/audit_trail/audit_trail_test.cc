// The hash-chained audit trail: an intact chain verifies; editing, deleting
// (in the middle or at the end), reordering or inserting one stored event is
// found and the event named.
#include "services/common/audit_trail/audit_trail.h"

#include <sqlite3.h>

#include <functional>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/status_macros.h"
#include "services/common/storage/sqlite_database.h"
#include "tests/harness/temp_dir.h"

namespace ismap::liu {
namespace {

using storage::Database;
using storage::Transaction;
using ::testing::HasSubstr;

const absl::Time kStart = absl::FromUnixSeconds(1'800'000'000);
constexpr int kEvents = 6;

class AuditTrailTest : public ::testing::Test {
 protected:
  void SetUp() override {
    database_ = *storage::SqliteDatabase::Open(path(), {});
    ASSERT_TRUE(storage::ApplyMigrations(*database_, AuditTrail::kComponent,
                                         AuditTrail::Migrations(), kStart)
                    .ok());
    for (int i = 1; i <= kEvents; ++i) {
      ASSERT_TRUE(database_
                      ->RunInTransaction(
                          Database::Access::kReadWrite, absl::InfiniteFuture(),
                          [&](Transaction& tx) {
                            return AuditTrail::Append(
                                tx,
                                {"ipa:ipa/alice",
                                 "ismap.liu.v1.ReviewService/ConfirmReviewCase",
                                 absl::StrCat("reviewCases/", i), "",
                                 absl::StrCat("state-", i)},
                                kStart + absl::Seconds(i));
                          })
                      .ok());
    }
  }

  std::string path() const { return dir_.Join("trail.sqlite3"); }

  v1::AuditTrailVerification Verify() {
    v1::AuditTrailVerification result;
    EXPECT_TRUE(database_
                    ->RunInTransaction(
                        Database::Access::kReadOnly, absl::InfiniteFuture(),
                        [&](Transaction& tx) -> absl::Status {
                          ASSIGN_OR_RETURN(result, AuditTrail::Verify(tx));
                          return absl::OkStatus();
                        })
                    .ok());
    return result;
  }

  // Tampers with the file directly, as someone with access to it would.
  void Tamper(const std::string& sql) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path().c_str(), &db), SQLITE_OK);
    char* error = nullptr;
    EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error),
              SQLITE_OK)
        << (error != nullptr ? error : "");
    sqlite3_free(error);
    sqlite3_close(db);
  }

  testing::TempDir dir_;
  std::unique_ptr<storage::SqliteDatabase> database_;
};

TEST_F(AuditTrailTest, AnUntouchedChainVerifies) {
  const v1::AuditTrailVerification result = Verify();
  EXPECT_TRUE(result.intact()) << result.reason();
  EXPECT_EQ(result.events_checked(), kEvents);
  EXPECT_EQ(result.first_broken_sequence(), 0);
}

TEST_F(AuditTrailTest, EventsChainInOrder) {
  std::vector<v1::AuditEvent> events;
  ASSERT_TRUE(
      database_
          ->RunInTransaction(
              Database::Access::kReadOnly, absl::InfiniteFuture(),
              [&](Transaction& tx) -> absl::Status {
                ASSIGN_OR_RETURN(events, AuditTrail::List(tx, Page{"", 50}));
                return absl::OkStatus();
              })
          .ok());
  ASSERT_EQ(events.size(), static_cast<size_t>(kEvents));
  EXPECT_EQ(events[0].previous_hash(), std::string(64, '0'));
  for (int i = 1; i < kEvents; ++i) {
    EXPECT_EQ(events[i].sequence(), i + 1);
    EXPECT_EQ(events[i].previous_hash(), events[i - 1].hash());
    EXPECT_EQ(events[i].hash(), AuditEventHash(events[i]));
  }
}

struct Tampering {
  std::string name;
  std::string sql;
  int64_t broken_at;
  std::string reason;
};

class AuditTrailTamperingTest
    : public AuditTrailTest,
      public ::testing::WithParamInterface<Tampering> {};

void PrintTo(const Tampering& tampering, std::ostream* out) {
  *out << tampering.name;
}

TEST_P(AuditTrailTamperingTest, IsFoundAndTheEventNamed) {
  Tamper(GetParam().sql);
  const v1::AuditTrailVerification result = Verify();
  EXPECT_FALSE(result.intact());
  EXPECT_EQ(result.first_broken_sequence(), GetParam().broken_at)
      << result.reason();
  EXPECT_THAT(result.reason(), HasSubstr(GetParam().reason));
}

INSTANTIATE_TEST_SUITE_P(
    Tamperings, AuditTrailTamperingTest,
    ::testing::Values(
        Tampering{"EditedActor",
                  "UPDATE audit_events SET actor = 'ipa:ipa/mallory' WHERE "
                  "sequence = 3",
                  3, "event 3 was altered"},
        Tampering{
            "EditedStateHash",
            "UPDATE audit_events SET after_sha256 = 'x' WHERE sequence = 1", 1,
            "event 1 was altered"},
        Tampering{"DeletedInTheMiddle",
                  "DELETE FROM audit_events WHERE sequence = 4", 4,
                  "event 4 is missing"},
        Tampering{
            "DeletedTheLast",
            absl::StrCat("DELETE FROM audit_events WHERE sequence = ", kEvents),
            kEvents, "missing"},
        Tampering{
            "DeletedTheLastAndTheHeadRewound",
            absl::StrCat("DELETE FROM audit_events WHERE sequence = ", kEvents,
                         "; UPDATE audit_chain_head SET last_sequence = ",
                         kEvents - 1),
            kEvents - 1, "not the last event the chain head recorded"},
        Tampering{"Reordered",
                  "UPDATE audit_events SET sequence = -2 WHERE sequence = 2;"
                  "UPDATE audit_events SET sequence = 2 WHERE sequence = 3;"
                  "UPDATE audit_events SET sequence = 3 WHERE sequence = -2;",
                  2, "event 2 does not follow event 1"},
        Tampering{
            "HashSwappedForAnotherEvents",
            "UPDATE audit_events SET hash = (SELECT hash FROM audit_events "
            "WHERE sequence = 5) WHERE sequence = 2",
            2, "event 2 was altered"}),
    [](const ::testing::TestParamInfo<Tampering>& param_info) {
      return param_info.param.name;
    });

}  // namespace
}  // namespace ismap::liu
