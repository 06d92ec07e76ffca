// EligibilityService handlers.
#include "services/eligibility/eligibility_service.h"

namespace ismap::liu {
namespace {

constexpr absl::string_view kPlanned =
    "issue #4: pre-applications and the target list";

}  // namespace

grpc::ServerUnaryReactor* EligibilityServiceImpl::EvaluateBusiness(
    grpc::CallbackServerContext* context,
    const v1::EvaluateBusinessRequest* request,
    v1::EvaluateBusinessResponse* response) {
  return runner_->ServeUnimplemented(
      context, v1::EligibilityService::service_full_name(), __func__, request,
      response, kPlanned);
}

grpc::ServerUnaryReactor* EligibilityServiceImpl::CreatePreApplication(
    grpc::CallbackServerContext* context,
    const v1::CreatePreApplicationRequest* request,
    v1::PreApplication* response) {
  return runner_->ServeUnimplemented(
      context, v1::EligibilityService::service_full_name(), __func__, request,
      response, kPlanned);
}

grpc::ServerUnaryReactor* EligibilityServiceImpl::GetPreApplication(
    grpc::CallbackServerContext* context,
    const v1::GetPreApplicationRequest* request, v1::PreApplication* response) {
  return runner_->ServeUnimplemented(
      context, v1::EligibilityService::service_full_name(), __func__, request,
      response, kPlanned);
}

grpc::ServerUnaryReactor* EligibilityServiceImpl::ListPreApplications(
    grpc::CallbackServerContext* context,
    const v1::ListPreApplicationsRequest* request,
    v1::ListPreApplicationsResponse* response) {
  return runner_->ServeUnimplemented(
      context, v1::EligibilityService::service_full_name(), __func__, request,
      response, kPlanned);
}

grpc::ServerUnaryReactor* EligibilityServiceImpl::ReevaluatePreApplication(
    grpc::CallbackServerContext* context,
    const v1::ReevaluatePreApplicationRequest* request,
    v1::PreApplication* response) {
  return runner_->ServeUnimplemented(
      context, v1::EligibilityService::service_full_name(), __func__, request,
      response, kPlanned);
}

grpc::ServerUnaryReactor* EligibilityServiceImpl::WithdrawPreApplication(
    grpc::CallbackServerContext* context,
    const v1::WithdrawPreApplicationRequest* request,
    v1::PreApplication* response) {
  return runner_->ServeUnimplemented(
      context, v1::EligibilityService::service_full_name(), __func__, request,
      response, kPlanned);
}

grpc::ServerUnaryReactor* EligibilityServiceImpl::GetJudgement(
    grpc::CallbackServerContext* context,
    const v1::GetJudgementRequest* request, v1::Judgement* response) {
  return runner_->ServeUnimplemented(
      context, v1::EligibilityService::service_full_name(), __func__, request,
      response, kPlanned);
}

grpc::ServerUnaryReactor* EligibilityServiceImpl::ListJudgements(
    grpc::CallbackServerContext* context,
    const v1::ListJudgementsRequest* request,
    v1::ListJudgementsResponse* response) {
  return runner_->ServeUnimplemented(
      context, v1::EligibilityService::service_full_name(), __func__, request,
      response, kPlanned);
}

grpc::ServerUnaryReactor* EligibilityServiceImpl::GetNotification(
    grpc::CallbackServerContext* context,
    const v1::GetNotificationRequest* request, v1::Notification* response) {
  return runner_->ServeUnimplemented(
      context, v1::EligibilityService::service_full_name(), __func__, request,
      response, kPlanned);
}

grpc::ServerUnaryReactor* EligibilityServiceImpl::ListNotifications(
    grpc::CallbackServerContext* context,
    const v1::ListNotificationsRequest* request,
    v1::ListNotificationsResponse* response) {
  return runner_->ServeUnimplemented(
      context, v1::EligibilityService::service_full_name(), __func__, request,
      response, kPlanned);
}

grpc::ServerWriteReactor<v1::WatchNotificationsResponse>*
EligibilityServiceImpl::WatchNotifications(
    grpc::CallbackServerContext* context,
    const v1::WatchNotificationsRequest* /*request*/) {
  return runner_->ServeUnimplementedStream<v1::WatchNotificationsResponse>(
      context, v1::EligibilityService::service_full_name(), __func__, kPlanned);
}

grpc::ServerUnaryReactor* EligibilityServiceImpl::GetTargetBusiness(
    grpc::CallbackServerContext* context,
    const v1::GetTargetBusinessRequest* request, v1::TargetBusiness* response) {
  return runner_->ServeUnimplemented(
      context, v1::EligibilityService::service_full_name(), __func__, request,
      response, kPlanned);
}

grpc::ServerUnaryReactor* EligibilityServiceImpl::ListTargetBusinesses(
    grpc::CallbackServerContext* context,
    const v1::ListTargetBusinessesRequest* request,
    v1::ListTargetBusinessesResponse* response) {
  return runner_->ServeUnimplemented(
      context, v1::EligibilityService::service_full_name(), __func__, request,
      response, kPlanned);
}

}  // namespace ismap::liu
