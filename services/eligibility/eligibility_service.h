// gRPC adapter of EligibilityService: pre-applications (事前申請), judgements,
// notifications and the target-business list (対象業務一覧).
//
// Every RPC passes through the shared UnaryCallRunner (authentication, the
// access policy, deadline, worker pool); handlers validate, apply the
// caller's scope to the stored resource, and run each change with its
// judgement, notification and audit event in one transaction.
#ifndef ISMAP_LIU_SERVICES_ELIGIBILITY_ELIGIBILITY_SERVICE_H_
#define ISMAP_LIU_SERVICES_ELIGIBILITY_ELIGIBILITY_SERVICE_H_

#include "ismap/liu/v1/eligibility.grpc.pb.h"
#include "services/common/bounded_executor.h"
#include "services/common/change_notifier.h"
#include "services/common/rules/rule_set.h"
#include "services/common/storage/database.h"
#include "services/common/unary_call.h"
#include "services/eligibility/judgement_recorder.h"
#include "services/eligibility/target_lists.h"

namespace ismap::liu {

// What the eligibility component's two services share. Not owned; each
// must outlive the services.
struct EligibilityContext {
  const UnaryCallRunner* runner;
  // The runner's worker pool, where the notification feed reads too.
  BoundedExecutor* executor;
  // Signalled after each commit that may have added a notification.
  ChangeNotifier* notifier;
  storage::Database* database;
  const RuleSet* rules;
  eligibility::TargetLists* lists;
  const eligibility::AssessmentSource* assessments;
  const eligibility::JudgementRecorder* recorder;
};

namespace eligibilityservice_internal {
using Api = v1::EligibilityService;
// EligibilityService with every method raw, so that a request with invalid
// UTF-8 in a string field is INVALID_ARGUMENT naming the field
// (request_parser.h).
using RawService = Api::WithRawCallbackMethod_EvaluateBusiness<
    Api::WithRawCallbackMethod_CreatePreApplication<
        Api::WithRawCallbackMethod_GetPreApplication<
            Api::WithRawCallbackMethod_ListPreApplications<
                Api::WithRawCallbackMethod_ReevaluatePreApplication<
                    Api::WithRawCallbackMethod_WithdrawPreApplication<
                        Api::WithRawCallbackMethod_GetJudgement<
                            Api::WithRawCallbackMethod_ListJudgements<
                                Api::WithRawCallbackMethod_GetNotification<
                                    Api::WithRawCallbackMethod_ListNotifications<
                                        Api::WithRawCallbackMethod_WatchNotifications<
                                            Api::WithRawCallbackMethod_GetTargetBusiness<
                                                Api::
                                                    WithRawCallbackMethod_ListTargetBusinesses<
                                                        Api::
                                                            Service>>>>>>>>>>>>>;
}  // namespace eligibilityservice_internal

// Runs `fn` in a read-write transaction of `context`'s database and, once it
// has committed, signals the notification feed.
absl::Status CommitAndNotify(
    const EligibilityContext& context, absl::Time deadline,
    absl::FunctionRef<absl::Status(storage::Transaction&)> fn);

// Serves EligibilityService. Thread-safe.
class EligibilityServiceImpl final
    : public eligibilityservice_internal::RawService {
 public:
  explicit EligibilityServiceImpl(EligibilityContext context)
      : context_(context) {}

  grpc::ServerUnaryReactor* EvaluateBusiness(
      grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
      grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* CreatePreApplication(
      grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
      grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* GetPreApplication(
      grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
      grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* ListPreApplications(
      grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
      grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* ReevaluatePreApplication(
      grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
      grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* WithdrawPreApplication(
      grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
      grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* GetJudgement(grpc::CallbackServerContext* context,
                                         const grpc::ByteBuffer* request,
                                         grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* ListJudgements(grpc::CallbackServerContext* context,
                                           const grpc::ByteBuffer* request,
                                           grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* GetNotification(
      grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
      grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* ListNotifications(
      grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
      grpc::ByteBuffer* response) override;
  grpc::ServerWriteReactor<grpc::ByteBuffer>* WatchNotifications(
      grpc::CallbackServerContext* context,
      const grpc::ByteBuffer* request) override;
  grpc::ServerUnaryReactor* GetTargetBusiness(
      grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
      grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* ListTargetBusinesses(
      grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
      grpc::ByteBuffer* response) override;

 private:
  const EligibilityContext context_;
};

}  // namespace ismap::liu

#endif  // ISMAP_LIU_SERVICES_ELIGIBILITY_ELIGIBILITY_SERVICE_H_
