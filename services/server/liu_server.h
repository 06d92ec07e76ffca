// The all-in-one ISMAP-LIU server: every service in one process over one
// database, embedded SQLite or a PostgreSQL database that several replicas
// share. Used by the `liu-server` binary and by tests, which start it on an
// ephemeral loopback port.
#ifndef ISMAP_LIU_SERVICES_SERVER_LIU_SERVER_H_
#define ISMAP_LIU_SERVICES_SERVER_LIU_SERVER_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/common/api_server.h"
#include "services/common/rules/rule_set.h"

namespace ismap::liu {

// TLS from this process to peer services hosted by other processes. PEM.
struct PeerTlsFiles {
  // The CA that signs the peers' server certificates.
  std::string ca_file;
  // This process's client certificate and key, for peers that require
  // mutual TLS; both or neither.
  std::string certificate_chain_file;
  std::string private_key_file;
};

// The components a process may host.
inline constexpr char kImpactComponent[] = "impact";
inline constexpr char kEligibilityComponent[] = "eligibility";
inline constexpr char kAuditComponent[] = "audit";

struct LiuServerOptions {
  // Directory of the database and the development signing key; created if
  // missing, kept between runs.
  std::string data_dir;
  // Directory of the rules files.
  std::string rules_dir;
  // Keys trusted to sign bearer tokens (a JWKS file), and the issuer they
  // must name. Empty: a development key in data_dir signs and is trusted,
  // with issuer "ismap-liu-dev" (see `liuctl dev-token`).
  std::string jwks_file;
  std::string token_issuer;
  // With jwks_file: a file holding the token (role ipa) the services present
  // when they call each other, kept fresh by the deployment. Unused with the
  // development key, which mints such tokens itself.
  std::string service_token_file;
  // The audience tokens must name.
  std::string token_audience = "ismap-liu";
  // The components this process hosts: any of "impact"
  // (ImpactAssessmentService), "eligibility" (EligibilityService and
  // ReviewService) and "audit" (AuditPlanningService). Empty: all of them,
  // the all-in-one server. RuleSetService and AuditTrailService are always
  // hosted, over this process's own database.
  std::vector<std::string> components;
  // Where the components this process calls but does not host listen
  // (host:port, or a comma-separated list of replicas that calls are spread
  // over: grpc_target.h): impact is called by eligibility; eligibility by
  // impact and audit. Hosted components are called in-process.
  std::string impact_target;
  std::string eligibility_target;
  // TLS to those peers. Without a CA, plaintext is allowed only to a
  // loopback target and only when `api.plaintext` is set.
  PeerTlsFiles peer_tls;
  // Listening address, message limits and shutdown grace.
  ApiServerOptions api;
  // Workers for blocking work, and how many calls may wait for one; per
  // service (the platform services share one pool).
  int worker_threads = 8;
  size_t worker_queue_capacity = 1024;
  // Deadline of calls whose client set none or a later one.
  absl::Duration default_deadline = absl::Seconds(30);
  // The database: empty for the embedded SQLite file in data_dir, or a
  // postgresql:// URL (storage/database_url.h) of a database that several
  // replicas share.
  std::string database_url;
  // Reader connections: the most read-only transactions at once (plus one
  // writer connection).
  int database_readers = 4;
};

// Thread-safe.
class LiuServer {
 public:
  // Loads the rules, opens the database and applies migrations, records the
  // rule set, connects to peers, and starts serving the hosted components.
  // Errors: INVALID_ARGUMENT naming every bad option (an unknown component,
  // a peer target missing, plaintext to a peer off loopback), or file, line and
  // reason for a bad rules file; NOT_FOUND for a missing rules directory;
  // FAILED_PRECONDITION for a database this binary cannot use; UNAVAILABLE if
  // the address cannot be bound.
  static absl::StatusOr<std::unique_ptr<LiuServer>> Start(
      const LiuServerOptions& options);

  // Calls Shutdown().
  ~LiuServer();

  // The port the server listens on.
  int port() const;
  // The rules in use.
  const RuleSet& rules() const;
  // Path of the development signing key this server trusts, or "" when it
  // trusts configured issuer keys instead.
  const std::string& dev_signing_key_path() const;
  // Full names of every API service of the product.
  static std::vector<std::string> ServiceNames();
  // Full names of the API services this server hosts (each also has a
  // health status).
  const std::vector<std::string>& hosted_services() const;

  // Stops accepting calls, lets calls in flight finish (up to the grace
  // period), drains the worker pool and closes the database. Idempotent.
  void Shutdown();

 private:
  struct Parts;
  explicit LiuServer(std::unique_ptr<Parts> parts);

  std::unique_ptr<Parts> parts_;
};

}  // namespace ismap::liu

#endif  // ISMAP_LIU_SERVICES_SERVER_LIU_SERVER_H_
