// The eligibility component as a server hosts it: its store (migrated), the
// target list (seeded from rules/), the judgement machinery, the follower of
// the impact service's feed, and its two gRPC services (EligibilityService
// and ReviewService), which share one database because IPA's decision on a
// case changes the case, the list and the pre-applications together.
#ifndef ISMAP_LIU_SERVICES_ELIGIBILITY_ELIGIBILITY_COMPONENT_H_
#define ISMAP_LIU_SERVICES_ELIGIBILITY_ELIGIBILITY_COMPONENT_H_

#include <memory>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/common/peer/peer_channel.h"
#include "services/common/rules/rule_set.h"
#include "services/common/storage/database.h"
#include "services/common/unary_call.h"
#include "services/eligibility/assessment_follower.h"
#include "services/eligibility/assessment_source.h"
#include "services/eligibility/eligibility_service.h"
#include "services/eligibility/judgement_recorder.h"
#include "services/eligibility/review_service.h"
#include "services/eligibility/target_lists.h"

namespace ismap::liu {

// Thread-safe. Does not own the database, rules, peer channel, runner or the
// runner's executor, which must outlive it.
class EligibilityComponent {
 public:
  // Applies the component's migrations and seeds (or checks) the target
  // list. Errors of the database; FAILED_PRECONDITION when rules/ changed a
  // programme-start item of an existing list, or rules lack a file.
  static absl::StatusOr<std::unique_ptr<EligibilityComponent>> Create(
      storage::Database* database, const RuleSet* rules,
      const PeerChannel* impact, const UnaryCallRunner* runner,
      BoundedExecutor* executor, absl::Time now);

  // Calls Stop().
  ~EligibilityComponent();

  EligibilityServiceImpl* eligibility_service() { return &eligibility_; }
  ReviewServiceImpl* review_service() { return &review_; }

  // Starts following the impact service's feed; call once the peer channel
  // is connected.
  void StartFollowing() { follower_.Start(); }
  // Stops following, and ends every WatchNotifications stream (UNAVAILABLE,
  // so that clients resume elsewhere) and refuses new ones: call before
  // stopping the server, which otherwise waits for streams that never end by
  // themselves. Idempotent.
  void Stop();

 private:
  EligibilityComponent(storage::Database* database, const RuleSet* rules,
                       const PeerChannel* impact, const UnaryCallRunner* runner,
                       BoundedExecutor* executor,
                       const v1::InformationVocabulary* vocabulary,
                       const v1::ReviewPolicy* review_policy);

  ChangeNotifier notifier_;
  eligibility::TargetLists lists_;
  eligibility::AssessmentSource assessments_;
  eligibility::JudgementRecorder recorder_;
  eligibility::AssessmentFollower follower_;
  EligibilityServiceImpl eligibility_;
  ReviewServiceImpl review_;
};

}  // namespace ismap::liu

#endif  // ISMAP_LIU_SERVICES_ELIGIBILITY_ELIGIBILITY_COMPONENT_H_
