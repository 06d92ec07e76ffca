// What ImpactAssessmentService learns about the subjects of assessments
// (pre-applications and 要検討業務 review cases), which EligibilityService and
// ReviewService own: behind a small interface, read through their gRPC APIs
// and never from their tables.
#ifndef ISMAP_LIU_SERVICES_IMPACT_SUBJECT_DIRECTORY_H_
#define ISMAP_LIU_SERVICES_IMPACT_SUBJECT_DIRECTORY_H_

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "ismap/liu/v1/eligibility.pb.h"
#include "ismap/liu/v1/review.pb.h"
#include "services/common/peer/peer_channel.h"

namespace ismap::liu::impact {

// Implementations are thread-safe.
class SubjectDirectory {
 public:
  virtual ~SubjectDirectory() = default;

  // The pre-application `name` (`preApplications/{p}`) as IPA sees it:
  // its CSP, state and businesses with their profiles and ministries.
  // NOT_FOUND if there is none of that name; UNAVAILABLE, DEADLINE_EXCEEDED
  // or RESOURCE_EXHAUSTED when it cannot be asked before `deadline`
  // (retryable); INTERNAL for any other failure.
  virtual absl::StatusOr<v1::PreApplication> GetPreApplication(
      absl::string_view name, absl::Time deadline) const = 0;

  // The review case `name` (`reviewCases/{c}`) as IPA sees it: its
  // business, state and every linked pre-application business. Errors as
  // for GetPreApplication.
  virtual absl::StatusOr<v1::ReviewCase> GetReviewCase(
      absl::string_view name, absl::Time deadline) const = 0;
};

// Asks EligibilityService.GetPreApplication and ReviewService.GetReviewCase
// over `peer`, with the impact service's own identity (role ipa). Does not
// own the channel, which must outlive it. Thread-safe.
class PeerSubjectDirectory final : public SubjectDirectory {
 public:
  explicit PeerSubjectDirectory(const PeerChannel* peer) : peer_(peer) {}

  absl::StatusOr<v1::PreApplication> GetPreApplication(
      absl::string_view name, absl::Time deadline) const override;
  absl::StatusOr<v1::ReviewCase> GetReviewCase(
      absl::string_view name, absl::Time deadline) const override;

 private:
  const PeerChannel* const peer_;
};

}  // namespace ismap::liu::impact

#endif  // ISMAP_LIU_SERVICES_IMPACT_SUBJECT_DIRECTORY_H_
