// Whole-file reads through open(2) and read(2).
#include "services/common/file_contents.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace ismap::liu {

absl::StatusOr<std::string> ReadFileContents(const std::string& path) {
  // Whether the file is missing is the open's own error: a later check could
  // find a file that another process created meanwhile (two servers starting
  // at once, one creating the development key the other looks for).
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) {
      return absl::NotFoundError(absl::StrCat("no file at ", path));
    }
    return absl::InternalError(absl::StrCat("cannot read ", path));
  }
  std::string content;
  char buffer[1 << 16];
  while (true) {
    const ssize_t n = read(fd, buffer, sizeof(buffer));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      close(fd);
      return absl::InternalError(absl::StrCat("cannot read ", path));
    }
    if (n == 0) break;
    content.append(buffer, static_cast<size_t>(n));
  }
  close(fd);
  return content;
}

}  // namespace ismap::liu
