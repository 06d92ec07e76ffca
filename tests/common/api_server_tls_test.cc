// Transport security: TLS and mutual TLS with the certificates that
// deploy/local/make-certs.sh makes; plaintext only on loopback, only when
// asked for.
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "gtest/gtest.h"
#include "services/common/api_server.h"
#include "services/common/file_contents.h"
#include "services/common/identity/dev_signing_key.h"
#include "tests/harness/slow_service.h"
#include "tests/harness/subprocess.h"
#include "tests/harness/temp_dir.h"

namespace ismap::liu {
namespace {

using testing::SleepRequest;
using testing::SleepResponse;
using testing::SlowService;

// Certificates made once per test by the deployment's own script.
class Certificates {
 public:
  explicit Certificates(const testing::TempDir& dir, const std::string& name)
      : path_(dir.Join(name)) {
    testing::Subprocess script(
        {"/bin/bash", LIU_SOURCE_DIR "/deploy/local/make-certs.sh", path_},
        dir.Join(name + ".log"));
    EXPECT_EQ(script.Wait(absl::Seconds(60)), 0) << script.Output();
  }
  std::string File(const std::string& name) const { return path_ + "/" + name; }
  std::string Read(const std::string& name) const {
    return *ReadFileContents(File(name));
  }

 private:
  std::string path_;
};

class TlsTest : public ::testing::Test {
 protected:
  TlsTest()
      : certificates_(dir_, "tls"),
        key_(*LoadOrCreateDevSigningKey(dir_.path())),
        authenticator_(*JwtKeySet::FromJwks(key_.jwks),
                       {kDevTokenIssuer, kTokenAudience}),
        policy_(testing::SlowServicePolicy()),
        executor_(2, 8),
        runner_(&authenticator_, &policy_, &executor_, {}),
        service_(&runner_) {}

  ~TlsTest() override {
    if (server_ != nullptr) server_->Shutdown();
    executor_.Shutdown();
  }

  absl::Status Start(ApiServerOptions options) {
    options.listen_address = "127.0.0.1:0";
    absl::StatusOr<std::unique_ptr<ApiServer>> server = ApiServer::Start(
        options, {{&service_, SlowService::service_full_name()}});
    if (!server.ok()) return server.status();
    server_ = *std::move(server);
    return absl::OkStatus();
  }

  grpc::StatusCode Call(
      const std::shared_ptr<grpc::ChannelCredentials>& credentials) {
    auto stub = SlowService::NewStub(grpc::CreateChannel(
        absl::StrCat("127.0.0.1:", server_->port()), credentials));
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(10)));
    context.AddMetadata(
        "authorization",
        "Bearer " + *MintDevToken(key_, {Role::kIpa, "ipa", "tester"},
                                  absl::Now(), absl::Hours(1)));
    SleepResponse response;
    return stub->Sleep(&context, SleepRequest(), &response).error_code();
  }

  std::shared_ptr<grpc::ChannelCredentials> Tls(const Certificates& trusted,
                                                const Certificates* client) {
    grpc::SslCredentialsOptions options;
    options.pem_root_certs = trusted.Read("ca.pem");
    if (client != nullptr) {
      options.pem_private_key = client->Read("client.key");
      options.pem_cert_chain = client->Read("client.pem");
    }
    return grpc::SslCredentials(options);
  }

  TlsFiles ServerFiles(bool mutual) const {
    return {certificates_.File("server.pem"), certificates_.File("server.key"),
            mutual ? certificates_.File("ca.pem") : ""};
  }

  testing::TempDir dir_;
  Certificates certificates_;
  DevSigningKey key_;
  JwtAuthenticator authenticator_;
  AccessPolicyTable policy_;
  BoundedExecutor executor_;
  UnaryCallRunner runner_;
  testing::SlowServiceImpl service_;
  std::unique_ptr<ApiServer> server_;
};

TEST_F(TlsTest, TlsServesClientsThatTrustItsCaAndNoPlaintextClient) {
  ApiServerOptions options;
  options.tls = ServerFiles(/*mutual=*/false);
  ASSERT_TRUE(Start(options).ok());
  EXPECT_EQ(Call(Tls(certificates_, nullptr)), grpc::StatusCode::OK);
  EXPECT_EQ(Call(grpc::InsecureChannelCredentials()),
            grpc::StatusCode::UNAVAILABLE);
  const Certificates other(dir_, "other");
  EXPECT_EQ(Call(Tls(other, nullptr)), grpc::StatusCode::UNAVAILABLE);
}

TEST_F(TlsTest, MutualTlsRequiresAClientCertificateFromTheCa) {
  ApiServerOptions options;
  options.tls = ServerFiles(/*mutual=*/true);
  ASSERT_TRUE(Start(options).ok());
  EXPECT_EQ(Call(Tls(certificates_, &certificates_)), grpc::StatusCode::OK);
  EXPECT_EQ(Call(Tls(certificates_, nullptr)), grpc::StatusCode::UNAVAILABLE);
  const Certificates other(dir_, "other");
  EXPECT_EQ(Call(Tls(certificates_, &other)), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(service_.handled(), 1);
}

TEST_F(TlsTest, PlaintextOnlyWhenAskedForAndOnlyOnLoopback) {
  ApiServerOptions neither;
  EXPECT_EQ(Start(neither).code(), absl::StatusCode::kInvalidArgument);
  ApiServerOptions both;
  both.plaintext = true;
  both.tls = ServerFiles(false);
  EXPECT_EQ(Start(both).code(), absl::StatusCode::kInvalidArgument);
  ApiServerOptions missing_file;
  missing_file.tls = TlsFiles{dir_.Join("nope.pem"), dir_.Join("nope.key"), ""};
  EXPECT_EQ(Start(missing_file).code(), absl::StatusCode::kFailedPrecondition);

  ApiServerOptions wide;
  wide.plaintext = true;
  wide.listen_address = "0.0.0.0:0";
  EXPECT_EQ(
      ApiServer::Start(wide, {{&service_, SlowService::service_full_name()}})
          .status()
          .code(),
      absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace ismap::liu
