// SlowService handler: sleeps on the worker pool.
#include "tests/harness/slow_service.h"

#include <iostream>

#include "absl/time/clock.h"

namespace ismap::liu::testing {

grpc::ServerUnaryReactor* SlowServiceImpl::Sleep(
    grpc::CallbackServerContext* context, const SleepRequest* request,
    SleepResponse* response) {
  return runner_->Serve(
      context, SlowService::service_full_name(), __func__,
      Placement::kWorkerPool, request, response,
      [](const CallContext& call, const SleepRequest& req, SleepResponse* out) {
        std::cout << "sleep started" << std::endl;
        absl::SleepFor(absl::Milliseconds(req.milliseconds()));
        out->set_caller(DescribeCaller(call.caller));
        return absl::OkStatus();
      });
}

}  // namespace ismap::liu::testing
