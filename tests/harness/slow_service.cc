// SlowService handler: sleeps on the worker pool.
#include "tests/harness/slow_service.h"

#include <iostream>

#include "absl/time/clock.h"

namespace ismap::liu::testing {

AccessPolicyTable SlowServicePolicy() {
  v1::AccessPolicy policy;
  v1::MethodAccess* sleep = policy.add_methods();
  sleep->set_method("ismap.liu.testing.SlowService/Sleep");
  for (v1::CallerRole role :
       {v1::CALLER_ROLE_CSP, v1::CALLER_ROLE_MINISTRY, v1::CALLER_ROLE_IPA}) {
    v1::RoleGrant* grant = sleep->add_grants();
    grant->set_role(role);
    grant->set_scope(v1::ACCESS_SCOPE_ALL);
  }
  return *AccessPolicyTable::Build(policy, {SlowService::service_full_name()});
}

grpc::ServerUnaryReactor* SlowServiceImpl::Sleep(
    grpc::CallbackServerContext* context, const SleepRequest* request,
    SleepResponse* response) {
  return runner_->Serve(
      context, SlowService::service_full_name(), __func__,
      Placement::kWorkerPool, request, response,
      [this](const CallContext& call, const SleepRequest& req,
             SleepResponse* out) {
        ++handled_;
        std::cout << "sleep started" << std::endl;
        absl::SleepFor(absl::Milliseconds(req.milliseconds()));
        out->set_caller(DescribeCaller(call.caller));
        return absl::OkStatus();
      });
}

}  // namespace ismap::liu::testing
