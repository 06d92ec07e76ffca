// ImpactAssessmentService handlers: each RPC through the checkpoint into
// ImpactAssessments, on the worker pool (storage and peer calls block).
#include "services/impact/impact_assessment_service.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "services/common/status_macros.h"
#include "services/impact/impact_watch.h"

namespace ismap::liu {
namespace {

absl::string_view ServiceName() {
  return v1::ImpactAssessmentService::service_full_name();
}

}  // namespace

absl::StatusOr<std::unique_ptr<ImpactAssessmentServiceImpl>>
ImpactAssessmentServiceImpl::Create(const Dependencies& dependencies) {
  ASSIGN_OR_RETURN(const v1::ImpactCriteria* criteria,
                   dependencies.rules->Require<v1::ImpactCriteria>());
  ASSIGN_OR_RETURN(const v1::InformationVocabulary* vocabulary,
                   dependencies.rules->Require<v1::InformationVocabulary>());
  std::unique_ptr<ImpactAssessmentServiceImpl> service(
      new ImpactAssessmentServiceImpl(dependencies, criteria, vocabulary));
  const absl::Status examples = service->calculator_.CheckExamples();
  if (!examples.ok()) {
    return absl::FailedPreconditionError(
        absl::StrCat("rules/impact_criteria: ", examples.message()));
  }
  return service;
}

ImpactAssessmentServiceImpl::ImpactAssessmentServiceImpl(
    const Dependencies& dependencies, const v1::ImpactCriteria* criteria,
    const v1::InformationVocabulary* vocabulary)
    : runner_(dependencies.runner),
      executor_(dependencies.executor),
      store_(dependencies.database),
      calculator_(criteria, vocabulary),
      directory_(dependencies.eligibility),
      notifier_(absl::Seconds(1)),
      assessments_(&store_, &calculator_, &directory_,
                   dependencies.rules->version(), &notifier_) {}

void ImpactAssessmentServiceImpl::StopWatches() { notifier_.Close(); }

grpc::ServerUnaryReactor* ImpactAssessmentServiceImpl::CreateImpactAssessment(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
    grpc::ByteBuffer* response) {
  return runner_
      ->ServeRaw<v1::CreateImpactAssessmentRequest, v1::ImpactAssessment>(
          context, ServiceName(), __func__, Placement::kWorkerPool, request,
          response,
          [this](const CallContext& call,
                 const v1::CreateImpactAssessmentRequest& typed,
                 v1::ImpactAssessment* out) {
            return assessments_.Create(call, typed, out);
          });
}

grpc::ServerUnaryReactor* ImpactAssessmentServiceImpl::GetImpactAssessment(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
    grpc::ByteBuffer* response) {
  return runner_
      ->ServeRaw<v1::GetImpactAssessmentRequest, v1::ImpactAssessment>(
          context, ServiceName(), __func__, Placement::kWorkerPool, request,
          response,
          [this](const CallContext& call,
                 const v1::GetImpactAssessmentRequest& typed,
                 v1::ImpactAssessment* out) {
            return assessments_.Get(call, typed, out);
          });
}

grpc::ServerUnaryReactor* ImpactAssessmentServiceImpl::ListImpactAssessments(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
    grpc::ByteBuffer* response) {
  return runner_->ServeRaw<v1::ListImpactAssessmentsRequest,
                           v1::ListImpactAssessmentsResponse>(
      context, ServiceName(), __func__, Placement::kWorkerPool, request,
      response,
      [this](const CallContext& call,
             const v1::ListImpactAssessmentsRequest& typed,
             v1::ListImpactAssessmentsResponse* out) {
        return assessments_.List(call, typed, out);
      });
}

grpc::ServerUnaryReactor* ImpactAssessmentServiceImpl::ReviseImpactAssessment(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
    grpc::ByteBuffer* response) {
  return runner_
      ->ServeRaw<v1::ReviseImpactAssessmentRequest, v1::ImpactAssessment>(
          context, ServiceName(), __func__, Placement::kWorkerPool, request,
          response,
          [this](const CallContext& call,
                 const v1::ReviseImpactAssessmentRequest& typed,
                 v1::ImpactAssessment* out) {
            return assessments_.Revise(call, typed, out);
          });
}

grpc::ServerUnaryReactor* ImpactAssessmentServiceImpl::WithdrawImpactAssessment(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
    grpc::ByteBuffer* response) {
  return runner_
      ->ServeRaw<v1::WithdrawImpactAssessmentRequest, v1::ImpactAssessment>(
          context, ServiceName(), __func__, Placement::kWorkerPool, request,
          response,
          [this](const CallContext& call,
                 const v1::WithdrawImpactAssessmentRequest& typed,
                 v1::ImpactAssessment* out) {
            return assessments_.Withdraw(call, typed, out);
          });
}

grpc::ServerUnaryReactor*
ImpactAssessmentServiceImpl::GetImpactAssessmentRevision(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
    grpc::ByteBuffer* response) {
  return runner_->ServeRaw<v1::GetImpactAssessmentRevisionRequest,
                           v1::ImpactAssessmentRevision>(
      context, ServiceName(), __func__, Placement::kWorkerPool, request,
      response,
      [this](const CallContext& call,
             const v1::GetImpactAssessmentRevisionRequest& typed,
             v1::ImpactAssessmentRevision* out) {
        return assessments_.GetRevision(call, typed, out);
      });
}

grpc::ServerUnaryReactor*
ImpactAssessmentServiceImpl::ListImpactAssessmentRevisions(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
    grpc::ByteBuffer* response) {
  return runner_->ServeRaw<v1::ListImpactAssessmentRevisionsRequest,
                           v1::ListImpactAssessmentRevisionsResponse>(
      context, ServiceName(), __func__, Placement::kWorkerPool, request,
      response,
      [this](const CallContext& call,
             const v1::ListImpactAssessmentRevisionsRequest& typed,
             v1::ListImpactAssessmentRevisionsResponse* out) {
        return assessments_.ListRevisions(call, typed, out);
      });
}

grpc::ServerWriteReactor<grpc::ByteBuffer>*
ImpactAssessmentServiceImpl::WatchImpactAssessments(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* request) {
  return impact::StartImpactWatch(context, request,
                                  {runner_, executor_, &store_, &notifier_});
}

}  // namespace ismap::liu
