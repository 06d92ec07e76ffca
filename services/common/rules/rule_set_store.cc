// SQL behind RuleSetStore.
#include "services/common/rules/rule_set_store.h"

#include <limits>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/util/time_util.h"
#include "services/common/audit_trail/audit_trail.h"
#include "services/common/status_macros.h"

namespace ismap::liu {
namespace {

using google::protobuf::util::TimeUtil;
using storage::Database;
using storage::Row;
using storage::Transaction;

constexpr storage::Migration kMigrations[] = {
    {1, "create rule sets and their files", R"sql(
CREATE TABLE rule_sets (
  version         TEXT   NOT NULL PRIMARY KEY,
  first_loaded_us BIGINT NOT NULL
);
CREATE INDEX rule_sets_by_first_loaded ON rule_sets (first_loaded_us);
CREATE TABLE rule_set_files (
  version      TEXT NOT NULL REFERENCES rule_sets (version),
  path         TEXT NOT NULL,
  message_type TEXT NOT NULL,
  sha256       TEXT NOT NULL,
  content      TEXT NOT NULL,
  PRIMARY KEY (version, path)
);
)sql"},
};

// Reads the files of `rule_set`, with or without their content.
absl::Status ReadFiles(Transaction& tx, bool with_content,
                       v1::RuleSet& rule_set) {
  ASSIGN_OR_RETURN(
      std::vector<Row> rows,
      tx.Query(with_content
                   ? "SELECT path, message_type, sha256, content FROM "
                     "rule_set_files "
                     "WHERE version = $1 ORDER BY path"
                   : "SELECT path, message_type, sha256 FROM rule_set_files "
                     "WHERE version = $1 ORDER BY path",
               {rule_set.version()}));
  for (const Row& row : rows) {
    v1::RuleFile* file = rule_set.add_files();
    ASSIGN_OR_RETURN(*file->mutable_path(), row.Text(0));
    ASSIGN_OR_RETURN(*file->mutable_message_type(), row.Text(1));
    ASSIGN_OR_RETURN(*file->mutable_sha256(), row.Text(2));
    if (with_content) {
      ASSIGN_OR_RETURN(*file->mutable_content(), row.Text(3));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::RuleSet> RuleSetOf(const Row& row) {
  v1::RuleSet rule_set;
  ASSIGN_OR_RETURN(*rule_set.mutable_version(), row.Text(0));
  ASSIGN_OR_RETURN(const int64_t loaded_us, row.Int(1));
  rule_set.set_name(absl::StrCat("ruleSets/", rule_set.version()));
  *rule_set.mutable_first_loaded_time() =
      TimeUtil::MicrosecondsToTimestamp(loaded_us);
  return rule_set;
}

}  // namespace

absl::Span<const storage::Migration> RuleSetStore::Migrations() {
  return kMigrations;
}

absl::Status RuleSetStore::Record(const RuleSet& rules, absl::Time now) {
  return database_->RunInTransaction(
      Database::Access::kReadWrite, absl::InfiniteFuture(),
      [&](Transaction& tx) -> absl::Status {
        ASSIGN_OR_RETURN(
            const int64_t inserted,
            tx.Execute("INSERT INTO rule_sets (version, first_loaded_us) "
                       "VALUES ($1, $2) ON CONFLICT (version) DO NOTHING",
                       {rules.version(), absl::ToUnixMicros(now)}));
        if (inserted == 0) return absl::OkStatus();
        RETURN_IF_ERROR(AuditTrail::Append(
            tx,
            {"system", "LoadRuleSet",
             absl::StrCat("ruleSets/", rules.version()), "", rules.version()},
            now));
        for (const RuleFile& file : rules.files()) {
          RETURN_IF_ERROR(
              tx.Execute("INSERT INTO rule_set_files "
                         "(version, path, message_type, sha256, content) "
                         "VALUES ($1, $2, $3, $4, $5)",
                         {rules.version(), file.path, file.message_type,
                          file.sha256, file.content})
                  .status());
        }
        return absl::OkStatus();
      });
}

absl::StatusOr<v1::RuleSet> RuleSetStore::Get(absl::string_view version,
                                              absl::Time deadline) const {
  v1::RuleSet result;
  RETURN_IF_ERROR(database_->RunInTransaction(
      Database::Access::kReadOnly, deadline,
      [&](Transaction& tx) -> absl::Status {
        ASSIGN_OR_RETURN(
            std::vector<Row> rows,
            tx.Query("SELECT version, first_loaded_us FROM rule_sets "
                     "WHERE version = $1",
                     {std::string(version)}));
        if (rows.empty()) {
          return absl::NotFoundError(
              absl::StrCat("rule set ", version, " was never loaded here"));
        }
        ASSIGN_OR_RETURN(result, RuleSetOf(rows[0]));
        return ReadFiles(tx, /*with_content=*/true, result);
      }));
  return result;
}

std::string RuleSetStore::SortKey(const v1::RuleSet& rule_set) {
  return absl::StrCat(
      TimeUtil::TimestampToMicroseconds(rule_set.first_loaded_time()), ":",
      rule_set.version());
}

absl::StatusOr<std::vector<v1::RuleSet>> RuleSetStore::List(
    const Page& page, absl::Time deadline) const {
  // Newest first: after (us, version) come older sets, or equally old ones
  // with a later version.
  int64_t after_us = std::numeric_limits<int64_t>::max();
  std::string after_version;
  if (!page.after_key.empty()) {
    const std::vector<std::string> parts = absl::StrSplit(page.after_key, ':');
    if (parts.size() != 2 || !absl::SimpleAtoi(parts[0], &after_us)) {
      FieldViolations violations;
      violations.Add("page_token", "is not a token this server issued");
      return violations.ToStatus();
    }
    after_version = parts[1];
  }
  std::vector<v1::RuleSet> result;
  RETURN_IF_ERROR(database_->RunInTransaction(
      Database::Access::kReadOnly, deadline,
      [&](Transaction& tx) -> absl::Status {
        result.clear();
        ASSIGN_OR_RETURN(
            std::vector<Row> rows,
            tx.Query("SELECT version, first_loaded_us FROM rule_sets "
                     "WHERE first_loaded_us < $1 "
                     "OR (first_loaded_us = $1 AND version > $2) "
                     "ORDER BY first_loaded_us DESC, version LIMIT $3",
                     {after_us, after_version,
                      static_cast<int64_t>(page.size) + 1}));
        for (const Row& row : rows) {
          ASSIGN_OR_RETURN(v1::RuleSet rule_set, RuleSetOf(row));
          RETURN_IF_ERROR(ReadFiles(tx, /*with_content=*/false, rule_set));
          result.push_back(std::move(rule_set));
        }
        return absl::OkStatus();
      }));
  return result;
}

}  // namespace ismap::liu
