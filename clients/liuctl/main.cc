// liuctl: the ISMAP-LIU command-line client. `liuctl --help` lists the
// commands by user group; `liuctl COMMAND --help` explains one.
#include <iostream>
#include <string>
#include <vector>

#include "clients/liuctl/command_line.h"
#include "clients/liuctl/commands.h"
#include "clients/liuctl/server_session.h"

int main(int argc, char** argv) {
  using namespace ismap::liu::liuctl;  // NOLINT(build/namespaces)
  CommandSet commands(GlobalOptions());
  AddCspCommands(commands);
  AddMinistryCommands(commands);
  AddIpaCommands(commands);
  AddCommonCommands(commands);

  const std::vector<std::string> args(argv + 1, argv + argc);
  absl::StatusOr<Invocation> invocation = commands.Parse(args);
  if (!invocation.ok()) {
    std::cerr << "liuctl: " << invocation.status().message() << "\n";
    return kExitUsage;
  }
  if (invocation->command == nullptr) {
    std::cout << commands.Overview();
    return kExitOk;
  }
  if (invocation->help) {
    std::cout << commands.Help(*invocation->command);
    return kExitOk;
  }
  return invocation->command->run(*invocation->arguments);
}
