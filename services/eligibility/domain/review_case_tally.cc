// Tallying a review case's assessments.
#include "services/eligibility/domain/review_case_tally.h"

#include <map>

#include "services/eligibility/domain/pre_application_judge.h"

namespace ismap::liu::eligibility {
namespace {

int64_t UpdateMicros(const v1::ImpactAssessment& assessment) {
  return assessment.update_time().seconds() * 1'000'000 +
         assessment.update_time().nanos() / 1000;
}

}  // namespace

CaseTally TallyCaseAssessments(
    const std::vector<v1::ImpactAssessment>& assessments) {
  std::map<std::string, const v1::ImpactAssessment*> latest;
  for (const v1::ImpactAssessment& assessment : assessments) {
    if (assessment.state() != v1::ImpactAssessment::STATE_ACTIVE) continue;
    const v1::ImpactAssessment*& slot = latest[assessment.ministry()];
    if (slot == nullptr || UpdateMicros(assessment) > UpdateMicros(*slot) ||
        (UpdateMicros(assessment) == UpdateMicros(*slot) &&
         assessment.name() > slot->name())) {
      slot = &assessment;
    }
  }
  CaseTally tally;
  for (const auto& [ministry, assessment] : latest) {
    v1::CaseAssessment& entry = tally.in_force.emplace_back();
    entry.set_ministry(ministry);
    entry.set_impact_assessment_revision(CurrentRevisionName(*assessment));
    entry.set_overall_level(assessment->overall_level());
    entry.set_all_low(assessment->all_low());
    if (assessment->all_low()) {
      tally.low_ministries.push_back(ministry);
      tally.low_revisions.push_back(entry.impact_assessment_revision());
    }
  }
  return tally;
}

void ApplyTally(const CaseTally& tally, v1::ReviewCase& review_case) {
  review_case.clear_assessments_in_force();
  review_case.clear_low_assessment_ministries();
  for (const v1::CaseAssessment& entry : tally.in_force) {
    *review_case.add_assessments_in_force() = entry;
  }
  for (const std::string& ministry : tally.low_ministries) {
    review_case.add_low_assessment_ministries(ministry);
  }
}

}  // namespace ismap::liu::eligibility
