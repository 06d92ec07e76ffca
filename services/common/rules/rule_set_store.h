// Persistence of every rule set a deployment has loaded, so that the rules
// behind any recorded decision stay readable after the files change.
#ifndef ISMAP_LIU_SERVICES_COMMON_RULES_RULE_SET_STORE_H_
#define ISMAP_LIU_SERVICES_COMMON_RULES_RULE_SET_STORE_H_

#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "ismap/liu/v1/rule_set.pb.h"
#include "services/common/page_token.h"
#include "services/common/rules/rule_set.h"
#include "services/common/storage/database.h"
#include "services/common/storage/migrations.h"

namespace ismap::liu {

// Thread-safe; does not own the database, which must outlive it.
class RuleSetStore {
 public:
  // The component name under which Migrations() are applied.
  static constexpr absl::string_view kComponent = "rules";
  // The schema this store needs.
  static absl::Span<const storage::Migration> Migrations();

  explicit RuleSetStore(storage::Database* database) : database_(database) {}

  // Records `rules` as loaded at `now`, with an audit-trail event, unless its
  // version is recorded already, in which case nothing changes. Needs the
  // audit trail's migrations. Storage errors as returned.
  absl::Status Record(const RuleSet& rules, absl::Time now);

  // The rule set of `version` with every file's content. NOT_FOUND if this
  // deployment never loaded it.
  absl::StatusOr<v1::RuleSet> Get(absl::string_view version,
                                  absl::Time deadline) const;

  // Rule sets newest first, without contents: up to page.size + 1 of them
  // after page.after_key, so the caller can tell whether more follow.
  // INVALID_ARGUMENT (page_token) for an after_key SortKey() did not make.
  absl::StatusOr<std::vector<v1::RuleSet>> List(const Page& page,
                                                absl::Time deadline) const;

  // The key List() pages by.
  static std::string SortKey(const v1::RuleSet& rule_set);

 private:
  storage::Database* const database_;
};

}  // namespace ismap::liu

#endif  // ISMAP_LIU_SERVICES_COMMON_RULES_RULE_SET_STORE_H_
