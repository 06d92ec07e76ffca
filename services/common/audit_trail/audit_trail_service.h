// gRPC adapter of AuditTrailService: IPA verifies and reads the audit trail.
#ifndef ISMAP_LIU_SERVICES_COMMON_AUDIT_TRAIL_AUDIT_TRAIL_SERVICE_H_
#define ISMAP_LIU_SERVICES_COMMON_AUDIT_TRAIL_AUDIT_TRAIL_SERVICE_H_

#include "ismap/liu/v1/audit_trail.grpc.pb.h"
#include "services/common/storage/database.h"
#include "services/common/unary_call.h"

namespace ismap::liu {

// Serves AuditTrailService over one database's trail. Does not own the
// runner or the database, which must outlive it. Thread-safe.
class AuditTrailServiceImpl final
    : public v1::AuditTrailService::CallbackService {
 public:
  AuditTrailServiceImpl(const UnaryCallRunner* runner,
                        storage::Database* database)
      : runner_(runner), database_(database) {}

  grpc::ServerUnaryReactor* VerifyAuditTrail(
      grpc::CallbackServerContext* context,
      const v1::VerifyAuditTrailRequest* request,
      v1::AuditTrailVerification* response) override;

  grpc::ServerUnaryReactor* ListAuditEvents(
      grpc::CallbackServerContext* context,
      const v1::ListAuditEventsRequest* request,
      v1::ListAuditEventsResponse* response) override;

 private:
  const UnaryCallRunner* const runner_;
  storage::Database* const database_;
};

}  // namespace ismap::liu

#endif  // ISMAP_LIU_SERVICES_COMMON_AUDIT_TRAIL_AUDIT_TRAIL_SERVICE_H_
