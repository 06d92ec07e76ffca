// Admission, finishing and logging of unary calls.
#include "services/common/unary_call.h"

#include <algorithm>
#include <iterator>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "spdlog/spdlog.h"

namespace ismap::liu {

absl::StatusOr<CallContext> UnaryCallRunner::Admit(
    const grpc::CallbackServerContext& context, CallRecord& record) const {
  const absl::Time now = record.start;
  const auto& metadata = context.client_metadata();
  const auto [first, last] = metadata.equal_range("authorization");
  if (first == last) {
    return absl::UnauthenticatedError(
        "missing authorization metadata; send \"authorization: Bearer <token>\"");
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
  return CallContext{*std::move(caller), *scope,
                     std::min(client_deadline, now + options_.default_deadline)};
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

std::string UnaryCallRunner::UnimplementedMessage(absl::string_view service,
                                                  absl::string_view method,
                                                  absl::string_view planned) {
  return absl::StrCat(service, "/", method,
                      " is part of the API but not served by this build yet (",
                      planned, ")");
}

void UnaryCallRunner::Finish(grpc::ServerUnaryReactor* reactor,
                             const CallRecord& record,
                             const absl::Status& status) {
  Log(record, status);
  reactor->Finish(ToGrpcStatus(status));
}

void UnaryCallRunner::Log(const CallRecord& record, const absl::Status& status) {
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
        absl::StrReplaceAll(status.message(), {{"\\", "\\\\"}, {"\"", "\\\""}, {"\n", "\\n"}}));
  }
}

}  // namespace ismap::liu
