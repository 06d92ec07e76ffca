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
  storage::Database* database;
  const RuleSet* rules;
  eligibility::TargetLists* lists;
  const eligibility::AssessmentSource* assessments;
  const eligibility::JudgementRecorder* recorder;
};

// Serves EligibilityService. Thread-safe.
class EligibilityServiceImpl final
    : public v1::EligibilityService::CallbackService {
 public:
  explicit EligibilityServiceImpl(EligibilityContext context)
      : context_(context) {}

  grpc::ServerUnaryReactor* EvaluateBusiness(
      grpc::CallbackServerContext* context,
      const v1::EvaluateBusinessRequest* request,
      v1::EvaluateBusinessResponse* response) override;
  grpc::ServerUnaryReactor* CreatePreApplication(
      grpc::CallbackServerContext* context,
      const v1::CreatePreApplicationRequest* request,
      v1::PreApplication* response) override;
  grpc::ServerUnaryReactor* GetPreApplication(
      grpc::CallbackServerContext* context,
      const v1::GetPreApplicationRequest* request,
      v1::PreApplication* response) override;
  grpc::ServerUnaryReactor* ListPreApplications(
      grpc::CallbackServerContext* context,
      const v1::ListPreApplicationsRequest* request,
      v1::ListPreApplicationsResponse* response) override;
  grpc::ServerUnaryReactor* ReevaluatePreApplication(
      grpc::CallbackServerContext* context,
      const v1::ReevaluatePreApplicationRequest* request,
      v1::PreApplication* response) override;
  grpc::ServerUnaryReactor* WithdrawPreApplication(
      grpc::CallbackServerContext* context,
      const v1::WithdrawPreApplicationRequest* request,
      v1::PreApplication* response) override;
  grpc::ServerUnaryReactor* GetJudgement(grpc::CallbackServerContext* context,
                                         const v1::GetJudgementRequest* request,
                                         v1::Judgement* response) override;
  grpc::ServerUnaryReactor* ListJudgements(
      grpc::CallbackServerContext* context,
      const v1::ListJudgementsRequest* request,
      v1::ListJudgementsResponse* response) override;
  grpc::ServerUnaryReactor* GetNotification(
      grpc::CallbackServerContext* context,
      const v1::GetNotificationRequest* request,
      v1::Notification* response) override;
  grpc::ServerUnaryReactor* ListNotifications(
      grpc::CallbackServerContext* context,
      const v1::ListNotificationsRequest* request,
      v1::ListNotificationsResponse* response) override;
  grpc::ServerWriteReactor<v1::WatchNotificationsResponse>* WatchNotifications(
      grpc::CallbackServerContext* context,
      const v1::WatchNotificationsRequest* request) override;
  grpc::ServerUnaryReactor* GetTargetBusiness(
      grpc::CallbackServerContext* context,
      const v1::GetTargetBusinessRequest* request,
      v1::TargetBusiness* response) override;
  grpc::ServerUnaryReactor* ListTargetBusinesses(
      grpc::CallbackServerContext* context,
      const v1::ListTargetBusinessesRequest* request,
      v1::ListTargetBusinessesResponse* response) override;

 private:
  const EligibilityContext context_;
};

}  // namespace ismap::liu

#endif  // ISMAP_LIU_SERVICES_ELIGIBILITY_ELIGIBILITY_SERVICE_H_
