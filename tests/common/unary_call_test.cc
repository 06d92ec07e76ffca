// The call checkpoint: authentication before any handler, the bounded pool,
// and graceful shutdown of a real server process on SIGTERM.
#include "services/common/unary_call.h"

#include <signal.h>

#include <future>
#include <thread>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "grpcpp/create_channel.h"
#include "gtest/gtest.h"
#include "services/common/api_server.h"
#include "services/common/identity/dev_signing_key.h"
#include "tests/harness/slow_service.h"
#include "tests/harness/subprocess.h"
#include "tests/harness/temp_dir.h"
#include "tests/harness/test_server.h"

namespace ismap::liu {
namespace {

using testing::SleepRequest;
using testing::SleepResponse;
using testing::SlowService;
using testing::SlowServiceImpl;
using testing::TestServer;

// A development key, with its own directory.
struct TestKey {
  testing::TempDir dir;
  DevSigningKey key = *LoadOrCreateDevSigningKey(dir.path());
};

JwtAuthenticator AuthenticatorFor(const DevSigningKey& key) {
  return JwtAuthenticator(*JwtKeySet::FromJwks(key.jwks),
                          {kDevTokenIssuer, kTokenAudience});
}

// A SlowService on a loopback port behind the real runner.
class SlowServer {
 public:
  SlowServer(const DevSigningKey& key, int threads, size_t queue)
      : authenticator_(AuthenticatorFor(key)),
        policy_(testing::SlowServicePolicy()),
        executor_(threads, queue),
        runner_(&authenticator_, &policy_, &executor_, {}),
        service_(&runner_) {
    ApiServerOptions options;
    options.listen_address = "127.0.0.1:0";
    options.plaintext = true;
    server_ = *ApiServer::Start(
        options, {{&service_, SlowService::service_full_name()}});
    port_ = server_->port();
    stub_ = SlowService::NewStub(
        grpc::CreateChannel(absl::StrCat("127.0.0.1:", server_->port()),
                            grpc::InsecureChannelCredentials()));
  }
  int handled() const { return service_.handled(); }
  int port() const { return port_; }

  ~SlowServer() {
    server_->Shutdown();
    executor_.Shutdown();
  }

  grpc::Status Sleep(const std::string& authorization, int milliseconds,
                     SleepResponse* response) {
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(10)));
    if (!authorization.empty())
      context.AddMetadata("authorization", authorization);
    SleepRequest request;
    request.set_milliseconds(milliseconds);
    return stub_->Sleep(&context, request, response);
  }

 private:
  JwtAuthenticator authenticator_;
  AccessPolicyTable policy_;
  BoundedExecutor executor_;
  UnaryCallRunner runner_;
  SlowServiceImpl service_;
  std::unique_ptr<ApiServer> server_;
  int port_ = 0;
  std::unique_ptr<SlowService::Stub> stub_;
};

std::string BearerFor(const DevSigningKey& key, Role role,
                      const std::string& org) {
  return "Bearer " + *MintDevToken(key, Caller{role, org, "tester"},
                                   absl::Now(), absl::Hours(1));
}

TEST(UnaryCallRunnerTest, VerifiedCallerReachesTheHandler) {
  TestKey key;
  SlowServer server(key.key, 2, 4);
  SleepResponse response;
  const grpc::Status status =
      server.Sleep(BearerFor(key.key, Role::kMinistry, "mlit"), 0, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.caller(), "ministry:mlit/tester");
}

TEST(UnaryCallRunnerTest, CallsWithoutAVerifiedTokenNeverReachTheHandler) {
  TestKey key;
  TestKey other_key;
  SlowServer server(key.key, 2, 4);
  for (const std::string& authorization :
       {std::string(), std::string("Basic dXNlcjpwYXNz"),
        std::string("Bearer "), std::string("Bearer not-a-token"),
        BearerFor(other_key.key, Role::kIpa, "ipa")}) {
    SleepResponse response;
    const grpc::Status status = server.Sleep(authorization, 0, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED)
        << "authorization: " << authorization;
  }
  EXPECT_EQ(server.handled(), 0);
}

TEST(UnaryCallRunnerTest, FullQueueAnswersResourceExhausted) {
  TestKey key;
  SlowServer server(key.key, /*threads=*/1, /*queue=*/1);
  const std::string bearer = BearerFor(key.key, Role::kIpa, "ipa");
  // One call occupies the only worker, the next fills the queue ...
  auto busy = std::async(std::launch::async, [&] {
    SleepResponse response;
    return server.Sleep(bearer, 1500, &response).error_code();
  });
  while (server.handled() == 0) absl::SleepFor(absl::Milliseconds(5));
  auto queued = std::async(std::launch::async, [&] {
    SleepResponse response;
    return server.Sleep(bearer, 0, &response).error_code();
  });
  absl::SleepFor(absl::Milliseconds(300));
  // ... so a third is refused at once rather than queued without limit.
  SleepResponse response;
  EXPECT_EQ(server.Sleep(bearer, 0, &response).error_code(),
            grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(busy.get(), grpc::StatusCode::OK);
  EXPECT_EQ(queued.get(), grpc::StatusCode::OK);
  EXPECT_EQ(server.handled(), 2);
}

TEST(ApiServerTest, ASecondServerCannotTakeAPortInUse) {
  TestKey key;
  SlowServer first(key.key, 1, 1);
  JwtAuthenticator authenticator = AuthenticatorFor(key.key);
  const AccessPolicyTable policy = testing::SlowServicePolicy();
  BoundedExecutor executor(1, 1);
  UnaryCallRunner runner(&authenticator, &policy, &executor, {});
  SlowServiceImpl service(&runner);
  ApiServerOptions options;
  options.listen_address = absl::StrCat("127.0.0.1:", first.port());
  options.plaintext = true;
  const auto second =
      ApiServer::Start(options, {{&service, SlowService::service_full_name()}});
  EXPECT_EQ(second.status().code(), absl::StatusCode::kUnavailable);
}

TEST(ApiServerTest, PlaintextOnlyOnNumericLoopbackAddresses) {
  for (const char* address :
       {"127.0.0.1:50051", "127.1.2.3:0", "[::1]:50051", "localhost:50051"}) {
    EXPECT_TRUE(IsLoopbackAddress(address)) << address;
  }
  for (const char* address :
       {"0.0.0.0:50051", "10.0.0.1:50051", "127.attacker.example:50051",
        "[::]:50051", "[::ffff:10.0.0.1]:1", "example.go.jp:443", "127.0.0.1",
        "localhost.example:1", ""}) {
    EXPECT_FALSE(IsLoopbackAddress(address)) << address;
  }
}

TEST(GracefulShutdownTest, SigtermLetsTheCallInFlightFinish) {
  testing::TempDir dir;
  testing::Subprocess process({LIU_SLOW_SERVER_BINARY, dir.path()},
                              dir.Join("output.txt"));
  ASSERT_TRUE(testing::WaitForOutput(process, "\n", absl::Seconds(30)))
      << process.Output();
  int port = 0;
  const std::string output = process.Output();
  ASSERT_TRUE(absl::SimpleAtoi(
      output.substr(output.find("port ") + 5, output.find('\n') - 5), &port))
      << output;
  const DevSigningKey key = *LoadDevSigningKey(dir.Join(kDevSigningKeyFile));
  auto stub = SlowService::NewStub(grpc::CreateChannel(
      absl::StrCat("127.0.0.1:", port), grpc::InsecureChannelCredentials()));

  auto in_flight = std::async(std::launch::async, [&] {
    auto context = TestServer::Context(
        *MintDevToken(key, Caller{Role::kCsp, "example-saas", "tester"},
                      absl::Now(), absl::Hours(1)));
    SleepRequest request;
    request.set_milliseconds(2000);
    SleepResponse response;
    grpc::Status status = stub->Sleep(context.get(), request, &response);
    return std::make_pair(status, response);
  });
  ASSERT_TRUE(
      testing::WaitForOutput(process, "sleep started", absl::Seconds(10)));
  process.Signal(SIGTERM);
  ASSERT_TRUE(
      testing::WaitForOutput(process, "shutting down", absl::Seconds(10)));

  const auto [status, response] = in_flight.get();
  EXPECT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.caller(), "csp:example-saas/tester");
  EXPECT_EQ(process.Wait(absl::Seconds(30)), 0) << process.Output();
  EXPECT_THAT(process.Output(), ::testing::HasSubstr("stopped"));
}

}  // namespace
}  // namespace ismap::liu
