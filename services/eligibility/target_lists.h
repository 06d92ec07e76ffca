// The versions of the target-business list (対象業務一覧の版), loaded from the
// store and kept in memory: a version never changes once written, so each is
// read and compiled into a matcher once.
#ifndef ISMAP_LIU_SERVICES_ELIGIBILITY_TARGET_LISTS_H_
#define ISMAP_LIU_SERVICES_ELIGIBILITY_TARGET_LISTS_H_

#include <memory>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "ismap/liu/v1/eligibility.pb.h"
#include "ismap/liu/v1/rules.pb.h"
#include "services/common/storage/database.h"
#include "services/eligibility/domain/target_list_matcher.h"

namespace ismap::liu::eligibility {

// One version of the list. Immutable.
struct TargetList {
  int64_t version = 0;
  std::vector<v1::TargetBusiness> items;  // By item number.
  TargetListMatcher matcher;
};

// Thread-safe. Keeps a pointer to the vocabulary, which must outlive it.
class TargetLists {
 public:
  explicit TargetLists(const v1::InformationVocabulary* vocabulary)
      : vocabulary_(vocabulary) {}

  // At start-up: writes the programme-start items of `list` as version 1 if
  // the store has no list yet; otherwise checks that the stored programme-
  // start items are those of `list` (items change only through review
  // cases): FAILED_PRECONDITION naming the first that differs.
  absl::Status Seed(storage::Database& database,
                    const v1::TargetBusinessList& list,
                    const std::string& rules_version, absl::Time now);

  // Version `version` of the list (0: the current one) as `tx` sees it.
  // NOT_FOUND for a version that does not exist.
  absl::StatusOr<std::shared_ptr<const TargetList>> Get(
      storage::Transaction& tx, int64_t version);

  // A matcher over `items` (e.g. the current list plus a proposed item).
  // FAILED_PRECONDITION if a condition is malformed.
  absl::StatusOr<TargetListMatcher> MatcherOf(
      const std::vector<v1::TargetBusiness>& items) const;

 private:
  const v1::InformationVocabulary* const vocabulary_;
  absl::Mutex mu_;
  absl::flat_hash_map<int64_t, std::shared_ptr<const TargetList>> versions_
      ABSL_GUARDED_BY(mu_);
};

}  // namespace ismap::liu::eligibility

#endif  // ISMAP_LIU_SERVICES_ELIGIBILITY_TARGET_LISTS_H_
