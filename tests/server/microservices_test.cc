// The microservice layout: each component in a server of its own (impact,
// eligibility with review, audit), each with its own database, calling each
// other over mutual TLS with certificates from deploy/local/make-certs.sh and
// tokens of one issuer. The story runs across the three: a CSP files at
// eligibility, a ministry assesses at impact (which asks eligibility over
// TLS), eligibility follows impact's feed over TLS and judges, IPA registers
// at audit (which asks eligibility over TLS). Eligibility also runs as two
// replicas that impact and audit reach through one list of addresses.
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "gtest/gtest.h"
#include "ismap/liu/v1/audit_planning.grpc.pb.h"
#include "ismap/liu/v1/eligibility.grpc.pb.h"
#include "ismap/liu/v1/impact_assessment.grpc.pb.h"
#include "services/common/file_contents.h"
#include "services/common/identity/dev_signing_key.h"
#include "services/server/liu_server.h"
#include "tests/eligibility/eligibility_testing.h"
#include "tests/harness/assessment_builder.h"
#include "tests/harness/temp_dir.h"
#include "tests/harness/test_database.h"
#include "tests/harness/test_server.h"

namespace ismap::liu {
namespace {

using testing::Business;
using ::testing::HasSubstr;
using testing::PreApplication;
using testing::ProfilesMeetingEachItem;
using testing::TempDir;
using testing::ViolatedFields;

// A loopback port nobody listens on now.
int FreePort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address));
  socklen_t length = sizeof(address);
  getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  close(fd);
  return ntohs(address.sin_port);
}

class MicroservicesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(
        std::system(absl::StrCat(LIU_SOURCE_DIR, "/deploy/local/make-certs.sh ",
                                 certs_.path(), " >/dev/null")
                        .c_str()),
        0);
    absl::StatusOr<DevSigningKey> key = LoadOrCreateDevSigningKey(keys_.path());
    ASSERT_TRUE(key.ok()) << key.status();
    key_ = *std::move(key);
    keys_.WriteFile("service-token", Token(Role::kIpa, "ipa", "liu-services"));
    for (int& port : ports_) port = FreePort();
  }

  std::string Token(Role role, const std::string& organisation,
                    const std::string& subject = "tester") {
    return *MintDevToken(key_, Caller{role, organisation, subject}, absl::Now(),
                         absl::Hours(1));
  }

  // By address, not by name: the certificate names 127.0.0.1 too, and a
  // name would go through the resolver library, whose allocations LSan
  // reports at exit.
  std::string Target(int index) const {
    return absl::StrCat("127.0.0.1:", ports_[index]);
  }

  // Options of the process hosting `component` (index 0 impact, 1
  // eligibility, 2 audit).
  LiuServerOptions Options(int index, const std::string& component) {
    LiuServerOptions options;
    options.data_dir = data_[index].path();
    // The backend under test: each component's own database.
    const absl::StatusOr<std::string> database_url =
        testing::DatabaseUrlFor(options.data_dir);
    EXPECT_TRUE(database_url.ok()) << database_url.status();
    options.database_url = database_url.value_or("");
    options.rules_dir = testing::SourceRulesDir();
    options.jwks_file = keys_.Join(kDevJwksFile);
    options.token_issuer = kDevTokenIssuer;
    options.service_token_file = keys_.Join("service-token");
    options.components = {component};
    options.impact_target = Target(0);
    options.eligibility_target = Target(1);
    options.peer_tls = {certs_.Join("ca.pem"), certs_.Join("client.pem"),
                        certs_.Join("client.key")};
    options.api.listen_address = absl::StrCat("127.0.0.1:", ports_[index]);
    options.api.tls =
        TlsFiles{certs_.Join("server.pem"), certs_.Join("server.key"),
                 certs_.Join("ca.pem")};
    options.api.shutdown_grace = absl::Seconds(1);
    options.worker_threads = 2;
    return options;
  }

  // A mutual-TLS client channel to process `index`.
  std::shared_ptr<grpc::Channel> Channel(int index, bool with_certificate) {
    grpc::SslCredentialsOptions tls;
    tls.pem_root_certs = *ReadFileContents(certs_.Join("ca.pem"));
    if (with_certificate) {
      tls.pem_cert_chain = *ReadFileContents(certs_.Join("client.pem"));
      tls.pem_private_key = *ReadFileContents(certs_.Join("client.key"));
    }
    return grpc::CreateChannel(Target(index), grpc::SslCredentials(tls));
  }

  std::unique_ptr<grpc::ClientContext> As(const std::string& token) {
    return testing::TestServer::Context(token);
  }

  // The story's steps, each over mutual TLS to process `index`.

  // A CSP files a pre-application whose one business (cards, item 3) MLIT
  // uses.
  v1::PreApplication FileCards(int index) {
    auto stub = v1::EligibilityService::NewStub(Channel(index, true));
    v1::CreatePreApplicationRequest create;
    *create.mutable_pre_application() = PreApplication(
        {Business("cards", ProfilesMeetingEachItem()[2], {"mlit"})});
    v1::PreApplication pre;
    const grpc::Status filed = stub->CreatePreApplication(
        As(Token(Role::kCsp, "example-saas")).get(), create, &pre);
    EXPECT_TRUE(filed.ok()) << filed.error_message();
    return pre;
  }

  // MLIT assesses that business LOW (impact asks eligibility whether the
  // pre-application names MLIT).
  void AssessCardsAsMlit(int index, const v1::PreApplication& pre) {
    auto stub = v1::ImpactAssessmentService::NewStub(Channel(index, true));
    v1::CreateImpactAssessmentRequest assess;
    *assess.mutable_impact_assessment() =
        testing::LowAssessment({"business_card_information"});
    v1::BusinessRef& business =
        *assess.mutable_impact_assessment()->mutable_pre_application_business();
    business.set_pre_application(pre.name());
    business.set_business_id("cards");
    v1::ImpactAssessment assessment;
    const grpc::Status assessed = stub->CreateImpactAssessment(
        As(Token(Role::kMinistry, "mlit")).get(), assess, &assessment);
    EXPECT_TRUE(assessed.ok()) << assessed.error_message();
  }

  // `pre` as eligibility (process `index`) judges it once ELIGIBLE, or as
  // last read after 20 s.
  v1::PreApplication WaitUntilEligible(int index, v1::PreApplication pre) {
    auto stub = v1::EligibilityService::NewStub(Channel(index, true));
    const absl::Time deadline = absl::Now() + absl::Seconds(20);
    while (absl::Now() < deadline && pre.judgement().overall_outcome() !=
                                         v1::ELIGIBILITY_OUTCOME_ELIGIBLE) {
      absl::SleepFor(absl::Milliseconds(50));
      v1::GetPreApplicationRequest get;
      get.set_name(pre.name());
      const grpc::Status read = stub->GetPreApplication(
          As(Token(Role::kCsp, "example-saas")).get(), get, &pre);
      EXPECT_TRUE(read.ok()) << read.error_message();
    }
    return pre;
  }

  // IPA registers the service of `pre` at audit (process 2), which asks
  // eligibility whether it is ELIGIBLE.
  grpc::Status Register(const v1::PreApplication& pre,
                        const std::string& request_id,
                        v1::CloudService* service) {
    auto stub = v1::AuditPlanningService::NewStub(Channel(2, true));
    v1::RegisterServiceRequest request;
    request.set_pre_application(pre.name());
    request.set_request_id(request_id);
    request.set_reason("外部監査の結果を確認した");
    v1::ObjectiveExclusion* exclusion =
        request.mutable_statement_scope()->add_excluded_objectives();
    exclusion->set_objective_id("14.2.7");
    exclusion->set_reason("外部委託による開発を行わない");
    return stub->RegisterService(As(Token(Role::kIpa, "ipa")).get(), request,
                                 service);
  }

  TempDir certs_;
  TempDir keys_;
  TempDir data_[3];
  DevSigningKey key_;
  // The last is a second eligibility replica's (EligibilityReplicas...).
  int ports_[4] = {0, 0, 0, 0};
};

TEST_F(MicroservicesTest, TheStoryRunsAcrossThreeServersOverMutualTls) {
  auto impact = LiuServer::Start(Options(0, kImpactComponent));
  ASSERT_TRUE(impact.ok()) << impact.status();
  auto eligibility = LiuServer::Start(Options(1, kEligibilityComponent));
  ASSERT_TRUE(eligibility.ok()) << eligibility.status();
  auto audit = LiuServer::Start(Options(2, kAuditComponent));
  ASSERT_TRUE(audit.ok()) << audit.status();
  EXPECT_THAT((*impact)->hosted_services(),
              ::testing::Contains("ismap.liu.v1.ImpactAssessmentService"));
  EXPECT_THAT(
      (*impact)->hosted_services(),
      ::testing::Not(::testing::Contains("ismap.liu.v1.EligibilityService")));

  // A CSP files at eligibility; MLIT assesses at impact; eligibility
  // follows impact's feed and judges.
  const v1::PreApplication filed = FileCards(1);
  AssessCardsAsMlit(0, filed);
  const v1::PreApplication pre = WaitUntilEligible(1, filed);
  ASSERT_EQ(pre.judgement().overall_outcome(),
            v1::ELIGIBILITY_OUTCOME_ELIGIBLE);

  v1::CloudService service;
  const grpc::Status registered = Register(pre, "register-over-tls", &service);
  ASSERT_TRUE(registered.ok()) << registered.error_message();
  EXPECT_EQ(service.state(), v1::CloudService::STATE_REGISTERED);

  // Without a client certificate no call reaches any of them.
  auto uncertified = v1::EligibilityService::NewStub(Channel(1, false));
  v1::GetPreApplicationRequest get;
  get.set_name(pre.name());
  v1::PreApplication out;
  EXPECT_EQ(
      uncertified
          ->GetPreApplication(As(Token(Role::kIpa, "ipa")).get(), get, &out)
          .error_code(),
      grpc::StatusCode::UNAVAILABLE);
}

TEST_F(MicroservicesTest, EligibilityReplicasBehindOneTargetServeTheStory) {
  // Two eligibility replicas on one database, reached by impact and audit
  // through the list of both, over mutual TLS.
  const std::string replicas =
      absl::StrCat(Target(1), ",127.0.0.1:", ports_[3]);
  LiuServerOptions impact_options = Options(0, kImpactComponent);
  impact_options.eligibility_target = replicas;
  auto impact = LiuServer::Start(impact_options);
  ASSERT_TRUE(impact.ok()) << impact.status();
  auto first = LiuServer::Start(Options(1, kEligibilityComponent));
  ASSERT_TRUE(first.ok()) << first.status();
  LiuServerOptions second_options = Options(1, kEligibilityComponent);
  second_options.api.listen_address = absl::StrCat("127.0.0.1:", ports_[3]);
  auto second = LiuServer::Start(second_options);
  ASSERT_TRUE(second.ok()) << second.status();
  LiuServerOptions audit_options = Options(2, kAuditComponent);
  audit_options.eligibility_target = replicas;
  auto audit = LiuServer::Start(audit_options);
  ASSERT_TRUE(audit.ok()) << audit.status();

  const v1::PreApplication filed = FileCards(1);
  AssessCardsAsMlit(0, filed);

  // Both replicas follow impact's feed; the second answers for the
  // judgement they share.
  const v1::PreApplication pre = WaitUntilEligible(3, filed);
  ASSERT_EQ(pre.judgement().overall_outcome(),
            v1::ELIGIBILITY_OUTCOME_ELIGIBLE);

  // With the first replica gone, audit still reaches eligibility (the
  // other replica) to register the pre-application's service.
  (*first)->Shutdown();
  v1::CloudService service;
  const grpc::Status registered =
      Register(pre, "register-through-a-replica", &service);
  ASSERT_TRUE(registered.ok()) << registered.error_message();
  EXPECT_EQ(service.state(), v1::CloudService::STATE_REGISTERED);
}

TEST_F(MicroservicesTest, ABadReplicaListIsRefusedNamingTheFlag) {
  LiuServerOptions options = Options(2, kAuditComponent);
  options.eligibility_target = absl::StrCat(Target(1), ",,", Target(0));
  auto refused = LiuServer::Start(options);
  ASSERT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(refused.status().message(), HasSubstr("eligibility_target"));
  EXPECT_THAT(refused.status().message(), HasSubstr("an empty entry"));

  // Plaintext only when every replica is on loopback.
  options.peer_tls = {};
  options.api.tls.reset();
  options.api.plaintext = true;
  options.eligibility_target = absl::StrCat(Target(1), ",192.0.2.1:50051");
  refused = LiuServer::Start(options);
  ASSERT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(refused.status().message(), HasSubstr("plaintext only"));
}

TEST_F(MicroservicesTest, PeersOffLoopbackAreReachedOnlyOverTls) {
  LiuServerOptions options = Options(0, kImpactComponent);
  options.peer_tls = {};
  options.eligibility_target = "eligibility.example:50051";
  auto refused = LiuServer::Start(options);
  ASSERT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(refused.status().message(), HasSubstr("eligibility_target"));

  options = Options(1, kEligibilityComponent);
  options.impact_target.clear();
  refused = LiuServer::Start(options);
  ASSERT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(refused.status().message(), HasSubstr("impact_target"));

  options.components = {"billing"};
  refused = LiuServer::Start(options);
  EXPECT_THAT(refused.status().message(), HasSubstr("unknown component"));
}

}  // namespace
}  // namespace ismap::liu
