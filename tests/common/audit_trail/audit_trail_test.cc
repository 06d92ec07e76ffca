// The hash-chained audit trail: an intact chain verifies; editing, deleting
// (in the middle or at the end), reordering or inserting one stored event is
// found and the event named. On both backends.
#include "services/common/audit_trail/audit_trail.h"

#include <functional>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/status_macros.h"
#include "services/common/storage/migrations.h"
#include "tests/harness/test_database.h"

namespace ismap::liu {
namespace {

using storage::Database;
using storage::Transaction;
using ::testing::HasSubstr;

const absl::Time kStart = absl::FromUnixSeconds(1'800'000'000);
constexpr int kEvents = 6;

// A trail of kEvents events on a fresh database of backend().
class AuditTrailFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!testing::BackendAvailable(backend())) {
      GTEST_SKIP() << "PostgreSQL tests need LIU_TEST_DATABASE_URL";
    }
    auto test_database = testing::TestDatabase::Create(backend());
    ASSERT_TRUE(test_database.ok()) << test_database.status();
    test_database_ = *std::move(test_database);
    auto database = test_database_->Open();
    ASSERT_TRUE(database.ok()) << database.status();
    database_ = *std::move(database);
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

  // The backend under test.
  virtual testing::Backend backend() const = 0;

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

  // Tampers with the database directly, as someone with access to it would.
  void Tamper(const std::string& sql) {
    const absl::Status status = test_database_->Tamper(sql);
    EXPECT_TRUE(status.ok()) << status;
  }

  std::unique_ptr<testing::TestDatabase> test_database_;
  std::unique_ptr<Database> database_;
};

class AuditTrailTest : public AuditTrailFixture,
                       public ::testing::WithParamInterface<testing::Backend> {
 protected:
  testing::Backend backend() const override { return GetParam(); }
};

INSTANTIATE_TEST_SUITE_P(Backends, AuditTrailTest,
                         ::testing::ValuesIn(testing::AllBackends()),
                         testing::BackendName);

TEST_P(AuditTrailTest, AnUntouchedChainVerifies) {
  const v1::AuditTrailVerification result = Verify();
  EXPECT_TRUE(result.intact()) << result.reason();
  EXPECT_EQ(result.events_checked(), kEvents);
  EXPECT_EQ(result.first_broken_sequence(), 0);
}

TEST_P(AuditTrailTest, EventsChainInOrder) {
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

class AuditTrailTamperingTest : public AuditTrailFixture,
                                public ::testing::WithParamInterface<
                                    std::tuple<testing::Backend, Tampering>> {
 protected:
  testing::Backend backend() const override { return std::get<0>(GetParam()); }
  const Tampering& tampering() const { return std::get<1>(GetParam()); }
};

void PrintTo(const Tampering& tampering, std::ostream* out) {
  *out << tampering.name;
}

TEST_P(AuditTrailTamperingTest, IsFoundAndTheEventNamed) {
  Tamper(tampering().sql);
  const v1::AuditTrailVerification result = Verify();
  EXPECT_FALSE(result.intact());
  EXPECT_EQ(result.first_broken_sequence(), tampering().broken_at)
      << result.reason();
  EXPECT_THAT(result.reason(), HasSubstr(tampering().reason));
}

INSTANTIATE_TEST_SUITE_P(
    Tamperings, AuditTrailTamperingTest,
    ::testing::Combine(
        ::testing::ValuesIn(testing::AllBackends()),
        ::testing::Values(
            Tampering{"EditedActor",
                      "UPDATE audit_events SET actor = 'ipa:ipa/mallory' WHERE "
                      "sequence = 3",
                      3, "event 3 was altered"},
            Tampering{
                "EditedStateHash",
                "UPDATE audit_events SET after_sha256 = 'x' WHERE sequence = 1",
                1, "event 1 was altered"},
            Tampering{"DeletedInTheMiddle",
                      "DELETE FROM audit_events WHERE sequence = 4", 4,
                      "event 4 is missing"},
            Tampering{"DeletedTheLast",
                      absl::StrCat("DELETE FROM audit_events WHERE sequence = ",
                                   kEvents),
                      kEvents, "missing"},
            Tampering{
                "DeletedTheLastAndTheHeadRewound",
                absl::StrCat("DELETE FROM audit_events WHERE sequence = ",
                             kEvents,
                             "; UPDATE audit_chain_head SET last_sequence = ",
                             kEvents - 1),
                kEvents - 1, "not the last event the chain head recorded"},
            Tampering{
                "Reordered",
                "UPDATE audit_events SET sequence = -2 WHERE sequence = 2;"
                "UPDATE audit_events SET sequence = 2 WHERE sequence = 3;"
                "UPDATE audit_events SET sequence = 3 WHERE sequence = -2;",
                2, "event 2 does not follow event 1"},
            Tampering{
                "HashSwappedForAnotherEvents",
                "UPDATE audit_events SET hash = (SELECT hash FROM audit_events "
                "WHERE sequence = 5) WHERE sequence = 2",
                2, "event 2 was altered"})),
    [](const ::testing::TestParamInfo<std::tuple<testing::Backend, Tampering>>&
           param_info) {
      return absl::StrCat(
          std::get<1>(param_info.param).name, "_",
          testing::BackendName({std::get<0>(param_info.param), 0}));
    });

}  // namespace
}  // namespace ismap::liu
