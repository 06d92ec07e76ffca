// Loading and validation of rules files.
#include "services/common/rules/rule_set.h"

#include <algorithm>
#include <filesystem>
#include <optional>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/io/tokenizer.h"
#include "google/protobuf/text_format.h"
#include "services/common/digest.h"
#include "services/common/field_violations.h"
#include "services/common/file_contents.h"
#include "services/common/rules/rule_checks.h"
#include "services/common/status_macros.h"

namespace ismap::liu {
namespace {

namespace fs = std::filesystem;
namespace pb = google::protobuf;

constexpr absl::string_view kHeader = "proto-message:";
constexpr absl::string_view kRulesProto = "ismap/liu/v1/rules.proto";

// A position in a file, 1-based for people.
struct Position {
  int line = 1;
  int column = 1;
};

absl::Status FileError(const std::string& file, Position at,
                       absl::string_view reason) {
  return absl::InvalidArgumentError(
      absl::StrCat(file, ":", at.line, ":", at.column, ": ", reason));
}

// Keeps the first error the text-format parser reports.
class FirstErrorCollector final : public pb::io::ErrorCollector {
 public:
  void AddError(int line, pb::io::ColumnNumber column,
                const std::string& message) override {
    if (!error_.has_value()) {
      error_ = std::make_pair(Position{line + 1, column + 1}, message);
    }
  }
  const std::optional<std::pair<Position, std::string>>& error() const {
    return error_;
  }

 private:
  std::optional<std::pair<Position, std::string>> error_;
};

// Finds the `# proto-message: <type>` header among the leading comment lines.
absl::StatusOr<const pb::Descriptor*> DeclaredType(const std::string& file,
                                                   absl::string_view content) {
  int line_number = 0;
  for (absl::string_view line : absl::StrSplit(content, '\n')) {
    ++line_number;
    line = absl::StripAsciiWhitespace(line);
    if (line.empty()) continue;
    if (!absl::ConsumePrefix(&line, "#")) break;
    line = absl::StripLeadingAsciiWhitespace(line);
    if (!absl::ConsumePrefix(&line, kHeader)) continue;
    const std::string type(absl::StripAsciiWhitespace(line));
    const pb::Descriptor* descriptor =
        pb::DescriptorPool::generated_pool()->FindMessageTypeByName(type);
    if (descriptor == nullptr || descriptor->file()->name() != kRulesProto) {
      return FileError(
          file, {line_number, 1},
          absl::StrCat("\"", type, "\" is not a rules type of ", kRulesProto));
    }
    return descriptor;
  }
  return FileError(file, {1, 1},
                   "missing header line `# proto-message: ismap.liu.v1.<Type>` "
                   "before the first field");
}

// Finds where the field at `path` (e.g. `items[2].criterion`) was written.
Position Locate(const pb::Descriptor* descriptor,
                const pb::TextFormat::ParseInfoTree* tree,
                absl::string_view path) {
  Position found;
  for (absl::string_view segment : absl::StrSplit(path, '.')) {
    int index = -1;
    const size_t bracket = segment.find('[');
    if (bracket != absl::string_view::npos) {
      absl::string_view number = segment.substr(bracket + 1);
      absl::ConsumeSuffix(&number, "]");
      if (!absl::SimpleAtoi(number, &index)) return found;
      segment = segment.substr(0, bracket);
    }
    const pb::FieldDescriptor* field =
        descriptor == nullptr
            ? nullptr
            : descriptor->FindFieldByName(std::string(segment));
    if (field == nullptr || tree == nullptr) return found;
    const pb::TextFormat::ParseLocation location = tree->GetLocation(
        field, field->is_repeated() ? std::max(index, 0) : -1);
    if (location.line < 0) return found;
    found = {location.line + 1, location.column + 1};
    if (field->type() != pb::FieldDescriptor::TYPE_MESSAGE) return found;
    tree = tree->GetTreeForNested(
        field, field->is_repeated() ? std::max(index, 0) : -1);
    descriptor = field->message_type();
  }
  return found;
}

absl::StatusOr<RuleFile> LoadFile(const fs::path& directory,
                                  const std::string& name) {
  const std::string file = (directory / name).string();
  absl::StatusOr<std::string> read = ReadFileContents(file);
  if (!read.ok()) return FileError(file, {1, 1}, "cannot be read");
  std::string content = *std::move(read);

  ASSIGN_OR_RETURN(const pb::Descriptor* descriptor,
                   DeclaredType(file, content));
  std::unique_ptr<pb::Message> message(
      pb::MessageFactory::generated_factory()->GetPrototype(descriptor)->New());

  pb::TextFormat::Parser parser;
  FirstErrorCollector errors;
  pb::TextFormat::ParseInfoTree tree;
  parser.RecordErrorsTo(&errors);
  parser.WriteLocationsTo(&tree);
  if (!parser.ParseFromString(content, message.get())) {
    if (errors.error().has_value()) {
      return FileError(file, errors.error()->first, errors.error()->second);
    }
    return FileError(file, {1, 1}, "is not valid text format");
  }

  const absl::Status checked = CheckRules(*message);
  if (!checked.ok()) {
    const std::vector<v1::FieldViolation> violations =
        FieldViolationsOf(checked);
    if (violations.empty()) return FileError(file, {1, 1}, checked.message());
    std::vector<std::string> located;
    for (const v1::FieldViolation& violation : violations) {
      const Position at = Locate(descriptor, &tree, violation.field());
      located.push_back(absl::StrCat(file, ":", at.line, ":", at.column, ": ",
                                     violation.field(), ": ",
                                     violation.description()));
    }
    return absl::InvalidArgumentError(absl::StrJoin(located, "\n"));
  }

  RuleFile rule_file;
  rule_file.path = name;
  rule_file.message_type = descriptor->full_name();
  rule_file.sha256 = Sha256Hex(content);
  rule_file.content = std::move(content);
  rule_file.message = std::move(message);
  return rule_file;
}

}  // namespace

std::string RuleSetVersion(const std::vector<RuleFile>& files_in_path_order) {
  std::string manifest;
  for (const RuleFile& file : files_in_path_order) {
    absl::StrAppend(&manifest, file.path, "\n", file.sha256, "\n");
  }
  return Sha256Hex(manifest);
}

absl::StatusOr<std::shared_ptr<const RuleSet>> RuleSet::LoadFromDirectory(
    const std::string& directory) {
  std::error_code error;
  if (!fs::is_directory(directory, error)) {
    return absl::NotFoundError(
        absl::StrCat("rules directory ", directory, " does not exist"));
  }
  std::vector<std::string> names;
  for (const fs::directory_entry& entry :
       fs::directory_iterator(directory, error)) {
    const std::string name = entry.path().filename().string();
    if (entry.is_regular_file() && absl::EndsWith(name, ".textproto")) {
      names.push_back(name);
    }
  }
  if (error) {
    return absl::InternalError(
        absl::StrCat("cannot list ", directory, ": ", error.message()));
  }
  std::sort(names.begin(), names.end());

  std::vector<RuleFile> files;
  for (const std::string& name : names) {
    ASSIGN_OR_RETURN(RuleFile file, LoadFile(directory, name));
    for (const RuleFile& earlier : files) {
      if (earlier.message_type == file.message_type) {
        return FileError(
            (fs::path(directory) / name).string(), {1, 1},
            absl::StrCat("a second file of type ", file.message_type,
                         " (the first is ", earlier.path, ")"));
      }
    }
    files.push_back(std::move(file));
  }
  std::string version = RuleSetVersion(files);
  return std::shared_ptr<const RuleSet>(
      new RuleSet(std::move(files), std::move(version)));
}

}  // namespace ismap::liu
