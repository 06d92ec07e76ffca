// Judging a pre-application and recording the judgement: the one place where
// a judgement is made, stored with its inputs, versions and time, where the
// review cases of unlisted businesses open and link, and where the CSP is
// notified of every change of outcome (判断結果をCSPに通知).
//
// A judgement needs assessments from the impact service; calls to it never
// happen inside a database transaction. So a judgement is two steps: Fetch()
// the assessments (no transaction), then Record() inside the write
// transaction, which re-reads everything else.
#ifndef ISMAP_LIU_SERVICES_ELIGIBILITY_JUDGEMENT_RECORDER_H_
#define ISMAP_LIU_SERVICES_ELIGIBILITY_JUDGEMENT_RECORDER_H_

#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "ismap/liu/v1/eligibility.pb.h"
#include "ismap/liu/v1/impact_assessment.pb.h"
#include "ismap/liu/v1/review.pb.h"
#include "ismap/liu/v1/rules.pb.h"
#include "services/common/change_notifier.h"
#include "services/common/storage/database.h"
#include "services/eligibility/assessment_source.h"
#include "services/eligibility/target_lists.h"

namespace ismap::liu::eligibility {

// Assessments fetched for judging one pre-application.
struct FetchedAssessments {
  // ACTIVE assessments of the pre-application's businesses.
  std::vector<v1::ImpactAssessment> of_pre_application;
  // ACTIVE assessments per review case name, for the cases its businesses
  // had when fetched.
  absl::flat_hash_map<std::string, std::vector<v1::ImpactAssessment>> of_case;
};

// Thread-safe. Does not own its arguments, which must outlive it.
class JudgementRecorder {
 public:
  JudgementRecorder(storage::Database* database, TargetLists* lists,
                    const AssessmentSource* assessments,
                    const v1::ReviewPolicy* review_policy,
                    std::string rules_version, ChangeNotifier* notifier)
      : database_(database),
        lists_(lists),
        assessments_(assessments),
        review_policy_(review_policy),
        rules_version_(std::move(rules_version)),
        notifier_(notifier) {}

  // Fetches what judging `pre` needs: its businesses' assessments (unless
  // `pre` is not stored yet) and those of the review cases of its
  // businesses. Errors of the impact service or the database.
  absl::StatusOr<FetchedAssessments> Fetch(const v1::PreApplication& pre,
                                           bool stored,
                                           absl::Time deadline) const;

  // Inside the write transaction `tx`: judges `pre` against the current list
  // with `fetched`, opening a review case for each unlisted business whose
  // key has none and linking the pre-application to the cases of its
  // businesses. Records the judgement as the next of `pre` when it differs
  // from the last one or `always` is set; sets it in `pre` (which the caller
  // then stores); appends a notification when an outcome changed; appends
  // audit events for each judgement and each case opened, as `actor`.
  // `list` overrides the current list: a version this very transaction adds
  // (which must not be cached before it commits).
  absl::Status Record(storage::Transaction& tx, v1::PreApplication& pre,
                      const FetchedAssessments& fetched,
                      v1::Judgement::Trigger trigger, const std::string& actor,
                      absl::Time now, bool always,
                      std::shared_ptr<const TargetList> list = nullptr) const;

  // Fetches, then records in a transaction of its own, for the stored
  // pre-application `id` if it is ACTIVE (a withdrawn one is left alone).
  // Retries once when the pre-application changed in between. Signals the
  // notifier after a commit.
  absl::Status Rejudge(const std::string& id, v1::Judgement::Trigger trigger,
                       const std::string& actor, absl::Time deadline) const;

 private:
  storage::Database* const database_;
  TargetLists* const lists_;
  const AssessmentSource* const assessments_;
  const v1::ReviewPolicy* const review_policy_;
  const std::string rules_version_;
  ChangeNotifier* const notifier_;
};

// `pre`'s etag: a hash of its content.
std::string PreApplicationEtag(const v1::PreApplication& pre);
// `review_case`'s etag.
std::string ReviewCaseEtag(const v1::ReviewCase& review_case);

}  // namespace ismap::liu::eligibility

#endif  // ISMAP_LIU_SERVICES_ELIGIBILITY_JUDGEMENT_RECORDER_H_
