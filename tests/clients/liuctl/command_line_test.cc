// liuctl's parsing of argv: which command, its arguments and options, the
// environment and defaults, and the usage errors that say what to do.
#include "clients/liuctl/command_line.h"

#include <cstdlib>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace ismap::liu::liuctl {
namespace {

using ::testing::HasSubstr;

class CommandLineTest : public ::testing::Test {
 protected:
  CommandLineTest()
      : commands_({{"server", "ADDR", "the server", "LIUCTL_TEST_SERVER",
                    "127.0.0.1:50051"},
                   {"json", "", "JSON output"}}) {
    commands_.Add({.path = "pre-application file",
                   .audience = "CSP",
                   .summary = "file one",
                   .arguments = {"FILE"},
                   .options = {{"request_id", "ID", "idempotency key"}}});
    commands_.Add({.path = "pre-application show",
                   .audience = "CSP",
                   .summary = "show one",
                   .arguments = {"NAME"}});
    commands_.Add({.path = "health", .audience = "anyone", .summary = "h"});
  }
  ~CommandLineTest() override { unsetenv("LIUCTL_TEST_SERVER"); }

  CommandSet commands_;
};

TEST_F(CommandLineTest, FindsTheCommandItsArgumentsAndOptions) {
  const absl::StatusOr<Invocation> invocation = commands_.Parse(
      {"pre-application", "file", "a.yaml", "--request_id=r1", "--json"});
  ASSERT_TRUE(invocation.ok()) << invocation.status();
  ASSERT_NE(invocation->command, nullptr);
  EXPECT_EQ(invocation->command->path, "pre-application file");
  EXPECT_FALSE(invocation->help);
  const ParsedArguments& args = *invocation->arguments;
  EXPECT_EQ(args.positional(0), "a.yaml");
  EXPECT_EQ(args.Get("request_id"), "r1");
  EXPECT_TRUE(args.Has("json"));
  EXPECT_EQ(args.Get("server"), "127.0.0.1:50051");
}

TEST_F(CommandLineTest, AcceptsSeparateValuesDashesAndArgumentsAfterOptions) {
  const absl::StatusOr<Invocation> invocation = commands_.Parse(
      {"pre-application", "file", "--request-id", "r2", "b.json"});
  ASSERT_TRUE(invocation.ok()) << invocation.status();
  EXPECT_EQ(invocation->arguments->Get("request_id"), "r2");
  EXPECT_EQ(invocation->arguments->positional(0), "b.json");
}

TEST_F(CommandLineTest, TakesOptionsFromTheEnvironmentUnlessGiven) {
  setenv("LIUCTL_TEST_SERVER", "10.0.0.1:1", 1);
  absl::StatusOr<Invocation> invocation = commands_.Parse({"health"});
  ASSERT_TRUE(invocation.ok()) << invocation.status();
  EXPECT_EQ(invocation->arguments->Get("server"), "10.0.0.1:1");
  EXPECT_TRUE(invocation->arguments->Has("server"));
  invocation = commands_.Parse({"health", "--server=10.0.0.2:2"});
  ASSERT_TRUE(invocation.ok()) << invocation.status();
  EXPECT_EQ(invocation->arguments->Get("server"), "10.0.0.2:2");
  EXPECT_FALSE(invocation->arguments->Has("json"));
}

TEST_F(CommandLineTest, HelpNeedsNoArguments) {
  absl::StatusOr<Invocation> invocation =
      commands_.Parse({"pre-application", "show", "--help"});
  ASSERT_TRUE(invocation.ok()) << invocation.status();
  EXPECT_TRUE(invocation->help);
  EXPECT_EQ(invocation->command->path, "pre-application show");
  const std::string help = commands_.Help(*invocation->command);
  EXPECT_THAT(help, HasSubstr("Usage: liuctl pre-application show NAME"));
  EXPECT_THAT(help, HasSubstr("--server=ADDR"));
  EXPECT_THAT(help, HasSubstr("[$LIUCTL_TEST_SERVER]"));
  EXPECT_THAT(help, HasSubstr("Exit codes:"));

  for (const std::vector<std::string>& overview :
       {std::vector<std::string>{}, std::vector<std::string>{"--help"}}) {
    invocation = commands_.Parse(overview);
    ASSERT_TRUE(invocation.ok()) << invocation.status();
    EXPECT_EQ(invocation->command, nullptr);
  }
  const std::string text = commands_.Overview();
  EXPECT_THAT(text, HasSubstr("For CSP:\n  liuctl pre-application file FILE"));
  EXPECT_THAT(text, HasSubstr("For anyone:\n  liuctl health"));
}

TEST_F(CommandLineTest, UsageErrorsSayWhatToDo) {
  const struct {
    std::vector<std::string> argv;
    std::string says;
  } cases[] = {
      {{"pre-application", "fly"},
       "did you mean one of:\n  liuctl pre-application file"},
      {{"launch"}, "run liuctl --help for the list of commands"},
      {{"pre-application", "file"},
       "missing arguments; usage: liuctl "
       "pre-application file FILE [options]"},
      {{"pre-application", "show", "a", "b"}, "too many arguments"},
      {{"health", "--colour=red"},
       "unknown option --colour for liuctl health; see liuctl health --help"},
      {{"pre-application", "file", "a.yaml", "--request_id"},
       "--request_id needs a value: --request_id=ID"},
      {{"health", "-x"}, "unknown option \"-x\""},
  };
  for (const auto& c : cases) {
    const absl::StatusOr<Invocation> invocation = commands_.Parse(c.argv);
    ASSERT_FALSE(invocation.ok()) << c.says;
    EXPECT_EQ(invocation.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(invocation.status().message(), HasSubstr(c.says));
  }
}

}  // namespace
}  // namespace ismap::liu::liuctl
