// The gRPC adapter of SubjectDirectory.
#include "services/impact/subject_directory.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "ismap/liu/v1/eligibility.grpc.pb.h"
#include "ismap/liu/v1/review.grpc.pb.h"
#include "services/common/status_macros.h"

namespace ismap::liu::impact {
namespace {

// NOT_FOUND for a name the peer does not know, or refuses as malformed (a
// name that cannot exist there names nothing); the peer channel's mapping
// for anything else.
absl::Status LookupStatus(const PeerChannel& peer, const grpc::Status& status,
                          absl::string_view name) {
  if (status.error_code() == grpc::StatusCode::NOT_FOUND ||
      status.error_code() == grpc::StatusCode::INVALID_ARGUMENT) {
    return absl::NotFoundError(absl::StrCat(name, " does not exist"));
  }
  return peer.Unexpected(status);
}

}  // namespace

absl::StatusOr<v1::PreApplication> PeerSubjectDirectory::GetPreApplication(
    absl::string_view name, absl::Time deadline) const {
  ASSIGN_OR_RETURN(PeerChannel::Call call, peer_->Prepare(deadline));
  v1::GetPreApplicationRequest request;
  request.set_name(std::string(name));
  v1::PreApplication pre_application;
  const grpc::Status status =
      v1::EligibilityService::NewStub(call.channel)
          ->GetPreApplication(call.context.get(), request, &pre_application);
  RETURN_IF_ERROR(LookupStatus(*peer_, status, name));
  return pre_application;
}

absl::StatusOr<v1::ReviewCase> PeerSubjectDirectory::GetReviewCase(
    absl::string_view name, absl::Time deadline) const {
  ASSIGN_OR_RETURN(PeerChannel::Call call, peer_->Prepare(deadline));
  v1::GetReviewCaseRequest request;
  request.set_name(std::string(name));
  v1::ReviewCase review_case;
  const grpc::Status status =
      v1::ReviewService::NewStub(call.channel)
          ->GetReviewCase(call.context.get(), request, &review_case);
  RETURN_IF_ERROR(LookupStatus(*peer_, status, name));
  return review_case;
}

}  // namespace ismap::liu::impact
