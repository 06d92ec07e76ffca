// AssessmentSource over ImpactAssessmentService.ListImpactAssessments.
#include "services/eligibility/assessment_source.h"

#include <algorithm>

#include "google/protobuf/util/time_util.h"
#include "ismap/liu/v1/impact_assessment.grpc.pb.h"
#include "services/common/status_macros.h"

namespace ismap::liu::eligibility {

absl::StatusOr<std::vector<v1::ImpactAssessment>>
AssessmentSource::ActiveAssessments(const std::string& pre_application,
                                    const std::string& review_case,
                                    absl::Time deadline) const {
  v1::ListImpactAssessmentsRequest request;
  request.set_pre_application(pre_application);
  request.set_review_case(review_case);
  request.set_state(v1::ImpactAssessment::STATE_ACTIVE);
  request.set_page_size(500);
  std::vector<v1::ImpactAssessment> assessments;
  do {
    ASSIGN_OR_RETURN(PeerChannel::Call call, impact_->Prepare(deadline));
    v1::ListImpactAssessmentsResponse response;
    const grpc::Status status =
        v1::ImpactAssessmentService::NewStub(call.channel)
            ->ListImpactAssessments(call.context.get(), request, &response);
    RETURN_IF_ERROR(impact_->Unexpected(status));
    for (v1::ImpactAssessment& assessment :
         *response.mutable_impact_assessments()) {
      assessments.push_back(std::move(assessment));
    }
    request.set_page_token(response.next_page_token());
  } while (!request.page_token().empty());
  std::stable_sort(
      assessments.begin(), assessments.end(),
      [](const v1::ImpactAssessment& a, const v1::ImpactAssessment& b) {
        return google::protobuf::util::TimeUtil::TimestampToMicroseconds(
                   a.update_time()) >
               google::protobuf::util::TimeUtil::TimestampToMicroseconds(
                   b.update_time());
      });
  return assessments;
}

}  // namespace ismap::liu::eligibility
