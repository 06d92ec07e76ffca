// Where the eligibility component gets impact assessments: from
// ImpactAssessmentService, over gRPC, as a peer service (never from its
// tables).
#ifndef ISMAP_LIU_SERVICES_ELIGIBILITY_ASSESSMENT_SOURCE_H_
#define ISMAP_LIU_SERVICES_ELIGIBILITY_ASSESSMENT_SOURCE_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "ismap/liu/v1/impact_assessment.pb.h"
#include "services/common/peer/peer_channel.h"

namespace ismap::liu::eligibility {

// Thread-safe. Does not own the peer channel, which must outlive it.
class AssessmentSource {
 public:
  explicit AssessmentSource(const PeerChannel* impact) : impact_(impact) {}

  // Every ACTIVE assessment whose subject is a business of
  // `pre_application` (`preApplications/{p}`), or is the review case
  // `review_case` (`reviewCases/{c}`): exactly one of the two is set. Most
  // recently changed first. UNAVAILABLE / DEADLINE_EXCEEDED when the impact
  // service cannot answer in time.
  absl::StatusOr<std::vector<v1::ImpactAssessment>> ActiveAssessments(
      const std::string& pre_application, const std::string& review_case,
      absl::Time deadline) const;

 private:
  const PeerChannel* const impact_;
};

}  // namespace ismap::liu::eligibility

#endif  // ISMAP_LIU_SERVICES_ELIGIBILITY_ASSESSMENT_SOURCE_H_
