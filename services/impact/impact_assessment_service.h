// gRPC adapter of ImpactAssessmentService: ministries' business/information
// impact assessments (業務・情報の影響度評価).
//
// Every RPC passes through the shared UnaryCallRunner checkpoint and then
// into ImpactAssessments (impact_assessments.h), which holds the rules; the
// change feed is served by the reactor of impact_watch.h. Every method is
// registered raw, so that a request with invalid UTF-8 in a string field is
// answered INVALID_ARGUMENT naming the field (request_parser.h) instead of
// the bare UNIMPLEMENTED gRPC would send.
#ifndef ISMAP_LIU_SERVICES_IMPACT_IMPACT_ASSESSMENT_SERVICE_H_
#define ISMAP_LIU_SERVICES_IMPACT_IMPACT_ASSESSMENT_SERVICE_H_

#include <memory>

#include "absl/status/statusor.h"
#include "ismap/liu/v1/impact_assessment.grpc.pb.h"
#include "services/common/bounded_executor.h"
#include "services/common/change_notifier.h"
#include "services/common/peer/peer_channel.h"
#include "services/common/rules/rule_set.h"
#include "services/common/storage/database.h"
#include "services/common/unary_call.h"
#include "services/impact/domain/impact_calculator.h"
#include "services/impact/impact_assessments.h"
#include "services/impact/impact_store.h"
#include "services/impact/subject_directory.h"

namespace ismap::liu {

namespace impact_internal {

using Api = v1::ImpactAssessmentService;
// ImpactAssessmentService with every method raw.
using RawService = Api::WithRawCallbackMethod_CreateImpactAssessment<
    Api::WithRawCallbackMethod_GetImpactAssessment<
        Api::WithRawCallbackMethod_ListImpactAssessments<
            Api::WithRawCallbackMethod_ReviseImpactAssessment<
                Api::WithRawCallbackMethod_WithdrawImpactAssessment<
                    Api::WithRawCallbackMethod_GetImpactAssessmentRevision<
                        Api::WithRawCallbackMethod_ListImpactAssessmentRevisions<
                            Api::WithRawCallbackMethod_WatchImpactAssessments<
                                Api::Service>>>>>>>>;

}  // namespace impact_internal

// Serves ImpactAssessmentService. Thread-safe.
class ImpactAssessmentServiceImpl final : public impact_internal::RawService {
 public:
  // What the service runs on; none owned, all must outlive the service.
  struct Dependencies {
    const UnaryCallRunner* runner;
    // The runner's worker pool, where the change feed reads too.
    BoundedExecutor* executor;
    // Migrated with ImpactStore::Migrations() and the audit trail's.
    storage::Database* database;
    // Needs the ImpactCriteria and InformationVocabulary files.
    const RuleSet* rules;
    // To EligibilityService and ReviewService, as the impact service (ipa).
    const PeerChannel* eligibility;
  };

  // A service over `dependencies`. FAILED_PRECONDITION if the rules lack
  // the criteria or vocabulary, or if a worked example of the criteria
  // disagrees with its questions (the server must then refuse to start).
  static absl::StatusOr<std::unique_ptr<ImpactAssessmentServiceImpl>> Create(
      const Dependencies& dependencies);

  // Ends every open WatchImpactAssessments stream (UNAVAILABLE, so that
  // clients resume elsewhere) and refuses new ones: call before stopping the
  // server, which otherwise waits for streams that never end by themselves.
  // Idempotent.
  void StopWatches();

  grpc::ServerUnaryReactor* CreateImpactAssessment(
      grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
      grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* GetImpactAssessment(
      grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
      grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* ListImpactAssessments(
      grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
      grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* ReviseImpactAssessment(
      grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
      grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* WithdrawImpactAssessment(
      grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
      grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* GetImpactAssessmentRevision(
      grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
      grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* ListImpactAssessmentRevisions(
      grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
      grpc::ByteBuffer* response) override;
  grpc::ServerWriteReactor<grpc::ByteBuffer>* WatchImpactAssessments(
      grpc::CallbackServerContext* context,
      const grpc::ByteBuffer* request) override;

 private:
  ImpactAssessmentServiceImpl(const Dependencies& dependencies,
                              const v1::ImpactCriteria* criteria,
                              const v1::InformationVocabulary* vocabulary);

  const UnaryCallRunner* const runner_;
  BoundedExecutor* const executor_;
  impact::ImpactStore store_;
  const impact::ImpactCalculator calculator_;
  const impact::PeerSubjectDirectory directory_;
  ChangeNotifier notifier_;
  const impact::ImpactAssessments assessments_;
};

}  // namespace ismap::liu

#endif  // ISMAP_LIU_SERVICES_IMPACT_IMPACT_ASSESSMENT_SERVICE_H_
