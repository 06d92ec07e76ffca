// The gRPC server every process of the product runs: it hosts the given
// services with health checking (grpc.health.v1, one status per service and
// "" for the whole server), server reflection, message-size limits, and a
// graceful shutdown that lets in-flight calls finish.
#ifndef ISMAP_LIU_SERVICES_COMMON_API_SERVER_H_
#define ISMAP_LIU_SERVICES_COMMON_API_SERVER_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "grpcpp/channel.h"
#include "grpcpp/server.h"

namespace ismap::liu {

// Transport security of a server: TLS, or mutual TLS when a client CA is
// given. Files are PEM.
struct TlsFiles {
  std::string certificate_chain_file;
  std::string private_key_file;
  // When set, every client must present a certificate this CA signed.
  std::string client_ca_file;
};

struct ApiServerOptions {
  // host:port to listen on; port 0 picks a free port (see ApiServer::port).
  std::string listen_address = "127.0.0.1:50051";
  // TLS (or mutual TLS); when absent, `plaintext` must be asked for.
  std::optional<TlsFiles> tls;
  // Serve without TLS: allowed only on a loopback address (127.0.0.0/8,
  // [::1], localhost) and only when set.
  bool plaintext = false;
  // Largest request or response message, in bytes.
  int max_message_bytes = 4 * 1024 * 1024;
  // How long Shutdown() waits for in-flight calls before cancelling them.
  absl::Duration shutdown_grace = absl::Seconds(30);
};

// A service to host, and the name its health status is reported under
// (its full name, e.g. "ismap.liu.v1.ReviewService").
struct HostedService {
  grpc::Service* service;  // Not owned; must outlive the ApiServer.
  std::string health_name;
};

// Thread-safe.
class ApiServer {
 public:
  // Starts serving `services`, each reported SERVING, as is "".
  // INVALID_ARGUMENT for neither TLS nor plaintext, both, or plaintext on a
  // non-loopback address; FAILED_PRECONDITION if a TLS file cannot be read;
  // UNAVAILABLE if the address cannot be bound (also when another server holds
  // the port).
  static absl::StatusOr<std::unique_ptr<ApiServer>> Start(
      const ApiServerOptions& options, std::vector<HostedService> services);

  // Calls Shutdown().
  ~ApiServer();

  // The port actually bound (useful with port 0).
  int port() const { return port_; }

  // A channel to this server that stays inside the process (no socket, no
  // TLS): how the services of the all-in-one server call each other. Calls
  // still pass every service's checkpoint. Valid until Shutdown().
  std::shared_ptr<grpc::Channel> InProcessChannel() const;

  // Reports every health status NOT_SERVING, stops accepting calls, waits up
  // to the grace period for calls in flight to finish, then cancels the rest.
  // Returns when the server has stopped. Idempotent.
  void Shutdown();

 private:
  ApiServer(std::unique_ptr<grpc::Server> server, int port,
            absl::Duration grace)
      : server_(std::move(server)), port_(port), grace_(grace) {}

  const std::unique_ptr<grpc::Server> server_;
  const int port_;
  const absl::Duration grace_;
  absl::Mutex mu_;
  bool shut_down_ ABSL_GUARDED_BY(mu_) = false;
};

// Whether the host of `address` (host:port) is a numeric loopback address
// (127.0.0.0/8 or [::1]) or the literal name "localhost".
bool IsLoopbackAddress(absl::string_view address);

}  // namespace ismap::liu

#endif  // ISMAP_LIU_SERVICES_COMMON_API_SERVER_H_
