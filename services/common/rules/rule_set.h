// The programme's rules, loaded from the text-format files in `rules/`.
//
// Each `*.textproto` file declares its schema in a header line
// `# proto-message: ismap.liu.v1.<Type>`, where the type is one of the
// messages of proto/ismap/liu/v1/rules.proto. Loading parses every file
// against its schema (unknown or repeated fields are errors), runs the
// semantic checks of rule_checks.h, and fails with `file:line:column: reason`
// for the first bad file. The loaded set has a version: a SHA-256 over every
// file's path and content hash, which decisions record.
#ifndef ISMAP_LIU_SERVICES_COMMON_RULES_RULE_SET_H_
#define ISMAP_LIU_SERVICES_COMMON_RULES_RULE_SET_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/message.h"

namespace ismap::liu {

// One loaded file.
struct RuleFile {
  std::string path;          // Relative to the rules directory.
  std::string message_type;  // e.g. "ismap.liu.v1.AuditPolicy".
  std::string sha256;        // Of the file's bytes.
  std::string content;       // The bytes, as read.
  std::shared_ptr<const google::protobuf::Message> message;
};

// An immutable, loaded set of rules. Thread-safe to share.
class RuleSet {
 public:
  // Loads every `*.textproto` file directly in `directory` (other files and
  // subdirectories are ignored). INVALID_ARGUMENT, with the message
  // `<directory>/<file>:<line>:<column>: <reason>`, for the first file without
  // a known `proto-message` header, with a syntax or schema error, or of a
  // type already loaded; for failed semantic checks, one such line per
  // violation (a field left out is reported at 1:1). NOT_FOUND if the
  // directory does not exist.
  static absl::StatusOr<std::shared_ptr<const RuleSet>> LoadFromDirectory(
      const std::string& directory);

  // The content hash identifying this set (64 lowercase hex characters).
  const std::string& version() const { return version_; }

  // The files, in path order.
  const std::vector<RuleFile>& files() const { return files_; }

  // The rules of type T, or FAILED_PRECONDITION naming the file type that a
  // service needs and the rules directory lacks.
  template <typename T>
  absl::StatusOr<const T*> Require() const {
    for (const RuleFile& file : files_) {
      if (file.message_type == T::descriptor()->full_name()) {
        return static_cast<const T*>(file.message.get());
      }
    }
    return absl::FailedPreconditionError(absl::StrCat(
        "the rules directory has no file of type ",
        T::descriptor()->full_name(),
        " (header `# proto-message: ", T::descriptor()->full_name(), "`)"));
  }

 private:
  RuleSet(std::vector<RuleFile> files, std::string version)
      : files_(std::move(files)), version_(std::move(version)) {}

  std::vector<RuleFile> files_;
  std::string version_;
};

// The version of a set of files, as RuleSet::version() computes it: SHA-256
// over "<path>\n<sha256 of content>\n" for each file in path order.
std::string RuleSetVersion(const std::vector<RuleFile>& files_in_path_order);

}  // namespace ismap::liu

#endif  // ISMAP_LIU_SERVICES_COMMON_RULES_RULE_SET_H_
