// Target-list versions: seeding from rules/, loading and caching.
#include "services/eligibility/target_lists.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "google/protobuf/util/message_differencer.h"
#include "google/protobuf/util/time_util.h"
#include "services/common/status_macros.h"
#include "services/eligibility/eligibility_store.h"

namespace ismap::liu::eligibility {
namespace {

using google::protobuf::util::MessageDifferencer;
using google::protobuf::util::TimeUtil;

// The programme-start item as the list stores it.
v1::TargetBusiness StartItem(const v1::TargetBusinessItem& item,
                             const std::string& rules_version, absl::Time now) {
  v1::TargetBusiness out;
  out.set_name(absl::StrCat("targetBusinesses/", item.item_number()));
  out.set_item_number(item.item_number());
  *out.mutable_criterion() = item.criterion();
  *out.mutable_examples() = item.examples();
  *out.mutable_condition() = item.condition();
  out.set_origin(v1::TargetBusiness::ORIGIN_PROGRAMME_START);
  out.set_list_version(1);
  out.set_rules_version(rules_version);
  *out.mutable_create_time() =
      TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(now));
  return out;
}

// Whether a stored programme-start item says what the rules item says.
bool SameItem(const v1::TargetBusiness& stored,
              const v1::TargetBusinessItem& item) {
  if (stored.examples_size() != item.examples_size()) return false;
  for (int i = 0; i < item.examples_size(); ++i) {
    if (!MessageDifferencer::Equals(stored.examples(i), item.examples(i))) {
      return false;
    }
  }
  return stored.item_number() == item.item_number() &&
         MessageDifferencer::Equals(stored.criterion(), item.criterion()) &&
         MessageDifferencer::Equals(stored.condition(), item.condition());
}

}  // namespace

absl::Status TargetLists::Seed(storage::Database& database,
                               const v1::TargetBusinessList& list,
                               const std::string& rules_version,
                               absl::Time now) {
  return database.RunInTransaction(
      storage::Database::Access::kReadWrite, now + absl::Seconds(30),
      [&](storage::Transaction& tx) -> absl::Status {
        ASSIGN_OR_RETURN(int64_t current,
                         EligibilityStore::CurrentListVersion(tx));
        if (current == 0) {
          std::vector<v1::TargetBusiness> items;
          for (const v1::TargetBusinessItem& item : list.items()) {
            items.push_back(StartItem(item, rules_version, now));
          }
          return EligibilityStore::AddListVersion(tx, 1, items, now);
        }
        ASSIGN_OR_RETURN(std::vector<v1::TargetBusiness> stored,
                         EligibilityStore::ListItems(tx, 1));
        for (int i = 0; i < list.items_size(); ++i) {
          if (i >= static_cast<int>(stored.size()) ||
              !SameItem(stored[i], list.items(i))) {
            return absl::FailedPreconditionError(absl::StrCat(
                "rules/target_businesses.textproto: item ",
                list.items(i).item_number(),
                " differs from the list this database started with; the list "
                "changes only through review cases (a new item in a new "
                "version), never by editing an item"));
          }
        }
        if (stored.size() != static_cast<size_t>(list.items_size())) {
          return absl::FailedPreconditionError(
              "rules/target_businesses.textproto has fewer items than the "
              "list this database started with");
        }
        return absl::OkStatus();
      });
}

absl::StatusOr<std::shared_ptr<const TargetList>> TargetLists::Get(
    storage::Transaction& tx, int64_t version) {
  if (version == 0) {
    ASSIGN_OR_RETURN(version, EligibilityStore::CurrentListVersion(tx));
  }
  {
    absl::MutexLock lock(&mu_);
    auto it = versions_.find(version);
    if (it != versions_.end()) return it->second;
  }
  ASSIGN_OR_RETURN(int64_t current, EligibilityStore::CurrentListVersion(tx));
  if (version < 1 || version > current) {
    return absl::NotFoundError(absl::StrCat(
        "list version ", version, " does not exist (current: ", current, ")"));
  }
  ASSIGN_OR_RETURN(std::vector<v1::TargetBusiness> items,
                   EligibilityStore::ListItems(tx, version));
  ASSIGN_OR_RETURN(TargetListMatcher matcher, MatcherOf(items));
  auto list = std::make_shared<const TargetList>(
      TargetList{version, std::move(items), std::move(matcher)});
  absl::MutexLock lock(&mu_);
  return versions_.try_emplace(version, std::move(list)).first->second;
}

absl::StatusOr<TargetListMatcher> TargetLists::MatcherOf(
    const std::vector<v1::TargetBusiness>& items) const {
  std::vector<ListItem> list_items;
  list_items.reserve(items.size());
  for (const v1::TargetBusiness& item : items) {
    list_items.push_back(ListItem{item.item_number(), item.condition()});
  }
  return TargetListMatcher::Create(std::move(list_items), vocabulary_);
}

}  // namespace ismap::liu::eligibility
