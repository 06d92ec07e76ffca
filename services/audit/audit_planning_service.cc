// AuditPlanningService handlers.
#include "services/audit/audit_planning_service.h"

namespace ismap::liu {
namespace {

constexpr absl::string_view kPlanned =
    "issue #5: audit planning and registration";

}  // namespace

grpc::ServerUnaryReactor* AuditPlanningServiceImpl::RegisterService(
    grpc::CallbackServerContext* context,
    const v1::RegisterServiceRequest* request, v1::CloudService* response) {
  return runner_->ServeUnimplemented(
      context, v1::AuditPlanningService::service_full_name(), __func__, request,
      response, kPlanned);
}

grpc::ServerUnaryReactor* AuditPlanningServiceImpl::HoldService(
    grpc::CallbackServerContext* context, const v1::HoldServiceRequest* request,
    v1::CloudService* response) {
  return runner_->ServeUnimplemented(
      context, v1::AuditPlanningService::service_full_name(), __func__, request,
      response, kPlanned);
}

grpc::ServerUnaryReactor* AuditPlanningServiceImpl::RejectService(
    grpc::CallbackServerContext* context,
    const v1::RejectServiceRequest* request, v1::CloudService* response) {
  return runner_->ServeUnimplemented(
      context, v1::AuditPlanningService::service_full_name(), __func__, request,
      response, kPlanned);
}

grpc::ServerUnaryReactor* AuditPlanningServiceImpl::GetService(
    grpc::CallbackServerContext* context, const v1::GetServiceRequest* request,
    v1::CloudService* response) {
  return runner_->ServeUnimplemented(
      context, v1::AuditPlanningService::service_full_name(), __func__, request,
      response, kPlanned);
}

grpc::ServerUnaryReactor* AuditPlanningServiceImpl::ListServices(
    grpc::CallbackServerContext* context,
    const v1::ListServicesRequest* request,
    v1::ListServicesResponse* response) {
  return runner_->ServeUnimplemented(
      context, v1::AuditPlanningService::service_full_name(), __func__, request,
      response, kPlanned);
}

grpc::ServerUnaryReactor* AuditPlanningServiceImpl::SuspendService(
    grpc::CallbackServerContext* context,
    const v1::SuspendServiceRequest* request, v1::CloudService* response) {
  return runner_->ServeUnimplemented(
      context, v1::AuditPlanningService::service_full_name(), __func__, request,
      response, kPlanned);
}

grpc::ServerUnaryReactor* AuditPlanningServiceImpl::LiftServiceSuspension(
    grpc::CallbackServerContext* context,
    const v1::LiftServiceSuspensionRequest* request,
    v1::CloudService* response) {
  return runner_->ServeUnimplemented(
      context, v1::AuditPlanningService::service_full_name(), __func__, request,
      response, kPlanned);
}

grpc::ServerUnaryReactor* AuditPlanningServiceImpl::ListRegisteredServices(
    grpc::CallbackServerContext* context,
    const v1::ListRegisteredServicesRequest* request,
    v1::ListRegisteredServicesResponse* response) {
  return runner_->ServeUnimplemented(
      context, v1::AuditPlanningService::service_full_name(), __func__, request,
      response, kPlanned);
}

grpc::ServerUnaryReactor* AuditPlanningServiceImpl::GetExternalAuditPlan(
    grpc::CallbackServerContext* context,
    const v1::GetExternalAuditPlanRequest* request,
    v1::ExternalAuditPlan* response) {
  return runner_->ServeUnimplemented(
      context, v1::AuditPlanningService::service_full_name(), __func__, request,
      response, kPlanned);
}

grpc::ServerUnaryReactor* AuditPlanningServiceImpl::ListExternalAuditPlans(
    grpc::CallbackServerContext* context,
    const v1::ListExternalAuditPlansRequest* request,
    v1::ListExternalAuditPlansResponse* response) {
  return runner_->ServeUnimplemented(
      context, v1::AuditPlanningService::service_full_name(), __func__, request,
      response, kPlanned);
}

grpc::ServerUnaryReactor* AuditPlanningServiceImpl::GetInternalAuditPlan(
    grpc::CallbackServerContext* context,
    const v1::GetInternalAuditPlanRequest* request,
    v1::InternalAuditPlan* response) {
  return runner_->ServeUnimplemented(
      context, v1::AuditPlanningService::service_full_name(), __func__, request,
      response, kPlanned);
}

grpc::ServerUnaryReactor* AuditPlanningServiceImpl::CreateInternalAuditReport(
    grpc::CallbackServerContext* context,
    const v1::CreateInternalAuditReportRequest* request,
    v1::InternalAuditReport* response) {
  return runner_->ServeUnimplemented(
      context, v1::AuditPlanningService::service_full_name(), __func__, request,
      response, kPlanned);
}

grpc::ServerUnaryReactor* AuditPlanningServiceImpl::GetInternalAuditReport(
    grpc::CallbackServerContext* context,
    const v1::GetInternalAuditReportRequest* request,
    v1::InternalAuditReport* response) {
  return runner_->ServeUnimplemented(
      context, v1::AuditPlanningService::service_full_name(), __func__, request,
      response, kPlanned);
}

grpc::ServerUnaryReactor* AuditPlanningServiceImpl::ListInternalAuditReports(
    grpc::CallbackServerContext* context,
    const v1::ListInternalAuditReportsRequest* request,
    v1::ListInternalAuditReportsResponse* response) {
  return runner_->ServeUnimplemented(
      context, v1::AuditPlanningService::service_full_name(), __func__, request,
      response, kPlanned);
}

grpc::ServerUnaryReactor* AuditPlanningServiceImpl::GetCoverage(
    grpc::CallbackServerContext* context, const v1::GetCoverageRequest* request,
    v1::Coverage* response) {
  return runner_->ServeUnimplemented(
      context, v1::AuditPlanningService::service_full_name(), __func__, request,
      response, kPlanned);
}

grpc::ServerUnaryReactor* AuditPlanningServiceImpl::ListOverdueObjectives(
    grpc::CallbackServerContext* context,
    const v1::ListOverdueObjectivesRequest* request,
    v1::ListOverdueObjectivesResponse* response) {
  return runner_->ServeUnimplemented(
      context, v1::AuditPlanningService::service_full_name(), __func__, request,
      response, kPlanned);
}

}  // namespace ismap::liu
