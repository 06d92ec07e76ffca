// Parsing of liuctl's argv against its commands, and their help texts.
#include "clients/liuctl/command_line.h"

#include <cstdlib>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "clients/liuctl/text_table.h"

namespace ismap::liu::liuctl {
namespace {

constexpr char kExitCodes[] =
    "Exit codes:\n"
    "  0  success\n"
    "  2  usage: unknown command or option, wrong arguments, unreadable or\n"
    "     malformed input file\n"
    "  3  the development signing key cannot be read\n"
    "  4  the server cannot be reached, the deadline passed, or something is\n"
    "     not SERVING\n"
    "  5  the audit trail is broken\n"
    "  6  refused: no valid token, or the token's role may not do this\n"
    "  7  the server found the request invalid (it names each field)\n"
    "  8  not found (or not visible to you)\n"
    "  9  conflict: already exists, changed since read, or not allowed in "
    "the\n"
    "     current state\n"
    "  10 any other error from the server\n";

constexpr int kLineWidth = 80;
constexpr int kHelpColumn = 28;
constexpr int kSummaryColumn = 46;

// `text` wrapped at kLineWidth display columns, every line but the first
// indented by `indent` columns (the first continues a line already
// `first_column` wide). A single newline in `text` is a space; a blank line
// separates paragraphs.
std::string Wrap(absl::string_view text, int first_column, int indent) {
  std::string wrapped;
  int column = first_column;
  const std::vector<absl::string_view> paragraphs =
      absl::StrSplit(text, "\n\n", absl::SkipWhitespace());
  for (size_t p = 0; p < paragraphs.size(); ++p) {
    if (p > 0) {
      absl::StrAppend(&wrapped, "\n\n", std::string(indent, ' '));
      column = indent;
    }
    bool line_start = true;
    for (absl::string_view word : absl::StrSplit(
             paragraphs[p], absl::ByAnyChar(" \n"), absl::SkipEmpty())) {
      const int width = DisplayWidth(word);
      if (!line_start && column + 1 + width > kLineWidth) {
        absl::StrAppend(&wrapped, "\n", std::string(indent, ' '));
        column = indent;
        line_start = true;
      }
      if (!line_start) {
        wrapped += ' ';
        ++column;
      }
      absl::StrAppend(&wrapped, word);
      column += width;
      line_start = false;
    }
  }
  return wrapped;
}

// `label` padded to `column`, or on a line of its own when it is wider,
// followed by `text` wrapped under that column.
std::string Entry(const std::string& label, const std::string& text,
                  int column) {
  std::string entry = label;
  if (static_cast<int>(entry.size()) < column) {
    entry.resize(column, ' ');
  } else {
    absl::StrAppend(&entry, "\n", std::string(column, ' '));
  }
  absl::StrAppend(&entry, Wrap(text, column, column), "\n");
  return entry;
}

std::string OptionLines(const std::vector<OptionSpec>& options) {
  std::string text;
  for (const OptionSpec& option : options) {
    std::string usage = absl::StrCat("  --", option.name);
    if (!option.value_name.empty()) {
      absl::StrAppend(&usage, "=", option.value_name);
    }
    std::string help = option.help;
    if (!option.environment.empty()) {
      absl::StrAppend(&help, " [$", option.environment, "]");
    }
    if (!option.default_value.empty()) {
      absl::StrAppend(&help, " (default ", option.default_value, ")");
    }
    absl::StrAppend(&text, Entry(usage, help, kHelpColumn));
  }
  return text;
}

std::string UsageLine(const CommandSpec& command) {
  std::string line = absl::StrCat("liuctl ", command.path);
  for (const std::string& argument : command.arguments) {
    absl::StrAppend(&line, " ", argument);
  }
  if (!command.options.empty()) absl::StrAppend(&line, " [options]");
  return line;
}

}  // namespace

std::string ParsedArguments::Get(const std::string& name) const {
  const auto it = options_.find(name);
  return it == options_.end() ? std::string() : it->second;
}

bool ParsedArguments::Has(const std::string& name) const {
  return options_.count(name) > 0 && !options_.at(name).empty();
}

void CommandSet::Add(CommandSpec command) {
  commands_.push_back(std::move(command));
}

const OptionSpec* CommandSet::FindOption(const CommandSpec& command,
                                         absl::string_view name) const {
  for (const OptionSpec& option : command.options) {
    if (option.name == name) return &option;
  }
  for (const OptionSpec& option : global_options_) {
    if (option.name == name) return &option;
  }
  return nullptr;
}

absl::StatusOr<Invocation> CommandSet::Parse(
    const std::vector<std::string>& argv) const {
  Invocation invocation;
  std::vector<std::string> words;
  std::vector<std::string> option_words;
  for (const std::string& word : argv) {
    if (absl::StartsWith(word, "-")) break;
    words.push_back(word);
  }
  // The longest run of leading words naming a command.
  size_t matched_words = 0;
  for (const CommandSpec& command : commands_) {
    const std::vector<std::string> path = absl::StrSplit(command.path, ' ');
    if (path.size() > words.size() || path.size() <= matched_words) continue;
    if (std::equal(path.begin(), path.end(), words.begin())) {
      invocation.command = &command;
      matched_words = path.size();
    }
  }
  const bool asks_help =
      std::find(argv.begin(), argv.end(), "--help") != argv.end() ||
      std::find(argv.begin(), argv.end(), "-h") != argv.end();
  if (invocation.command == nullptr) {
    if (argv.empty() || (words.empty() && asks_help)) {
      invocation.help = true;
      return invocation;
    }
    std::string known;
    for (const CommandSpec& command : commands_) {
      if (!words.empty() && absl::StartsWith(command.path, words[0])) {
        absl::StrAppend(&known, "\n  liuctl ", command.path);
      }
    }
    return absl::InvalidArgumentError(absl::StrCat(
        "unknown command \"", absl::StrJoin(words, " "), "\"",
        known.empty() ? "; run liuctl --help for the list of commands"
                      : absl::StrCat("; did you mean one of:", known)));
  }
  const CommandSpec& command = *invocation.command;
  std::vector<std::string> positional(words.begin() + matched_words,
                                      words.end());
  std::map<std::string, std::string> options;
  for (size_t i = words.size(); i < argv.size(); ++i) {
    const std::string& word = argv[i];
    if (word == "--help" || word == "-h") {
      invocation.help = true;
      continue;
    }
    if (!absl::StartsWith(word, "--") || word == "--") {
      if (absl::StartsWith(word, "-") && word != "-") {
        return absl::InvalidArgumentError(absl::StrCat(
            "unknown option \"", word, "\"; options are written --name=value",
            "; see liuctl ", command.path, " --help"));
      }
      positional.push_back(word);
      continue;
    }
    const size_t equals = word.find('=');
    const std::string name = absl::StrReplaceAll(
        word.substr(
            2, equals == std::string::npos ? std::string::npos : equals - 2),
        {{"-", "_"}});
    const OptionSpec* option = FindOption(command, name);
    if (option == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat("unknown option --", name, " for liuctl ", command.path,
                       "; see liuctl ", command.path, " --help"));
    }
    if (equals != std::string::npos) {
      options[name] = word.substr(equals + 1);
    } else if (option->value_name.empty()) {
      options[name] = "true";
    } else if (i + 1 < argv.size()) {
      options[name] = argv[++i];
    } else {
      return absl::InvalidArgumentError(absl::StrCat(
          "--", name, " needs a value: --", name, "=", option->value_name));
    }
  }
  if (!invocation.help && positional.size() != command.arguments.size()) {
    return absl::InvalidArgumentError(absl::StrCat(
        positional.size() < command.arguments.size() ? "missing" : "too many",
        " arguments; usage: ", UsageLine(command), " (see liuctl ",
        command.path, " --help)"));
  }
  // Environment variables and defaults for options not given.
  std::vector<const OptionSpec*> all;
  for (const OptionSpec& option : command.options) all.push_back(&option);
  for (const OptionSpec& option : global_options_) all.push_back(&option);
  for (const OptionSpec* option : all) {
    if (options.count(option->name) > 0) continue;
    const char* from_environment =
        option->environment.empty() ? nullptr
                                    : std::getenv(option->environment.c_str());
    if (from_environment != nullptr && *from_environment != '\0') {
      options[option->name] = from_environment;
    } else if (!option->default_value.empty()) {
      options[option->name] = option->default_value;
    }
  }
  invocation.arguments.emplace(command.path, std::move(positional),
                               std::move(options));
  return invocation;
}

std::string CommandSet::Overview() const {
  std::string text =
      "liuctl: the ISMAP-LIU command-line client.\n\n"
      "Usage: liuctl COMMAND [ARGUMENTS] [options]; liuctl COMMAND --help "
      "for a command's\noptions and examples.\n";
  for (const char* audience : {"CSP", "ministry", "IPA", "anyone"}) {
    absl::StrAppend(&text, "\nFor ", audience, ":\n");
    for (const CommandSpec& command : commands_) {
      if (command.audience != audience) continue;
      absl::StrAppend(&text, Entry(absl::StrCat("  ", UsageLine(command)),
                                   command.summary, kSummaryColumn));
    }
  }
  absl::StrAppend(&text, "\nOptions of every command:\n",
                  OptionLines(global_options_), "\n", kExitCodes);
  return text;
}

std::string CommandSet::Help(const CommandSpec& command) const {
  std::string text =
      absl::StrCat("Usage: ", UsageLine(command), "\n\n", command.summary, " (",
                   command.audience, ")\n");
  if (!command.details.empty()) {
    absl::StrAppend(&text, "\n", Wrap(command.details, 0, 0), "\n");
  }
  if (!command.options.empty()) {
    absl::StrAppend(&text, "\nOptions:\n", OptionLines(command.options));
  }
  absl::StrAppend(&text, "\nOptions of every command:\n",
                  OptionLines(global_options_), "\n", kExitCodes);
  return text;
}

}  // namespace ismap::liu::liuctl
