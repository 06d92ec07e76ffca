// gRPC adapter of ReviewService: 要検討業務 review cases and their two-ministry
// confirmation.
//
// Cases open by themselves when a pre-application is judged (see
// JudgementRecorder). IPA's decision fetches the case's assessments afresh
// from the impact service, then in one transaction changes the case, adds
// the list item and version (on confirmation) and re-judges every linked
// pre-application, so that two decisions at once cannot both succeed.
#ifndef ISMAP_LIU_SERVICES_ELIGIBILITY_REVIEW_SERVICE_H_
#define ISMAP_LIU_SERVICES_ELIGIBILITY_REVIEW_SERVICE_H_

#include "ismap/liu/v1/review.grpc.pb.h"
#include "services/common/unary_call.h"
#include "services/eligibility/eligibility_service.h"

namespace ismap::liu {

// Serves ReviewService over the eligibility component's store (the cases,
// the list and the pre-applications change together when IPA decides).
// Thread-safe.
class ReviewServiceImpl final : public v1::ReviewService::CallbackService {
 public:
  explicit ReviewServiceImpl(EligibilityContext context) : context_(context) {}

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
  // Confirm or reject: the shared part of the two decisions.
  absl::Status Decide(const CallContext& call, const std::string& name,
                      const std::string& etag, const std::string& reason,
                      const v1::ConfirmReviewCaseRequest* confirmation,
                      v1::ReviewCase* out) const;

  const EligibilityContext context_;
};

}  // namespace ismap::liu

#endif  // ISMAP_LIU_SERVICES_ELIGIBILITY_REVIEW_SERVICE_H_
