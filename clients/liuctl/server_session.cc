// Channels, token, deadline and error reporting of one liuctl command.
#include "clients/liuctl/server_session.h"

#include <iostream>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/support/channel_arguments.h"
#include "ismap/liu/v1/errors.pb.h"
#include "services/common/file_contents.h"
#include "services/common/grpc_target.h"
#include "services/common/identity/jwt.h"

namespace ismap::liu::liuctl {
namespace {

constexpr char kLocalServer[] = "127.0.0.1:50051";

// The field violations a server attached to an INVALID_ARGUMENT status.
std::vector<v1::FieldViolation> FieldViolations(const grpc::Status& status) {
  std::vector<v1::FieldViolation> violations;
  v1::StatusDetails details;
  if (!details.ParseFromString(status.error_details())) return violations;
  for (const google::protobuf::Any& any : details.details()) {
    v1::BadRequest bad_request;
    if (any.UnpackTo(&bad_request)) {
      violations.insert(violations.end(),
                        bad_request.field_violations().begin(),
                        bad_request.field_violations().end());
    }
  }
  return violations;
}

}  // namespace

std::vector<OptionSpec> GlobalOptions() {
  return {
      {"server", "ADDR",
       "the server: host:port, or host:port,host:port,... of replicas "
       "(calls go round-robin)",
       "LIU_SERVER", kLocalServer},
      {"impact_server", "ADDR",
       "the impact-assessment server, when it is another (microservice "
       "layout)",
       "LIU_IMPACT_SERVER"},
      {"eligibility_server", "ADDR",
       "the eligibility and review server, when it is another",
       "LIU_ELIGIBILITY_SERVER"},
      {"audit_server", "ADDR", "the audit-planning server, when it is another",
       "LIU_AUDIT_SERVER"},
      {"tls_ca", "FILE",
       "PEM CA to verify servers with (TLS); without it, "
       "plaintext",
       "LIU_TLS_CA"},
      {"tls_cert", "FILE", "PEM client certificate, for mutual TLS",
       "LIU_TLS_CERT"},
      {"tls_key", "FILE", "PEM client private key, for mutual TLS",
       "LIU_TLS_KEY"},
      {"token", "TOKEN", "bearer token (a local run: liuctl dev-token)",
       "LIU_TOKEN"},
      {"json", "",
       "print JSON (proto3 JSON of the API's messages) for scripts"},
      {"timeout", "DURATION", "deadline of each call", "", "30s"},
  };
}

absl::StatusOr<ServerSession> ServerSession::Open(
    const ParsedArguments& arguments) {
  ServerSession session;
  session.command_path_ = arguments.command_path();
  const std::string server = arguments.Get("server");
  session.addresses_[Component::kImpact] =
      arguments.Has("impact_server") ? arguments.Get("impact_server") : server;
  session.addresses_[Component::kEligibility] =
      arguments.Has("eligibility_server") ? arguments.Get("eligibility_server")
                                          : server;
  session.addresses_[Component::kAudit] =
      arguments.Has("audit_server") ? arguments.Get("audit_server") : server;
  for (const char* option :
       {"server", "impact_server", "eligibility_server", "audit_server"}) {
    if (!arguments.Has(option)) continue;
    const absl::StatusOr<std::string> target =
        ReplicaTarget(arguments.Get(option));
    if (!target.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("--", option, ": ", target.status().message()));
    }
  }
  session.token_ = arguments.Get("token");
  if (!absl::ParseDuration(arguments.Get("timeout"), &session.timeout_) ||
      session.timeout_ <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--timeout=", arguments.Get("timeout"),
                     " is not a positive duration such as 30s or 2m"));
  }
  if (arguments.Has("tls_cert") != arguments.Has("tls_key")) {
    return absl::InvalidArgumentError(
        "--tls_cert and --tls_key go together (mutual TLS)");
  }
  if (arguments.Has("tls_cert") && !arguments.Has("tls_ca")) {
    return absl::InvalidArgumentError(
        "--tls_cert needs --tls_ca: a client certificate is only sent over "
        "TLS");
  }
  for (const auto& [option, file] :
       {std::pair<const char*, std::string*>{"tls_ca", &session.tls_ca_},
        {"tls_cert", &session.tls_cert_},
        {"tls_key", &session.tls_key_}}) {
    if (!arguments.Has(option)) continue;
    absl::StatusOr<std::string> contents =
        ReadFileContents(arguments.Get(option));
    if (!contents.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("--", option, "=", arguments.Get(option), ": ",
                       contents.status().message()));
    }
    *file = *std::move(contents);
  }
  return session;
}

std::shared_ptr<grpc::Channel> ServerSession::ChannelTo(
    const std::string& address) {
  auto& channel = channels_[address];
  if (channel != nullptr) return channel;
  std::shared_ptr<grpc::ChannelCredentials> credentials;
  if (tls_ca_.empty()) {
    credentials = grpc::InsecureChannelCredentials();
  } else {
    grpc::SslCredentialsOptions options;
    options.pem_root_certs = tls_ca_;
    options.pem_cert_chain = tls_cert_;
    options.pem_private_key = tls_key_;
    credentials = grpc::SslCredentials(options);
  }
  // Open checked every address, so the target is valid.
  const std::string target = ReplicaTarget(address).value_or(address);
  grpc::ChannelArguments channel_arguments;
  UseRoundRobin(&channel_arguments);
  UseReplicaAuthority(target, &channel_arguments);
  channel = grpc::CreateCustomChannel(target, credentials, channel_arguments);
  return channel;
}

std::shared_ptr<grpc::Channel> ServerSession::Channel(Component component) {
  return ChannelTo(addresses_.at(component));
}

const std::string& ServerSession::Address(Component component) const {
  return addresses_.at(component);
}

std::vector<std::string> ServerSession::DistinctAddresses() const {
  std::vector<std::string> distinct;
  for (const auto& [component, address] : addresses_) {
    if (std::find(distinct.begin(), distinct.end(), address) ==
        distinct.end()) {
      distinct.push_back(address);
    }
  }
  return distinct;
}

void ServerSession::Prepare(grpc::ClientContext* context) const {
  PrepareUntil(context, absl::Now() + timeout_);
}

void ServerSession::PrepareUntil(grpc::ClientContext* context,
                                 absl::Time deadline) const {
  context->set_deadline(absl::ToChronoTime(deadline));
  if (!token_.empty()) {
    context->AddMetadata("authorization", "Bearer " + token_);
  }
}

std::optional<Caller> ServerSession::ClaimedCaller() const {
  absl::StatusOr<Caller> caller = ReadClaimedCaller(token_);
  if (!caller.ok()) return std::nullopt;
  return *std::move(caller);
}

int ServerSession::ReportUsage(absl::string_view message) const {
  std::cerr << "liuctl " << command_path_ << ": " << message << "\n";
  return kExitUsage;
}

int ServerSession::Report(const grpc::Status& status,
                          const std::string& address) const {
  if (status.ok()) return kExitOk;
  const std::string prefix = absl::StrCat("liuctl ", command_path_, ": ");
  const std::string& message = status.error_message();
  switch (status.error_code()) {
    case grpc::StatusCode::UNAVAILABLE:
      std::cerr << prefix << "cannot reach " << address << ": " << message
                << "\nIs the server running (deploy/local/run.sh starts one "
                   "on 127.0.0.1:50051)? Pass --server=host:port, and "
                   "--tls_ca=FILE if it serves TLS.\n";
      return kExitUnreachable;
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      std::cerr << prefix << "no answer from " << address << " within "
                << absl::FormatDuration(timeout_)
                << "; try again, or raise --timeout.\n";
      return kExitUnreachable;
    case grpc::StatusCode::UNAUTHENTICATED:
      std::cerr << prefix << "no valid token: " << message
                << "\nPass --token=TOKEN or set LIU_TOKEN; for a local run: "
                   "export LIU_TOKEN=$(liuctl dev-token --role=ROLE "
                   "--organisation=ID).\n";
      return kExitRefused;
    case grpc::StatusCode::PERMISSION_DENIED:
      std::cerr << prefix << "refused: " << message;
      if (const std::optional<Caller> caller = ClaimedCaller()) {
        std::cerr << "\nYour token is for " << RoleName(caller->role) << " "
                  << caller->organisation
                  << "; see liuctl --help for who does what.";
      }
      std::cerr << "\n";
      return kExitRefused;
    case grpc::StatusCode::INVALID_ARGUMENT: {
      std::cerr << prefix << "the server found the request invalid: " << message
                << "\n";
      for (const v1::FieldViolation& violation : FieldViolations(status)) {
        std::cerr << "  " << violation.field() << ": "
                  << violation.description() << "\n";
      }
      std::cerr << "Correct the fields named and run the command again.\n";
      return kExitInvalid;
    }
    case grpc::StatusCode::NOT_FOUND:
      std::cerr << prefix << "not found: " << message
                << "\nCheck the name; the list commands show what you may "
                   "see.\n";
      return kExitNotFound;
    case grpc::StatusCode::ABORTED:
      std::cerr << prefix << "it changed while you acted: " << message
                << "\nRun the command again: it reads the current version "
                   "first.\n";
      return kExitConflict;
    case grpc::StatusCode::ALREADY_EXISTS:
    case grpc::StatusCode::FAILED_PRECONDITION:
      std::cerr << prefix << message << "\n";
      return kExitConflict;
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      std::cerr << prefix << "the server is busy: " << message
                << "\nTry again in a moment.\n";
      return kExitServerError;
    default:
      std::cerr << prefix << "the server failed ("
                << static_cast<int>(status.error_code()) << "): " << message
                << "\n";
      return kExitServerError;
  }
}

}  // namespace ismap::liu::liuctl
