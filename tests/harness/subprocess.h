// Runs one of the product's binaries as a child process, for tests of what
// only a real process shows: start-up failures, signals, exit codes.
#ifndef ISMAP_LIU_TESTS_HARNESS_SUBPROCESS_H_
#define ISMAP_LIU_TESTS_HARNESS_SUBPROCESS_H_

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"

namespace ismap::liu::testing {

class Subprocess {
 public:
  // Starts `argv[0]` with `argv`; its stdout and stderr go to `output_file`.
  Subprocess(const std::vector<std::string>& argv,
             const std::string& output_file);
  // Kills the process if it still runs.
  ~Subprocess();

  // Sends `signal` to the process.
  void Signal(int signal);
  // Waits up to `timeout` for the process to exit; returns its exit code
  // (128 + signal if killed by one), or nullopt on timeout.
  std::optional<int> Wait(absl::Duration timeout);
  // What the process has written so far.
  std::string Output() const;

 private:
  pid_t pid_ = -1;
  std::string output_file_;
  std::optional<int> exit_code_;
};

// Polls the process's output until it contains `text` or `timeout` passes.
bool WaitForOutput(const Subprocess& process, const std::string& text,
                   absl::Duration timeout);

}  // namespace ismap::liu::testing

#endif  // ISMAP_LIU_TESTS_HARNESS_SUBPROCESS_H_
