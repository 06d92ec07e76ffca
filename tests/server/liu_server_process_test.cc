// The liu-server binary as a process: it serves until SIGTERM and exits
// cleanly, and a bad rules file stops it at start-up naming file and line.
#include <signal.h>

#include <filesystem>
#include <regex>

#include "absl/strings/str_cat.h"
#include "clients/liuctl/server_probe.h"
#include "gmock/gmock.h"
#include "grpcpp/create_channel.h"
#include "gtest/gtest.h"
#include "services/server/liu_server.h"
#include "tests/harness/subprocess.h"
#include "tests/harness/temp_dir.h"
#include "tests/harness/test_server.h"

namespace ismap::liu {
namespace {

using ::testing::HasSubstr;

TEST(LiuServerProcessTest, ServesEveryServiceAndStopsCleanlyOnSigterm) {
  testing::TempDir dir;
  testing::Subprocess server(
      {LIU_SERVER_BINARY, "--listen=127.0.0.1:0", "--data_dir=" + dir.Join("data"),
       "--rules_dir=" + testing::SourceRulesDir()},
      dir.Join("server.log"));
  ASSERT_TRUE(testing::WaitForOutput(server, "Ctrl-C to stop", absl::Seconds(30)))
      << server.Output();
  std::smatch match;
  const std::string output = server.Output();
  ASSERT_TRUE(std::regex_search(output, match, std::regex("\\(port ([0-9]+)\\)")));
  EXPECT_THAT(output, HasSubstr("liuctl dev-token --key_file="));

  const auto channel = grpc::CreateChannel(absl::StrCat("127.0.0.1:", match[1].str()),
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
      {LIU_SERVER_BINARY, "--listen=127.0.0.1:0", "--data_dir=" + dir.Join("data"),
       "--rules_dir=" + rules.path()},
      dir.Join("server.log"));
  const std::optional<int> code = server.Wait(absl::Seconds(30));
  ASSERT_TRUE(code.has_value()) << "the server started despite a bad rules file";
  EXPECT_NE(*code, 0);
  EXPECT_THAT(server.Output(),
              HasSubstr(rules.Join("review_policy.textproto") + ":3:"));
  EXPECT_FALSE(std::filesystem::exists(dir.Join("data/liu.sqlite3")));
}

TEST(LiuServerProcessTest, LiuctlMintsTokensWithTheServersKey) {
  testing::TempDir dir;
  {
    auto server = testing::TestServer::Start({testing::SourceRulesDir(), dir.path()});
    ASSERT_TRUE(server.ok());
  }
  testing::Subprocess liuctl({LIU_LIUCTL_BINARY, "dev-token", "--role=ministry",
                              "--organisation=mlit",
                              "--key_file=" + dir.Join("dev-signing-key.pem")},
                             dir.Join("token.txt"));
  ASSERT_EQ(liuctl.Wait(absl::Seconds(10)), 0) << liuctl.Output();
  EXPECT_THAT(liuctl.Output(), ::testing::StartsWith("eyJ"));  // A JWT.

  testing::Subprocess refused({LIU_LIUCTL_BINARY, "dev-token", "--role=admin",
                               "--organisation=mlit",
                               "--key_file=" + dir.Join("dev-signing-key.pem")},
                              dir.Join("refused.txt"));
  EXPECT_EQ(refused.Wait(absl::Seconds(10)), 2);
  EXPECT_THAT(refused.Output(), HasSubstr("--role=csp|ministry|ipa"));
}

}  // namespace
}  // namespace ismap::liu
