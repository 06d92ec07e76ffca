// EligibilityService handlers.
#include "services/eligibility/eligibility_service.h"

#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "google/protobuf/util/time_util.h"
#include "services/common/audit_trail/audit_trail.h"
#include "services/common/feed_stream.h"
#include "services/common/field_checks.h"
#include "services/common/page_token.h"
#include "services/common/request_parser.h"
#include "services/common/status_macros.h"
#include "services/eligibility/domain/pre_application_judge.h"
#include "services/eligibility/eligibility_store.h"

namespace ismap::liu {
namespace {

using eligibility::EligibilityStore;
using eligibility::FetchedAssessments;
using eligibility::TargetList;
using google::protobuf::util::TimeUtil;
using storage::Database;
using storage::Transaction;

constexpr size_t kMaxNameBytes = 200;
constexpr size_t kMaxDescriptionBytes = 4096;
constexpr size_t kMaxReasonBytes = 2048;
constexpr int kMaxBusinesses = 50;
constexpr int kMaxMinistriesPerBusiness = 50;
constexpr absl::string_view kService = "ismap.liu.v1.EligibilityService";

std::string CspOf(const Caller& caller) {
  return absl::StrCat("csps/", caller.organisation);
}
std::string MinistryOf(const Caller& caller) {
  return absl::StrCat("ministries/", caller.organisation);
}

// Whether the caller may see `pre` through an RPC granted with `scope`.
bool Visible(const CallContext& call, const v1::PreApplication& pre) {
  switch (call.scope) {
    case v1::ACCESS_SCOPE_ALL:
      return true;
    case v1::ACCESS_SCOPE_OWN:
      return pre.csp() == CspOf(call.caller);
    case v1::ACCESS_SCOPE_CONCERNED:
      for (const v1::PreApplicationBusiness& business : pre.businesses()) {
        for (const std::string& ministry : business.ministries()) {
          if (ministry == MinistryOf(call.caller)) return true;
        }
      }
      return false;
    default:
      return false;
  }
}

// Loads the pre-application `name` (field `field`) if the caller may see it;
// NOT_FOUND otherwise, alike for absent and invisible.
absl::StatusOr<v1::PreApplication> LoadVisible(Transaction& tx,
                                               const CallContext& call,
                                               const std::string& id) {
  absl::StatusOr<v1::PreApplication> pre =
      EligibilityStore::GetPreApplication(tx, id);
  if (pre.ok() && !Visible(call, *pre)) {
    return absl::NotFoundError(absl::StrCat("preApplications/", id));
  }
  return pre;
}

void CheckMinistries(const std::string& field,
                     const v1::PreApplicationBusiness& business,
                     FieldViolations& violations) {
  if (business.ministries().empty()) {
    violations.Add(field, "name at least one using ministry");
  }
  if (business.ministries_size() > kMaxMinistriesPerBusiness) {
    violations.Add(field, absl::StrCat("at most ", kMaxMinistriesPerBusiness,
                                       " ministries"));
  }
  absl::flat_hash_set<std::string> seen;
  for (int m = 0; m < business.ministries_size(); ++m) {
    const std::string& ministry = business.ministries(m);
    const std::string path = absl::StrCat(field, "[", m, "]");
    absl::string_view id = ministry;
    if (!absl::ConsumePrefix(&id, "ministries/") || !IsValidPrincipalId(id)) {
      violations.Add(path, "must be ministries/{ministry}");
    } else if (!seen.insert(ministry).second) {
      violations.Add(path, absl::StrCat(ministry, " is named twice"));
    }
  }
}

void CheckPlatform(const v1::Platform& platform, FieldViolations& violations) {
  const std::string field = "pre_application.platform";
  switch (platform.kind_case()) {
    case v1::Platform::kOwn:
      CheckText(field + ".own.description", platform.own().description(),
                kMaxDescriptionBytes, true, violations);
      break;
    case v1::Platform::kIsmapRegistered: {
      const v1::IsmapRegisteredPlatform& used = platform.ismap_registered();
      const std::string prefix = field + ".ismap_registered";
      if (used.kind() == v1::IsmapRegisteredPlatform::KIND_UNSPECIFIED) {
        violations.Add(prefix + ".kind", "must be IAAS or PAAS");
      }
      CheckText(prefix + ".service_name", used.service_name(), kMaxNameBytes,
                true, violations);
      CheckText(prefix + ".provider_name", used.provider_name(), kMaxNameBytes,
                true, violations);
      CheckText(prefix + ".ismap_registration_id", used.ismap_registration_id(),
                kMaxNameBytes, true, violations);
      break;
    }
    default:
      violations.Add(field,
                     "say whether the service runs on its own platform or "
                     "on an ISMAP-registered IaaS/PaaS");
  }
}

// Checks a business profile; `list` tells which claimed items exist.
void CheckProfile(const std::string& field, const v1::BusinessProfile& profile,
                  const TargetList& list, FieldViolations& violations) {
  CheckText(field + ".title", profile.title(), kMaxNameBytes, true, violations);
  CheckText(field + ".description", profile.description(), kMaxDescriptionBytes,
            false, violations);
  violations.Merge(field, list.matcher.ValidateProfile(profile));
  if (!profile.claimed_target_business().empty()) {
    bool exists = false;
    for (const v1::TargetBusiness& item : list.items) {
      exists = exists || item.name() == profile.claimed_target_business();
    }
    if (!exists) {
      violations.Add(
          field + ".claimed_target_business",
          absl::StrCat(profile.claimed_target_business(),
                       " is not an item of list version ", list.version));
    }
  }
}

void CheckPreApplication(const v1::PreApplication& pre, const TargetList& list,
                         FieldViolations& violations) {
  CheckText("pre_application.service_name", pre.service_name(), kMaxNameBytes,
            true, violations);
  CheckText("pre_application.service_description", pre.service_description(),
            kMaxDescriptionBytes, false, violations);
  CheckPlatform(pre.platform(), violations);
  if (pre.businesses().empty()) {
    violations.Add("pre_application.businesses", "list at least one business");
  }
  if (pre.businesses_size() > kMaxBusinesses) {
    violations.Add("pre_application.businesses",
                   absl::StrCat("at most ", kMaxBusinesses, " businesses"));
  }
  absl::flat_hash_set<std::string> ids;
  for (int i = 0; i < pre.businesses_size(); ++i) {
    const v1::PreApplicationBusiness& business = pre.businesses(i);
    const std::string field =
        absl::StrCat("pre_application.businesses[", i, "]");
    if (!IsValidResourceId(business.business_id())) {
      violations.Add(field + ".business_id",
                     "must be 1 to 63 characters of a-z, 0-9 and -");
    } else if (!ids.insert(business.business_id()).second) {
      violations.Add(field + ".business_id",
                     absl::StrCat(business.business_id(), " is used twice"));
    }
    CheckProfile(field + ".profile", business.profile(), list, violations);
    CheckMinistries(field + ".ministries", business, violations);
  }
}

// The number after `<parent>/<collection>/`, e.g. a judgement number.
std::optional<std::pair<std::string, int64_t>> ParseChild(
    const std::string& field, const std::string& name,
    absl::string_view collection, FieldViolations& violations) {
  std::vector<std::string> parts = absl::StrSplit(name, '/');
  int64_t number = 0;
  FieldViolations parent;
  if (parts.size() == 4 && parts[0] == "preApplications" &&
      parts[2] == collection && absl::SimpleAtoi(parts[3], &number) &&
      number > 0 &&
      ParseResourceId(field, absl::StrCat(parts[0], "/", parts[1]),
                      "preApplications", parent)) {
    return std::make_pair(parts[1], number);
  }
  violations.Add(field, absl::StrCat("must be preApplications/{p}/", collection,
                                     "/{number}"));
  return std::nullopt;
}

google::protobuf::Timestamp ToTimestamp(absl::Time time) {
  return TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(time));
}

}  // namespace

absl::Status CommitAndNotify(
    const EligibilityContext& context, absl::Time deadline,
    absl::FunctionRef<absl::Status(storage::Transaction&)> fn) {
  const absl::Status status = context.database->RunInTransaction(
      Database::Access::kReadWrite, deadline, fn);
  if (status.ok()) context.notifier->Notify();
  return status;
}

grpc::ServerUnaryReactor* EligibilityServiceImpl::EvaluateBusiness(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
    grpc::ByteBuffer* response) {
  return context_.runner->ServeRaw<v1::EvaluateBusinessRequest,
                                   v1::EvaluateBusinessResponse>(
      context, kService, __func__, Placement::kWorkerPool, request, response,
      [this](const CallContext& call, const v1::EvaluateBusinessRequest& req,
             v1::EvaluateBusinessResponse* out) -> absl::Status {
        std::shared_ptr<const TargetList> list;
        absl::Status loaded = context_.database->RunInTransaction(
            Database::Access::kReadOnly, call.deadline,
            [&](Transaction& tx) -> absl::Status {
              ASSIGN_OR_RETURN(list,
                               context_.lists->Get(tx, req.list_version()));
              return absl::OkStatus();
            });
        FieldViolations violations;
        if (req.list_version() < 0 || absl::IsNotFound(loaded)) {
          violations.Add("list_version", "no such list version");
          return violations.ToStatus();
        }
        RETURN_IF_ERROR(loaded);
        CheckProfile("profile", req.profile(), *list, violations);
        RETURN_IF_ERROR(violations.ToStatus());
        eligibility::ListEvaluation evaluation =
            list->matcher.Evaluate(req.profile());
        const std::string& claimed = req.profile().claimed_target_business();
        for (v1::ItemEvaluation& item : evaluation.items) {
          if (item.matched() && (out->matched_target_business().empty() ||
                                 item.target_business() == claimed)) {
            out->set_matched_target_business(item.target_business());
          }
          *out->add_item_evaluations() = std::move(item);
        }
        out->set_claimed_item_matched(
            !claimed.empty() && out->matched_target_business() == claimed);
        out->set_list_version(list->version);
        out->set_rules_version(context_.rules->version());
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* EligibilityServiceImpl::CreatePreApplication(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
    grpc::ByteBuffer* response) {
  return context_.runner->ServeRaw<v1::CreatePreApplicationRequest,
                                   v1::PreApplication>(
      context, kService, __func__, Placement::kWorkerPool, request, response,
      [this](const CallContext& call,
             const v1::CreatePreApplicationRequest& req,
             v1::PreApplication* out) -> absl::Status {
        const std::string csp = CspOf(call.caller);
        const std::string actor = DescribeCaller(call.caller);
        FieldViolations violations;
        CheckRequestId("request_id", req.request_id(), violations);
        std::shared_ptr<const TargetList> list;
        std::optional<EligibilityStore::RequestRecord> earlier;
        RETURN_IF_ERROR(context_.database->RunInTransaction(
            Database::Access::kReadOnly, call.deadline,
            [&](Transaction& tx) -> absl::Status {
              ASSIGN_OR_RETURN(list, context_.lists->Get(tx, 0));
              if (req.request_id().empty()) return absl::OkStatus();
              ASSIGN_OR_RETURN(earlier, EligibilityStore::FindRequest(
                                            tx, csp, req.request_id()));
              return absl::OkStatus();
            }));
        CheckPreApplication(req.pre_application(), *list, violations);
        RETURN_IF_ERROR(violations.ToStatus());

        const std::string request_hash =
            eligibility::MessageHash(req.pre_application());
        v1::PreApplication pre;
        pre.set_service_name(req.pre_application().service_name());
        pre.set_service_description(
            req.pre_application().service_description());
        *pre.mutable_platform() = req.pre_application().platform();
        *pre.mutable_businesses() = req.pre_application().businesses();
        pre.set_name(absl::StrCat("preApplications/", NewResourceId()));
        pre.set_csp(csp);
        pre.set_state(v1::PreApplication::STATE_ACTIVE);

        FetchedAssessments fetched;
        if (!earlier.has_value()) {
          ASSIGN_OR_RETURN(fetched, context_.recorder->Fetch(
                                        pre, /*stored=*/false, call.deadline));
        }
        return CommitAndNotify(
            context_, call.deadline, [&](Transaction& tx) -> absl::Status {
              if (!req.request_id().empty()) {
                ASSIGN_OR_RETURN(earlier, EligibilityStore::FindRequest(
                                              tx, csp, req.request_id()));
              }
              if (earlier.has_value()) {
                if (earlier->request_hash != request_hash) {
                  FieldViolations reused;
                  reused.Add("request_id",
                             "was used before with a different "
                             "pre-application; use a new request_id");
                  return reused.ToStatus();
                }
                ASSIGN_OR_RETURN(
                    *out, EligibilityStore::GetPreApplication(tx, earlier->id));
                return absl::OkStatus();
              }
              ASSIGN_OR_RETURN(std::optional<std::string> same_service,
                               EligibilityStore::FindActiveByServiceName(
                                   tx, csp, pre.service_name()));
              if (same_service.has_value()) {
                return absl::AlreadyExistsError(absl::StrCat(
                    *same_service,
                    " is already your ACTIVE pre-application "
                    "for \"",
                    pre.service_name(),
                    "\": one pre-application per SaaS; withdraw it first to "
                    "file anew"));
              }
              const absl::Time now = absl::Now();
              v1::PreApplication created = pre;
              *created.mutable_create_time() = ToTimestamp(now);
              RETURN_IF_ERROR(context_.recorder->Record(
                  tx, created, fetched, v1::Judgement::TRIGGER_CREATED, actor,
                  now, /*always=*/true));
              RETURN_IF_ERROR(EligibilityStore::InsertPreApplication(
                  tx, created, req.request_id(), request_hash));
              RETURN_IF_ERROR(AuditTrail::Append(
                  tx,
                  AuditRecord{actor, "CreatePreApplication", created.name(), "",
                              eligibility::MessageHash(created)},
                  now));
              *out = std::move(created);
              return absl::OkStatus();
            });
      });
}

grpc::ServerUnaryReactor* EligibilityServiceImpl::GetPreApplication(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
    grpc::ByteBuffer* response) {
  return context_.runner->ServeRaw<v1::GetPreApplicationRequest,
                                   v1::PreApplication>(
      context, kService, __func__, Placement::kWorkerPool, request, response,
      [this](const CallContext& call, const v1::GetPreApplicationRequest& req,
             v1::PreApplication* out) -> absl::Status {
        FieldViolations violations;
        std::optional<std::string> id =
            ParseResourceId("name", req.name(), "preApplications", violations);
        RETURN_IF_ERROR(violations.ToStatus());
        return context_.database->RunInTransaction(
            Database::Access::kReadOnly, call.deadline,
            [&](Transaction& tx) -> absl::Status {
              ASSIGN_OR_RETURN(*out, LoadVisible(tx, call, *id));
              return absl::OkStatus();
            });
      });
}

grpc::ServerUnaryReactor* EligibilityServiceImpl::ListPreApplications(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
    grpc::ByteBuffer* response) {
  return context_.runner->ServeRaw<v1::ListPreApplicationsRequest,
                                   v1::ListPreApplicationsResponse>(
      context, kService, __func__, Placement::kWorkerPool, request, response,
      [this](const CallContext& call, const v1::ListPreApplicationsRequest& req,
             v1::ListPreApplicationsResponse* out) -> absl::Status {
        FieldViolations violations;
        eligibility::PreApplicationFilter filter;
        filter.csp = req.csp();
        filter.ministry = req.ministry();
        filter.waiting_for_ministry = req.waiting_for_ministry();
        filter.review_case = req.review_case();
        filter.state = req.state();
        filter.outcome = req.overall_outcome();
        if (!req.review_case().empty()) {
          ParseResourceId("review_case", req.review_case(), "reviewCases",
                          violations);
        }
        if (call.scope == v1::ACCESS_SCOPE_OWN) {
          if (!filter.csp.empty() && filter.csp != CspOf(call.caller)) {
            violations.Add("csp", "a CSP lists only its own pre-applications");
          }
          filter.csp = CspOf(call.caller);
        } else if (call.scope == v1::ACCESS_SCOPE_CONCERNED) {
          if (!filter.ministry.empty() &&
              filter.ministry != MinistryOf(call.caller)) {
            violations.Add("ministry",
                           "a ministry lists only pre-applications naming it");
          }
          filter.ministry = MinistryOf(call.caller);
        }
        const std::string fingerprint = absl::StrCat(
            "ListPreApplications|", filter.csp, "|", filter.ministry, "|",
            filter.waiting_for_ministry, "|", filter.review_case, "|",
            filter.state, "|", filter.outcome);
        const Page page = ParsePage(req.page_size(), req.page_token(),
                                    fingerprint, violations);
        RETURN_IF_ERROR(violations.ToStatus());
        std::vector<v1::PreApplication> found;
        RETURN_IF_ERROR(context_.database->RunInTransaction(
            Database::Access::kReadOnly, call.deadline,
            [&](Transaction& tx) -> absl::Status {
              ASSIGN_OR_RETURN(found, EligibilityStore::ListPreApplications(
                                          tx, filter, page));
              return absl::OkStatus();
            }));
        out->set_next_page_token(
            FillPage(std::move(found), page, fingerprint,
                     out->mutable_pre_applications(),
                     &EligibilityStore::PreApplicationKey));
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* EligibilityServiceImpl::ReevaluatePreApplication(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
    grpc::ByteBuffer* response) {
  return context_.runner->ServeRaw<v1::ReevaluatePreApplicationRequest,
                                   v1::PreApplication>(
      context, kService, __func__, Placement::kWorkerPool, request, response,
      [this](const CallContext& call,
             const v1::ReevaluatePreApplicationRequest& req,
             v1::PreApplication* out) -> absl::Status {
        FieldViolations violations;
        std::optional<std::string> id =
            ParseResourceId("name", req.name(), "preApplications", violations);
        if (req.etag().empty()) violations.Add("etag", "is required");
        RETURN_IF_ERROR(violations.ToStatus());
        v1::PreApplication pre;
        RETURN_IF_ERROR(context_.database->RunInTransaction(
            Database::Access::kReadOnly, call.deadline,
            [&](Transaction& tx) -> absl::Status {
              ASSIGN_OR_RETURN(pre, LoadVisible(tx, call, *id));
              return absl::OkStatus();
            }));
        ASSIGN_OR_RETURN(FetchedAssessments fetched,
                         context_.recorder->Fetch(pre, true, call.deadline));
        return CommitAndNotify(
            context_, call.deadline, [&](Transaction& tx) -> absl::Status {
              ASSIGN_OR_RETURN(v1::PreApplication current,
                               LoadVisible(tx, call, *id));
              if (current.etag() != req.etag()) {
                return absl::AbortedError(
                    "the pre-application changed since it was read; read it "
                    "again and retry with its etag");
              }
              if (current.state() != v1::PreApplication::STATE_ACTIVE) {
                return absl::FailedPreconditionError(
                    "a withdrawn pre-application is not judged again");
              }
              RETURN_IF_ERROR(context_.recorder->Record(
                  tx, current, fetched,
                  v1::Judgement::TRIGGER_REEVALUATE_REQUESTED,
                  DescribeCaller(call.caller), absl::Now(), /*always=*/true));
              RETURN_IF_ERROR(
                  EligibilityStore::UpdatePreApplication(tx, current));
              *out = std::move(current);
              return absl::OkStatus();
            });
      });
}

grpc::ServerUnaryReactor* EligibilityServiceImpl::WithdrawPreApplication(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
    grpc::ByteBuffer* response) {
  return context_.runner->ServeRaw<v1::WithdrawPreApplicationRequest,
                                   v1::PreApplication>(
      context, kService, __func__, Placement::kWorkerPool, request, response,
      [this](const CallContext& call,
             const v1::WithdrawPreApplicationRequest& req,
             v1::PreApplication* out) -> absl::Status {
        FieldViolations violations;
        std::optional<std::string> id =
            ParseResourceId("name", req.name(), "preApplications", violations);
        if (req.etag().empty()) violations.Add("etag", "is required");
        CheckText("reason", req.reason(), kMaxReasonBytes, false, violations);
        RETURN_IF_ERROR(violations.ToStatus());
        return CommitAndNotify(
            context_, call.deadline, [&](Transaction& tx) -> absl::Status {
              ASSIGN_OR_RETURN(v1::PreApplication pre,
                               LoadVisible(tx, call, *id));
              if (pre.etag() != req.etag()) {
                return absl::AbortedError(
                    "the pre-application changed since it was read; read it "
                    "again and retry with its etag");
              }
              if (pre.state() != v1::PreApplication::STATE_ACTIVE) {
                return absl::FailedPreconditionError(
                    "the pre-application is already withdrawn");
              }
              const std::string before = eligibility::MessageHash(pre);
              const absl::Time now = absl::Now();
              pre.set_state(v1::PreApplication::STATE_WITHDRAWN);
              pre.set_withdraw_reason(req.reason());
              *pre.mutable_withdraw_time() = ToTimestamp(now);
              *pre.mutable_update_time() = ToTimestamp(now);
              pre.set_etag(eligibility::PreApplicationEtag(pre));
              RETURN_IF_ERROR(EligibilityStore::UpdatePreApplication(tx, pre));
              RETURN_IF_ERROR(EligibilityStore::UnlinkPreApplication(tx, *id));
              RETURN_IF_ERROR(AuditTrail::Append(
                  tx,
                  AuditRecord{DescribeCaller(call.caller),
                              "WithdrawPreApplication", pre.name(), before,
                              eligibility::MessageHash(pre)},
                  now));
              *out = std::move(pre);
              return absl::OkStatus();
            });
      });
}

grpc::ServerUnaryReactor* EligibilityServiceImpl::GetJudgement(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
    grpc::ByteBuffer* response) {
  return context_.runner->ServeRaw<v1::GetJudgementRequest, v1::Judgement>(
      context, kService, __func__, Placement::kWorkerPool, request, response,
      [this](const CallContext& call, const v1::GetJudgementRequest& req,
             v1::Judgement* out) -> absl::Status {
        FieldViolations violations;
        auto parsed = ParseChild("name", req.name(), "judgements", violations);
        RETURN_IF_ERROR(violations.ToStatus());
        return context_.database->RunInTransaction(
            Database::Access::kReadOnly, call.deadline,
            [&](Transaction& tx) -> absl::Status {
              RETURN_IF_ERROR(LoadVisible(tx, call, parsed->first).status());
              ASSIGN_OR_RETURN(*out, EligibilityStore::GetJudgement(
                                         tx, parsed->first, parsed->second));
              return absl::OkStatus();
            });
      });
}

grpc::ServerUnaryReactor* EligibilityServiceImpl::ListJudgements(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
    grpc::ByteBuffer* response) {
  return context_.runner->ServeRaw<v1::ListJudgementsRequest,
                                   v1::ListJudgementsResponse>(
      context, kService, __func__, Placement::kWorkerPool, request, response,
      [this](const CallContext& call, const v1::ListJudgementsRequest& req,
             v1::ListJudgementsResponse* out) -> absl::Status {
        FieldViolations violations;
        std::optional<std::string> id = ParseResourceId(
            "parent", req.parent(), "preApplications", violations);
        const std::string fingerprint =
            absl::StrCat("ListJudgements|", req.parent());
        const Page page = ParsePage(req.page_size(), req.page_token(),
                                    fingerprint, violations);
        RETURN_IF_ERROR(violations.ToStatus());
        std::vector<v1::Judgement> found;
        RETURN_IF_ERROR(context_.database->RunInTransaction(
            Database::Access::kReadOnly, call.deadline,
            [&](Transaction& tx) -> absl::Status {
              RETURN_IF_ERROR(LoadVisible(tx, call, *id).status());
              ASSIGN_OR_RETURN(found,
                               EligibilityStore::ListJudgements(tx, *id, page));
              return absl::OkStatus();
            }));
        out->set_next_page_token(FillPage(
            std::move(found), page, fingerprint, out->mutable_judgements(),
            [](const v1::Judgement& judgement) {
              return judgement.name().substr(judgement.name().rfind('/') + 1);
            }));
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* EligibilityServiceImpl::GetNotification(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
    grpc::ByteBuffer* response) {
  return context_.runner->ServeRaw<v1::GetNotificationRequest,
                                   v1::Notification>(
      context, kService, __func__, Placement::kWorkerPool, request, response,
      [this](const CallContext& call, const v1::GetNotificationRequest& req,
             v1::Notification* out) -> absl::Status {
        FieldViolations violations;
        auto parsed =
            ParseChild("name", req.name(), "notifications", violations);
        RETURN_IF_ERROR(violations.ToStatus());
        return context_.database->RunInTransaction(
            Database::Access::kReadOnly, call.deadline,
            [&](Transaction& tx) -> absl::Status {
              RETURN_IF_ERROR(LoadVisible(tx, call, parsed->first).status());
              ASSIGN_OR_RETURN(*out, EligibilityStore::GetNotification(
                                         tx, parsed->first, parsed->second));
              return absl::OkStatus();
            });
      });
}

grpc::ServerUnaryReactor* EligibilityServiceImpl::ListNotifications(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
    grpc::ByteBuffer* response) {
  return context_.runner->ServeRaw<v1::ListNotificationsRequest,
                                   v1::ListNotificationsResponse>(
      context, kService, __func__, Placement::kWorkerPool, request, response,
      [this](const CallContext& call, const v1::ListNotificationsRequest& req,
             v1::ListNotificationsResponse* out) -> absl::Status {
        FieldViolations violations;
        std::optional<std::string> id;
        if (req.parent() != "preApplications/-") {
          id = ParseResourceId("parent", req.parent(), "preApplications",
                               violations);
        }
        if (req.after_sequence() < 0) {
          violations.Add("after_sequence", "must not be negative");
        }
        const std::string fingerprint = absl::StrCat(
            "ListNotifications|", req.parent(), "|", req.after_sequence());
        const Page page = ParsePage(req.page_size(), req.page_token(),
                                    fingerprint, violations);
        int64_t after = req.after_sequence();
        if (!page.after_key.empty() &&
            !absl::SimpleAtoi(page.after_key, &after)) {
          violations.Add("page_token", "is malformed");
        }
        RETURN_IF_ERROR(violations.ToStatus());
        const std::string csp =
            call.scope == v1::ACCESS_SCOPE_OWN ? CspOf(call.caller) : "";
        std::vector<v1::Notification> found;
        RETURN_IF_ERROR(context_.database->RunInTransaction(
            Database::Access::kReadOnly, call.deadline,
            [&](Transaction& tx) -> absl::Status {
              if (id.has_value()) {
                RETURN_IF_ERROR(LoadVisible(tx, call, *id).status());
              }
              ASSIGN_OR_RETURN(
                  found, EligibilityStore::ListNotifications(
                             tx, id.value_or(""), csp, after, page.size + 1));
              return absl::OkStatus();
            }));
        out->set_next_page_token(FillPage(
            std::move(found), page, fingerprint, out->mutable_notifications(),
            [](const v1::Notification& notification) {
              return absl::StrCat(notification.sequence());
            }));
        return absl::OkStatus();
      });
}

grpc::ServerWriteReactor<grpc::ByteBuffer>*
EligibilityServiceImpl::WatchNotifications(grpc::CallbackServerContext* context,
                                           const grpc::ByteBuffer* request) {
  constexpr absl::string_view kMethod = "WatchNotifications";
  const absl::Time start = absl::Now();
  absl::StatusOr<CallContext> call =
      context_.runner->AdmitStream(*context, kService, kMethod, start);
  if (!call.ok()) return RefuseFeedStream(ToGrpcStatus(call.status()));
  v1::WatchNotificationsRequest typed;
  absl::Status status =
      ParseRequest(UnaryCallRunner::Contents(*request), typed);
  FieldViolations violations;
  std::optional<std::string> id;
  if (status.ok()) {
    if (typed.parent() != "preApplications/-") {
      id = ParseResourceId("parent", typed.parent(), "preApplications",
                           violations);
    }
    if (typed.after_sequence() < 0) {
      violations.Add("after_sequence", "must not be negative");
    }
    status = violations.ToStatus();
  }
  if (!status.ok()) {
    return RefuseFeedStream(UnaryCallRunner::EndStream(
        kService, kMethod, call->caller, start, status));
  }
  const std::string csp =
      call->scope == v1::ACCESS_SCOPE_OWN ? CspOf(call->caller) : "";
  return StartFeedStream(
      {context_.runner, context_.executor, context_.notifier, kService,
       kMethod},
      *call, start, typed.after_sequence(),
      [database = context_.database, call = *call, id, csp](
          int64_t after, int64_t limit,
          absl::Time deadline) -> absl::StatusOr<std::vector<FeedEntry>> {
        std::vector<v1::Notification> found;
        RETURN_IF_ERROR(database->RunInTransaction(
            Database::Access::kReadOnly, deadline,
            [&](Transaction& tx) -> absl::Status {
              if (id.has_value()) {
                RETURN_IF_ERROR(LoadVisible(tx, call, *id).status());
              }
              ASSIGN_OR_RETURN(found, EligibilityStore::ListNotifications(
                                          tx, id.value_or(""), csp, after,
                                          static_cast<int>(limit)));
              return absl::OkStatus();
            }));
        std::vector<FeedEntry> entries;
        entries.reserve(found.size());
        for (v1::Notification& notification : found) {
          v1::WatchNotificationsResponse response;
          *response.mutable_notification() = std::move(notification);
          entries.push_back({response.notification().sequence(),
                             UnaryCallRunner::Serialized(response)});
        }
        return entries;
      });
}

grpc::ServerUnaryReactor* EligibilityServiceImpl::GetTargetBusiness(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
    grpc::ByteBuffer* response) {
  return context_.runner->ServeRaw<v1::GetTargetBusinessRequest,
                                   v1::TargetBusiness>(
      context, kService, __func__, Placement::kWorkerPool, request, response,
      [this](const CallContext& call, const v1::GetTargetBusinessRequest& req,
             v1::TargetBusiness* out) -> absl::Status {
        FieldViolations violations;
        absl::string_view number_text = req.name();
        int64_t number = 0;
        if (!absl::ConsumePrefix(&number_text, "targetBusinesses/") ||
            !absl::SimpleAtoi(number_text, &number) || number < 1) {
          violations.Add("name", "must be targetBusinesses/{item number}");
        }
        RETURN_IF_ERROR(violations.ToStatus());
        return context_.database->RunInTransaction(
            Database::Access::kReadOnly, call.deadline,
            [&](Transaction& tx) -> absl::Status {
              ASSIGN_OR_RETURN(std::shared_ptr<const TargetList> list,
                               context_.lists->Get(tx, 0));
              for (const v1::TargetBusiness& item : list->items) {
                if (item.item_number() == number) {
                  *out = item;
                  return absl::OkStatus();
                }
              }
              return absl::NotFoundError(req.name());
            });
      });
}

grpc::ServerUnaryReactor* EligibilityServiceImpl::ListTargetBusinesses(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
    grpc::ByteBuffer* response) {
  return context_.runner->ServeRaw<v1::ListTargetBusinessesRequest,
                                   v1::ListTargetBusinessesResponse>(
      context, kService, __func__, Placement::kWorkerPool, request, response,
      [this](const CallContext& call,
             const v1::ListTargetBusinessesRequest& req,
             v1::ListTargetBusinessesResponse* out) -> absl::Status {
        FieldViolations violations;
        if (req.list_version() < 0) {
          violations.Add("list_version", "must not be negative");
        }
        const std::string fingerprint = absl::StrCat(
            "ListTargetBusinesses|", req.list_version(), "|", req.origin());
        const Page page = ParsePage(req.page_size(), req.page_token(),
                                    fingerprint, violations);
        int64_t after = 0;
        if (!page.after_key.empty() &&
            !absl::SimpleAtoi(page.after_key, &after)) {
          violations.Add("page_token", "is malformed");
        }
        RETURN_IF_ERROR(violations.ToStatus());
        std::shared_ptr<const TargetList> list;
        int64_t current = 0;
        absl::Status loaded = context_.database->RunInTransaction(
            Database::Access::kReadOnly, call.deadline,
            [&](Transaction& tx) -> absl::Status {
              ASSIGN_OR_RETURN(current,
                               EligibilityStore::CurrentListVersion(tx));
              ASSIGN_OR_RETURN(list,
                               context_.lists->Get(tx, req.list_version()));
              return absl::OkStatus();
            });
        if (absl::IsNotFound(loaded)) {
          violations.Add("list_version", "no such list version");
          return violations.ToStatus();
        }
        RETURN_IF_ERROR(loaded);
        bool more = false;
        for (const v1::TargetBusiness& item : list->items) {
          if (item.item_number() <= after) continue;
          if (req.origin() != v1::TargetBusiness::ORIGIN_UNSPECIFIED &&
              item.origin() != req.origin()) {
            continue;
          }
          if (out->target_businesses_size() == page.size) {
            more = true;
            break;
          }
          *out->add_target_businesses() = item;
        }
        out->set_list_version(list->version);
        out->set_current_list_version(current);
        out->set_next_page_token(NextPageToken(
            out->target_businesses().empty()
                ? ""
                : absl::StrCat(
                      out->target_businesses().rbegin()->item_number()),
            more, fingerprint));
        return absl::OkStatus();
      });
}

}  // namespace ismap::liu
