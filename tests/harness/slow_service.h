// SlowService (testing.proto) served through the real UnaryCallRunner: its
// calls take as long as asked, so tests can have calls in flight.
#ifndef ISMAP_LIU_TESTS_HARNESS_SLOW_SERVICE_H_
#define ISMAP_LIU_TESTS_HARNESS_SLOW_SERVICE_H_

#include <atomic>

#include "services/common/unary_call.h"
#include "testing.grpc.pb.h"

namespace ismap::liu::testing {

// An access policy letting every role call SlowService.
AccessPolicyTable SlowServicePolicy();

class SlowServiceImpl final : public SlowService::CallbackService {
 public:
  // Does not own `runner`.
  explicit SlowServiceImpl(const UnaryCallRunner* runner) : runner_(runner) {}

  grpc::ServerUnaryReactor* Sleep(grpc::CallbackServerContext* context,
                                  const SleepRequest* request,
                                  SleepResponse* response) override;

  // How many calls have reached the handler.
  int handled() const { return handled_.load(); }

 private:
  const UnaryCallRunner* const runner_;
  std::atomic<int> handled_{0};
};

}  // namespace ismap::liu::testing

#endif  // ISMAP_LIU_TESTS_HARNESS_SLOW_SERVICE_H_
