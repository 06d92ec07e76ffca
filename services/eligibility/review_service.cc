// ReviewService handlers.
#include "services/eligibility/review_service.h"

namespace ismap::liu {
namespace {

constexpr absl::string_view kPlanned = "issue #4: 要検討業務 review cases";

}  // namespace

grpc::ServerUnaryReactor* ReviewServiceImpl::GetReviewCase(
    grpc::CallbackServerContext* context,
    const v1::GetReviewCaseRequest* request, v1::ReviewCase* response) {
  return runner_->ServeUnimplemented(context,
                                     v1::ReviewService::service_full_name(),
                                     __func__, request, response, kPlanned);
}

grpc::ServerUnaryReactor* ReviewServiceImpl::ListReviewCases(
    grpc::CallbackServerContext* context,
    const v1::ListReviewCasesRequest* request,
    v1::ListReviewCasesResponse* response) {
  return runner_->ServeUnimplemented(context,
                                     v1::ReviewService::service_full_name(),
                                     __func__, request, response, kPlanned);
}

grpc::ServerUnaryReactor* ReviewServiceImpl::ConfirmReviewCase(
    grpc::CallbackServerContext* context,
    const v1::ConfirmReviewCaseRequest* request, v1::ReviewCase* response) {
  return runner_->ServeUnimplemented(context,
                                     v1::ReviewService::service_full_name(),
                                     __func__, request, response, kPlanned);
}

grpc::ServerUnaryReactor* ReviewServiceImpl::RejectReviewCase(
    grpc::CallbackServerContext* context,
    const v1::RejectReviewCaseRequest* request, v1::ReviewCase* response) {
  return runner_->ServeUnimplemented(context,
                                     v1::ReviewService::service_full_name(),
                                     __func__, request, response, kPlanned);
}

}  // namespace ismap::liu
