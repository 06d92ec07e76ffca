// AuditTrailService handlers.
#include "services/common/audit_trail/audit_trail_service.h"

#include "absl/strings/str_cat.h"
#include "services/common/audit_trail/audit_trail.h"
#include "services/common/status_macros.h"

namespace ismap::liu {

using storage::Database;
using storage::Transaction;

grpc::ServerUnaryReactor* AuditTrailServiceImpl::VerifyAuditTrail(
    grpc::CallbackServerContext* context,
    const v1::VerifyAuditTrailRequest* request,
    v1::AuditTrailVerification* response) {
  return runner_->Serve(
      context, v1::AuditTrailService::service_full_name(), __func__,
      Placement::kWorkerPool, request, response,
      [this](const CallContext& call, const v1::VerifyAuditTrailRequest&,
             v1::AuditTrailVerification* out) {
        return database_->RunInTransaction(
            Database::Access::kReadOnly, call.deadline,
            [&](Transaction& tx) -> absl::Status {
              ASSIGN_OR_RETURN(*out, AuditTrail::Verify(tx));
              return absl::OkStatus();
            });
      });
}

grpc::ServerUnaryReactor* AuditTrailServiceImpl::ListAuditEvents(
    grpc::CallbackServerContext* context,
    const v1::ListAuditEventsRequest* request,
    v1::ListAuditEventsResponse* response) {
  return runner_->Serve(
      context, v1::AuditTrailService::service_full_name(), __func__,
      Placement::kWorkerPool, request, response,
      [this](const CallContext& call, const v1::ListAuditEventsRequest& req,
             v1::ListAuditEventsResponse* out) -> absl::Status {
        constexpr absl::string_view kFingerprint = "ListAuditEvents";
        FieldViolations violations;
        const Page page = ParsePage(req.page_size(), req.page_token(),
                                    kFingerprint, violations);
        RETURN_IF_ERROR(violations.ToStatus());
        std::vector<v1::AuditEvent> events;
        RETURN_IF_ERROR(database_->RunInTransaction(
            Database::Access::kReadOnly, call.deadline,
            [&](Transaction& tx) -> absl::Status {
              ASSIGN_OR_RETURN(events, AuditTrail::List(tx, page));
              return absl::OkStatus();
            }));
        const bool more_follow = events.size() > static_cast<size_t>(page.size);
        if (more_follow) events.pop_back();
        for (v1::AuditEvent& event : events)
          *out->add_audit_events() = std::move(event);
        out->set_next_page_token(NextPageToken(
            out->audit_events().empty()
                ? ""
                : absl::StrCat(out->audit_events().rbegin()->sequence()),
            more_follow, kFingerprint));
        return absl::OkStatus();
      });
}

}  // namespace ismap::liu
