// ImpactAssessmentService handlers.
#include "services/impact/impact_assessment_service.h"

namespace ismap::liu {
namespace {

constexpr absl::string_view kPlanned = "issue #3: impact assessments";

}  // namespace

grpc::ServerUnaryReactor* ImpactAssessmentServiceImpl::CreateImpactAssessment(
    grpc::CallbackServerContext* context,
    const v1::CreateImpactAssessmentRequest* request,
    v1::ImpactAssessment* response) {
  return runner_->ServeUnimplemented(
      context, v1::ImpactAssessmentService::service_full_name(), __func__,
      request, response, kPlanned);
}

grpc::ServerUnaryReactor* ImpactAssessmentServiceImpl::GetImpactAssessment(
    grpc::CallbackServerContext* context,
    const v1::GetImpactAssessmentRequest* request,
    v1::ImpactAssessment* response) {
  return runner_->ServeUnimplemented(
      context, v1::ImpactAssessmentService::service_full_name(), __func__,
      request, response, kPlanned);
}

grpc::ServerUnaryReactor* ImpactAssessmentServiceImpl::ListImpactAssessments(
    grpc::CallbackServerContext* context,
    const v1::ListImpactAssessmentsRequest* request,
    v1::ListImpactAssessmentsResponse* response) {
  return runner_->ServeUnimplemented(
      context, v1::ImpactAssessmentService::service_full_name(), __func__,
      request, response, kPlanned);
}

grpc::ServerUnaryReactor* ImpactAssessmentServiceImpl::ReviseImpactAssessment(
    grpc::CallbackServerContext* context,
    const v1::ReviseImpactAssessmentRequest* request,
    v1::ImpactAssessment* response) {
  return runner_->ServeUnimplemented(
      context, v1::ImpactAssessmentService::service_full_name(), __func__,
      request, response, kPlanned);
}

grpc::ServerUnaryReactor* ImpactAssessmentServiceImpl::WithdrawImpactAssessment(
    grpc::CallbackServerContext* context,
    const v1::WithdrawImpactAssessmentRequest* request,
    v1::ImpactAssessment* response) {
  return runner_->ServeUnimplemented(
      context, v1::ImpactAssessmentService::service_full_name(), __func__,
      request, response, kPlanned);
}

grpc::ServerUnaryReactor*
ImpactAssessmentServiceImpl::GetImpactAssessmentRevision(
    grpc::CallbackServerContext* context,
    const v1::GetImpactAssessmentRevisionRequest* request,
    v1::ImpactAssessmentRevision* response) {
  return runner_->ServeUnimplemented(
      context, v1::ImpactAssessmentService::service_full_name(), __func__,
      request, response, kPlanned);
}

grpc::ServerUnaryReactor*
ImpactAssessmentServiceImpl::ListImpactAssessmentRevisions(
    grpc::CallbackServerContext* context,
    const v1::ListImpactAssessmentRevisionsRequest* request,
    v1::ListImpactAssessmentRevisionsResponse* response) {
  return runner_->ServeUnimplemented(
      context, v1::ImpactAssessmentService::service_full_name(), __func__,
      request, response, kPlanned);
}

grpc::ServerWriteReactor<v1::ImpactAssessmentEvent>*
ImpactAssessmentServiceImpl::WatchImpactAssessments(
    grpc::CallbackServerContext* context,
    const v1::WatchImpactAssessmentsRequest* /*request*/) {
  return runner_->ServeUnimplementedStream<v1::ImpactAssessmentEvent>(
      context, v1::ImpactAssessmentService::service_full_name(), __func__,
      kPlanned);
}

}  // namespace ismap::liu
