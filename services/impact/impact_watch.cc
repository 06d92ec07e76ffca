// WatchImpactAssessments: the request's filter over the store's events, as
// a feed stream.
#include "services/impact/impact_watch.h"

#include <utility>
#include <vector>

#include "ismap/liu/v1/impact_assessment.grpc.pb.h"
#include "services/common/feed_stream.h"
#include "services/common/request_parser.h"
#include "services/impact/impact_assessments.h"

namespace ismap::liu::impact {
namespace {

constexpr absl::string_view kMethod = "WatchImpactAssessments";

absl::string_view ServiceName() {
  return v1::ImpactAssessmentService::service_full_name();
}

}  // namespace

grpc::ServerWriteReactor<grpc::ByteBuffer>* StartImpactWatch(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
    const WatchDependencies& dependencies) {
  const absl::Time start = absl::Now();
  absl::StatusOr<CallContext> call =
      dependencies.runner->AdmitStream(*context, ServiceName(), kMethod, start);
  if (!call.ok()) return RefuseFeedStream(ToGrpcStatus(call.status()));

  v1::WatchImpactAssessmentsRequest typed;
  absl::Status status =
      ParseRequest(UnaryCallRunner::Contents(*request), typed);
  absl::StatusOr<ImpactStore::EventFilter> filter =
      status.ok() ? ImpactAssessments::WatchFilter(typed)
                  : absl::StatusOr<ImpactStore::EventFilter>(status);
  if (!filter.ok()) {
    return RefuseFeedStream(UnaryCallRunner::EndStream(
        ServiceName(), kMethod, call->caller, start, filter.status()));
  }
  const ImpactStore* store = dependencies.store;
  return StartFeedStream(
      {dependencies.runner, dependencies.executor, dependencies.notifier,
       ServiceName(), kMethod},
      *call, start, typed.after_sequence(),
      [store, filter = *std::move(filter)](
          int64_t after, int64_t limit,
          absl::Time deadline) -> absl::StatusOr<std::vector<FeedEntry>> {
        absl::StatusOr<std::vector<v1::ImpactAssessmentEvent>> events =
            store->ListEvents(after, filter, limit, deadline);
        if (!events.ok()) return events.status();
        std::vector<FeedEntry> entries;
        entries.reserve(events->size());
        for (const v1::ImpactAssessmentEvent& event : *events) {
          entries.push_back(
              {event.sequence(), UnaryCallRunner::Serialized(event)});
        }
        return entries;
      });
}

}  // namespace ismap::liu::impact
