// liuctl's command line: the commands it knows (each with its arguments,
// options and help text), and the parsing of argv against them. Knows nothing
// of the API; the commands themselves live in the *_commands.cc files.
#ifndef ISMAP_LIU_CLIENTS_LIUCTL_COMMAND_LINE_H_
#define ISMAP_LIU_CLIENTS_LIUCTL_COMMAND_LINE_H_

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace ismap::liu::liuctl {

// Exit codes of liuctl, documented in `liuctl --help`.
enum ExitCode : int {
  kExitOk = 0,
  kExitUsage = 2,             // bad command, option, argument or input file
  kExitKey = 3,               // the development key cannot be read
  kExitUnreachable = 4,       // no answer, deadline passed, or not SERVING
  kExitAuditTrailBroken = 5,  // audit verify found a broken chain
  kExitRefused = 6,           // UNAUTHENTICATED or PERMISSION_DENIED
  kExitInvalid = 7,           // the server found the request invalid
  kExitNotFound = 8,          // NOT_FOUND
  kExitConflict = 9,          // ALREADY_EXISTS, ABORTED or FAILED_PRECONDITION
  kExitServerError = 10,      // any other error from the server
};

// An option a command accepts: `--name=VALUE` or `--name VALUE`, or a bare
// `--name` for a switch. Names are written with '_'; '-' is accepted too.
struct OptionSpec {
  std::string name;
  // What the value is, for help ("FILE", "N"); empty for a switch.
  std::string value_name;
  std::string help;
  // Environment variable that supplies the value when the option is absent.
  std::string environment = "";
  // Value when neither the option nor its environment variable is given.
  std::string default_value = "";
};

// Arguments and options of one invocation, as parsed.
class ParsedArguments {
 public:
  ParsedArguments(std::string command_path, std::vector<std::string> positional,
                  std::map<std::string, std::string> options)
      : command_path_(std::move(command_path)),
        positional_(std::move(positional)),
        options_(std::move(options)) {}

  // The command these are the arguments of, e.g. "pre-application file".
  const std::string& command_path() const { return command_path_; }
  // The i-th positional argument; i must be below the command's argument
  // count (the parser guarantees that many).
  const std::string& positional(size_t i) const { return positional_.at(i); }
  // The option's value: given, else from its environment variable, else its
  // default ("" when it has none). A switch reads "true" when given.
  std::string Get(const std::string& name) const;
  // Whether the option was given on the command line or by its environment
  // variable.
  bool Has(const std::string& name) const;

 private:
  std::string command_path_;
  std::vector<std::string> positional_;
  std::map<std::string, std::string> options_;
};

// One command: what it does, for whom, and how to run it.
struct CommandSpec {
  // Words naming the command, e.g. "pre-application file".
  std::string path;
  // Who uses it, for the overview: "CSP", "ministry", "IPA" or "anyone".
  std::string audience;
  // One line for the overview.
  std::string summary;
  // Positional arguments, e.g. {"FILE"}; all required.
  std::vector<std::string> arguments;
  // The command's own options (the global ones are added by the parser).
  std::vector<OptionSpec> options;
  // Further help: what it prints, examples.
  std::string details;
  // Runs the command; returns its exit code.
  std::function<int(const ParsedArguments&)> run;
};

// What argv asked for.
struct Invocation {
  // The command, or nullptr for the overview (`liuctl`, `liuctl --help`).
  const CommandSpec* command = nullptr;
  // True when --help was given: print help instead of running.
  bool help = false;
  std::optional<ParsedArguments> arguments;
};

// The commands liuctl knows, plus the options every command takes.
// Thread-compatible; built once in main.
class CommandSet {
 public:
  explicit CommandSet(std::vector<OptionSpec> global_options)
      : global_options_(std::move(global_options)) {}

  void Add(CommandSpec command);

  // Matches argv (without the program name) to a command: the longest run of
  // leading words that names one, then its positional arguments and options.
  // INVALID_ARGUMENT, saying what to do instead, for an unknown command or
  // option, a missing option value, or a wrong number of arguments (checked
  // only when --help is absent).
  absl::StatusOr<Invocation> Parse(const std::vector<std::string>& argv) const;

  // The overview: every command by audience, global options, exit codes.
  std::string Overview() const;
  // Help of one command: usage line, details, its options and the global
  // ones.
  std::string Help(const CommandSpec& command) const;

 private:
  const OptionSpec* FindOption(const CommandSpec& command,
                               absl::string_view name) const;

  std::vector<OptionSpec> global_options_;
  std::vector<CommandSpec> commands_;
};

}  // namespace ismap::liu::liuctl

#endif  // ISMAP_LIU_CLIENTS_LIUCTL_COMMAND_LINE_H_
