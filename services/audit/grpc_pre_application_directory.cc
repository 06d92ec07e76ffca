// EligibilityService.GetPreApplication through the peer channel.
#include "services/audit/grpc_pre_application_directory.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "ismap/liu/v1/eligibility.grpc.pb.h"
#include "services/common/status_macros.h"

namespace ismap::liu {

absl::StatusOr<v1::PreApplication> GrpcPreApplicationDirectory::Lookup(
    absl::string_view name, absl::Time deadline) {
  ASSIGN_OR_RETURN(PeerChannel::Call call, eligibility_->Prepare(deadline));
  v1::GetPreApplicationRequest request;
  request.set_name(std::string(name));
  v1::PreApplication pre_application;
  const grpc::Status status =
      v1::EligibilityService::NewStub(call.channel)
          ->GetPreApplication(call.context.get(), request, &pre_application);
  if (status.error_code() == grpc::StatusCode::NOT_FOUND) {
    return absl::NotFoundError(absl::StrCat(name, " does not exist"));
  }
  RETURN_IF_ERROR(eligibility_->Unexpected(status));
  if (pre_application.name() != name || pre_application.csp().empty()) {
    return absl::InternalError(absl::StrCat(
        "EligibilityService answered for ", name, " with ",
        pre_application.name(), " of CSP \"", pre_application.csp(), "\""));
  }
  return pre_application;
}

}  // namespace ismap::liu
