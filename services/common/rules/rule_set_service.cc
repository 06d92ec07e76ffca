// RuleSetService handlers: validation, then the store.
#include "services/common/rules/rule_set_service.h"

#include "absl/strings/match.h"
#include "absl/strings/strip.h"
#include "services/common/status_macros.h"

namespace ismap::liu {

grpc::ServerUnaryReactor* RuleSetServiceImpl::GetRuleSet(
    grpc::CallbackServerContext* context, const v1::GetRuleSetRequest* request,
    v1::RuleSet* response) {
  return runner_->Serve(
      context, v1::RuleSetService::service_full_name(), __func__,
      Placement::kWorkerPool, request, response,
      [this](const CallContext& call, const v1::GetRuleSetRequest& req,
             v1::RuleSet* out) -> absl::Status {
        absl::string_view version = req.name();
        if (!absl::ConsumePrefix(&version, "ruleSets/") || version.empty() ||
            absl::StrContains(version, '/')) {
          FieldViolations violations;
          violations.Add("name",
                         "must be ruleSets/{version} or ruleSets/current");
          return violations.ToStatus();
        }
        if (version == "current") version = current_version_;
        ASSIGN_OR_RETURN(*out, store_->Get(version, call.deadline));
        out->set_current(out->version() == current_version_);
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* RuleSetServiceImpl::ListRuleSets(
    grpc::CallbackServerContext* context,
    const v1::ListRuleSetsRequest* request,
    v1::ListRuleSetsResponse* response) {
  return runner_->Serve(
      context, v1::RuleSetService::service_full_name(), __func__,
      Placement::kWorkerPool, request, response,
      [this](const CallContext& call, const v1::ListRuleSetsRequest& req,
             v1::ListRuleSetsResponse* out) -> absl::Status {
        constexpr absl::string_view kFingerprint = "ListRuleSets";
        FieldViolations violations;
        const Page page = ParsePage(req.page_size(), req.page_token(),
                                    kFingerprint, violations);
        RETURN_IF_ERROR(violations.ToStatus());
        ASSIGN_OR_RETURN(std::vector<v1::RuleSet> rule_sets,
                         store_->List(page, call.deadline));
        const bool more_follow =
            rule_sets.size() > static_cast<size_t>(page.size);
        if (more_follow) rule_sets.pop_back();
        for (v1::RuleSet& rule_set : rule_sets) {
          rule_set.set_current(rule_set.version() == current_version_);
          *out->add_rule_sets() = std::move(rule_set);
        }
        out->set_next_page_token(NextPageToken(
            out->rule_sets().empty()
                ? ""
                : RuleSetStore::SortKey(*out->rule_sets().rbegin()),
            more_follow, kFingerprint));
        return absl::OkStatus();
      });
}

}  // namespace ismap::liu
