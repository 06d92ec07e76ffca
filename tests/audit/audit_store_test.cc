// The audit schema's backstop for registration (#8): whatever writes the
// services table, the database itself refuses a second service that is not
// REJECTED for one pre-application, while REJECTED ones may pile up and a
// new live one may follow them; AuditStore reports the refusal as
// ALREADY_EXISTS. On both backends.
#include "services/audit/audit_store.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/time_util.h"
#include "gtest/gtest.h"
#include "services/common/audit_trail/audit_trail.h"
#include "services/common/status_macros.h"
#include "services/common/storage/migrations.h"
#include "tests/harness/test_database.h"

namespace ismap::liu {
namespace {

using storage::Database;
using storage::Transaction;
using ::testing::HasSubstr;

const absl::Time kStart = absl::FromUnixSeconds(1'800'000'000);
constexpr char kPreApplication[] = "preApplications/p-1";

class AuditStoreTest : public ::testing::TestWithParam<testing::Backend> {
 protected:
  void SetUp() override {
    if (!testing::BackendAvailable(GetParam())) {
      GTEST_SKIP() << "PostgreSQL tests need LIU_TEST_DATABASE_URL";
    }
    auto test_database = testing::TestDatabase::Create(GetParam());
    ASSERT_TRUE(test_database.ok()) << test_database.status();
    test_database_ = *std::move(test_database);
    auto database = test_database_->Open();
    ASSERT_TRUE(database.ok()) << database.status();
    database_ = *std::move(database);
    for (const auto& [component, migrations] :
         {std::pair(AuditTrail::kComponent, AuditTrail::Migrations()),
          std::pair(AuditStore::kComponent, AuditStore::Migrations())}) {
      const absl::Status applied =
          storage::ApplyMigrations(*database_, component, migrations, kStart);
      ASSERT_TRUE(applied.ok()) << applied;
    }
  }

  absl::Status Write(const std::function<absl::Status(Transaction&)>& fn) {
    return database_->RunInTransaction(Database::Access::kReadWrite,
                                       absl::InfiniteFuture(), fn);
  }

  // Inserts a service row through the database interface, as any writer of
  // the table could, with none of the store's or the service's checks.
  absl::Status InsertRow(const std::string& id,
                         const std::string& pre_application,
                         v1::CloudService::State state) {
    return Write([&](Transaction& tx) {
      return tx
          .Execute(
              "INSERT INTO audit_services (id, pre_application, csp, state, "
              "registration_us, create_us, body) "
              "VALUES ($1, $2, 'example-saas', $3, $4, $5, $6)",
              {id, pre_application, static_cast<int64_t>(state),
               std::monostate(), absl::ToUnixMicros(kStart),
               storage::Bytes{""}})
          .status();
    });
  }

  // How many rows audit_services and audit_events hold.
  std::pair<int64_t, int64_t> Rows() {
    std::pair<int64_t, int64_t> rows{-1, -1};
    const absl::Status read = database_->RunInTransaction(
        Database::Access::kReadOnly, absl::InfiniteFuture(),
        [&](Transaction& tx) -> absl::Status {
          ASSIGN_OR_RETURN(
              const std::vector<storage::Row> counts,
              tx.Query("SELECT (SELECT COUNT(*) FROM audit_services), "
                       "(SELECT COUNT(*) FROM audit_events)",
                       {}));
          ASSIGN_OR_RETURN(rows.first, counts.at(0).Int(0));
          ASSIGN_OR_RETURN(rows.second, counts.at(0).Int(1));
          return absl::OkStatus();
        });
    EXPECT_TRUE(read.ok()) << read;
    return rows;
  }

  std::unique_ptr<testing::TestDatabase> test_database_;
  std::unique_ptr<Database> database_;
};

INSTANTIATE_TEST_SUITE_P(Backends, AuditStoreTest,
                         ::testing::ValuesIn(testing::AllBackends()),
                         testing::BackendName);

TEST_P(AuditStoreTest, DatabaseRefusesASecondLiveServiceForOnePreApplication) {
  ASSERT_TRUE(
      InsertRow("s-1", kPreApplication, v1::CloudService::STATE_HELD).ok());
  for (const v1::CloudService::State state :
       {v1::CloudService::STATE_REGISTERED, v1::CloudService::STATE_HELD,
        v1::CloudService::STATE_SUSPENDED}) {
    EXPECT_EQ(InsertRow("s-2", kPreApplication, state).code(),
              absl::StatusCode::kAlreadyExists)
        << v1::CloudService::State_Name(state);
  }
  // Another pre-application is another matter.
  EXPECT_TRUE(InsertRow("s-3", "preApplications/p-2",
                        v1::CloudService::STATE_REGISTERED)
                  .ok());
  EXPECT_EQ(Rows().first, 2);
}

TEST_P(AuditStoreTest, DatabaseAllowsOneLiveServiceAfterRejectedOnes) {
  ASSERT_TRUE(
      InsertRow("s-1", kPreApplication, v1::CloudService::STATE_REJECTED).ok());
  ASSERT_TRUE(
      InsertRow("s-2", kPreApplication, v1::CloudService::STATE_REJECTED).ok());
  EXPECT_TRUE(
      InsertRow("s-3", kPreApplication, v1::CloudService::STATE_REGISTERED)
          .ok());
  // Rejected ones may still follow the live one...
  EXPECT_TRUE(
      InsertRow("s-4", kPreApplication, v1::CloudService::STATE_REJECTED).ok());
  // ...but none of them comes back to life beside it.
  EXPECT_EQ(Write([](Transaction& tx) {
              return tx
                  .Execute("UPDATE audit_services SET state = $1 WHERE id = $2",
                           {int64_t{v1::CloudService::STATE_HELD}, "s-1"})
                  .status();
            }).code(),
            absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(Rows().first, 4);
}

TEST_P(AuditStoreTest, StoreReportsTheRefusalAsAlreadyExistsAndKeepsNothing) {
  const auto insert = [&](const std::string& id,
                          v1::CloudService::State state) {
    v1::CloudService service;
    service.set_name(absl::StrCat("services/", id));
    service.set_pre_application(kPreApplication);
    service.set_csp("example-saas");
    service.set_state(state);
    *service.mutable_create_time() =
        google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(
            absl::ToUnixMicros(kStart));
    return Write([&](Transaction& tx) {
      return AuditStore::InsertService(
          tx, service, {"ipa:ipa/tester", "RegisterService", kStart});
    });
  };
  ASSERT_TRUE(insert("s-1", v1::CloudService::STATE_REJECTED).ok());
  ASSERT_TRUE(insert("s-2", v1::CloudService::STATE_REGISTERED).ok());
  const auto rows = Rows();

  const absl::Status refused = insert("s-3", v1::CloudService::STATE_HELD);
  EXPECT_EQ(refused.code(), absl::StatusCode::kAlreadyExists) << refused;
  EXPECT_THAT(refused.message(),
              HasSubstr(absl::StrCat("a service that is not REJECTED already "
                                     "exists for ",
                                     kPreApplication)));
  EXPECT_EQ(insert("s-1", v1::CloudService::STATE_REJECTED).code(),
            absl::StatusCode::kAlreadyExists);
  // Neither a row nor an audit-trail event of the refused inserts remains.
  EXPECT_EQ(Rows(), rows);
}

}  // namespace
}  // namespace ismap::liu
