// The in-process test server.
#include "tests/harness/test_server.h"

#include <filesystem>

#include "absl/strings/str_cat.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "gtest/gtest.h"
#include "services/common/identity/dev_signing_key.h"
#include "services/common/status_macros.h"

namespace ismap::liu::testing {

std::string SourceRulesDir() { return LIU_SOURCE_DIR "/rules"; }

void CopySourceRules(const TempDir& into) {
  for (const auto& entry :
       std::filesystem::directory_iterator(SourceRulesDir())) {
    std::filesystem::copy(entry.path(),
                          into.Join(entry.path().filename().string()));
  }
}

absl::StatusOr<std::unique_ptr<TestServer>> TestServer::Start(Options options) {
  std::unique_ptr<TestServer> test_server(new TestServer());
  test_server->options_ = std::move(options);
  if (test_server->options_.data_dir.empty()) {
    test_server->owned_data_dir_ = std::make_unique<TempDir>();
    test_server->data_dir_ = test_server->owned_data_dir_->path();
  } else {
    test_server->data_dir_ = test_server->options_.data_dir;
  }
  RETURN_IF_ERROR(test_server->StartServer());
  return test_server;
}

absl::Status TestServer::StartServer() {
  LiuServerOptions options;
  options.data_dir = data_dir_;
  options.rules_dir = options_.rules_dir;
  options.api.listen_address = "127.0.0.1:0";
  options.api.plaintext = true;
  options.api.shutdown_grace = absl::Seconds(5);
  options.worker_threads = 4;
  ASSIGN_OR_RETURN(server_, LiuServer::Start(options));
  channel_ = grpc::CreateChannel(absl::StrCat("127.0.0.1:", server_->port()),
                                 grpc::InsecureChannelCredentials());
  return absl::OkStatus();
}

void TestServer::Stop() {
  if (server_ != nullptr) server_->Shutdown();
  server_.reset();
}

absl::Status TestServer::Restart() {
  Stop();
  return StartServer();
}

std::string TestServer::Token(Role role, const std::string& organisation,
                              const std::string& subject) const {
  absl::StatusOr<DevSigningKey> key =
      LoadDevSigningKey(server_->dev_signing_key_path());
  absl::StatusOr<std::string> token =
      key.ok() ? MintDevToken(*key, Caller{role, organisation, subject},
                              absl::Now(), absl::Hours(1))
               : key.status();
  if (!token.ok()) {
    // A test that expects a refusal must not pass because no token was sent.
    ADD_FAILURE() << "cannot mint a token for " << organisation << ": "
                  << token.status();
    return "unmintable-token";
  }
  return *token;
}

std::unique_ptr<grpc::ClientContext> TestServer::Context(
    const std::string& token) {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(10)));
  if (!token.empty()) context->AddMetadata("authorization", "Bearer " + token);
  return context;
}

}  // namespace ismap::liu::testing
