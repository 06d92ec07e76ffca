// gRPC adapter of AuditPlanningService: registration decisions
// (登録・登録留保・ 却下), suspension and its lifting, the public list of
// ISMAP-LIU services, external- and internal-audit plans, internal-audit
// reports and coverage.
//
// Every RPC passes through the shared UnaryCallRunner, which authenticates
// the caller and refuses roles the access policy does not grant. Every method
// is registered raw, so that a request with invalid UTF-8 in a string field
// is answered INVALID_ARGUMENT naming the field (request_parser.h) instead of
// the bare UNIMPLEMENTED gRPC would send. The
// handlers here validate the request (INVALID_ARGUMENT naming every offending
// field), apply the grant's scope to the stored service (outside it:
// NOT_FOUND), run the domain (services/audit/domain) and the store
// (audit_store.h), and write every change with its audit-trail event in one
// transaction. The clock is read here, once per call, and handed to the domain.
#ifndef ISMAP_LIU_SERVICES_AUDIT_AUDIT_PLANNING_SERVICE_H_
#define ISMAP_LIU_SERVICES_AUDIT_AUDIT_PLANNING_SERVICE_H_

#include <memory>

#include "absl/status/statusor.h"
#include "ismap/liu/v1/audit_planning.grpc.pb.h"
#include "services/audit/pre_application_directory.h"
#include "services/common/rules/rule_set.h"
#include "services/common/storage/database.h"
#include "services/common/unary_call.h"

namespace ismap::liu {

namespace audit_internal {

using Api = v1::AuditPlanningService;

// Base with each of Layers wrapped around it, the first outermost.
template <typename Base, template <typename> class... Layers>
struct Stack {
  using type = Base;
};
template <typename Base, template <typename> class First,
          template <typename> class... Rest>
struct Stack<Base, First, Rest...> {
  using type = First<typename Stack<Base, Rest...>::type>;
};

// AuditPlanningService with every method raw.
using RawService =
    Stack<Api::Service, Api::WithRawCallbackMethod_RegisterService,
          Api::WithRawCallbackMethod_HoldService,
          Api::WithRawCallbackMethod_RejectService,
          Api::WithRawCallbackMethod_GetService,
          Api::WithRawCallbackMethod_ListServices,
          Api::WithRawCallbackMethod_SuspendService,
          Api::WithRawCallbackMethod_LiftServiceSuspension,
          Api::WithRawCallbackMethod_ListRegisteredServices,
          Api::WithRawCallbackMethod_GetExternalAuditPlan,
          Api::WithRawCallbackMethod_ListExternalAuditPlans,
          Api::WithRawCallbackMethod_GetInternalAuditPlan,
          Api::WithRawCallbackMethod_CreateInternalAuditReport,
          Api::WithRawCallbackMethod_GetInternalAuditReport,
          Api::WithRawCallbackMethod_ListInternalAuditReports,
          Api::WithRawCallbackMethod_GetCoverage,
          Api::WithRawCallbackMethod_ListOverdueObjectives>::type;

}  // namespace audit_internal

// Serves AuditPlanningService. Thread-safe.
class AuditPlanningServiceImpl final : public audit_internal::RawService {
 public:
  // A service over `database` (with AuditTrail's and AuditStore's migrations
  // applied) under `rules`, which must hold the control catalog and the
  // audit policy, learning about pre-applications from `pre_applications`.
  // Does not own the runner, the database or the directory, which must
  // outlive it; shares the rules. FAILED_PRECONDITION if the rules lack the
  // catalog or the policy; INVALID_ARGUMENT if they cannot drive the planners.
  static absl::StatusOr<std::unique_ptr<AuditPlanningServiceImpl>> Create(
      const UnaryCallRunner* runner, storage::Database* database,
      std::shared_ptr<const RuleSet> rules,
      PreApplicationDirectory* pre_applications);

  ~AuditPlanningServiceImpl() override;

  grpc::ServerUnaryReactor* RegisterService(
      grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
      grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* HoldService(grpc::CallbackServerContext* context,
                                        const grpc::ByteBuffer* request,
                                        grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* RejectService(grpc::CallbackServerContext* context,
                                          const grpc::ByteBuffer* request,
                                          grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* GetService(grpc::CallbackServerContext* context,
                                       const grpc::ByteBuffer* request,
                                       grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* ListServices(grpc::CallbackServerContext* context,
                                         const grpc::ByteBuffer* request,
                                         grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* SuspendService(grpc::CallbackServerContext* context,
                                           const grpc::ByteBuffer* request,
                                           grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* LiftServiceSuspension(
      grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
      grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* ListRegisteredServices(
      grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
      grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* GetExternalAuditPlan(
      grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
      grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* ListExternalAuditPlans(
      grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
      grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* GetInternalAuditPlan(
      grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
      grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* CreateInternalAuditReport(
      grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
      grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* GetInternalAuditReport(
      grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
      grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* ListInternalAuditReports(
      grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
      grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* GetCoverage(grpc::CallbackServerContext* context,
                                        const grpc::ByteBuffer* request,
                                        grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* ListOverdueObjectives(
      grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
      grpc::ByteBuffer* response) override;

 private:
  // The RPCs' logic, one method each (audit_planning_service.cc).
  class Handlers;

  AuditPlanningServiceImpl(const UnaryCallRunner* runner,
                           std::unique_ptr<Handlers> handlers);

  const UnaryCallRunner* const runner_;
  const std::unique_ptr<Handlers> handlers_;
};

}  // namespace ismap::liu

#endif  // ISMAP_LIU_SERVICES_AUDIT_AUDIT_PLANNING_SERVICE_H_
