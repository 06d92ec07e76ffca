// What one liuctl command talks to: the server (or the server of each
// component, in the microservice layout), over plaintext, TLS or mutual TLS,
// with the caller's token and a deadline; and how a failed call is reported:
// on stderr, saying what to do next, with the exit code of its status.
#ifndef ISMAP_LIU_CLIENTS_LIUCTL_SERVER_SESSION_H_
#define ISMAP_LIU_CLIENTS_LIUCTL_SERVER_SESSION_H_

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "clients/liuctl/command_line.h"
#include "grpcpp/channel.h"
#include "grpcpp/client_context.h"
#include "grpcpp/support/status.h"
#include "services/common/caller.h"

namespace ismap::liu::liuctl {

// The parts of the product a command may call; each may have its own server.
enum class Component {
  kImpact,       // ImpactAssessmentService
  kEligibility,  // EligibilityService and ReviewService
  kAudit,        // AuditPlanningService
};

// The options every command takes (--server, --tls_ca, --token, --json, ...),
// with their environment variables.
std::vector<OptionSpec> GlobalOptions();

// Channels, token and deadline for one command. Not thread-safe; one per
// command run.
class ServerSession {
 public:
  // Reads the global options. INVALID_ARGUMENT naming the option for a bad
  // address list, an unreadable TLS file, --tls_cert without --tls_key, or a
  // bad --timeout.
  static absl::StatusOr<ServerSession> Open(const ParsedArguments& arguments);

  // The channel to `component`'s server (created once, then shared).
  std::shared_ptr<grpc::Channel> Channel(Component component);
  // A channel to a server address as written in the options.
  std::shared_ptr<grpc::Channel> ChannelTo(const std::string& address);
  // The address `component` is served at, as given.
  const std::string& Address(Component component) const;
  // Every distinct address configured, each once, in component order.
  std::vector<std::string> DistinctAddresses() const;

  // Sets the deadline and, when there is a token, the authorization header.
  void Prepare(grpc::ClientContext* context) const;
  // Prepare, but with a caller-chosen deadline (for streams).
  void PrepareUntil(grpc::ClientContext* context, absl::Time deadline) const;

  // Whom the token names (read without verification, for defaults such as
  // the caller's ministry), or nullopt without a readable token.
  std::optional<Caller> ClaimedCaller() const;

  // Reports `status` of a call to `address` on stderr and returns its exit
  // code (kExitOk for OK).
  int Report(const grpc::Status& status, const std::string& address) const;
  // Reports a problem on the client side (bad input) and returns kExitUsage.
  int ReportUsage(absl::string_view message) const;

  const std::string& command_path() const { return command_path_; }
  absl::Duration timeout() const { return timeout_; }

 private:
  ServerSession() = default;

  std::string command_path_;
  std::map<Component, std::string> addresses_;
  std::string token_;
  absl::Duration timeout_;
  std::string tls_ca_;
  std::string tls_cert_;
  std::string tls_key_;
  std::map<std::string, std::shared_ptr<grpc::Channel>> channels_;
};

}  // namespace ismap::liu::liuctl

#endif  // ISMAP_LIU_CLIENTS_LIUCTL_SERVER_SESSION_H_
