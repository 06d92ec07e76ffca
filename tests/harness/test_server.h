// Starts the real all-in-one server on an ephemeral loopback port with a
// temporary data directory, and gives tests typed clients and tokens.
//
//   auto server = TestServer::Start();
//   auto stub = server->Stub<v1::ReviewService>();
//   auto context = server->Context(server->Token(Role::kIpa, "ipa"));
#ifndef ISMAP_LIU_TESTS_HARNESS_TEST_SERVER_H_
#define ISMAP_LIU_TESTS_HARNESS_TEST_SERVER_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "grpcpp/channel.h"
#include "grpcpp/client_context.h"
#include "services/common/caller.h"
#include "services/server/liu_server.h"
#include "tests/harness/temp_dir.h"

namespace ismap::liu::testing {

// The repository's rules directory.
std::string SourceRulesDir();

// Copies the repository's rules files into `into`, for tests that edit them.
void CopySourceRules(const TempDir& into);

// The fields an INVALID_ARGUMENT status names in its BadRequest details, in
// the order given.
std::vector<std::string> ViolatedFields(const grpc::Status& status);

class TestServer {
 public:
  struct Options {
    // Rules to load; the repository's by default.
    std::string rules_dir = SourceRulesDir();
    // Data directory; a fresh temporary one when empty.
    std::string data_dir;
  };

  // Starts a server; returns its start-up error as is.
  static absl::StatusOr<std::unique_ptr<TestServer>> Start(Options options);
  static absl::StatusOr<std::unique_ptr<TestServer>> Start() {
    return Start(Options());
  }

  // Stops the server gracefully (also done on destruction).
  void Stop();
  // Stops the server and starts it again on the same data directory.
  absl::Status Restart();

  int port() const { return server_->port(); }
  const std::string& data_dir() const { return data_dir_; }
  LiuServer& server() { return *server_; }
  // A channel to the server.
  std::shared_ptr<grpc::Channel> channel() const { return channel_; }

  // A typed client of `Service` over channel().
  template <typename Service>
  std::unique_ptr<typename Service::Stub> Stub() const {
    return Service::NewStub(channel_);
  }

  // A valid development token for the caller, signed with this server's key.
  std::string Token(Role role, const std::string& organisation,
                    const std::string& subject = "tester") const;

  // Every row of every table of the server's database, as text: compare two
  // dumps to show that a refused call changed nothing.
  std::string DumpAllTables() const;

  // A client context with a 10 s deadline and, unless `token` is empty,
  // `authorization: Bearer <token>`.
  static std::unique_ptr<grpc::ClientContext> Context(const std::string& token);

 private:
  TestServer() = default;
  absl::Status StartServer();

  Options options_;
  std::unique_ptr<TempDir> owned_data_dir_;
  std::string data_dir_;
  std::unique_ptr<LiuServer> server_;
  std::shared_ptr<grpc::Channel> channel_;
};

}  // namespace ismap::liu::testing

#endif  // ISMAP_LIU_TESTS_HARNESS_TEST_SERVER_H_
