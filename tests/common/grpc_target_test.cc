// Replica lists as gRPC targets: which lists are accepted and what they
// become, and, with real servers on loopback ports over TLS that checks each
// one's certificate, that a peer channel made that way spreads its calls
// over every replica and keeps working when one of them stops.
#include "services/common/grpc_target.h"

#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "gtest/gtest.h"
#include "services/common/api_server.h"
#include "services/common/bounded_executor.h"
#include "services/common/file_contents.h"
#include "services/common/identity/dev_signing_key.h"
#include "services/common/identity/jwt.h"
#include "services/common/peer/peer_channel.h"
#include "services/common/peer/service_credentials.h"
#include "services/common/unary_call.h"
#include "tests/harness/slow_service.h"
#include "tests/harness/temp_dir.h"

namespace ismap::liu {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::SleepRequest;
using testing::SleepResponse;
using testing::SlowService;

TEST(ReplicaTargetTest, OneAddressStaysAsItIs) {
  for (const char* address :
       {"127.0.0.1:5001", "[::1]:5001", "localhost:5001",
        "liu-eligibility.ismap-liu.svc:50051", "[2001:db8::1]:443"}) {
    EXPECT_EQ(*ReplicaTarget(address), address);
  }
  EXPECT_EQ(*ReplicaTarget(" 127.0.0.1:5001 "), "127.0.0.1:5001");
}

TEST(ReplicaTargetTest, ListsOfOneFamilyBecomeAnAddressTarget) {
  EXPECT_EQ(*ReplicaTarget("127.0.0.1:5001,127.0.0.2:5002"),
            "ipv4:127.0.0.1:5001,127.0.0.2:5002");
  EXPECT_EQ(*ReplicaTarget("10.0.0.1:50051, 10.0.0.2:50051, 10.0.0.3:50051"),
            "ipv4:10.0.0.1:50051,10.0.0.2:50051,10.0.0.3:50051");
  EXPECT_EQ(*ReplicaTarget("[::1]:5001,[2001:db8::2]:5002"),
            "ipv6:[::1]:5001,[2001:db8::2]:5002");
  EXPECT_THAT(*ReplicaAddresses(" 127.0.0.1:5001 ,127.0.0.1:5002"),
              ElementsAre("127.0.0.1:5001", "127.0.0.1:5002"));
}

TEST(ReplicaTargetTest, MalformedListsAreRefusedNamingTheEntry) {
  struct Case {
    const char* addresses;
    const char* entry;
    const char* why;
  };
  for (const Case& bad : {
           Case{"", "\"\"", "empty"},
           Case{"127.0.0.1:5001,", "\"\"", "empty"},
           Case{"127.0.0.1:5001,,127.0.0.1:5002", "\"\"", "empty"},
           Case{"127.0.0.1", "\"127.0.0.1\"", "not host:port"},
           Case{"127.0.0.1:5001,127.0.0.1", "\"127.0.0.1\"", "host:port"},
           Case{"127.0.0.1:0", "\"127.0.0.1:0\"", "port"},
           Case{"127.0.0.1:65536", "\"127.0.0.1:65536\"", "port"},
           Case{"127.0.0.1:+80", "\"127.0.0.1:+80\"", "port"},
           Case{"127.0.0.1:http", "\"127.0.0.1:http\"", "port"},
           Case{"::1:5001", "\"::1:5001\"", "brackets"},
           Case{"[::g]:5001", "\"[::g]:5001\"", "IPv6"},
           Case{"-bad-.example:1", "\"-bad-.example:1\"", "DNS name"},
           Case{"a b:1", "\"a b:1\"", "DNS name"},
           Case{"127.0.0.1:5001,[::1]:5002", "\"[::1]:5002\"", "IPv4 or all"},
           Case{"[::1]:5001,127.0.0.1:5002", "\"127.0.0.1:5002\"", "IPv4 or"},
           Case{"127.0.0.1:5001,eligibility.example:5002",
                "\"eligibility.example:5002\"", "single name"},
           Case{"a.example:1,b.example:1", "\"a.example:1\"", "single name"},
       }) {
    const absl::StatusOr<std::string> target = ReplicaTarget(bad.addresses);
    ASSERT_EQ(target.status().code(), absl::StatusCode::kInvalidArgument)
        << bad.addresses;
    EXPECT_THAT(target.status().message(), HasSubstr(bad.entry))
        << bad.addresses;
    EXPECT_THAT(target.status().message(), HasSubstr(bad.why)) << bad.addresses;
  }
}

// The string argument `key` of `arguments`, or "" if unset.
std::string StringArgument(const grpc::ChannelArguments& arguments,
                           absl::string_view key) {
  const grpc_channel_args args = arguments.c_channel_args();
  for (size_t i = 0; i < args.num_args; ++i) {
    if (key == args.args[i].key && args.args[i].type == GRPC_ARG_STRING) {
      return args.args[i].value.string;
    }
  }
  return "";
}

TEST(ReplicaTargetTest, RoundRobinAndTheFirstAddressAsAuthority) {
  grpc::ChannelArguments arguments;
  UseRoundRobin(&arguments);
  UseReplicaAuthority("ipv4:127.0.0.1:5001,127.0.0.2:5002", &arguments);
  EXPECT_EQ(StringArgument(arguments, GRPC_ARG_LB_POLICY_NAME), "round_robin");
  EXPECT_EQ(StringArgument(arguments, GRPC_ARG_DEFAULT_AUTHORITY),
            "127.0.0.1:5001");
  grpc::ChannelArguments ipv6;
  UseReplicaAuthority("ipv6:[::1]:5001,[::1]:5002", &ipv6);
  EXPECT_EQ(StringArgument(ipv6, GRPC_ARG_DEFAULT_AUTHORITY), "[::1]:5001");

  grpc::ChannelArguments single;
  UseReplicaAuthority("127.0.0.1:5001", &single);
  EXPECT_EQ(StringArgument(single, GRPC_ARG_DEFAULT_AUTHORITY), "");
}

// kReplicas servers of SlowService on loopback ports, each with a
// certificate from deploy/local/make-certs.sh (naming 127.0.0.1), and a
// peer channel to all of them made from their address list.
class ReplicaChannelTest : public ::testing::Test {
 protected:
  static constexpr int kReplicas = 2;

  struct Replica {
    explicit Replica(const Authenticator* authenticator,
                     const AccessPolicyTable* policy)
        : executor(2, 16),
          runner(authenticator, policy, &executor, {}),
          service(&runner) {}
    ~Replica() {
      if (server != nullptr) server->Shutdown();
      executor.Shutdown();
    }
    BoundedExecutor executor;
    UnaryCallRunner runner;
    testing::SlowServiceImpl service;
    std::unique_ptr<ApiServer> server;
  };

  void SetUp() override {
    ASSERT_EQ(
        std::system(absl::StrCat(LIU_SOURCE_DIR, "/deploy/local/make-certs.sh ",
                                 certs_.path(), " >/dev/null")
                        .c_str()),
        0);
    absl::StatusOr<DevSigningKey> key = LoadOrCreateDevSigningKey(keys_.path());
    ASSERT_TRUE(key.ok()) << key.status();
    absl::StatusOr<JwtKeySet> keys = JwtKeySet::FromJwks(key->jwks);
    ASSERT_TRUE(keys.ok()) << keys.status();
    authenticator_ = std::make_unique<JwtAuthenticator>(
        *std::move(keys), JwtExpectations{kDevTokenIssuer, kTokenAudience});
    credentials_ = MakeDevServiceCredentials(*std::move(key), "test-service");
    peer_ = std::make_unique<PeerChannel>("SlowService", credentials_.get());

    std::string addresses;
    for (int i = 0; i < kReplicas; ++i) {
      replicas_.push_back(
          std::make_unique<Replica>(authenticator_.get(), &policy_));
      ApiServerOptions options;
      options.listen_address = "127.0.0.1:0";
      options.tls = TlsFiles{certs_.Join("server.pem"),
                             certs_.Join("server.key"), certs_.Join("ca.pem")};
      options.shutdown_grace = absl::Seconds(1);
      absl::StatusOr<std::unique_ptr<ApiServer>> server = ApiServer::Start(
          options,
          {{&replicas_.back()->service, SlowService::service_full_name()}});
      ASSERT_TRUE(server.ok()) << server.status();
      replicas_.back()->server = *std::move(server);
      absl::StrAppend(&addresses, i == 0 ? "" : ",",
                      "127.0.0.1:", replicas_.back()->server->port());
    }

    // What the server does with --eligibility_target (liu_server.cc).
    absl::StatusOr<std::string> target = ReplicaTarget(addresses);
    ASSERT_TRUE(target.ok()) << target.status();
    ASSERT_THAT(*target, ::testing::StartsWith("ipv4:"));
    grpc::SslCredentialsOptions tls;
    tls.pem_root_certs = *ReadFileContents(certs_.Join("ca.pem"));
    tls.pem_cert_chain = *ReadFileContents(certs_.Join("client.pem"));
    tls.pem_private_key = *ReadFileContents(certs_.Join("client.key"));
    grpc::ChannelArguments arguments;
    UseRoundRobin(&arguments);
    UseReplicaAuthority(*target, &arguments);
    peer_->Connect(grpc::CreateCustomChannel(*target, grpc::SslCredentials(tls),
                                             arguments));
  }

  // One call through the peer channel.
  grpc::Status Call() {
    absl::StatusOr<PeerChannel::Call> call =
        peer_->Prepare(absl::Now() + absl::Seconds(10));
    if (!call.ok()) {
      return grpc::Status(grpc::StatusCode::INTERNAL,
                          std::string(call.status().message()));
    }
    SleepResponse response;
    return SlowService::NewStub(call->channel)
        ->Sleep(call->context.get(), SleepRequest(), &response);
  }

  int Handled(int replica) const {
    return replicas_[replica]->service.handled();
  }

  testing::TempDir certs_;
  testing::TempDir keys_;
  std::unique_ptr<JwtAuthenticator> authenticator_;
  AccessPolicyTable policy_ = testing::SlowServicePolicy();
  std::unique_ptr<ServiceCredentials> credentials_;
  std::unique_ptr<PeerChannel> peer_;
  std::vector<std::unique_ptr<Replica>> replicas_;
};

TEST_F(ReplicaChannelTest, CallsReachEveryReplicaAndSurviveOneStopping) {
  // The first calls may all go to whichever replica was connected first;
  // once both are, they alternate.
  const absl::Time deadline = absl::Now() + absl::Seconds(20);
  while ((Handled(0) == 0 || Handled(1) == 0) && absl::Now() < deadline) {
    const grpc::Status status = Call();
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  ASSERT_GT(Handled(0), 0);
  ASSERT_GT(Handled(1), 0);
  const int before[kReplicas] = {Handled(0), Handled(1)};
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(Call().ok());
  EXPECT_EQ(Handled(0) - before[0], 5);
  EXPECT_EQ(Handled(1) - before[1], 5);

  replicas_[0]->server->Shutdown();
  const int first = Handled(0);
  for (int i = 0; i < 10; ++i) {
    const grpc::Status status = Call();
    EXPECT_TRUE(status.ok()) << status.error_message();
  }
  EXPECT_EQ(Handled(0), first);
}

}  // namespace
}  // namespace ismap::liu
