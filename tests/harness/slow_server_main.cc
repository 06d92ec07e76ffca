// slow-server: the server runtime of services/common hosting only
// SlowService, with the same signal handling as liu-server. Tests run it as a
// child process to send it real signals.
//
//   slow-server <data_dir>   (listens on 127.0.0.1:0, prints the port)
#include <cstdlib>
#include <iostream>

#include "services/common/api_server.h"
#include "services/common/bounded_executor.h"
#include "services/common/identity/dev_signing_key.h"
#include "services/common/shutdown_signal.h"
#include "services/common/unary_call.h"
#include "tests/harness/slow_service.h"

namespace ismap::liu::testing {
namespace {

int Run(const std::string& data_dir) {
  BlockShutdownSignals();
  absl::StatusOr<DevSigningKey> key = LoadOrCreateDevSigningKey(data_dir);
  if (!key.ok()) return EXIT_FAILURE;
  JwtAuthenticator authenticator(*JwtKeySet::FromJwks(key->jwks),
                                 {kDevTokenIssuer, kTokenAudience});
  const AccessPolicyTable policy = SlowServicePolicy();
  BoundedExecutor executor(2, 16);
  UnaryCallRunner runner(&authenticator, &policy, &executor, {});
  SlowServiceImpl service(&runner);
  ApiServerOptions options;
  options.listen_address = "127.0.0.1:0";
  options.plaintext = true;
  options.shutdown_grace = absl::Seconds(20);
  absl::StatusOr<std::unique_ptr<ApiServer>> server =
      ApiServer::Start(options, {{&service, SlowService::service_full_name()}});
  if (!server.ok()) return EXIT_FAILURE;
  std::cout << "port " << (*server)->port() << std::endl;
  WaitForShutdownSignal();
  std::cout << "shutting down" << std::endl;
  (*server)->Shutdown();
  executor.Shutdown();
  std::cout << "stopped" << std::endl;
  return EXIT_SUCCESS;
}

}  // namespace
}  // namespace ismap::liu::testing

int main(int argc, char** argv) {
  if (argc != 2) return EXIT_FAILURE;
  return ismap::liu::testing::Run(argv[1]);
}
