// Whole-file reads through std::ifstream.
#include "services/common/file_contents.h"

#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <sstream>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace ismap::liu {

absl::StatusOr<std::string> ReadFileContents(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    if (access(path.c_str(), F_OK) != 0 && errno == ENOENT) {
      return absl::NotFoundError(absl::StrCat("no file at ", path));
    }
    return absl::InternalError(absl::StrCat("cannot read ", path));
  }
  std::stringstream content;
  content << in.rdbuf();
  if (in.bad()) return absl::InternalError(absl::StrCat("cannot read ", path));
  return content.str();
}

}  // namespace ismap::liu
