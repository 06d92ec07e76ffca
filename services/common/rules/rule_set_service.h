// gRPC adapter of RuleSetService: which rules this deployment runs on and has
// run on.
#ifndef ISMAP_LIU_SERVICES_COMMON_RULES_RULE_SET_SERVICE_H_
#define ISMAP_LIU_SERVICES_COMMON_RULES_RULE_SET_SERVICE_H_

#include <string>

#include "ismap/liu/v1/rule_set.grpc.pb.h"
#include "services/common/rules/rule_set_store.h"
#include "services/common/unary_call.h"

namespace ismap::liu {

// Serves RuleSetService. Does not own the runner or the store, which must
// outlive it. Thread-safe.
class RuleSetServiceImpl final : public v1::RuleSetService::CallbackService {
 public:
  RuleSetServiceImpl(const UnaryCallRunner* runner, const RuleSetStore* store,
                     std::string current_version)
      : runner_(runner),
        store_(store),
        current_version_(std::move(current_version)) {}

  grpc::ServerUnaryReactor* GetRuleSet(grpc::CallbackServerContext* context,
                                       const v1::GetRuleSetRequest* request,
                                       v1::RuleSet* response) override;

  grpc::ServerUnaryReactor* ListRuleSets(
      grpc::CallbackServerContext* context,
      const v1::ListRuleSetsRequest* request,
      v1::ListRuleSetsResponse* response) override;

 private:
  const UnaryCallRunner* const runner_;
  const RuleSetStore* const store_;
  const std::string current_version_;
};

}  // namespace ismap::liu

#endif  // ISMAP_LIU_SERVICES_COMMON_RULES_RULE_SET_SERVICE_H_
