// Impact assessments built from the criteria in rules/, for tests of every
// service that needs a ministry's assessment.
#ifndef ISMAP_LIU_TESTS_HARNESS_ASSESSMENT_BUILDER_H_
#define ISMAP_LIU_TESTS_HARNESS_ASSESSMENT_BUILDER_H_

#include <string>
#include <vector>

#include "ismap/liu/v1/impact_assessment.pb.h"

namespace ismap::liu::testing {

// An assessment of `kinds`, each rated LOW on C, I and A, answering every
// question of rules/impact_criteria.textproto with an answer that implies
// LOW (for every kind at once), with a justification (two such answers ask
// for one). No subject.
v1::ImpactAssessment LowAssessment(const std::vector<std::string>& kinds);

// Sets `question`'s answer (for every kind) to `answer` in `assessment`.
void SetAnswer(v1::ImpactAssessment& assessment, const std::string& question,
               const std::string& answer);

}  // namespace ismap::liu::testing

#endif  // ISMAP_LIU_TESTS_HARNESS_ASSESSMENT_BUILDER_H_
