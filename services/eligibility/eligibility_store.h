// Persistence of the eligibility component: the target-business list and its
// versions, pre-applications with their judgements and notifications, and
// review cases (要検討業務) with their links to pre-application businesses.
//
// Resources are stored as serialised messages beside the columns queries
// need. Every function works inside a caller's transaction, so a state
// change, its judgement, its notification and its audit-trail event commit
// together. Stateless; thread-compatible like the Transaction it is given.
#ifndef ISMAP_LIU_SERVICES_ELIGIBILITY_ELIGIBILITY_STORE_H_
#define ISMAP_LIU_SERVICES_ELIGIBILITY_ELIGIBILITY_STORE_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "ismap/liu/v1/eligibility.pb.h"
#include "ismap/liu/v1/review.pb.h"
#include "services/common/page_token.h"
#include "services/common/storage/database.h"
#include "services/common/storage/migrations.h"

namespace ismap::liu::eligibility {

// Which pre-applications a List returns, besides paging.
struct PreApplicationFilter {
  std::string csp;                   // `csps/{c}`; empty: any.
  std::string ministry;              // Names this ministry; empty: any.
  std::string waiting_for_ministry;  // Waits for this ministry; empty: any.
  std::string review_case;           // Linked to this case; empty: any.
  v1::PreApplication::State state = v1::PreApplication::STATE_UNSPECIFIED;
  v1::EligibilityOutcome outcome = v1::ELIGIBILITY_OUTCOME_UNSPECIFIED;
};

// Which review cases a List returns, besides paging.
struct ReviewCaseFilter {
  v1::ReviewCase::State state = v1::ReviewCase::STATE_UNSPECIFIED;
  std::optional<bool> overdue;  // Relative to `now`.
  absl::Time now;
  std::string pre_application;  // Linked to it; empty: any.
  std::string csp;  // Linked to a pre-application of this CSP; empty: any.
};

class EligibilityStore {
 public:
  static constexpr absl::string_view kComponent = "eligibility";
  static absl::Span<const storage::Migration> Migrations();

  // ---- The target-business list ----

  // The current list version; 0 before the list is seeded.
  static absl::StatusOr<int64_t> CurrentListVersion(storage::Transaction& tx);
  // The items of list version `version` (those added at or before it), by
  // item number.
  static absl::StatusOr<std::vector<v1::TargetBusiness>> ListItems(
      storage::Transaction& tx, int64_t version);
  // Adds `items` (item numbers and list version already set) as list
  // version `version`, which must be the current version + 1.
  // ALREADY_EXISTS if another transaction added that version first.
  static absl::Status AddListVersion(storage::Transaction& tx, int64_t version,
                                     absl::Span<const v1::TargetBusiness> items,
                                     absl::Time now);

  // ---- Pre-applications ----

  // The pre-application with id `id`; NOT_FOUND if there is none.
  static absl::StatusOr<v1::PreApplication> GetPreApplication(
      storage::Transaction& tx, absl::string_view id);
  // The id of the pre-application `csp` created with `request_id`, and the
  // hash of that request; nullopt if none.
  struct RequestRecord {
    std::string id;
    std::string request_hash;
  };
  static absl::StatusOr<std::optional<RequestRecord>> FindRequest(
      storage::Transaction& tx, absl::string_view csp,
      absl::string_view request_id);
  // Inserts a new pre-application (name, csp and judgement set).
  // ALREADY_EXISTS when the CSP has an ACTIVE one of the same service name.
  static absl::Status InsertPreApplication(storage::Transaction& tx,
                                           const v1::PreApplication& pre,
                                           absl::string_view request_id,
                                           absl::string_view request_hash);
  // The name of `csp`'s ACTIVE pre-application for `service_name`, if any
  // (one pre-application per SaaS; a unique index backs it).
  static absl::StatusOr<std::optional<std::string>> FindActiveByServiceName(
      storage::Transaction& tx, absl::string_view csp,
      absl::string_view service_name);
  // Replaces a stored pre-application (its state or judgement changed).
  static absl::Status UpdatePreApplication(storage::Transaction& tx,
                                           const v1::PreApplication& pre);
  // Up to page.size + 1 pre-applications matching `filter`, oldest first.
  static absl::StatusOr<std::vector<v1::PreApplication>> ListPreApplications(
      storage::Transaction& tx, const PreApplicationFilter& filter,
      const Page& page);
  // The sort key of `pre` as List's page tokens carry it.
  static std::string PreApplicationKey(const v1::PreApplication& pre);

  // ---- Judgements and notifications ----

  // The number the next judgement of `pre_application_id` gets (1 first).
  static absl::StatusOr<int64_t> NextJudgementNumber(
      storage::Transaction& tx, absl::string_view pre_application_id);
  static absl::Status InsertJudgement(storage::Transaction& tx,
                                      absl::string_view pre_application_id,
                                      int64_t number,
                                      const v1::Judgement& judgement);
  static absl::StatusOr<v1::Judgement> GetJudgement(
      storage::Transaction& tx, absl::string_view pre_application_id,
      int64_t number);
  // Up to page.size + 1 judgements after number page.after_key, in order.
  static absl::StatusOr<std::vector<v1::Judgement>> ListJudgements(
      storage::Transaction& tx, absl::string_view pre_application_id,
      const Page& page);
  // Appends `notification` (name set except for the number) as the next in
  // the global feed and in its pre-application; fills sequence and name.
  static absl::Status AppendNotification(storage::Transaction& tx,
                                         absl::string_view pre_application_id,
                                         absl::string_view csp,
                                         v1::Notification& notification);
  static absl::StatusOr<v1::Notification> GetNotification(
      storage::Transaction& tx, absl::string_view pre_application_id,
      int64_t number);
  // Up to `limit` notifications with sequence > after_sequence, in sequence
  // order, of one pre-application or (pre_application_id empty) of every
  // pre-application of `csp` (empty: of everyone).
  static absl::StatusOr<std::vector<v1::Notification>> ListNotifications(
      storage::Transaction& tx, absl::string_view pre_application_id,
      absl::string_view csp, int64_t after_sequence, int limit);

  // ---- Review cases ----

  static absl::StatusOr<v1::ReviewCase> GetReviewCase(storage::Transaction& tx,
                                                      absl::string_view id);
  // The case of `business_key`, if any.
  static absl::StatusOr<std::optional<v1::ReviewCase>> FindReviewCaseByKey(
      storage::Transaction& tx, absl::string_view business_key);
  static absl::Status InsertReviewCase(storage::Transaction& tx,
                                       const v1::ReviewCase& review_case);
  static absl::Status UpdateReviewCase(storage::Transaction& tx,
                                       const v1::ReviewCase& review_case);
  // Up to page.size + 1 cases matching `filter`, oldest due date first.
  static absl::StatusOr<std::vector<v1::ReviewCase>> ListReviewCases(
      storage::Transaction& tx, const ReviewCaseFilter& filter,
      const Page& page);
  static std::string ReviewCaseKey(const v1::ReviewCase& review_case);
  // Records that a business of `pre_application_id` is linked to the case
  // (idempotent), and the CSP owning it.
  static absl::Status LinkCase(storage::Transaction& tx,
                               absl::string_view case_id,
                               absl::string_view pre_application_id,
                               absl::string_view csp);
  // Removes every link of a pre-application (it was withdrawn).
  static absl::Status UnlinkPreApplication(
      storage::Transaction& tx, absl::string_view pre_application_id);
  // Ids of the pre-applications linked to the case, of `csp` only unless it
  // is empty.
  static absl::StatusOr<std::vector<std::string>> LinkedPreApplications(
      storage::Transaction& tx, absl::string_view case_id,
      absl::string_view csp = "");

  // ---- The follower's position in the impact service's event feed ----

  static absl::StatusOr<int64_t> FeedCursor(storage::Transaction& tx,
                                            absl::string_view feed);
  // Moves the cursor forward to `sequence` (never back).
  static absl::Status AdvanceFeedCursor(storage::Transaction& tx,
                                        absl::string_view feed,
                                        int64_t sequence);
};

// A content hash of `message` (deterministic serialisation) for etags and
// audit records.
std::string MessageHash(const google::protobuf::Message& message);

}  // namespace ismap::liu::eligibility

#endif  // ISMAP_LIU_SERVICES_ELIGIBILITY_ELIGIBILITY_STORE_H_
