// Follows the impact service's event feed (WatchImpactAssessments) and
// re-judges what each submitted, revised or withdrawn assessment touches:
// the pre-application it is for, or the review case it is for (whose tally
// of LOW ministries is refreshed) and every pre-application linked to it.
//
// The position in the feed is stored, and advanced only after an event's
// effects have committed, so a restart resumes without losing an event;
// handling an event twice changes nothing (a judgement that did not change
// is not recorded again, and no notification is sent).
#ifndef ISMAP_LIU_SERVICES_ELIGIBILITY_ASSESSMENT_FOLLOWER_H_
#define ISMAP_LIU_SERVICES_ELIGIBILITY_ASSESSMENT_FOLLOWER_H_

#include <memory>
#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "grpcpp/client_context.h"
#include "ismap/liu/v1/impact_assessment.pb.h"
#include "services/common/peer/peer_channel.h"
#include "services/common/storage/database.h"
#include "services/eligibility/assessment_source.h"
#include "services/eligibility/judgement_recorder.h"

namespace ismap::liu::eligibility {

// Thread-safe. Does not own its arguments, which must outlive it.
class AssessmentFollower {
 public:
  AssessmentFollower(storage::Database* database, const PeerChannel* impact,
                     const AssessmentSource* assessments,
                     const JudgementRecorder* recorder)
      : database_(database),
        impact_(impact),
        assessments_(assessments),
        recorder_(recorder) {}

  // Calls Stop().
  ~AssessmentFollower();

  // Starts following on a thread of its own. At most once.
  void Start();

  // Cancels the feed and joins the thread. Idempotent.
  void Stop();

  // Applies one event's effects (exposed for the follower's thread only;
  // public so that its contract is stated here).
  absl::Status Apply(const v1::ImpactAssessmentEvent& event) const;

 private:
  void Run();
  // Follows the feed from the stored cursor until it ends or fails.
  absl::Status FollowOnce();
  absl::Status RefreshCase(const std::string& case_name) const;

  storage::Database* const database_;
  const PeerChannel* const impact_;
  const AssessmentSource* const assessments_;
  const JudgementRecorder* const recorder_;

  absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  grpc::ClientContext* stream_ ABSL_GUARDED_BY(mu_) = nullptr;
  std::thread thread_;
};

}  // namespace ismap::liu::eligibility

#endif  // ISMAP_LIU_SERVICES_ELIGIBILITY_ASSESSMENT_FOLLOWER_H_
