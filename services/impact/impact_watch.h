// WatchImpactAssessments, the assessment change feed (feed_stream.h): first
// the stored events after the client's `after_sequence`, then each new one as
// it commits.
//
// No thread ever waits for the feed. Reads run as tasks on the service's
// worker pool, one at a time per stream, each reading at most one batch; the
// stream writes the batch, then reads again while batches come back full, and
// otherwise waits for a ChangeNotifier signal: a commit in this process, or
// the notifier's tick once a second, which catches commits by other
// processes on a shared database. Events go out in sequence order, each once;
// a client that reconnects with the last sequence it received misses nothing.
// The stream ends when the client cancels or its deadline passes
// (CANCELLED), when the notifier closes for shutdown (UNAVAILABLE: resume
// elsewhere), or on a storage error.
#ifndef ISMAP_LIU_SERVICES_IMPACT_IMPACT_WATCH_H_
#define ISMAP_LIU_SERVICES_IMPACT_IMPACT_WATCH_H_

#include "grpcpp/server_context.h"
#include "grpcpp/support/byte_buffer.h"
#include "grpcpp/support/server_callback.h"
#include "services/common/bounded_executor.h"
#include "services/common/change_notifier.h"
#include "services/common/unary_call.h"
#include "services/impact/impact_store.h"

namespace ismap::liu::impact {

// What a stream needs; none owned, all must outlive every stream (the gRPC
// server waits for streams to end before it stops, and the executor runs
// every queued task before it stops).
struct WatchDependencies {
  const UnaryCallRunner* runner;
  BoundedExecutor* executor;
  const ImpactStore* store;
  ChangeNotifier* notifier;
};

// Serves one WatchImpactAssessments call (registered raw, so that a request
// with invalid UTF-8 is INVALID_ARGUMENT like any other bad request): passes
// the checkpoint, checks the request, and streams. The reactor deletes itself
// when the call is done.
grpc::ServerWriteReactor<grpc::ByteBuffer>* StartImpactWatch(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
    const WatchDependencies& dependencies);

}  // namespace ismap::liu::impact

#endif  // ISMAP_LIU_SERVICES_IMPACT_IMPACT_WATCH_H_
