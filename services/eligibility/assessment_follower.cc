// The follower of the impact assessment feed.
#include "services/eligibility/assessment_follower.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "google/protobuf/util/time_util.h"
#include "ismap/liu/v1/impact_assessment.grpc.pb.h"
#include "services/common/audit_trail/audit_trail.h"
#include "services/common/status_macros.h"
#include "services/eligibility/domain/review_case_tally.h"
#include "services/eligibility/eligibility_store.h"
#include "spdlog/spdlog.h"

namespace ismap::liu::eligibility {
namespace {

using storage::Database;
using storage::Transaction;

constexpr absl::string_view kFeed = "impact-assessments";
constexpr char kActor[] = "system:eligibility";
constexpr absl::Duration kStreamLifetime = absl::Minutes(10);
constexpr absl::Duration kApplyDeadline = absl::Seconds(30);
constexpr absl::Duration kRetryPause = absl::Seconds(1);

std::string IdOf(const std::string& name) {
  return name.substr(name.find('/') + 1);
}

}  // namespace

AssessmentFollower::~AssessmentFollower() { Stop(); }

void AssessmentFollower::Start() {
  thread_ = std::thread([this] { Run(); });
}

void AssessmentFollower::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
    if (stream_ != nullptr) stream_->TryCancel();
  }
  if (thread_.joinable()) thread_.join();
}

void AssessmentFollower::Run() {
  while (true) {
    const absl::Status status = FollowOnce();
    absl::MutexLock lock(&mu_);
    if (stopping_) return;
    if (!status.ok()) {
      spdlog::warn("eligibility: following impact assessments: {}",
                   status.ToString());
    }
    // Interruptible pause before reconnecting.
    mu_.AwaitWithTimeout(absl::Condition(&stopping_), kRetryPause);
    if (stopping_) return;
  }
}

absl::Status AssessmentFollower::FollowOnce() {
  int64_t cursor = 0;
  RETURN_IF_ERROR(database_->RunInTransaction(
      Database::Access::kReadOnly, absl::Now() + kApplyDeadline,
      [&](Transaction& tx) -> absl::Status {
        ASSIGN_OR_RETURN(cursor, EligibilityStore::FeedCursor(tx, kFeed));
        return absl::OkStatus();
      }));
  ASSIGN_OR_RETURN(PeerChannel::Call call,
                   impact_->Prepare(absl::Now() + kStreamLifetime));
  {
    absl::MutexLock lock(&mu_);
    if (stopping_) return absl::OkStatus();
    stream_ = call.context.get();
  }
  v1::WatchImpactAssessmentsRequest request;
  request.set_after_sequence(cursor);
  std::unique_ptr<grpc::ClientReader<v1::ImpactAssessmentEvent>> reader =
      v1::ImpactAssessmentService::NewStub(call.channel)
          ->WatchImpactAssessments(call.context.get(), request);
  v1::ImpactAssessmentEvent event;
  absl::Status applied;
  while (applied.ok() && reader->Read(&event)) {
    applied = Apply(event);
    if (applied.ok()) {
      applied = database_->RunInTransaction(
          Database::Access::kReadWrite, absl::Now() + kApplyDeadline,
          [&](Transaction& tx) {
            return EligibilityStore::AdvanceFeedCursor(tx, kFeed,
                                                       event.sequence());
          });
    }
  }
  if (!applied.ok()) call.context->TryCancel();
  const grpc::Status finished = reader->Finish();
  {
    absl::MutexLock lock(&mu_);
    stream_ = nullptr;
  }
  RETURN_IF_ERROR(applied);
  if (finished.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED) {
    return absl::OkStatus();  // The stream's lifetime ended: reconnect.
  }
  return impact_->Unexpected(finished);
}

absl::Status AssessmentFollower::Apply(
    const v1::ImpactAssessmentEvent& event) const {
  const v1::ImpactAssessment& assessment = event.impact_assessment();
  const absl::Time deadline = absl::Now() + kApplyDeadline;
  if (assessment.has_pre_application_business()) {
    const absl::Status status = recorder_->Rejudge(
        IdOf(assessment.pre_application_business().pre_application()),
        v1::Judgement::TRIGGER_ASSESSMENT_CHANGED, kActor, deadline);
    return absl::IsNotFound(status) ? absl::OkStatus() : status;
  }
  if (assessment.review_case().empty()) return absl::OkStatus();
  RETURN_IF_ERROR(RefreshCase(assessment.review_case()));
  std::vector<std::string> linked;
  RETURN_IF_ERROR(database_->RunInTransaction(
      Database::Access::kReadOnly, deadline,
      [&](Transaction& tx) -> absl::Status {
        ASSIGN_OR_RETURN(linked, EligibilityStore::LinkedPreApplications(
                                     tx, IdOf(assessment.review_case())));
        return absl::OkStatus();
      }));
  for (const std::string& id : linked) {
    const absl::Status status = recorder_->Rejudge(
        id, v1::Judgement::TRIGGER_ASSESSMENT_CHANGED, kActor, deadline);
    if (!status.ok() && !absl::IsNotFound(status)) return status;
  }
  return absl::OkStatus();
}

absl::Status AssessmentFollower::RefreshCase(
    const std::string& case_name) const {
  const absl::Time deadline = absl::Now() + kApplyDeadline;
  ASSIGN_OR_RETURN(std::vector<v1::ImpactAssessment> assessments,
                   assessments_->ActiveAssessments("", case_name, deadline));
  const CaseTally tally = TallyCaseAssessments(assessments);
  return database_->RunInTransaction(
      Database::Access::kReadWrite, deadline,
      [&](Transaction& tx) -> absl::Status {
        absl::StatusOr<v1::ReviewCase> review_case =
            EligibilityStore::GetReviewCase(tx, IdOf(case_name));
        if (absl::IsNotFound(review_case.status())) return absl::OkStatus();
        RETURN_IF_ERROR(review_case.status());
        if (review_case->state() != v1::ReviewCase::STATE_OPEN) {
          return absl::OkStatus();
        }
        const std::string before = MessageHash(*review_case);
        const std::string etag = review_case->etag();
        ApplyTally(tally, *review_case);
        review_case->set_etag(ReviewCaseEtag(*review_case));
        if (review_case->etag() == etag) return absl::OkStatus();
        const absl::Time now = absl::Now();
        *review_case->mutable_update_time() =
            google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(
                absl::ToUnixMicros(now));
        review_case->set_etag(ReviewCaseEtag(*review_case));
        RETURN_IF_ERROR(EligibilityStore::UpdateReviewCase(tx, *review_case));
        return AuditTrail::Append(
            tx,
            AuditRecord{kActor, "TallyReviewCase", review_case->name(), before,
                        MessageHash(*review_case)},
            now);
      });
}

}  // namespace ismap::liu::eligibility
