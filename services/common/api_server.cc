// Building, starting and stopping the gRPC server.
#include "services/common/api_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include "absl/strings/str_cat.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/health_check_service_interface.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server_builder.h"
#include "services/common/file_contents.h"
#include "services/common/status_macros.h"

namespace ismap::liu {

bool IsLoopbackAddress(absl::string_view address) {
  const size_t colon = address.rfind(':');
  if (colon == absl::string_view::npos) return false;
  std::string host(address.substr(0, colon));
  if (host == "localhost") return true;
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    in6_addr ipv6;
    return inet_pton(AF_INET6, host.substr(1, host.size() - 2).c_str(),
                     &ipv6) == 1 &&
           IN6_IS_ADDR_LOOPBACK(&ipv6);
  }
  in_addr ipv4;
  return inet_pton(AF_INET, host.c_str(), &ipv4) == 1 &&
         (ntohl(ipv4.s_addr) >> 24) == 127;
}

namespace {

absl::StatusOr<std::string> ReadPem(const std::string& path) {
  absl::StatusOr<std::string> content = ReadFileContents(path);
  if (!content.ok() || content->empty()) {
    return absl::FailedPreconditionError(absl::StrCat("cannot read ", path));
  }
  return content;
}

absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> ServerCredentialsFor(
    const ApiServerOptions& options) {
  if (options.plaintext) {
    if (options.tls.has_value()) {
      return absl::InvalidArgumentError("choose TLS or plaintext, not both");
    }
    if (!IsLoopbackAddress(options.listen_address)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "refusing to serve plaintext on non-loopback address ",
          options.listen_address, "; configure TLS or listen on 127.0.0.1"));
    }
    return grpc::InsecureServerCredentials();
  }
  if (!options.tls.has_value()) {
    return absl::InvalidArgumentError(
        "no transport security: configure TLS (certificate and key), or ask "
        "for "
        "plaintext on a loopback address");
  }
  const TlsFiles& files = *options.tls;
  ASSIGN_OR_RETURN(const std::string chain,
                   ReadPem(files.certificate_chain_file));
  ASSIGN_OR_RETURN(const std::string key, ReadPem(files.private_key_file));
  grpc::SslServerCredentialsOptions ssl(
      files.client_ca_file.empty()
          ? GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE
          : GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
  if (!files.client_ca_file.empty()) {
    ASSIGN_OR_RETURN(ssl.pem_root_certs, ReadPem(files.client_ca_file));
  }
  ssl.pem_key_cert_pairs.push_back({key, chain});
  return grpc::SslServerCredentials(ssl);
}

}  // namespace

absl::StatusOr<std::unique_ptr<ApiServer>> ApiServer::Start(
    const ApiServerOptions& options, std::vector<HostedService> services) {
  ASSIGN_OR_RETURN(std::shared_ptr<grpc::ServerCredentials> credentials,
                   ServerCredentialsFor(options));
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();

  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(options.listen_address, credentials, &port);
  // Without this, gRPC sets SO_REUSEPORT and a second server on the same port
  // would silently take half the connections.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  builder.SetMaxReceiveMessageSize(options.max_message_bytes);
  builder.SetMaxSendMessageSize(options.max_message_bytes);
  std::vector<std::string> health_names = {""};
  for (const HostedService& hosted : services) {
    builder.RegisterService(hosted.service);
    health_names.push_back(hosted.health_name);
  }
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr || port == 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot listen on ", options.listen_address));
  }
  grpc::HealthCheckServiceInterface* health = server->GetHealthCheckService();
  for (const std::string& name : health_names) {
    health->SetServingStatus(name, true);
  }
  return std::unique_ptr<ApiServer>(
      new ApiServer(std::move(server), port, options.shutdown_grace));
}

ApiServer::~ApiServer() { Shutdown(); }

std::shared_ptr<grpc::Channel> ApiServer::InProcessChannel() const {
  grpc::ChannelArguments arguments;
  arguments.SetMaxReceiveMessageSize(-1);
  arguments.SetMaxSendMessageSize(-1);
  return server_->InProcessChannel(arguments);
}

void ApiServer::Shutdown() {
  absl::MutexLock lock(&mu_);
  if (shut_down_) return;
  shut_down_ = true;
  // Every status becomes NOT_SERVING, so load balancers stop routing here
  // while calls in flight finish.
  server_->GetHealthCheckService()->Shutdown();
  server_->Shutdown(absl::ToChronoTime(absl::Now() + grace_));
  server_->Wait();
}

}  // namespace ismap::liu
