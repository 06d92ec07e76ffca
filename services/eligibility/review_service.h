// gRPC adapter of ReviewService: 要検討業務 review cases and their two-ministry
// confirmation.
//
// Every RPC passes through the shared UnaryCallRunner, so each call is
// authenticated before anything else happens. The RPCs are not served by this
// build yet (issue #4: 要検討業務 review cases) and answer UNIMPLEMENTED to
// signed-in callers.
#ifndef ISMAP_LIU_SERVICES_ELIGIBILITY_REVIEW_SERVICE_H_
#define ISMAP_LIU_SERVICES_ELIGIBILITY_REVIEW_SERVICE_H_

#include "ismap/liu/v1/review.grpc.pb.h"
#include "services/common/unary_call.h"

namespace ismap::liu {

// Serves ReviewService. Does not own the runner, which must outlive it.
// Thread-safe.
class ReviewServiceImpl final : public v1::ReviewService::CallbackService {
 public:
  explicit ReviewServiceImpl(const UnaryCallRunner* runner) : runner_(runner) {}

  grpc::ServerUnaryReactor* GetReviewCase(
      grpc::CallbackServerContext* context,
      const v1::GetReviewCaseRequest* request,
      v1::ReviewCase* response) override;
  grpc::ServerUnaryReactor* ListReviewCases(
      grpc::CallbackServerContext* context,
      const v1::ListReviewCasesRequest* request,
      v1::ListReviewCasesResponse* response) override;
  grpc::ServerUnaryReactor* ConfirmReviewCase(
      grpc::CallbackServerContext* context,
      const v1::ConfirmReviewCaseRequest* request,
      v1::ReviewCase* response) override;
  grpc::ServerUnaryReactor* RejectReviewCase(
      grpc::CallbackServerContext* context,
      const v1::RejectReviewCaseRequest* request,
      v1::ReviewCase* response) override;

 private:
  const UnaryCallRunner* const runner_;
};

}  // namespace ismap::liu

#endif  // ISMAP_LIU_SERVICES_ELIGIBILITY_REVIEW_SERVICE_H_
