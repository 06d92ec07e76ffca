// The rules of ImpactAssessmentService apart from its transport: request
// validation, the access policy's scopes applied to stored assessments, the
// subject checks, the impact calculator and the store. The gRPC adapter
// (impact_assessment_service.h) calls one method per RPC.
//
// Scopes (rules/access_policy.textproto): OWN is a ministry's own
// assessments; CONCERNED is, for a CSP, the assessments of its own
// pre-applications' businesses and of review cases linked to one of its
// pre-applications; ALL is every assessment. An assessment outside the
// caller's scope is NOT_FOUND, exactly as one that does not exist.
#ifndef ISMAP_LIU_SERVICES_IMPACT_IMPACT_ASSESSMENTS_H_
#define ISMAP_LIU_SERVICES_IMPACT_IMPACT_ASSESSMENTS_H_

#include <cstddef>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "ismap/liu/v1/impact_assessment.pb.h"
#include "services/common/change_notifier.h"
#include "services/common/unary_call.h"
#include "services/impact/domain/impact_calculator.h"
#include "services/impact/impact_store.h"
#include "services/impact/subject_directory.h"

namespace ismap::liu::impact {

// Longest withdrawal reason, in bytes.
inline constexpr size_t kMaxWithdrawReasonBytes = 2 * 1024;

// Thread-safe. Owns nothing: the store, calculator, directory and notifier
// must outlive it.
class ImpactAssessments {
 public:
  // `rules_version` is recorded with every revision the calculator's
  // criteria compute; `notifier` is told after every committed change.
  ImpactAssessments(ImpactStore* store, const ImpactCalculator* calculator,
                    const SubjectDirectory* directory,
                    std::string rules_version, ChangeNotifier* notifier)
      : store_(store),
        calculator_(calculator),
        directory_(directory),
        rules_version_(std::move(rules_version)),
        notifier_(notifier) {}

  // The RPCs, as documented in impact_assessment.proto. Each fills
  // `*response` and returns the call's status. Besides the documented
  // errors, the subject directory's UNAVAILABLE / DEADLINE_EXCEEDED and
  // storage errors are returned as they are.
  absl::Status Create(const CallContext& call,
                      const v1::CreateImpactAssessmentRequest& request,
                      v1::ImpactAssessment* response) const;
  absl::Status Get(const CallContext& call,
                   const v1::GetImpactAssessmentRequest& request,
                   v1::ImpactAssessment* response) const;
  // A CSP must filter by `pre_application` or `review_case` (it reads the
  // assessments of one of its pre-applications or review cases at a time);
  // without either, INVALID_ARGUMENT naming `pre_application`.
  absl::Status List(const CallContext& call,
                    const v1::ListImpactAssessmentsRequest& request,
                    v1::ListImpactAssessmentsResponse* response) const;
  absl::Status Revise(const CallContext& call,
                      const v1::ReviseImpactAssessmentRequest& request,
                      v1::ImpactAssessment* response) const;
  absl::Status Withdraw(const CallContext& call,
                        const v1::WithdrawImpactAssessmentRequest& request,
                        v1::ImpactAssessment* response) const;
  absl::Status GetRevision(
      const CallContext& call,
      const v1::GetImpactAssessmentRevisionRequest& request,
      v1::ImpactAssessmentRevision* response) const;
  absl::Status ListRevisions(
      const CallContext& call,
      const v1::ListImpactAssessmentRevisionsRequest& request,
      v1::ListImpactAssessmentRevisionsResponse* response) const;

  // Checks a WatchImpactAssessments request and returns the feed filter it
  // asks for. INVALID_ARGUMENT naming every bad field.
  static absl::StatusOr<ImpactStore::EventFilter> WatchFilter(
      const v1::WatchImpactAssessmentsRequest& request);

 private:
  // What a submission needs from its subject.
  struct Subject {
    v1::BusinessProfile business;
    std::string csp;  // For a pre-application; empty for a review case.
  };

  // The subject of `assessment` (well formed) as `ministry` may submit an
  // assessment of it: NOT_FOUND if absent or not naming the ministry,
  // FAILED_PRECONDITION if withdrawn / not OPEN.
  absl::StatusOr<Subject> ResolveSubject(const v1::ImpactAssessment& assessment,
                                         const std::string& ministry,
                                         absl::Time deadline) const;
  // FAILED_PRECONDITION unless the subject of `assessment` is still ACTIVE
  // (a pre-application) or OPEN (a review case).
  absl::Status CheckSubjectOpen(const v1::ImpactAssessment& assessment,
                                absl::Time deadline) const;
  // Whether a review case is linked to a pre-application filed by `csp`.
  absl::StatusOr<bool> CaseConcernsCsp(const std::string& review_case,
                                       const std::string& csp,
                                       absl::Time deadline) const;
  // Whether the caller's scope reaches `stored`.
  absl::StatusOr<bool> Visible(const CallContext& call,
                               const ImpactStore::Stored& stored) const;
  // The assessment `name` (well formed, id `id`) if the caller may see it;
  // NOT_FOUND otherwise.
  absl::StatusOr<ImpactStore::Stored> LoadVisible(const CallContext& call,
                                                  const std::string& name,
                                                  const std::string& id) const;

  ImpactStore* const store_;
  const ImpactCalculator* const calculator_;
  const SubjectDirectory* const directory_;
  const std::string rules_version_;
  ChangeNotifier* const notifier_;
};

}  // namespace ismap::liu::impact

#endif  // ISMAP_LIU_SERVICES_IMPACT_IMPACT_ASSESSMENTS_H_
