// Wiring of the all-in-one server.
#include "services/server/liu_server.h"

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "services/audit/audit_planning_service.h"
#include "services/audit/audit_store.h"
#include "services/audit/grpc_pre_application_directory.h"
#include "services/common/audit_trail/audit_trail.h"
#include "services/common/audit_trail/audit_trail_service.h"
#include "services/common/bounded_executor.h"
#include "services/common/field_violations.h"
#include "services/common/file_contents.h"
#include "services/common/grpc_target.h"
#include "services/common/identity/access_policy_table.h"
#include "services/common/identity/dev_signing_key.h"
#include "services/common/identity/jwt.h"
#include "services/common/peer/peer_channel.h"
#include "services/common/peer/service_credentials.h"
#include "services/common/rules/rule_set_service.h"
#include "services/common/rules/rule_set_store.h"
#include "services/common/status_macros.h"
#include "services/common/storage/database_url.h"
#include "services/common/storage/migrations.h"
#include "services/common/unary_call.h"
#include "services/eligibility/eligibility_component.h"
#include "services/impact/impact_assessment_service.h"
#include "services/impact/impact_store.h"

namespace ismap::liu {

namespace {

// The calls of one service (or of the platform services) run on a worker pool
// of their own, so that a call one service makes to another while serving
// never waits for a worker its own callers hold.
struct ServicePool {
  ServicePool(const LiuServerOptions& options,
              const Authenticator* authenticator,
              const AccessPolicyTable* policy)
      : executor(options.worker_threads, options.worker_queue_capacity),
        runner(authenticator, policy, &executor,
               UnaryCallRunner::Options{options.default_deadline}) {}

  BoundedExecutor executor;
  UnaryCallRunner runner;
};

// A channel from one service to a peer, with the calling service's identity.
struct PeerLink {
  std::unique_ptr<ServiceCredentials> credentials;
  std::unique_ptr<PeerChannel> channel;
};

}  // namespace

// Everything the server owns, declared in start-up order so that destruction
// runs in reverse: the API server stops before anything it calls goes away.
struct LiuServer::Parts {
  std::shared_ptr<const RuleSet> rules;
  std::string dev_signing_key_path;
  std::unique_ptr<storage::Database> database;
  std::unique_ptr<RuleSetStore> rule_set_store;
  std::unique_ptr<Authenticator> authenticator;
  std::unique_ptr<AccessPolicyTable> access_policy;
  std::unique_ptr<ServicePool> platform_pool;
  std::unique_ptr<ServicePool> impact_pool;
  std::unique_ptr<ServicePool> eligibility_pool;
  std::unique_ptr<ServicePool> audit_pool;
  // Peer links, named caller_to_peer.
  PeerLink impact_to_eligibility;
  PeerLink eligibility_to_impact;
  PeerLink audit_to_eligibility;
  std::unique_ptr<RuleSetServiceImpl> rule_set_service;
  std::unique_ptr<AuditTrailServiceImpl> audit_trail_service;
  std::unique_ptr<ImpactAssessmentServiceImpl> impact_service;
  std::unique_ptr<EligibilityComponent> eligibility;
  std::unique_ptr<GrpcPreApplicationDirectory> audit_pre_applications;
  std::unique_ptr<AuditPlanningServiceImpl> audit_service;
  std::unique_ptr<ApiServer> api_server;
  std::vector<std::string> hosted_services;

  // The links of the hosted components (the others stay empty).
  std::vector<PeerLink*> PeerLinks() {
    std::vector<PeerLink*> links;
    for (PeerLink* link : {&impact_to_eligibility, &eligibility_to_impact,
                           &audit_to_eligibility}) {
      if (link->channel != nullptr) links.push_back(link);
    }
    return links;
  }
  std::vector<ServicePool*> Pools() {
    return {platform_pool.get(), impact_pool.get(), eligibility_pool.get(),
            audit_pool.get()};
  }
};

namespace {

// Whether the process hosts `component`.
bool Hosts(const LiuServerOptions& options, absl::string_view component) {
  return options.components.empty() ||
         std::find(options.components.begin(), options.components.end(),
                   component) != options.components.end();
}

// A channel to a peer another process hosts at `target`, one address or a
// list of replicas (grpc_target.h) that calls are spread over: TLS (mutual
// with a client certificate) when a CA is given; plaintext only to loopback
// and only with --plaintext.
absl::StatusOr<std::shared_ptr<grpc::Channel>> RemotePeerChannel(
    const LiuServerOptions& options, absl::string_view flag,
    const std::string& target) {
  const absl::StatusOr<std::string> grpc_target = ReplicaTarget(target);
  if (!grpc_target.ok()) {
    FieldViolations violations;
    violations.Add(std::string(flag),
                   std::string(grpc_target.status().message()));
    return violations.ToStatus();
  }
  const std::vector<std::string> replicas = *ReplicaAddresses(target);
  std::shared_ptr<grpc::ChannelCredentials> credentials;
  if (!options.peer_tls.ca_file.empty()) {
    grpc::SslCredentialsOptions tls;
    absl::StatusOr<std::string> ca = ReadFileContents(options.peer_tls.ca_file);
    if (!ca.ok()) {
      return absl::FailedPreconditionError(absl::StrCat(
          "cannot read the peer CA file ", options.peer_tls.ca_file));
    }
    tls.pem_root_certs = *std::move(ca);
    if (!options.peer_tls.certificate_chain_file.empty()) {
      absl::StatusOr<std::string> chain =
          ReadFileContents(options.peer_tls.certificate_chain_file);
      absl::StatusOr<std::string> key =
          ReadFileContents(options.peer_tls.private_key_file);
      if (!chain.ok() || !key.ok()) {
        return absl::FailedPreconditionError(
            "cannot read the peer client certificate or key");
      }
      tls.pem_cert_chain = *std::move(chain);
      tls.pem_private_key = *std::move(key);
    }
    credentials = grpc::SslCredentials(tls);
  } else if (options.api.plaintext &&
             std::all_of(replicas.begin(), replicas.end(),
                         [](const std::string& replica) {
                           return IsLoopbackAddress(replica);
                         })) {
    credentials = grpc::InsecureChannelCredentials();
  } else {
    FieldViolations violations;
    violations.Add(std::string(flag),
                   absl::StrCat(target,
                                ": peers are reached over TLS (--peer_tls_ca);"
                                " plaintext only to a loopback address with "
                                "--plaintext"));
    return violations.ToStatus();
  }
  grpc::ChannelArguments arguments;
  arguments.SetMaxReceiveMessageSize(options.api.max_message_bytes);
  arguments.SetMaxSendMessageSize(options.api.max_message_bytes);
  UseRoundRobin(&arguments);
  UseReplicaAuthority(*grpc_target, &arguments);
  return grpc::CreateCustomChannel(*grpc_target, credentials, arguments);
}

absl::Status ValidateOptions(const LiuServerOptions& options) {
  FieldViolations violations;
  if (options.data_dir.empty()) violations.Add("data_dir", "must be set");
  if (options.rules_dir.empty()) violations.Add("rules_dir", "must be set");
  if (options.worker_threads < 1)
    violations.Add("worker_threads", "must be at least 1");
  if (options.worker_queue_capacity < 1) {
    violations.Add("worker_queue", "must be at least 1");
  }
  if (options.default_deadline <= absl::ZeroDuration()) {
    violations.Add("default_deadline", "must be positive");
  }
  if (options.api.shutdown_grace < absl::ZeroDuration()) {
    violations.Add("shutdown_grace", "must not be negative");
  }
  if (options.api.max_message_bytes < 1024 ||
      options.api.max_message_bytes > 64 * 1024 * 1024) {
    violations.Add("max_message_bytes", "must be between 1 KiB and 64 MiB");
  }
  if (options.database_readers < 1)
    violations.Add("db_readers", "must be at least 1");
  for (const std::string& component : options.components) {
    if (component != kImpactComponent && component != kEligibilityComponent &&
        component != kAuditComponent) {
      violations.Add("services", absl::StrCat("unknown component \"", component,
                                              "\"; use impact, eligibility "
                                              "or audit"));
    }
  }
  if ((Hosts(options, kEligibilityComponent) &&
       !Hosts(options, kImpactComponent) && options.impact_target.empty())) {
    violations.Add("impact_target",
                   "eligibility calls impact, which this process does not "
                   "host: say where it listens");
  }
  if ((Hosts(options, kImpactComponent) || Hosts(options, kAuditComponent)) &&
      !Hosts(options, kEligibilityComponent) &&
      options.eligibility_target.empty()) {
    violations.Add("eligibility_target",
                   "impact and audit call eligibility, which this process "
                   "does not host: say where it listens");
  }
  if (options.peer_tls.certificate_chain_file.empty() !=
      options.peer_tls.private_key_file.empty()) {
    violations.Add("peer_tls_cert",
                   "a client certificate needs its key and the reverse");
  }
  if (!options.jwks_file.empty() && options.service_token_file.empty()) {
    violations.Add("service_token_file",
                   "must be set with jwks_file: the services present this "
                   "token (role ipa) when they call each other");
  }
  return violations.ToStatus();
}

absl::Status MakeDirectory(const std::string& path) {
  std::error_code error;
  std::filesystem::create_directories(path, error);
  if (error) {
    return absl::FailedPreconditionError(absl::StrCat(
        "cannot create data directory ", path, ": ", error.message()));
  }
  return absl::OkStatus();
}

struct TokenVerification {
  std::unique_ptr<Authenticator> authenticator;
  std::unique_ptr<AccessPolicyTable> access_policy;
  std::string
      dev_signing_key_path;  // Empty unless the development key is used.
};

// The token verifier: configured issuer keys, or the development key.
absl::StatusOr<TokenVerification> MakeTokenVerification(
    const LiuServerOptions& options) {
  TokenVerification result;
  std::string jwks;
  JwtExpectations expectations{options.token_issuer, options.token_audience};
  if (options.jwks_file.empty()) {
    ASSIGN_OR_RETURN(DevSigningKey key,
                     LoadOrCreateDevSigningKey(options.data_dir));
    jwks = key.jwks;
    result.dev_signing_key_path =
        (std::filesystem::path(options.data_dir) / kDevSigningKeyFile).string();
    if (expectations.issuer.empty()) expectations.issuer = kDevTokenIssuer;
  } else {
    absl::StatusOr<std::string> content = ReadFileContents(options.jwks_file);
    if (!content.ok()) {
      return absl::FailedPreconditionError(
          absl::StrCat("cannot read the JWKS file ", options.jwks_file));
    }
    jwks = *std::move(content);
    if (expectations.issuer.empty()) {
      return absl::InvalidArgumentError(
          "a JWKS file needs the issuer its tokens name (--token_issuer)");
    }
  }
  absl::StatusOr<JwtKeySet> keys = JwtKeySet::FromJwks(jwks);
  if (!keys.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        options.jwks_file.empty() ? "development JWKS" : options.jwks_file,
        ": ", keys.status().message()));
  }
  result.authenticator = std::make_unique<JwtAuthenticator>(
      *std::move(keys), std::move(expectations));
  return result;
}

// The link by which the service `caller` (e.g. "impact-service") calls
// `peer`: with a development token for `caller` when the development key is
// in use, else with the token in the service token file.
absl::StatusOr<PeerLink> MakePeerLink(const LiuServerOptions& options,
                                      const std::string& dev_signing_key_path,
                                      absl::string_view caller,
                                      absl::string_view peer) {
  PeerLink link;
  if (dev_signing_key_path.empty()) {
    link.credentials = MakeFileServiceCredentials(options.service_token_file);
  } else {
    ASSIGN_OR_RETURN(DevSigningKey key,
                     LoadDevSigningKey(dev_signing_key_path));
    link.credentials = MakeDevServiceCredentials(std::move(key), caller);
  }
  link.channel =
      std::make_unique<PeerChannel>(std::string(peer), link.credentials.get());
  return link;
}

}  // namespace

std::vector<std::string> LiuServer::ServiceNames() {
  return {v1::ImpactAssessmentService::service_full_name(),
          v1::EligibilityService::service_full_name(),
          v1::ReviewService::service_full_name(),
          v1::AuditPlanningService::service_full_name(),
          v1::RuleSetService::service_full_name(),
          v1::AuditTrailService::service_full_name()};
}

absl::StatusOr<std::unique_ptr<LiuServer>> LiuServer::Start(
    const LiuServerOptions& options) {
  RETURN_IF_ERROR(ValidateOptions(options));
  auto parts = std::make_unique<Parts>();
  ASSIGN_OR_RETURN(parts->rules, RuleSet::LoadFromDirectory(options.rules_dir));

  RETURN_IF_ERROR(MakeDirectory(options.data_dir));
  const std::filesystem::path data_dir(options.data_dir);
  ASSIGN_OR_RETURN(parts->database,
                   storage::OpenDatabase(options.database_url,
                                         (data_dir / "liu.sqlite3").string(),
                                         options.database_readers));
  const absl::Time now = absl::Now();
  RETURN_IF_ERROR(storage::ApplyMigrations(
      *parts->database, AuditTrail::kComponent, AuditTrail::Migrations(), now));
  RETURN_IF_ERROR(storage::ApplyMigrations(*parts->database,
                                           RuleSetStore::kComponent,
                                           RuleSetStore::Migrations(), now));
  const bool impact = Hosts(options, kImpactComponent);
  const bool eligibility = Hosts(options, kEligibilityComponent);
  const bool audit = Hosts(options, kAuditComponent);
  if (impact) {
    RETURN_IF_ERROR(storage::ApplyMigrations(
        *parts->database, impact::ImpactStore::kComponent,
        impact::ImpactStore::Migrations(), now));
  }
  if (audit) {
    RETURN_IF_ERROR(storage::ApplyMigrations(*parts->database,
                                             AuditStore::kComponent,
                                             AuditStore::Migrations(), now));
  }
  parts->rule_set_store = std::make_unique<RuleSetStore>(parts->database.get());
  RETURN_IF_ERROR(parts->rule_set_store->Record(*parts->rules, now));

  ASSIGN_OR_RETURN(TokenVerification verification,
                   MakeTokenVerification(options));
  parts->authenticator = std::move(verification.authenticator);
  parts->dev_signing_key_path = std::move(verification.dev_signing_key_path);
  ASSIGN_OR_RETURN(const v1::AccessPolicy* policy,
                   parts->rules->Require<v1::AccessPolicy>());
  ASSIGN_OR_RETURN(AccessPolicyTable table,
                   AccessPolicyTable::Build(*policy, ServiceNames()));
  parts->access_policy = std::make_unique<AccessPolicyTable>(std::move(table));
  parts->platform_pool = std::make_unique<ServicePool>(
      options, parts->authenticator.get(), parts->access_policy.get());
  parts->impact_pool = std::make_unique<ServicePool>(
      options, parts->authenticator.get(), parts->access_policy.get());
  parts->eligibility_pool = std::make_unique<ServicePool>(
      options, parts->authenticator.get(), parts->access_policy.get());
  parts->audit_pool = std::make_unique<ServicePool>(
      options, parts->authenticator.get(), parts->access_policy.get());
  if (impact) {
    ASSIGN_OR_RETURN(parts->impact_to_eligibility,
                     MakePeerLink(options, parts->dev_signing_key_path,
                                  "impact-service", "EligibilityService"));
  }
  if (eligibility) {
    ASSIGN_OR_RETURN(
        parts->eligibility_to_impact,
        MakePeerLink(options, parts->dev_signing_key_path,
                     "eligibility-service", "ImpactAssessmentService"));
  }
  if (audit) {
    ASSIGN_OR_RETURN(parts->audit_to_eligibility,
                     MakePeerLink(options, parts->dev_signing_key_path,
                                  "audit-service", "EligibilityService"));
  }

  const UnaryCallRunner* platform = &parts->platform_pool->runner;
  parts->rule_set_service = std::make_unique<RuleSetServiceImpl>(
      platform, parts->rule_set_store.get(), parts->rules->version());
  parts->audit_trail_service =
      std::make_unique<AuditTrailServiceImpl>(platform, parts->database.get());
  std::vector<HostedService> hosted;
  if (impact) {
    ASSIGN_OR_RETURN(
        parts->impact_service,
        ImpactAssessmentServiceImpl::Create(
            {&parts->impact_pool->runner, &parts->impact_pool->executor,
             parts->database.get(), parts->rules.get(),
             parts->impact_to_eligibility.channel.get()}));
    hosted.push_back({parts->impact_service.get(),
                      v1::ImpactAssessmentService::service_full_name()});
  }
  if (eligibility) {
    ASSIGN_OR_RETURN(
        parts->eligibility,
        EligibilityComponent::Create(parts->database.get(), parts->rules.get(),
                                     parts->eligibility_to_impact.channel.get(),
                                     &parts->eligibility_pool->runner,
                                     &parts->eligibility_pool->executor, now));
    hosted.push_back({parts->eligibility->eligibility_service(),
                      v1::EligibilityService::service_full_name()});
    hosted.push_back({parts->eligibility->review_service(),
                      v1::ReviewService::service_full_name()});
  }
  if (audit) {
    parts->audit_pre_applications =
        std::make_unique<GrpcPreApplicationDirectory>(
            parts->audit_to_eligibility.channel.get());
    ASSIGN_OR_RETURN(parts->audit_service,
                     AuditPlanningServiceImpl::Create(
                         &parts->audit_pool->runner, parts->database.get(),
                         parts->rules, parts->audit_pre_applications.get()));
    hosted.push_back({parts->audit_service.get(),
                      v1::AuditPlanningService::service_full_name()});
  }
  hosted.push_back(
      {parts->rule_set_service.get(), v1::RuleSetService::service_full_name()});
  hosted.push_back({parts->audit_trail_service.get(),
                    v1::AuditTrailService::service_full_name()});
  for (const HostedService& service : hosted) {
    parts->hosted_services.push_back(service.health_name);
  }

  ASSIGN_OR_RETURN(parts->api_server,
                   ApiServer::Start(options.api, std::move(hosted)));
  const std::shared_ptr<grpc::Channel> in_process =
      parts->api_server->InProcessChannel();
  std::shared_ptr<grpc::Channel> to_impact = in_process;
  std::shared_ptr<grpc::Channel> to_eligibility = in_process;
  if (!impact && eligibility) {
    ASSIGN_OR_RETURN(to_impact, RemotePeerChannel(options, "impact_target",
                                                  options.impact_target));
  }
  if (!eligibility && (impact || audit)) {
    ASSIGN_OR_RETURN(to_eligibility,
                     RemotePeerChannel(options, "eligibility_target",
                                       options.eligibility_target));
  }
  if (impact) parts->impact_to_eligibility.channel->Connect(to_eligibility);
  if (eligibility) {
    parts->eligibility_to_impact.channel->Connect(to_impact);
    parts->eligibility->StartFollowing();
  }
  if (audit) parts->audit_to_eligibility.channel->Connect(to_eligibility);
  return std::unique_ptr<LiuServer>(new LiuServer(std::move(parts)));
}

LiuServer::LiuServer(std::unique_ptr<Parts> parts) : parts_(std::move(parts)) {}

LiuServer::~LiuServer() { Shutdown(); }

int LiuServer::port() const { return parts_->api_server->port(); }

const RuleSet& LiuServer::rules() const { return *parts_->rules; }

const std::vector<std::string>& LiuServer::hosted_services() const {
  return parts_->hosted_services;
}

const std::string& LiuServer::dev_signing_key_path() const {
  return parts_->dev_signing_key_path;
}

void LiuServer::Shutdown() {
  if (parts_->eligibility != nullptr) parts_->eligibility->Stop();
  if (parts_->impact_service != nullptr) parts_->impact_service->StopWatches();
  parts_->api_server->Shutdown();
  for (PeerLink* link : parts_->PeerLinks()) link->channel->Connect(nullptr);
  for (ServicePool* pool : parts_->Pools()) pool->executor.Shutdown();
}

}  // namespace ismap::liu
