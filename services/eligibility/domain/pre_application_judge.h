// The judgement of a pre-application (ISMAP-LIU該当性判断, domain.md §3).
//
// Per business: on the list and every using ministry's assessment in force
// LOW on C, I and A → ELIGIBLE; on the list with some assessment above LOW →
// NOT_ELIGIBLE (naming ministry, information and objective); on the list with
// an assessment missing → WAITING_FOR_ASSESSMENT (naming the ministries);
// not on the list → NEEDS_REVIEW while its review case is open, NOT_ELIGIBLE
// once the case is rejected. The pre-application is ELIGIBLE only when every
// business is; otherwise NOT_ELIGIBLE > NEEDS_REVIEW > WAITING by precedence.
// Pure and deterministic: no I/O, no clock.
#ifndef ISMAP_LIU_SERVICES_ELIGIBILITY_DOMAIN_PRE_APPLICATION_JUDGE_H_
#define ISMAP_LIU_SERVICES_ELIGIBILITY_DOMAIN_PRE_APPLICATION_JUDGE_H_

#include <optional>
#include <string>
#include <vector>

#include "ismap/liu/v1/eligibility.pb.h"
#include "ismap/liu/v1/impact_assessment.pb.h"
#include "ismap/liu/v1/review.pb.h"
#include "services/eligibility/domain/target_list_matcher.h"

namespace ismap::liu::eligibility {

// The key by which two businesses are the same 要検討業務 case: their sorted
// kinds of information and sorted facts (title and description do not
// count), e.g. "kinds=a,b;facts=c".
std::string BusinessKey(const v1::BusinessProfile& profile);

// A business's review case as the judge needs it.
struct CaseStatus {
  std::string name;  // `reviewCases/{c}`
  v1::ReviewCase::State state = v1::ReviewCase::STATE_UNSPECIFIED;
};

// What one business is judged on besides its profile.
struct BusinessEvidence {
  // ACTIVE assessments whose subject is this business, most recently changed
  // first (a ministry's first entry is the one in force).
  std::vector<const v1::ImpactAssessment*> business_assessments;
  // The review case of the business's key, if one exists.
  std::optional<CaseStatus> review_case;
  // ACTIVE assessments of that case, most recently changed first. They count
  // for a using ministry that has none of the business itself.
  std::vector<const v1::ImpactAssessment*> case_assessments;
};

// Judges every business of `pre_application` (whose profiles are assumed
// valid) against `matcher`'s list. `evidence` is parallel to its businesses.
// Fills businesses, overall_outcome, assessment_revisions and summary; the
// caller sets name, trigger, versions and time.
v1::Judgement Judge(const v1::PreApplication& pre_application,
                    const std::vector<BusinessEvidence>& evidence,
                    const TargetListMatcher& matcher);

// The name of an assessment's current revision,
// `ministries/{m}/impactAssessments/{a}/revisions/{r}`.
std::string CurrentRevisionName(const v1::ImpactAssessment& assessment);

// Japanese and English names of an outcome, e.g. "LIU対象" / "eligible".
v1::LocalizedText OutcomeText(v1::EligibilityOutcome outcome);

}  // namespace ismap::liu::eligibility

#endif  // ISMAP_LIU_SERVICES_ELIGIBILITY_DOMAIN_PRE_APPLICATION_JUDGE_H_
