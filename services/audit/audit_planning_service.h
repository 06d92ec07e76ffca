// gRPC adapter of AuditPlanningService: registration decisions, suspension, and
// external/internal audit planning.
//
// Every RPC passes through the shared UnaryCallRunner, so each call is
// authenticated before anything else happens. The RPCs are not served by this
// build yet (issue #5: audit planning and registration) and answer
// UNIMPLEMENTED to signed-in callers.
#ifndef ISMAP_LIU_SERVICES_AUDIT_AUDIT_PLANNING_SERVICE_H_
#define ISMAP_LIU_SERVICES_AUDIT_AUDIT_PLANNING_SERVICE_H_

#include "ismap/liu/v1/audit_planning.grpc.pb.h"
#include "services/common/unary_call.h"

namespace ismap::liu {

// Serves AuditPlanningService. Does not own the runner, which must outlive it.
// Thread-safe.
class AuditPlanningServiceImpl final
    : public v1::AuditPlanningService::CallbackService {
 public:
  explicit AuditPlanningServiceImpl(const UnaryCallRunner* runner)
      : runner_(runner) {}

  grpc::ServerUnaryReactor* RegisterService(
      grpc::CallbackServerContext* context,
      const v1::RegisterServiceRequest* request,
      v1::CloudService* response) override;
  grpc::ServerUnaryReactor* HoldService(grpc::CallbackServerContext* context,
                                        const v1::HoldServiceRequest* request,
                                        v1::CloudService* response) override;
  grpc::ServerUnaryReactor* RejectService(
      grpc::CallbackServerContext* context,
      const v1::RejectServiceRequest* request,
      v1::CloudService* response) override;
  grpc::ServerUnaryReactor* GetService(grpc::CallbackServerContext* context,
                                       const v1::GetServiceRequest* request,
                                       v1::CloudService* response) override;
  grpc::ServerUnaryReactor* ListServices(
      grpc::CallbackServerContext* context,
      const v1::ListServicesRequest* request,
      v1::ListServicesResponse* response) override;
  grpc::ServerUnaryReactor* SuspendService(
      grpc::CallbackServerContext* context,
      const v1::SuspendServiceRequest* request,
      v1::CloudService* response) override;
  grpc::ServerUnaryReactor* LiftServiceSuspension(
      grpc::CallbackServerContext* context,
      const v1::LiftServiceSuspensionRequest* request,
      v1::CloudService* response) override;
  grpc::ServerUnaryReactor* ListRegisteredServices(
      grpc::CallbackServerContext* context,
      const v1::ListRegisteredServicesRequest* request,
      v1::ListRegisteredServicesResponse* response) override;
  grpc::ServerUnaryReactor* GetExternalAuditPlan(
      grpc::CallbackServerContext* context,
      const v1::GetExternalAuditPlanRequest* request,
      v1::ExternalAuditPlan* response) override;
  grpc::ServerUnaryReactor* ListExternalAuditPlans(
      grpc::CallbackServerContext* context,
      const v1::ListExternalAuditPlansRequest* request,
      v1::ListExternalAuditPlansResponse* response) override;
  grpc::ServerUnaryReactor* GetInternalAuditPlan(
      grpc::CallbackServerContext* context,
      const v1::GetInternalAuditPlanRequest* request,
      v1::InternalAuditPlan* response) override;
  grpc::ServerUnaryReactor* CreateInternalAuditReport(
      grpc::CallbackServerContext* context,
      const v1::CreateInternalAuditReportRequest* request,
      v1::InternalAuditReport* response) override;
  grpc::ServerUnaryReactor* GetInternalAuditReport(
      grpc::CallbackServerContext* context,
      const v1::GetInternalAuditReportRequest* request,
      v1::InternalAuditReport* response) override;
  grpc::ServerUnaryReactor* ListInternalAuditReports(
      grpc::CallbackServerContext* context,
      const v1::ListInternalAuditReportsRequest* request,
      v1::ListInternalAuditReportsResponse* response) override;
  grpc::ServerUnaryReactor* GetCoverage(grpc::CallbackServerContext* context,
                                        const v1::GetCoverageRequest* request,
                                        v1::Coverage* response) override;
  grpc::ServerUnaryReactor* ListOverdueObjectives(
      grpc::CallbackServerContext* context,
      const v1::ListOverdueObjectivesRequest* request,
      v1::ListOverdueObjectivesResponse* response) override;

 private:
  const UnaryCallRunner* const runner_;
};

}  // namespace ismap::liu

#endif  // ISMAP_LIU_SERVICES_AUDIT_AUDIT_PLANNING_SERVICE_H_
