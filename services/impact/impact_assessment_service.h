// gRPC adapter of ImpactAssessmentService: ministries' business/information
// impact assessments (業務・情報の影響度評価).
//
// Every RPC passes through the shared UnaryCallRunner, so each call is
// authenticated before anything else happens. The RPCs are not served by this
// build yet (issue #3: impact assessments) and answer UNIMPLEMENTED to
// signed-in callers.
#ifndef ISMAP_LIU_SERVICES_IMPACT_IMPACT_ASSESSMENT_SERVICE_H_
#define ISMAP_LIU_SERVICES_IMPACT_IMPACT_ASSESSMENT_SERVICE_H_

#include "ismap/liu/v1/impact_assessment.grpc.pb.h"
#include "services/common/unary_call.h"

namespace ismap::liu {

// Serves ImpactAssessmentService. Does not own the runner, which must outlive
// it. Thread-safe.
class ImpactAssessmentServiceImpl final
    : public v1::ImpactAssessmentService::CallbackService {
 public:
  explicit ImpactAssessmentServiceImpl(const UnaryCallRunner* runner)
      : runner_(runner) {}

  grpc::ServerUnaryReactor* CreateImpactAssessment(
      grpc::CallbackServerContext* context,
      const v1::CreateImpactAssessmentRequest* request,
      v1::ImpactAssessment* response) override;
  grpc::ServerUnaryReactor* GetImpactAssessment(
      grpc::CallbackServerContext* context,
      const v1::GetImpactAssessmentRequest* request,
      v1::ImpactAssessment* response) override;
  grpc::ServerUnaryReactor* ListImpactAssessments(
      grpc::CallbackServerContext* context,
      const v1::ListImpactAssessmentsRequest* request,
      v1::ListImpactAssessmentsResponse* response) override;
  grpc::ServerUnaryReactor* ReviseImpactAssessment(
      grpc::CallbackServerContext* context,
      const v1::ReviseImpactAssessmentRequest* request,
      v1::ImpactAssessment* response) override;
  grpc::ServerUnaryReactor* WithdrawImpactAssessment(
      grpc::CallbackServerContext* context,
      const v1::WithdrawImpactAssessmentRequest* request,
      v1::ImpactAssessment* response) override;
  grpc::ServerUnaryReactor* GetImpactAssessmentRevision(
      grpc::CallbackServerContext* context,
      const v1::GetImpactAssessmentRevisionRequest* request,
      v1::ImpactAssessmentRevision* response) override;
  grpc::ServerUnaryReactor* ListImpactAssessmentRevisions(
      grpc::CallbackServerContext* context,
      const v1::ListImpactAssessmentRevisionsRequest* request,
      v1::ListImpactAssessmentRevisionsResponse* response) override;
  grpc::ServerWriteReactor<v1::ImpactAssessmentEvent>* WatchImpactAssessments(
      grpc::CallbackServerContext* context,
      const v1::WatchImpactAssessmentsRequest* request) override;

 private:
  const UnaryCallRunner* const runner_;
};

}  // namespace ismap::liu

#endif  // ISMAP_LIU_SERVICES_IMPACT_IMPACT_ASSESSMENT_SERVICE_H_
