// The liu-server binary as a process: it serves until SIGTERM and exits
// cleanly, and a bad rules file stops it at start-up naming file and line.
#include <signal.h>

#include <filesystem>
#include <regex>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "clients/liuctl/server_probe.h"
#include "gmock/gmock.h"
#include "grpcpp/create_channel.h"
#include "gtest/gtest.h"
#include "ismap/liu/v1/audit_trail.grpc.pb.h"
#include "services/server/liu_server.h"
#include "tests/harness/subprocess.h"
#include "tests/harness/temp_dir.h"
#include "tests/harness/test_database.h"
#include "tests/harness/test_server.h"

namespace ismap::liu {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(LiuServerProcessTest, ServesEveryServiceAndStopsCleanlyOnSigterm) {
  testing::TempDir dir;
  testing::Subprocess server({LIU_SERVER_BINARY, "--listen=127.0.0.1:0",
                              "--plaintext", "--data_dir=" + dir.Join("data"),
                              "--rules_dir=" + testing::SourceRulesDir()},
                             dir.Join("server.log"));
  ASSERT_TRUE(
      testing::WaitForOutput(server, "Ctrl-C to stop", absl::Seconds(30)))
      << server.Output();
  std::smatch match;
  const std::string output = server.Output();
  ASSERT_TRUE(
      std::regex_search(output, match, std::regex("\\(port ([0-9]+)\\)")));
  EXPECT_THAT(output, HasSubstr("liuctl dev-token --key_file="));

  const auto channel =
      grpc::CreateChannel(absl::StrCat("127.0.0.1:", match[1].str()),
                          grpc::InsecureChannelCredentials());
  std::vector<std::string> names = LiuServer::ServiceNames();
  names.push_back("");
  for (const std::string& name : names) {
    const auto status = CheckHealth(channel, name, absl::Seconds(10));
    ASSERT_TRUE(status.ok()) << status.status();
    EXPECT_EQ(*status, ServingStatus::kServing) << name;
  }

  server.Signal(SIGTERM);
  EXPECT_EQ(server.Wait(absl::Seconds(30)), 0) << server.Output();
  EXPECT_THAT(server.Output(), HasSubstr("stopped"));
  EXPECT_TRUE(std::filesystem::exists(dir.Join("data/liu.sqlite3")));
}

TEST(LiuServerProcessTest, ABadRulesFileRefusesStartupNamingFileAndLine) {
  testing::TempDir rules;
  testing::CopySourceRules(rules);
  rules.WriteFile("review_policy.textproto",
                  "# proto-message: ismap.liu.v1.ReviewPolicy\n"
                  "processing_period_days: 30\n"
                  "required_distinct_ministries: two\n");
  testing::TempDir dir;
  testing::Subprocess server(
      {LIU_SERVER_BINARY, "--listen=127.0.0.1:0", "--plaintext",
       "--data_dir=" + dir.Join("data"), "--rules_dir=" + rules.path()},
      dir.Join("server.log"));
  const std::optional<int> code = server.Wait(absl::Seconds(30));
  ASSERT_TRUE(code.has_value())
      << "the server started despite a bad rules file";
  EXPECT_NE(*code, 0);
  EXPECT_THAT(server.Output(),
              HasSubstr(rules.Join("review_policy.textproto") + ":3:"));
  EXPECT_FALSE(std::filesystem::exists(dir.Join("data/liu.sqlite3")));
}

TEST(LiuServerProcessTest, ServesFromAPostgresqlDatabaseWithDatabaseUrl) {
  if (testing::TestClusterUrl().empty()) {
    GTEST_SKIP() << "PostgreSQL tests need LIU_TEST_DATABASE_URL";
  }
  auto database =
      testing::ScratchPostgresDatabase::Create(testing::TestClusterUrl());
  ASSERT_TRUE(database.ok()) << database.status();
  testing::TempDir dir;
  testing::Subprocess server({LIU_SERVER_BINARY, "--listen=127.0.0.1:0",
                              "--plaintext", "--data_dir=" + dir.Join("data"),
                              "--rules_dir=" + testing::SourceRulesDir(),
                              "--database_url=" + (*database)->url()},
                             dir.Join("server.log"));
  ASSERT_TRUE(
      testing::WaitForOutput(server, "Ctrl-C to stop", absl::Seconds(30)))
      << server.Output();
  EXPECT_THAT(server.Output(), HasSubstr("database: PostgreSQL"));
  std::smatch match;
  const std::string output = server.Output();
  ASSERT_TRUE(
      std::regex_search(output, match, std::regex("\\(port ([0-9]+)\\)")));
  const auto channel =
      grpc::CreateChannel(absl::StrCat("127.0.0.1:", match[1].str()),
                          grpc::InsecureChannelCredentials());
  const auto status = CheckHealth(channel, "", absl::Seconds(10));
  ASSERT_TRUE(status.ok()) << status.status();
  EXPECT_EQ(*status, ServingStatus::kServing);
  server.Signal(SIGTERM);
  EXPECT_EQ(server.Wait(absl::Seconds(30)), 0) << server.Output();
  EXPECT_FALSE(std::filesystem::exists(dir.Join("data/liu.sqlite3")));
}

TEST(LiuServerProcessTest, AnUnusableDatabaseUrlRefusesStartup) {
  for (const std::string url :
       {"mysql://liu:s3cret-pw@127.0.0.1/liu",
        "postgresql://liu:s3cret-pw@127.0.0.1:1/liu?connect_timeout=5"}) {
    testing::TempDir dir;
    testing::Subprocess server(
        {LIU_SERVER_BINARY, "--listen=127.0.0.1:0", "--plaintext",
         "--data_dir=" + dir.Join("data"),
         "--rules_dir=" + testing::SourceRulesDir(), "--database_url=" + url},
        dir.Join("server.log"));
    const std::optional<int> code = server.Wait(absl::Seconds(30));
    ASSERT_TRUE(code.has_value()) << url;
    EXPECT_NE(*code, 0) << url;
    EXPECT_THAT(server.Output(), HasSubstr("cannot start")) << url;
    EXPECT_THAT(server.Output(), Not(HasSubstr("s3cret-pw"))) << url;
    EXPECT_FALSE(std::filesystem::exists(dir.Join("data/liu.sqlite3")));
  }
}

TEST(LiuServerProcessTest, LiuctlMintsTokensWithTheServersKey) {
  testing::TempDir dir;
  {
    auto server =
        testing::TestServer::Start({testing::SourceRulesDir(), dir.path()});
    ASSERT_TRUE(server.ok());
  }
  testing::Subprocess liuctl(
      {LIU_LIUCTL_BINARY, "dev-token", "--role=ministry", "--organisation=mlit",
       "--key_file=" + dir.Join("dev-signing-key.pem")},
      dir.Join("token.txt"));
  ASSERT_EQ(liuctl.Wait(absl::Seconds(10)), 0) << liuctl.Output();
  EXPECT_THAT(liuctl.Output(), ::testing::StartsWith("eyJ"));  // A JWT.

  testing::Subprocess refused(
      {LIU_LIUCTL_BINARY, "dev-token", "--role=admin", "--organisation=mlit",
       "--key_file=" + dir.Join("dev-signing-key.pem")},
      dir.Join("refused.txt"));
  EXPECT_EQ(refused.Wait(absl::Seconds(10)), 2);
  EXPECT_THAT(refused.Output(), HasSubstr("--role=csp|ministry|ipa"));
}

// Runs `liuctl audit verify` against `port` with `token`; returns its exit
// code and output.
std::pair<int, std::string> LiuctlAuditVerify(const testing::TempDir& dir,
                                              int port,
                                              const std::string& token) {
  testing::Subprocess liuctl(
      {LIU_LIUCTL_BINARY, "audit", "verify",
       absl::StrCat("--server=127.0.0.1:", port), "--token=" + token},
      dir.Join("verify.txt"));
  const std::optional<int> code = liuctl.Wait(absl::Seconds(30));
  return {code.value_or(-1), liuctl.Output()};
}

TEST(LiuServerProcessTest, TheAuditTrailRecordsRuleLoadsAndTamperingIsNamed) {
  testing::TempDir rules;
  testing::CopySourceRules(rules);
  testing::TempDir dir;
  const std::string data_dir = dir.Join("data");
  auto server = testing::TestServer::Start({rules.path(), data_dir});
  ASSERT_TRUE(server.ok()) << server.status();
  // A second rule set: a second event.
  (*server)->Stop();
  rules.WriteFile(
      "review_policy.textproto",
      "# proto-message: ismap.liu.v1.ReviewPolicy\n"
      "processing_period_days: 45\nrequired_distinct_ministries: 2\n");
  server = testing::TestServer::Start({rules.path(), data_dir});
  ASSERT_TRUE(server.ok()) << server.status();

  auto stub = (*server)->Stub<v1::AuditTrailService>();
  const std::string ipa = (*server)->Token(Role::kIpa, "ipa");
  v1::ListAuditEventsResponse events;
  ASSERT_TRUE(stub->ListAuditEvents(testing::TestServer::Context(ipa).get(),
                                    v1::ListAuditEventsRequest(), &events)
                  .ok());
  ASSERT_EQ(events.audit_events_size(), 2);
  EXPECT_EQ(events.audit_events(0).action(), "LoadRuleSet");
  EXPECT_EQ(events.audit_events(0).actor(), "system");
  EXPECT_EQ(events.audit_events(1).resource(),
            "ruleSets/" + (*server)->server().rules().version());

  auto [code, output] = LiuctlAuditVerify(dir, (*server)->port(), ipa);
  EXPECT_EQ(code, 0) << output;
  EXPECT_THAT(output, HasSubstr("intact, 2 events verified"));
  std::tie(code, output) = LiuctlAuditVerify(
      dir, (*server)->port(), (*server)->Token(Role::kMinistry, "mlit"));
  EXPECT_EQ(code, 6) << output;

  // Someone edits the first event in the database while the server is down.
  (*server)->Stop();
  ASSERT_TRUE((*server)
                  ->ExecuteSql("UPDATE audit_events SET actor = "
                               "'ipa:ipa/mallory' WHERE sequence = 1")
                  .ok());
  server = testing::TestServer::Start({rules.path(), data_dir});
  ASSERT_TRUE(server.ok()) << server.status();
  stub = (*server)->Stub<v1::AuditTrailService>();
  v1::AuditTrailVerification verification;
  ASSERT_TRUE(
      stub->VerifyAuditTrail(
              testing::TestServer::Context((*server)->Token(Role::kIpa, "ipa"))
                  .get(),
              v1::VerifyAuditTrailRequest(), &verification)
          .ok());
  EXPECT_FALSE(verification.intact());
  EXPECT_EQ(verification.first_broken_sequence(), 1);
  std::tie(code, output) = LiuctlAuditVerify(
      dir, (*server)->port(), (*server)->Token(Role::kIpa, "ipa"));
  EXPECT_EQ(code, 5) << output;
  EXPECT_THAT(output, HasSubstr("BROKEN at event 1: event 1 was altered"));
}

}  // namespace
}  // namespace ismap::liu
