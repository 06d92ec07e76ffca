// Admission, finishing and logging of unary calls.
#include "services/common/unary_call.h"

#include <algorithm>
#include <iterator>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "grpcpp/support/slice.h"
#include "spdlog/spdlog.h"

namespace ismap::liu {

namespace {

// Quotes and control characters escaped, so a message (which may echo request
// text) stays on one log line and cannot forge another; UTF-8 text such as
// Japanese is kept as is.
std::string LogEscape(absl::string_view text) {
  std::string escaped;
  escaped.reserve(text.size());
  for (const char c : text) {
    if (c == '"' || c == '\\') {
      escaped.push_back('\\');
      escaped.push_back(c);
    } else if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      absl::StrAppend(
          &escaped, "\\x",
          absl::Hex(static_cast<unsigned char>(c), absl::kZeroPad2));
    } else {
      escaped.push_back(c);
    }
  }
  return escaped;
}

}  // namespace

absl::StatusOr<CallContext> UnaryCallRunner::Admit(
    const grpc::CallbackServerContext& context, CallRecord& record) const {
  const absl::Time now = record.start;
  const auto& metadata = context.client_metadata();
  const auto [first, last] = metadata.equal_range("authorization");
  if (first == last) {
    return absl::UnauthenticatedError(
        "missing authorization metadata; send \"authorization: Bearer "
        "<token>\"");
  }
  if (std::next(first) != last) {
    return absl::UnauthenticatedError("more than one authorization metadata");
  }
  const absl::string_view header(first->second.data(), first->second.size());
  absl::StatusOr<absl::string_view> token = BearerTokenOf(header);
  if (!token.ok()) return token.status();
  absl::StatusOr<Caller> caller = authenticator_->Authenticate(*token, now);
  if (!caller.ok()) return caller.status();
  record.caller = DescribeCaller(*caller);
  absl::StatusOr<v1::AccessScope> scope =
      policy_->Authorize(*caller, record.service, record.method);
  if (!scope.ok()) return scope.status();

  const absl::Time client_deadline = absl::FromChrono(context.deadline());
  return CallContext{
      *std::move(caller), *scope,
      std::min(client_deadline, now + options_.default_deadline)};
}

absl::StatusOr<CallContext> UnaryCallRunner::AdmitStream(
    const grpc::CallbackServerContext& context, absl::string_view service,
    absl::string_view method, absl::Time start) const {
  CallRecord record{std::string(service), std::string(method), start, "-"};
  absl::StatusOr<CallContext> call = Admit(context, record);
  if (!call.ok()) {
    Log(record, call.status());
    return ForClient(call.status());
  }
  call->deadline = absl::FromChrono(context.deadline());
  return call;
}

grpc::Status UnaryCallRunner::EndStream(absl::string_view service,
                                        absl::string_view method,
                                        const Caller& caller, absl::Time start,
                                        const absl::Status& status) {
  Log({std::string(service), std::string(method), start,
       DescribeCaller(caller)},
      status);
  return ToGrpcStatus(ForClient(status));
}

std::string UnaryCallRunner::Contents(const grpc::ByteBuffer& buffer) {
  std::vector<grpc::Slice> slices;
  std::string contents;
  if (!buffer.Dump(&slices).ok()) return contents;
  contents.reserve(buffer.Length());
  for (const grpc::Slice& slice : slices) {
    contents.append(reinterpret_cast<const char*>(slice.begin()), slice.size());
  }
  return contents;
}

grpc::ByteBuffer UnaryCallRunner::Serialized(
    const google::protobuf::Message& message) {
  grpc::Slice slice(message.SerializeAsString());
  return grpc::ByteBuffer(&slice, 1);
}

bool UnaryCallRunner::Started(const grpc::CallbackServerContext& context,
                              const CallContext& call) {
  return !context.IsCancelled() && absl::Now() < call.deadline;
}

absl::Status UnaryCallRunner::NotStartedStatus(
    const grpc::CallbackServerContext& context) {
  if (context.IsCancelled()) {
    return absl::CancelledError("the call was cancelled before it started");
  }
  return absl::DeadlineExceededError(
      "the deadline passed while the call waited for a worker");
}

void UnaryCallRunner::Finish(grpc::ServerUnaryReactor* reactor,
                             const CallRecord& record,
                             const absl::Status& status) {
  Log(record, status);
  reactor->Finish(ToGrpcStatus(ForClient(status)));
}

absl::Status UnaryCallRunner::ForClient(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kInternal:
    case absl::StatusCode::kUnknown:
    case absl::StatusCode::kDataLoss:
      // Details (SQL, file paths) stay in the server's log.
      return absl::Status(status.code(),
                          "internal error; the server logged the details");
    default:
      return status;
  }
}

void UnaryCallRunner::Log(const CallRecord& record,
                          const absl::Status& status) {
  const double latency_ms =
      absl::ToDoubleMilliseconds(absl::Now() - record.start);
  if (status.ok()) {
    spdlog::info("rpc service={} method={} caller={} code=OK latency_ms={:.3f}",
                 record.service, record.method, record.caller, latency_ms);
  } else {
    spdlog::info(
        "rpc service={} method={} caller={} code={} latency_ms={:.3f} "
        "error=\"{}\"",
        record.service, record.method, record.caller,
        absl::StatusCodeToString(status.code()), latency_ms,
        LogEscape(status.message()));
  }
}

}  // namespace ismap::liu
