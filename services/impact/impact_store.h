// Persistence of impact assessments: the current state of each, every
// revision, the change feed that WatchImpactAssessments serves, and the
// request ids that make CreateImpactAssessment idempotent.
//
// Every change is one transaction that also appends its audit-trail event and
// its feed event, so an acknowledged change, its audit record and its feed
// event are durable together or not at all. Feed sequences are taken from a
// one-row counter that every change updates, so changes commit in sequence
// order even on a database with concurrent writers: a reader that sees
// sequence n sees every sequence below it.
#ifndef ISMAP_LIU_SERVICES_IMPACT_IMPACT_STORE_H_
#define ISMAP_LIU_SERVICES_IMPACT_IMPACT_STORE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "ismap/liu/v1/impact_assessment.pb.h"
#include "services/common/caller.h"
#include "services/common/page_token.h"
#include "services/common/storage/database.h"
#include "services/common/storage/migrations.h"

namespace ismap::liu::impact {

// Thread-safe; does not own the database, which must outlive it. Needs the
// audit trail's migrations as well as its own.
class ImpactStore {
 public:
  // The component name under which Migrations() are applied.
  static constexpr absl::string_view kComponent = "impact";
  // The schema this store needs.
  static absl::Span<const storage::Migration> Migrations();

  explicit ImpactStore(storage::Database* database) : database_(database) {}

  // An assessment as stored.
  struct Stored {
    // Its current state (latest revision), etag included.
    v1::ImpactAssessment assessment;
    // For a pre-application subject, the CSP that filed it (`csps/{c}`,
    // which never changes); empty for a review case.
    std::string csp;
  };

  // A new assessment to record as revision 1.
  struct NewAssessment {
    // Content and outputs: ministry, business, subject, ratings, answers,
    // justification, implied minimums, high-water mark, overall level,
    // all_low and rules_version. The store fills name, state, revision,
    // etag and times.
    v1::ImpactAssessment assessment;
    std::string csp;  // As in Stored.
    // The idempotency key (empty: none) and a hash of the request body it
    // came with.
    std::string request_id;
    std::string body_sha256;
  };

  // The assessment that an earlier Create with `request_id` from
  // `organisation` created, in its current state; nullopt if there was
  // none. INVALID_ARGUMENT naming `request_id` if that call had another body
  // (`body_sha256`).
  absl::StatusOr<std::optional<v1::ImpactAssessment>> Replay(
      absl::string_view organisation, absl::string_view request_id,
      absl::string_view body_sha256, absl::Time deadline) const;

  // Records `input` as revision 1 by `caller` at `now`, with feed event
  // KIND_CREATED and an audit event, and returns the stored state. When the
  // request id (if any) was used meanwhile, answers as Replay does instead.
  // ALREADY_EXISTS (naming it) when the ministry has an ACTIVE assessment of
  // the same subject.
  absl::StatusOr<v1::ImpactAssessment> Create(const NewAssessment& input,
                                              const Caller& caller,
                                              absl::Time now,
                                              absl::Time deadline);

  // The assessment with id `id`. NOT_FOUND if there is none.
  absl::StatusOr<Stored> Get(absl::string_view id, absl::Time deadline) const;

  // Records a new revision of assessment `id` by `caller` at `now`: the
  // ratings, answers, justification and outputs of `content` replace the
  // current ones; feed event KIND_REVISED and an audit event. ABORTED if the
  // current etag is not `etag`; FAILED_PRECONDITION if it is WITHDRAWN;
  // NOT_FOUND if there is none.
  absl::StatusOr<v1::ImpactAssessment> Revise(
      absl::string_view id, absl::string_view etag,
      const v1::ImpactAssessment& content, const Caller& caller, absl::Time now,
      absl::Time deadline);

  // Whether `current` may change given the `etag` the client last read:
  // ABORTED when stale, FAILED_PRECONDITION when withdrawn. Revise and
  // Withdraw check this again in their transaction.
  static absl::Status CheckChangeable(const v1::ImpactAssessment& current,
                                      absl::string_view etag);

  // Withdraws assessment `id` with `reason` at `now`: feed event
  // KIND_WITHDRAWN and an audit event. Errors as for Revise (also
  // FAILED_PRECONDITION when already WITHDRAWN).
  absl::StatusOr<v1::ImpactAssessment> Withdraw(
      absl::string_view id, absl::string_view etag, absl::string_view reason,
      const Caller& caller, absl::Time now, absl::Time deadline);

  // Revision `revision` of assessment `id`. NOT_FOUND if there is none.
  absl::StatusOr<v1::ImpactAssessmentRevision> GetRevision(
      absl::string_view id, int64_t revision, absl::Time deadline) const;

  // Revisions of assessment `id`, oldest first: up to page.size + 1 after
  // the revision in page.after_key. INVALID_ARGUMENT (page_token) for a key
  // RevisionSortKey() did not make.
  absl::StatusOr<std::vector<v1::ImpactAssessmentRevision>> ListRevisions(
      absl::string_view id, const Page& page, absl::Time deadline) const;
  static std::string RevisionSortKey(
      const v1::ImpactAssessmentRevision& revision);

  // Which assessments List returns: every non-empty field must match.
  struct Filter {
    std::string ministry;         // `ministries/{m}`.
    std::string pre_application;  // `preApplications/{p}`.
    std::string business_id;
    std::string review_case;  // `reviewCases/{c}`.
    v1::ImpactAssessment::State state = v1::ImpactAssessment::STATE_UNSPECIFIED;
    std::string csp;  // The CSP of the pre-application subject.
  };

  // Assessments matching `filter`, latest update first: up to page.size + 1
  // after page.after_key. INVALID_ARGUMENT (page_token) for a key SortKey()
  // did not make.
  absl::StatusOr<std::vector<v1::ImpactAssessment>> List(
      const Filter& filter, const Page& page, absl::Time deadline) const;
  static std::string SortKey(const v1::ImpactAssessment& assessment);

  // Which feed events ListEvents returns: every non-empty field must match
  // the assessment's subject.
  struct EventFilter {
    std::string pre_application;
    std::string review_case;
  };

  // Up to `limit` feed events with a sequence above `after_sequence`
  // matching `filter`, in sequence order.
  absl::StatusOr<std::vector<v1::ImpactAssessmentEvent>> ListEvents(
      int64_t after_sequence, const EventFilter& filter, int64_t limit,
      absl::Time deadline) const;

 private:
  storage::Database* const database_;
};

}  // namespace ismap::liu::impact

#endif  // ISMAP_LIU_SERVICES_IMPACT_IMPACT_STORE_H_
