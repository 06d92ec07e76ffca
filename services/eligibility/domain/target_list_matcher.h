// The formal check of a business against the target-business list
// (対象業務一覧の形式的な該当性判断).
//
// Each item's criterion is a condition over the business profile (kinds of
// information and facts from the controlled vocabulary). A business matches
// the first item whose condition holds; for every item that does not hold,
// every failed part of its condition is reported in words a reviewer reads.
// Examples never take part. Pure and deterministic.
#ifndef ISMAP_LIU_SERVICES_ELIGIBILITY_DOMAIN_TARGET_LIST_MATCHER_H_
#define ISMAP_LIU_SERVICES_ELIGIBILITY_DOMAIN_TARGET_LIST_MATCHER_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "ismap/liu/v1/common.pb.h"
#include "ismap/liu/v1/eligibility.pb.h"
#include "ismap/liu/v1/rules.pb.h"

namespace ismap::liu::eligibility {

// One item of the list as the matcher uses it.
struct ListItem {
  int32_t item_number = 0;
  v1::Condition condition;
};

// The outcome of checking one profile against the whole list.
struct ListEvaluation {
  // The number of the first item that matched, if any.
  std::optional<int32_t> matched_item;
  // One entry per item, in list order: matched, or every failed part.
  std::vector<v1::ItemEvaluation> items;
};

// Immutable after Create(); thread-safe. Keeps a pointer to the vocabulary,
// which must outlive it (it lives in the loaded RuleSet).
class TargetListMatcher {
 public:
  // Checks that every condition is well formed (one kind set in each node,
  // non-empty lists) and names only ids of `vocabulary`. FAILED_PRECONDITION
  // naming the item and the path of the first bad node.
  static absl::StatusOr<TargetListMatcher> Create(
      std::vector<ListItem> items, const v1::InformationVocabulary* vocabulary);

  // Checks `profile`'s kinds of information and facts: at least one kind,
  // every id in the vocabulary, none twice. INVALID_ARGUMENT listing every
  // offending field (`information_kinds[1]`, `facts[0]`).
  absl::Status ValidateProfile(const v1::BusinessProfile& profile) const;

  // Evaluates a profile (assumed valid) against every item.
  ListEvaluation Evaluate(const v1::BusinessProfile& profile) const;

 private:
  struct Labels {
    absl::flat_hash_map<std::string, v1::LocalizedText> kinds;
    absl::flat_hash_map<std::string, v1::LocalizedText> facts;
  };

  TargetListMatcher(std::vector<ListItem> items, Labels labels)
      : items_(std::move(items)), labels_(std::move(labels)) {}

  std::vector<ListItem> items_;
  Labels labels_;
};

// The programme-start items of a rules file as ListItems.
std::vector<ListItem> ItemsOf(const v1::TargetBusinessList& list);

}  // namespace ismap::liu::eligibility

#endif  // ISMAP_LIU_SERVICES_ELIGIBILITY_DOMAIN_TARGET_LIST_MATCHER_H_
