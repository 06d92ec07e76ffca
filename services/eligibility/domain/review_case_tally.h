// What the assessments of a review case (要検討業務) add up to: the
// assessments in force, one per ministry, and the distinct ministries whose
// assessment in force is LOW on C, I and A (domain.md §4: one ministry
// counts once however often it submitted or revised; withdrawn and non-LOW
// assessments do not count). Pure and deterministic.
#ifndef ISMAP_LIU_SERVICES_ELIGIBILITY_DOMAIN_REVIEW_CASE_TALLY_H_
#define ISMAP_LIU_SERVICES_ELIGIBILITY_DOMAIN_REVIEW_CASE_TALLY_H_

#include <string>
#include <vector>

#include "ismap/liu/v1/impact_assessment.pb.h"
#include "ismap/liu/v1/review.pb.h"

namespace ismap::liu::eligibility {

struct CaseTally {
  // One entry per ministry: its assessment in force (the most recently
  // changed ACTIVE one), ordered by ministry.
  std::vector<v1::CaseAssessment> in_force;
  // The ministries among them whose assessment is LOW on all three, ordered.
  std::vector<std::string> low_ministries;
  // Their revisions, parallel to low_ministries.
  std::vector<std::string> low_revisions;
};

// Tallies `assessments` (any order; WITHDRAWN ones are ignored).
CaseTally TallyCaseAssessments(
    const std::vector<v1::ImpactAssessment>& assessments);

// Sets `review_case`'s assessments_in_force and low_assessment_ministries
// from `tally`.
void ApplyTally(const CaseTally& tally, v1::ReviewCase& review_case);

}  // namespace ismap::liu::eligibility

#endif  // ISMAP_LIU_SERVICES_ELIGIBILITY_DOMAIN_REVIEW_CASE_TALLY_H_
