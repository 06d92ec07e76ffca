// The reactor of a change feed (the Watch* server-streaming RPCs): first the
// stored entries after the client's `after_sequence`, then each new one as it
// commits.
//
// No thread ever waits for the feed. Reads run as tasks on the service's
// worker pool, one at a time per stream, each reading at most one batch; the
// stream writes the batch, then reads again while batches come back full, and
// otherwise waits for a ChangeNotifier signal: a commit in this process, or
// the notifier's tick once a second, which catches commits by other
// processes on a shared database. Entries go out in sequence order, each
// once; a client that reconnects with the last sequence it received misses
// nothing. The stream ends when the client cancels or its deadline passes
// (CANCELLED), when the notifier closes for shutdown (UNAVAILABLE: resume
// elsewhere), or on a storage error.
#ifndef ISMAP_LIU_SERVICES_COMMON_FEED_STREAM_H_
#define ISMAP_LIU_SERVICES_COMMON_FEED_STREAM_H_

#include <cstdint>
#include <functional>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "grpcpp/server_context.h"
#include "grpcpp/support/byte_buffer.h"
#include "grpcpp/support/server_callback.h"
#include "services/common/bounded_executor.h"
#include "services/common/change_notifier.h"
#include "services/common/unary_call.h"

namespace ismap::liu {

// One entry of a feed: its sequence and the serialised message to send.
struct FeedEntry {
  int64_t sequence = 0;
  grpc::ByteBuffer message;
};

// Reads up to `limit` entries with a sequence above `after_sequence`, in
// sequence order, before `deadline`. Called on the worker pool, one call at
// a time per stream; must be thread-safe across streams.
using FeedReader = std::function<absl::StatusOr<std::vector<FeedEntry>>(
    int64_t after_sequence, int64_t limit, absl::Time deadline)>;

// What a stream runs on; none owned, all must outlive every stream (the gRPC
// server waits for streams to end before it stops, and the executor runs
// every queued task before it stops).
struct FeedStreamDependencies {
  const UnaryCallRunner* runner;
  BoundedExecutor* executor;
  ChangeNotifier* notifier;
  // For the stream's log line, e.g. "ismap.liu.v1.EligibilityService" and
  // "WatchNotifications".
  absl::string_view service;
  absl::string_view method;
};

// Streams the feed of `reader` from `after_sequence` to the caller that
// UnaryCallRunner::AdmitStream admitted at `start` as `call`. The reactor
// deletes itself when the call is done.
grpc::ServerWriteReactor<grpc::ByteBuffer>* StartFeedStream(
    const FeedStreamDependencies& dependencies, const CallContext& call,
    absl::Time start, int64_t after_sequence, FeedReader reader);

// A stream that finishes at once with `status` (already logged), for calls
// refused before streaming.
grpc::ServerWriteReactor<grpc::ByteBuffer>* RefuseFeedStream(
    const grpc::Status& status);

}  // namespace ismap::liu

#endif  // ISMAP_LIU_SERVICES_COMMON_FEED_STREAM_H_
