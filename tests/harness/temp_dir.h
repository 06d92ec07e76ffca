// A directory under $TEST_TMPDIR (or /tmp) removed with its contents when the
// object goes away.
#ifndef ISMAP_LIU_TESTS_HARNESS_TEMP_DIR_H_
#define ISMAP_LIU_TESTS_HARNESS_TEMP_DIR_H_

#include <string>

namespace ismap::liu::testing {

class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  // path()/name.
  std::string Join(const std::string& name) const;
  // Writes `content` to path()/name, creating or replacing it.
  void WriteFile(const std::string& name, const std::string& content) const;

 private:
  std::string path_;
};

}  // namespace ismap::liu::testing

#endif  // ISMAP_LIU_TESTS_HARNESS_TEMP_DIR_H_
