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

namespace reviewservice_internal {
using Api = v1::ReviewService;
// ReviewService with every method raw, so that a request with invalid UTF-8 in
// a string field is INVALID_ARGUMENT naming the field (request_parser.h).
using RawService = Api::WithRawCallbackMethod_GetReviewCase<
    Api::WithRawCallbackMethod_ListReviewCases<
        Api::WithRawCallbackMethod_ConfirmReviewCase<
            Api::WithRawCallbackMethod_RejectReviewCase<Api::Service>>>>;
}  // namespace reviewservice_internal

// Serves ReviewService over the eligibility component's store (the cases,
// the list and the pre-applications change together when IPA decides).
// Thread-safe.
class ReviewServiceImpl final : public reviewservice_internal::RawService {
 public:
  explicit ReviewServiceImpl(EligibilityContext context) : context_(context) {}

  grpc::ServerUnaryReactor* GetReviewCase(grpc::CallbackServerContext* context,
                                          const grpc::ByteBuffer* request,
                                          grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* ListReviewCases(
      grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
      grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* ConfirmReviewCase(
      grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
      grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* RejectReviewCase(
      grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
      grpc::ByteBuffer* response) override;

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
