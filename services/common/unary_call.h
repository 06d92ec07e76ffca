// The single checkpoint every unary API call passes through.
//
// A service's RPC override is one line into UnaryCallRunner::Serve, which
//   1. authenticates the caller from the `authorization: Bearer` metadata
//      (UNAUTHENTICATED before any handler runs; no handler ever sees a call
//      without a verified Caller), then authorises the caller's role for the
//      RPC against the access policy table (PERMISSION_DENIED, default deny);
//   2. fixes the call's deadline: the client's, capped at the server default;
//   3. runs the handler inline (cheap, pure work) or on the bounded worker
//      pool (storage, other services), answering RESOURCE_EXHAUSTED when the
//      pool's queue is full, so reactor threads never block;
//   4. finishes the call with the handler's status mapped to gRPC, and writes
//      one structured log line: method, caller, code, latency.
// ServeRaw does the same for methods whose requests gRPC hands over unparsed,
// and AdmitStream / EndStream give server-streaming calls the same checkpoint
// and log line.
#ifndef ISMAP_LIU_SERVICES_COMMON_UNARY_CALL_H_
#define ISMAP_LIU_SERVICES_COMMON_UNARY_CALL_H_

#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "grpcpp/server_context.h"
#include "grpcpp/support/byte_buffer.h"
#include "grpcpp/support/server_callback.h"
#include "services/common/authenticator.h"
#include "services/common/bounded_executor.h"
#include "services/common/caller.h"
#include "services/common/grpc_status.h"
#include "services/common/identity/access_policy_table.h"
#include "services/common/request_parser.h"

namespace ismap::liu {

// What a handler knows of the call it serves besides the request.
struct CallContext {
  Caller caller;
  // Which stored resources the caller reaches through this RPC (the access
  // policy's grant). Handlers apply it to the resources they load: one
  // outside the scope is NOT_FOUND.
  v1::AccessScope scope = v1::ACCESS_SCOPE_UNSPECIFIED;
  // The call's effective deadline; storage and outgoing calls respect it.
  absl::Time deadline;
};

// Where a handler runs.
enum class Placement {
  kInline,      // On the gRPC reactor thread: only non-blocking, bounded work.
  kWorkerPool,  // On the bounded executor: anything that may block.
};

// Shared by every service of a server. Does not own the authenticator, the
// policy or the executor, which must outlive it and every call it serves.
// Thread-safe.
class UnaryCallRunner {
 public:
  struct Options {
    // Deadline applied to calls whose client set none or a later one.
    absl::Duration default_deadline = absl::Seconds(30);
  };

  UnaryCallRunner(const Authenticator* authenticator,
                  const AccessPolicyTable* policy, BoundedExecutor* executor,
                  Options options)
      : authenticator_(authenticator),
        policy_(policy),
        executor_(executor),
        options_(options) {}

  // Serves one call of `service`/`method` (pass `__func__` from the RPC
  // override). `handler` fills `*response` and returns the call's status;
  // `request` and `response` are owned by gRPC and outlive the handler.
  // `handler` is callable as
  // `absl::Status(const CallContext&, const Request&, Response*)`.
  template <typename Request, typename Response, typename Handler>
  grpc::ServerUnaryReactor* Serve(grpc::CallbackServerContext* context,
                                  absl::string_view service,
                                  absl::string_view method, Placement placement,
                                  const Request* request, Response* response,
                                  Handler handler) const {
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    const absl::Time start = absl::Now();
    CallRecord record{std::string(service), std::string(method), start, "-"};

    absl::StatusOr<CallContext> call = Admit(*context, record);
    if (!call.ok()) {
      Finish(reactor, record, call.status());
      return reactor;
    }
    if (placement == Placement::kInline) {
      Finish(reactor, record, handler(*call, *request, response));
      return reactor;
    }
    const bool queued = executor_->TrySchedule(
        [this, context, reactor, record, call = *std::move(call), request,
         response, handler = std::move(handler)]() mutable {
          Finish(reactor, record,
                 Started(*context, call) ? handler(call, *request, response)
                                         : NotStartedStatus(*context));
        });
    if (!queued) {
      Finish(reactor, record,
             absl::ResourceExhaustedError(
                 "the server is at capacity; retry with backoff"));
    }
    return reactor;
  }

  // Serves one call of a method registered "raw" (gRPC's
  // WithRawCallbackMethod_*), whose request arrives unparsed, exactly as
  // Serve does, parsing the request as a `Request` once the caller is
  // admitted: a request with invalid UTF-8 in a string field, which gRPC
  // would refuse as UNIMPLEMENTED without a word, is INVALID_ARGUMENT naming
  // every such field (request_parser.h). `handler` is as for Serve, over the
  // typed `Request` and `Response`; the response is serialized when the
  // handler returns OK. `request` and `response` are owned by gRPC.
  template <typename Request, typename Response, typename Handler>
  grpc::ServerUnaryReactor* ServeRaw(grpc::CallbackServerContext* context,
                                     absl::string_view service,
                                     absl::string_view method,
                                     Placement placement,
                                     const grpc::ByteBuffer* request,
                                     grpc::ByteBuffer* response,
                                     Handler handler) const {
    return Serve(context, service, method, placement, request, response,
                 [handler = std::move(handler)](
                     const CallContext& call, const grpc::ByteBuffer& raw,
                     grpc::ByteBuffer* out) -> absl::Status {
                   Request typed_request;
                   absl::Status status =
                       ParseRequest(Contents(raw), typed_request);
                   if (!status.ok()) return status;
                   Response typed_response;
                   status = handler(call, typed_request, &typed_response);
                   if (status.ok()) *out = Serialized(typed_response);
                   return status;
                 });
  }

  // The checkpoint of a server-streaming call, started at `start`:
  // authenticates and authorises the caller exactly as Serve does. Returns
  // the call's context, whose deadline is the client's own (a stream may
  // outlive the default deadline, so whatever it does on the way applies a
  // deadline of its own, see default_deadline()); or the status to finish
  // the stream with, already logged and safe to send. An admitted stream
  // must report its end through EndStream.
  absl::StatusOr<CallContext> AdmitStream(
      const grpc::CallbackServerContext& context, absl::string_view service,
      absl::string_view method, absl::Time start) const;

  // Writes the log line of a stream that AdmitStream admitted at `start` for
  // `caller` and that ends with `status`; returns the status to finish it
  // with, internal details withheld as for unary calls. Thread-safe.
  static grpc::Status EndStream(absl::string_view service,
                                absl::string_view method, const Caller& caller,
                                absl::Time start, const absl::Status& status);

  // The deadline of a unary call whose client set none.
  absl::Duration default_deadline() const { return options_.default_deadline; }

  // The bytes of a received message, and a message as bytes to send: for
  // raw methods. Never fail.
  static std::string Contents(const grpc::ByteBuffer& buffer);
  static grpc::ByteBuffer Serialized(const google::protobuf::Message& message);

 private:
  struct CallRecord {
    std::string service;
    std::string method;
    absl::Time start;
    std::string caller;
  };

  // Authenticates and authorises the caller (recording it in `record`) and
  // computes the deadline.
  absl::StatusOr<CallContext> Admit(const grpc::CallbackServerContext& context,
                                    CallRecord& record) const;
  // Whether a queued call may still start (not cancelled, not past deadline).
  static bool Started(const grpc::CallbackServerContext& context,
                      const CallContext& call);
  static absl::Status NotStartedStatus(
      const grpc::CallbackServerContext& context);
  // What a client is told of `status`: internal details are withheld.
  static absl::Status ForClient(const absl::Status& status);
  // Writes the call's log line.
  static void Log(const CallRecord& record, const absl::Status& status);
  // Logs the call and finishes the reactor.
  static void Finish(grpc::ServerUnaryReactor* reactor,
                     const CallRecord& record, const absl::Status& status);

  const Authenticator* const authenticator_;
  const AccessPolicyTable* const policy_;
  BoundedExecutor* const executor_;
  const Options options_;
};

}  // namespace ismap::liu

#endif  // ISMAP_LIU_SERVICES_COMMON_UNARY_CALL_H_
