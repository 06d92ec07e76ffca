// liuctl's commands, by the user group that runs them. Each Add* function adds
// its group's commands to the set; main.cc adds them all.
#ifndef ISMAP_LIU_CLIENTS_LIUCTL_COMMANDS_H_
#define ISMAP_LIU_CLIENTS_LIUCTL_COMMANDS_H_

#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "clients/liuctl/command_line.h"
#include "clients/liuctl/server_session.h"
#include "ismap/liu/v1/audit_planning.pb.h"

namespace ismap::liu::liuctl {

// CSP: pre-applications, their judgements and notifications; internal audits.
void AddCspCommands(CommandSet& commands);
// Ministry: impact assessments, and what awaits the ministry's assessment.
void AddMinistryCommands(CommandSet& commands);
// IPA: review cases, registration decisions, the target list, the audit
// trail.
void AddIpaCommands(CommandSet& commands);
// Anyone: development tokens, health, the public list, plans and coverage.
void AddCommonCommands(CommandSet& commands);

// A command body that needs a session.
using SessionCommand =
    std::function<int(ServerSession& session, const ParsedArguments& args)>;

// Wraps `body` as a CommandSpec::run: opens the session from the global
// options (a bad one is a usage error, reported) and runs `body` in it.
std::function<int(const ParsedArguments&)> WithSession(SessionCommand body);

// A fresh request id (idempotency key) unless the command was given one with
// --request_id.
std::string RequestIdFor(const ParsedArguments& args);

// The integer option `name`: 0 when absent; nullopt, after reporting the
// usage error "--NAME is WHAT", when it is not an integer from `minimum` to
// `maximum`.
std::optional<int64_t> IntegerOption(
    ServerSession& session, const ParsedArguments& args,
    const std::string& name, int64_t minimum, absl::string_view what,
    int64_t maximum = std::numeric_limits<int64_t>::max());

// The option --request_id, shared by the commands that create something.
OptionSpec RequestIdOption();

// Reads `services/{id}` (or the full name) into `service`. Returns kExitOk,
// or the exit code of the failure after reporting it.
int GetService(ServerSession& session, const std::string& id_or_name,
               v1::CloudService* service);
// Prints `service`: with --json as proto3 JSON, else its state, dates,
// statement scope and incidents. Returns kExitOk.
int PrintService(const ParsedArguments& args, const v1::CloudService& service);

}  // namespace ismap::liu::liuctl

#endif  // ISMAP_LIU_CLIENTS_LIUCTL_COMMANDS_H_
