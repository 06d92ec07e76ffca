// liu-server: runs every ISMAP-LIU service in one process until SIGINT or
// SIGTERM, then shuts down gracefully.
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_join.h"
#include "services/common/shutdown_signal.h"
#include "services/server/liu_server.h"
#include "spdlog/async.h"
#include "spdlog/sinks/stdout_sinks.h"
#include "spdlog/spdlog.h"

ABSL_FLAG(std::string, listen, "127.0.0.1:50051", "host:port to serve on");
ABSL_FLAG(bool, plaintext, false,
          "serve without TLS (allowed on a loopback --listen address only)");
ABSL_FLAG(std::string, tls_cert, "", "PEM certificate chain of this server");
ABSL_FLAG(std::string, tls_key, "", "PEM private key of this server");
ABSL_FLAG(std::string, tls_client_ca, "",
          "PEM CA that signs client certificates: requires mutual TLS");
ABSL_FLAG(std::string, data_dir, ".liu-data",
          "directory of the SQLite database (unless --database_url) and the "
          "development token key");
ABSL_FLAG(std::string, rules_dir, "rules", "directory of the rules files");
ABSL_FLAG(int, worker_threads, 8,
          "threads for storage and other blocking work");
ABSL_FLAG(int, worker_queue, 1024,
          "calls that may wait for a worker before RESOURCE_EXHAUSTED");
ABSL_FLAG(absl::Duration, default_deadline, absl::Seconds(30),
          "deadline of calls that set none or a later one");
ABSL_FLAG(absl::Duration, shutdown_grace, absl::Seconds(30),
          "how long calls in flight may take to finish at shutdown");
ABSL_FLAG(int, max_message_bytes, 4 * 1024 * 1024,
          "largest request or response message");
ABSL_FLAG(std::string, database_url, "",
          "empty: the embedded SQLite database in --data_dir; or a "
          "postgresql://user@host:port/dbname URL of a database that several "
          "replicas share (password in ~/.pgpass or PGPASSFILE)");
ABSL_FLAG(int, db_readers, 4,
          "database reader connections (plus one writer connection)");
ABSL_FLAG(
    std::string, jwks_file, "",
    "JWKS of the keys trusted to sign bearer tokens; empty: a development "
    "key in --data_dir signs and is trusted");
ABSL_FLAG(std::string, token_issuer, "",
          "issuer (iss) tokens must name; with --jwks_file, required");
ABSL_FLAG(std::string, token_audience, "ismap-liu",
          "audience (aud) tokens must name");
ABSL_FLAG(std::vector<std::string>, services, {},
          "components to host, comma-separated: impact, eligibility (with "
          "review), audit; empty: all (the all-in-one server)");
ABSL_FLAG(std::string, impact_target, "",
          "host:port of the impact component when another process hosts it, "
          "or a comma-separated list of its replicas (IP addresses, "
          "host:port,host:port) that calls are spread over");
ABSL_FLAG(std::string, eligibility_target, "",
          "host:port of the eligibility component when another process hosts "
          "it, or a comma-separated list of its replicas (IP addresses, "
          "host:port,host:port) that calls are spread over");
ABSL_FLAG(std::string, peer_tls_ca, "",
          "PEM CA of the peers' server certificates (TLS to peers)");
ABSL_FLAG(std::string, peer_tls_cert, "",
          "PEM client certificate for peers that require mutual TLS");
ABSL_FLAG(std::string, peer_tls_key, "", "PEM key of --peer_tls_cert");
ABSL_FLAG(std::string, service_token_file, "",
          "with --jwks_file: file of the token (role ipa) the services present "
          "to each other, kept fresh by the deployment");

namespace {

// Logs go to stderr from a background thread, so that no call waits on I/O;
// under a flood the oldest lines are dropped rather than blocking.
void SetUpLogging() {
  spdlog::init_thread_pool(8192, 1);
  auto logger = spdlog::create_async_nb<spdlog::sinks::stderr_sink_mt>("liu");
  logger->set_pattern("%Y-%m-%dT%H:%M:%S.%fZ %l %v",
                      spdlog::pattern_time_type::utc);
  spdlog::set_default_logger(logger);
}

// The directory of this executable, where liuctl is built too.
std::string OwnDirectory() {
  std::error_code error;
  const auto self = std::filesystem::read_symlink("/proc/self/exe", error);
  return error ? std::string(".") : self.parent_path().string();
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "Serves the ISMAP-LIU API (impact assessments, eligibility, review "
      "cases, audit planning) in one process.");
  absl::ParseCommandLine(argc, argv);

  // Before any thread starts, so that only the wait below receives them.
  ismap::liu::BlockShutdownSignals();

  SetUpLogging();
  ismap::liu::LiuServerOptions options;
  options.data_dir = absl::GetFlag(FLAGS_data_dir);
  options.rules_dir = absl::GetFlag(FLAGS_rules_dir);
  options.api.listen_address = absl::GetFlag(FLAGS_listen);
  options.api.plaintext = absl::GetFlag(FLAGS_plaintext);
  if (!absl::GetFlag(FLAGS_tls_cert).empty() ||
      !absl::GetFlag(FLAGS_tls_key).empty()) {
    options.api.tls = ismap::liu::TlsFiles{absl::GetFlag(FLAGS_tls_cert),
                                           absl::GetFlag(FLAGS_tls_key),
                                           absl::GetFlag(FLAGS_tls_client_ca)};
  }
  options.api.max_message_bytes = absl::GetFlag(FLAGS_max_message_bytes);
  options.api.shutdown_grace = absl::GetFlag(FLAGS_shutdown_grace);
  options.worker_threads = absl::GetFlag(FLAGS_worker_threads);
  options.worker_queue_capacity =
      static_cast<size_t>(std::max(absl::GetFlag(FLAGS_worker_queue), 1));
  options.default_deadline = absl::GetFlag(FLAGS_default_deadline);
  options.database_url = absl::GetFlag(FLAGS_database_url);
  options.database_readers = absl::GetFlag(FLAGS_db_readers);
  options.jwks_file = absl::GetFlag(FLAGS_jwks_file);
  options.token_issuer = absl::GetFlag(FLAGS_token_issuer);
  options.token_audience = absl::GetFlag(FLAGS_token_audience);
  options.service_token_file = absl::GetFlag(FLAGS_service_token_file);
  options.components = absl::GetFlag(FLAGS_services);
  options.impact_target = absl::GetFlag(FLAGS_impact_target);
  options.eligibility_target = absl::GetFlag(FLAGS_eligibility_target);
  options.peer_tls = {absl::GetFlag(FLAGS_peer_tls_ca),
                      absl::GetFlag(FLAGS_peer_tls_cert),
                      absl::GetFlag(FLAGS_peer_tls_key)};

  absl::StatusOr<std::unique_ptr<ismap::liu::LiuServer>> server =
      ismap::liu::LiuServer::Start(options);
  if (!server.ok()) {
    spdlog::critical("cannot start: {}", server.status().ToString());
    spdlog::shutdown();
    return EXIT_FAILURE;
  }
  spdlog::info("serving on {} (port {}), data in {}",
               options.api.listen_address, (*server)->port(),
               std::filesystem::absolute(options.data_dir).string());
  spdlog::info("database: {}", options.database_url.empty()
                                   ? "embedded SQLite in the data directory"
                                   : "PostgreSQL (--database_url)");
  spdlog::info("services: {}",
               absl::StrJoin((*server)->hosted_services(), ", "));
  spdlog::info("rules {} from {}", (*server)->rules().version(),
               std::filesystem::absolute(options.rules_dir).string());
  const std::string& dev_key = (*server)->dev_signing_key_path();
  if (dev_key.empty()) {
    spdlog::info("tokens: verified against {}", options.jwks_file);
  } else {
    spdlog::info(
        "development token: {}/liuctl dev-token --key_file={} --role=ipa "
        "--organisation=ipa   (roles: csp, ministry, ipa); send it as "
        "'authorization: Bearer <token>'",
        OwnDirectory(), std::filesystem::absolute(dev_key).string());
  }
  spdlog::info(
      "health: grpc.health.v1.Health/Check; reflection is on; "
      "Ctrl-C to stop");

  const int signal_number = ismap::liu::WaitForShutdownSignal();
  spdlog::info("signal {} received: finishing calls in flight, then stopping",
               signal_number);
  (*server)->Shutdown();
  server->reset();
  spdlog::info("stopped");
  spdlog::shutdown();
  return EXIT_SUCCESS;
}
