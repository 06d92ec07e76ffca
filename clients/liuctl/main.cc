// liuctl: the ISMAP-LIU command-line client.
//
//   liuctl dev-token --role=ministry --organisation=mlit [--subject=alice]
//       Prints a development token for a local server, signed with the key in
//       the server's data directory.
//   liuctl health [--server=127.0.0.1:50051]
//       Lists the services the server offers (by reflection) and the health
//       of the server and of each service.
//   liuctl audit verify [--server=...] [--token=... | $LIU_TOKEN]
//       Verifies the server's hash-chained audit trail (IPA).
//
// Exit codes: 0 success; 2 usage error; 3 the key cannot be read; 4 the
// server is unreachable or something is not SERVING; 5 the audit trail is
// broken; 6 the server refused the call.
#include <cstdlib>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/time/clock.h"
#include "clients/liuctl/server_probe.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "ismap/liu/v1/audit_trail.grpc.pb.h"
#include "services/common/caller.h"
#include "services/common/file_contents.h"
#include "services/common/identity/dev_signing_key.h"

ABSL_FLAG(std::string, key_file, ".liu-data/dev-signing-key.pem",
          "development signing key (in the local server's data directory)");
ABSL_FLAG(std::string, role, "", "csp, ministry or ipa");
ABSL_FLAG(std::string, organisation, "",
          "the organisation acted for, e.g. mlit, example-saas, ipa");
ABSL_FLAG(std::string, subject, "dev", "the person or workload, e.g. alice");
ABSL_FLAG(absl::Duration, ttl, absl::Hours(12), "how long the token is valid");
ABSL_FLAG(std::string, server, "127.0.0.1:50051", "the server's host:port");
ABSL_FLAG(std::string, tls_ca, "",
          "PEM CA to verify the server with (TLS); without it, plaintext");
ABSL_FLAG(std::string, tls_cert, "", "PEM client certificate, for mutual TLS");
ABSL_FLAG(std::string, tls_key, "", "PEM client private key, for mutual TLS");
ABSL_FLAG(
    std::string, token, "",
    "bearer token for the call (default: the LIU_TOKEN environment variable)");

namespace {

constexpr int kUsageError = 2;
constexpr int kKeyError = 3;
constexpr int kNotServing = 4;
constexpr int kAuditTrailBroken = 5;
constexpr int kRefused = 6;

constexpr char kUsage[] =
    "liuctl <command> [flags]\n\n"
    "Commands:\n"
    "  dev-token   print a development token for a local server\n"
    "              --role=csp|ministry|ipa --organisation=ID [--subject=ID]\n"
    "              [--key_file=.liu-data/dev-signing-key.pem] [--ttl=12h]\n"
    "  health      list the services of a server and the health of each\n"
    "              [--server=127.0.0.1:50051]\n"
    "  (calls to a server take --tls_ca=ca.pem for TLS, and "
    "--tls_cert/--tls_key\n"
    "   for mutual TLS; without --tls_ca they are plaintext)\n"
    "  audit verify  verify the server's hash-chained audit trail (IPA)\n"
    "              [--server=...] [--token=... or $LIU_TOKEN]\n\n"
    "Exit codes: 0 success, 2 usage error, 3 the key cannot be read,\n"
    "4 the server is unreachable or something is not SERVING,\n"
    "5 the audit trail is broken, 6 the server refused the call.";

int DevToken() {
  absl::StatusOr<ismap::liu::Role> role =
      ismap::liu::ParseRole(absl::GetFlag(FLAGS_role));
  if (!role.ok()) {
    std::cerr << "liuctl dev-token: " << role.status().message()
              << "; pass --role=csp|ministry|ipa\n";
    return kUsageError;
  }
  absl::StatusOr<ismap::liu::DevSigningKey> key =
      ismap::liu::LoadDevSigningKey(absl::GetFlag(FLAGS_key_file));
  if (!key.ok()) {
    std::cerr << "liuctl dev-token: " << key.status().message()
              << "; start the server once (it creates the key) or pass "
                 "--key_file=<data_dir>/dev-signing-key.pem\n";
    return kKeyError;
  }
  const ismap::liu::Caller caller{*role, absl::GetFlag(FLAGS_organisation),
                                  absl::GetFlag(FLAGS_subject)};
  absl::StatusOr<std::string> token = ismap::liu::MintDevToken(
      *key, caller, absl::Now(), absl::GetFlag(FLAGS_ttl));
  if (!token.ok()) {
    std::cerr << "liuctl dev-token: " << token.status().message() << "\n";
    return kUsageError;
  }
  std::cout << *token << "\n";
  return EXIT_SUCCESS;
}

// A channel to --server: TLS when --tls_ca is given (mutual with
// --tls_cert/--tls_key), plaintext otherwise.
std::shared_ptr<grpc::Channel> ServerChannel() {
  const std::string ca = absl::GetFlag(FLAGS_tls_ca);
  if (ca.empty()) {
    return grpc::CreateChannel(absl::GetFlag(FLAGS_server),
                               grpc::InsecureChannelCredentials());
  }
  grpc::SslCredentialsOptions options;
  options.pem_root_certs = ismap::liu::ReadFileContents(ca).value_or("");
  if (!absl::GetFlag(FLAGS_tls_cert).empty()) {
    options.pem_cert_chain =
        ismap::liu::ReadFileContents(absl::GetFlag(FLAGS_tls_cert))
            .value_or("");
    options.pem_private_key =
        ismap::liu::ReadFileContents(absl::GetFlag(FLAGS_tls_key)).value_or("");
  }
  return grpc::CreateChannel(absl::GetFlag(FLAGS_server),
                             grpc::SslCredentials(options));
}

int Health() {
  const std::string address = absl::GetFlag(FLAGS_server);
  const auto channel = ServerChannel();
  const absl::Duration timeout = absl::Seconds(5);
  absl::StatusOr<std::vector<std::string>> services =
      ismap::liu::ListServicesByReflection(channel, timeout);
  if (!services.ok()) {
    std::cerr << "liuctl health: cannot reach " << address << ": "
              << services.status().message()
              << "; is the server running? (pass --server=host:port)\n";
    return kNotServing;
  }
  bool all_serving = true;
  std::vector<std::string> names = {""};
  for (const std::string& name : *services) {
    if (name.rfind("grpc.", 0) != 0) names.push_back(name);
  }
  for (const std::string& name : names) {
    absl::StatusOr<ismap::liu::ServingStatus> status =
        ismap::liu::CheckHealth(channel, name, timeout);
    const bool serving =
        status.ok() && *status == ismap::liu::ServingStatus::kServing;
    all_serving = all_serving && serving;
    std::cout << (name.empty() ? std::string("(server)") : name) << "  "
              << (status.ok() ? ismap::liu::ServingStatusName(*status)
                              : std::string(status.status().message()))
              << "\n";
  }
  return all_serving ? EXIT_SUCCESS : kNotServing;
}

std::string Token() {
  std::string token = absl::GetFlag(FLAGS_token);
  if (token.empty()) {
    const char* from_environment = std::getenv("LIU_TOKEN");
    if (from_environment != nullptr) token = from_environment;
  }
  return token;
}

int VerifyAuditTrail() {
  const std::string token = Token();
  if (token.empty()) {
    std::cerr
        << "liuctl audit verify: no token; pass --token=... or set LIU_TOKEN "
           "(for a local run: liuctl dev-token --role=ipa "
           "--organisation=ipa)\n";
    return kUsageError;
  }
  auto stub = ismap::liu::v1::AuditTrailService::NewStub(ServerChannel());
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(60)));
  context.AddMetadata("authorization", "Bearer " + token);
  ismap::liu::v1::AuditTrailVerification result;
  const grpc::Status status = stub->VerifyAuditTrail(
      &context, ismap::liu::v1::VerifyAuditTrailRequest(), &result);
  if (status.error_code() == grpc::StatusCode::UNAVAILABLE) {
    std::cerr << "liuctl audit verify: cannot reach "
              << absl::GetFlag(FLAGS_server) << ": " << status.error_message()
              << "\n";
    return kNotServing;
  }
  if (!status.ok()) {
    std::cerr << "liuctl audit verify: refused: " << status.error_message()
              << " (verifying the audit trail needs an IPA token)\n";
    return kRefused;
  }
  if (result.intact()) {
    std::cout << "intact: " << result.events_checked() << " events verified\n";
    return EXIT_SUCCESS;
  }
  std::cout << "BROKEN at event " << result.first_broken_sequence() << ": "
            << result.reason() << " (" << result.events_checked()
            << " events before it verified)\n";
  return kAuditTrailBroken;
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(kUsage);
  const std::vector<char*> args = absl::ParseCommandLine(argc, argv);
  std::string command;
  for (size_t i = 1; i < args.size(); ++i) {
    command += (i > 1 ? " " : "") + std::string(args[i]);
  }
  if (command == "dev-token") return DevToken();
  if (command == "health") return Health();
  if (command == "audit verify") return VerifyAuditTrail();
  std::cerr << kUsage << "\n";
  return kUsageError;
}
