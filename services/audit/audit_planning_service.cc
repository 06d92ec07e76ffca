// AuditPlanningService handlers: validation, scope, domain, store.
#include "services/audit/audit_planning_service.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "services/audit/audit_store.h"
#include "services/audit/domain/audit_rules.h"
#include "services/audit/domain/audit_time.h"
#include "services/audit/domain/control_scope.h"
#include "services/audit/domain/registration.h"
#include "services/audit/domain/service_audit.h"
#include "services/common/field_checks.h"
#include "services/common/field_violations.h"
#include "services/common/identity/access_policy_table.h"
#include "services/common/page_token.h"
#include "services/common/status_macros.h"

namespace ismap::liu {
namespace {

using audit::AuditRules;
using audit::ControlScope;
using audit::DecisionFacts;
using audit::FirstDecision;
using audit::ServiceAudit;
using storage::Database;
using storage::Transaction;

constexpr absl::string_view kServices = "services/";
constexpr absl::string_view kCsps = "csps/";
constexpr absl::string_view kExternalAuditPlans = "/externalAuditPlans/";
constexpr absl::string_view kInternalAuditPlan = "/internalAuditPlan";
constexpr absl::string_view kInternalAuditReports = "/internalAuditReports/";
constexpr absl::string_view kCoverage = "/coverage";
// Longest decision reason (判断理由), in bytes of UTF-8.
constexpr size_t kMaxReasonBytes = 4 * 1024;
// Longest exclusion reason (除外した理由).
constexpr size_t kMaxExclusionReasonBytes = 4 * 1024;
// Longest incident or finding description.
constexpr size_t kMaxDescriptionBytes = 16 * 1024;
// Longest internal-audit report summary (総括).
constexpr size_t kMaxSummaryBytes = 64 * 1024;

// ---- Names and ids ----

// The id of `name` = `<prefix>{id}<suffix>`, or a violation of `field` saying
// that `pattern` was expected.
std::optional<std::string> ParseName(absl::string_view name,
                                     absl::string_view prefix,
                                     absl::string_view suffix,
                                     absl::string_view field,
                                     absl::string_view pattern,
                                     FieldViolations& violations) {
  absl::string_view id = name;
  if (absl::ConsumePrefix(&id, prefix) && absl::ConsumeSuffix(&id, suffix) &&
      IsValidResourceId(id)) {
    return std::string(id);
  }
  violations.Add(std::string(field), absl::StrCat("must be ", pattern));
  return std::nullopt;
}

std::optional<std::string> ParseServiceName(absl::string_view name,
                                            absl::string_view field,
                                            FieldViolations& violations) {
  return ParseResourceId(field, name, "services", violations);
}

void CheckPreApplicationName(absl::string_view name, absl::string_view field,
                             FieldViolations& violations) {
  ParseResourceId(field, name, "preApplications", violations);
}

// A `csps/{csp}` filter, {csp} being an organisation id.
void CheckCspName(absl::string_view name, FieldViolations& violations) {
  absl::string_view id = name;
  if (!absl::ConsumePrefix(&id, kCsps) || !IsValidPrincipalId(id)) {
    violations.Add("csp", "must be csps/{csp}");
  }
}

std::string ServiceName(absl::string_view id) {
  return absl::StrCat(kServices, id);
}

// Request ids are required on this service's creates (audit_planning.proto).
void CheckRequiredRequestId(absl::string_view request_id,
                            FieldViolations& violations) {
  if (request_id.empty()) {
    violations.Add("request_id",
                   "is required: an idempotency key of 1 to 64 printable "
                   "ASCII characters (a UUID is recommended)");
    return;
  }
  CheckRequestId("request_id", request_id, violations);
}

// The exclusion reasons of a statement scope, as free text.
void CheckExclusionReasons(const v1::StatementScope& statement,
                           FieldViolations& violations) {
  for (int i = 0; i < statement.excluded_objectives_size(); ++i) {
    // Emptiness is the scope's own check (ControlScope::Create).
    CheckText(
        absl::StrCat("statement_scope.excluded_objectives[", i, "].reason"),
        statement.excluded_objectives(i).reason(), kMaxExclusionReasonBytes,
        /*required=*/false, violations);
  }
}

// ---- Callers and scope ----

std::string OrganisationOf(const Caller& caller) {
  switch (caller.role) {
    case Role::kCsp:
      return absl::StrCat(kCsps, caller.organisation);
    case Role::kMinistry:
      return absl::StrCat("ministries/", caller.organisation);
    case Role::kIpa:
      return "ipa";
  }
  return "";
}

v1::Actor ActorOf(const Caller& caller) {
  v1::Actor actor;
  actor.set_role(ToCallerRole(caller.role));
  actor.set_organisation(OrganisationOf(caller));
  actor.set_subject(caller.subject);
  return actor;
}

// Whether the call's grant reaches a service of `csp`.
bool Reaches(const CallContext& call, absl::string_view csp) {
  switch (call.scope) {
    case v1::ACCESS_SCOPE_ALL:
      return true;
    case v1::ACCESS_SCOPE_OWN:
      return call.caller.role == Role::kCsp &&
             csp == absl::StrCat(kCsps, call.caller.organisation);
    default:
      return false;
  }
}

// The CSP a caller with an OWN grant is confined to, or "" for ALL.
std::string ConfinedCsp(const CallContext& call) {
  return call.scope == v1::ACCESS_SCOPE_ALL
             ? ""
             : absl::StrCat(kCsps, call.caller.organisation);
}

absl::Status ServiceNotFound(absl::string_view id) {
  return absl::NotFoundError(
      absl::StrCat(ServiceName(id), " does not exist or is not visible"));
}

// The stored service `id` if the call reaches it; NOT_FOUND otherwise.
absl::StatusOr<v1::CloudService> LoadReachable(Transaction& tx,
                                               const CallContext& call,
                                               absl::string_view id) {
  ASSIGN_OR_RETURN(std::optional<v1::CloudService> service,
                   AuditStore::GetService(tx, id));
  if (!service.has_value() || !Reaches(call, service->csp())) {
    return ServiceNotFound(id);
  }
  return *std::move(service);
}

absl::Status CheckEtag(const v1::CloudService& service,
                       absl::string_view etag) {
  if (service.etag() == etag) return absl::OkStatus();
  return absl::AbortedError(
      absl::StrCat("the etag is stale: ", service.name(),
                   " changed since it was read; read it again and retry"));
}

// The service as a caller sees it at `now`.
v1::CloudService Presented(v1::CloudService service, absl::Time now) {
  service.set_hold_expired(audit::HoldExpired(service, now));
  return service;
}

// ---- Requests ----

// The idempotency key of a create request: the caller's organisation, the
// RPC, the request id and a hash of the rest of the request.
template <typename Request>
AuditStore::Request RequestKeyOf(const CallContext& call,
                                 absl::string_view method,
                                 const Request& request) {
  Request body = request;
  body.clear_request_id();
  return {
      absl::StrCat(RoleName(call.caller.role), ":", call.caller.organisation),
      std::string(method), request.request_id(), AuditStore::ContentHash(body)};
}

bool IsKnownState(int state) {
  return state != v1::CloudService::STATE_UNSPECIFIED &&
         v1::CloudService::State_IsValid(state);
}

}  // namespace

class AuditPlanningServiceImpl::Handlers {
 public:
  Handlers(storage::Database* database, std::shared_ptr<const RuleSet> rules,
           AuditRules audit_rules, PreApplicationDirectory* pre_applications)
      : database_(database),
        rules_(std::move(rules)),
        audit_rules_(std::move(audit_rules)),
        pre_applications_(pre_applications) {}

  absl::Status Register(const CallContext& call,
                        const v1::RegisterServiceRequest& request,
                        v1::CloudService* out);
  absl::Status Hold(const CallContext& call,
                    const v1::HoldServiceRequest& request,
                    v1::CloudService* out);
  absl::Status Reject(const CallContext& call,
                      const v1::RejectServiceRequest& request,
                      v1::CloudService* out);
  absl::Status Get(const CallContext& call,
                   const v1::GetServiceRequest& request, v1::CloudService* out);
  absl::Status List(const CallContext& call,
                    const v1::ListServicesRequest& request,
                    v1::ListServicesResponse* out);
  absl::Status Suspend(const CallContext& call,
                       const v1::SuspendServiceRequest& request,
                       v1::CloudService* out);
  absl::Status Lift(const CallContext& call,
                    const v1::LiftServiceSuspensionRequest& request,
                    v1::CloudService* out);
  absl::Status ListRegistered(const CallContext& call,
                              const v1::ListRegisteredServicesRequest& request,
                              v1::ListRegisteredServicesResponse* out);
  absl::Status GetExternalPlan(const CallContext& call,
                               const v1::GetExternalAuditPlanRequest& request,
                               v1::ExternalAuditPlan* out);
  absl::Status ListExternalPlans(
      const CallContext& call, const v1::ListExternalAuditPlansRequest& request,
      v1::ListExternalAuditPlansResponse* out);
  absl::Status GetInternalPlan(const CallContext& call,
                               const v1::GetInternalAuditPlanRequest& request,
                               v1::InternalAuditPlan* out);
  absl::Status CreateReport(const CallContext& call,
                            const v1::CreateInternalAuditReportRequest& request,
                            v1::InternalAuditReport* out);
  absl::Status GetReport(const CallContext& call,
                         const v1::GetInternalAuditReportRequest& request,
                         v1::InternalAuditReport* out);
  absl::Status ListReports(const CallContext& call,
                           const v1::ListInternalAuditReportsRequest& request,
                           v1::ListInternalAuditReportsResponse* out);
  absl::Status GetCoverage(const CallContext& call,
                           const v1::GetCoverageRequest& request,
                           v1::Coverage* out);
  absl::Status ListOverdue(const CallContext& call,
                           const v1::ListOverdueObjectivesRequest& request,
                           v1::ListOverdueObjectivesResponse* out);

 private:
  // A first decision on a pre-application, for Register, Hold and Reject.
  struct FirstDecisionRequest {
    FirstDecision kind;
    absl::string_view method;
    AuditStore::Request key;
    std::string pre_application;
    // The statement scope for kRegister and kHold.
    std::optional<ControlScope> scope;
    std::string reason;
  };
  absl::Status DecideFirst(const CallContext& call,
                           const FirstDecisionRequest& request,
                           v1::CloudService* out);

  // A decision on a stored service: loads it in a read-write transaction,
  // checks the etag, applies `decide` and stores the result.
  template <typename Decide>
  absl::Status DecideOnService(const CallContext& call,
                               absl::string_view method,
                               absl::string_view service_id,
                               absl::string_view etag, absl::Time now,
                               Decide decide, v1::CloudService* out);

  DecisionFacts FactsOf(const CallContext& call, absl::Time now,
                        std::string reason) const {
    return {ActorOf(call.caller), now, std::move(reason), rules_->version()};
  }

  AuditStore::Change ChangeOf(const CallContext& call, absl::string_view method,
                              absl::Time now) const {
    return {DescribeCaller(call.caller), std::string(method), now};
  }

  // The planning view of the stored service `id` the call reaches.
  absl::StatusOr<ServiceAudit> LoadAudit(const CallContext& call,
                                         absl::string_view id);

  // Adds the violations of the request's `statement_scope`.
  std::optional<ControlScope> CheckScope(const v1::StatementScope& statement,
                                         FieldViolations& violations) const {
    constexpr absl::string_view field = "statement_scope";
    CheckExclusionReasons(statement, violations);
    absl::StatusOr<ControlScope> scope =
        ControlScope::Create(audit_rules_.criteria(), statement);
    if (!scope.ok()) {
      violations.Merge(field, scope.status());
      return std::nullopt;
    }
    return *std::move(scope);
  }

  storage::Database* const database_;
  const std::shared_ptr<const RuleSet> rules_;
  const AuditRules audit_rules_;
  PreApplicationDirectory* const pre_applications_;
};

// ---- Registration decisions ----

absl::Status AuditPlanningServiceImpl::Handlers::DecideFirst(
    const CallContext& call, const FirstDecisionRequest& request,
    v1::CloudService* out) {
  const absl::Time now = absl::Now();
  // A retried request answers what the first one created.
  std::optional<v1::CloudService> earlier;
  const auto find_earlier = [&](Transaction& tx) -> absl::Status {
    earlier.reset();
    ASSIGN_OR_RETURN(const std::optional<std::string> name,
                     AuditStore::FindRequest(tx, request.key));
    if (!name.has_value()) return absl::OkStatus();
    ASSIGN_OR_RETURN(earlier,
                     AuditStore::GetService(tx, AuditStore::ServiceId(*name)));
    if (!earlier.has_value()) {
      return absl::InternalError(
          absl::StrCat("request ", request.key.request_id, " created ", *name,
                       ", which is gone"));
    }
    return absl::OkStatus();
  };
  RETURN_IF_ERROR(database_->RunInTransaction(Database::Access::kReadOnly,
                                              call.deadline, find_earlier));
  if (earlier.has_value()) {
    *out = Presented(*std::move(earlier), now);
    return absl::OkStatus();
  }

  ASSIGN_OR_RETURN(
      const v1::PreApplication pre_application,
      pre_applications_->Lookup(request.pre_application, call.deadline));
  if (request.kind != FirstDecision::kReject) {
    if (pre_application.state() == v1::PreApplication::STATE_WITHDRAWN) {
      return absl::FailedPreconditionError(absl::StrCat(
          request.pre_application, " is withdrawn; it cannot be registered"));
    }
    const v1::EligibilityOutcome outcome =
        pre_application.judgement().overall_outcome();
    if (outcome != v1::ELIGIBILITY_OUTCOME_ELIGIBLE) {
      return absl::FailedPreconditionError(
          absl::StrCat(request.pre_application,
                       " is not eligible for ISMAP-LIU: its latest "
                       "judgement is ",
                       v1::EligibilityOutcome_Name(outcome)));
    }
  }
  const std::string id = NewResourceId();
  const audit::PreApplicationSummary summary{
      pre_application.name(), pre_application.csp(),
      pre_application.service_name(), pre_application.service_description()};
  const DecisionFacts facts = FactsOf(call, now, request.reason);
  const absl::Time hold_deadline = audit::HoldDeadline(
      now, audit_rules_.zone(),
      audit_rules_.policy().registration_hold_grace_months());
  return database_->RunInTransaction(
      Database::Access::kReadWrite, call.deadline,
      [&](Transaction& tx) -> absl::Status {
        RETURN_IF_ERROR(find_earlier(tx));
        if (earlier.has_value()) {
          *out = Presented(*std::move(earlier), now);
          return absl::OkStatus();
        }
        ASSIGN_OR_RETURN(const bool live, AuditStore::HasLiveService(
                                              tx, request.pre_application));
        if (live) {
          return absl::AlreadyExistsError(
              absl::StrCat("a service that is not REJECTED already exists for ",
                           request.pre_application));
        }
        v1::CloudService service = audit::DecideFirst(
            request.kind, ServiceName(id), summary,
            request.scope.has_value() ? &*request.scope : nullptr, facts,
            hold_deadline);
        RETURN_IF_ERROR(AuditStore::InsertService(
            tx, service, ChangeOf(call, request.method, now)));
        RETURN_IF_ERROR(
            AuditStore::RememberRequest(tx, request.key, service.name()));
        *out = Presented(std::move(service), now);
        return absl::OkStatus();
      });
}

template <typename Decide>
absl::Status AuditPlanningServiceImpl::Handlers::DecideOnService(
    const CallContext& call, absl::string_view method,
    absl::string_view service_id, absl::string_view etag, absl::Time now,
    Decide decide, v1::CloudService* out) {
  return database_->RunInTransaction(
      Database::Access::kReadWrite, call.deadline,
      [&](Transaction& tx) -> absl::Status {
        ASSIGN_OR_RETURN(const v1::CloudService before,
                         LoadReachable(tx, call, service_id));
        RETURN_IF_ERROR(CheckEtag(before, etag));
        v1::CloudService after = before;
        RETURN_IF_ERROR(decide(after));
        RETURN_IF_ERROR(AuditStore::UpdateService(tx, before, after,
                                                  ChangeOf(call, method, now)));
        *out = Presented(std::move(after), now);
        return absl::OkStatus();
      });
}

absl::Status AuditPlanningServiceImpl::Handlers::Register(
    const CallContext& call, const v1::RegisterServiceRequest& request,
    v1::CloudService* out) {
  FieldViolations violations;
  CheckText("reason", request.reason(), kMaxReasonBytes,
            /*required=*/false, violations);
  switch (request.target_case()) {
    case v1::RegisterServiceRequest::kPreApplication: {
      FirstDecisionRequest first{FirstDecision::kRegister,
                                 "RegisterService",
                                 RequestKeyOf(call, "RegisterService", request),
                                 request.pre_application(),
                                 std::nullopt,
                                 request.reason()};
      CheckPreApplicationName(request.pre_application(), "pre_application",
                              violations);
      if (!request.has_statement_scope()) {
        violations.Add("statement_scope",
                       "is required with pre_application: the scope of the "
                       "CSP's statement (言明の範囲)");
      } else {
        first.scope = CheckScope(request.statement_scope(), violations);
      }
      CheckRequiredRequestId(request.request_id(), violations);
      RETURN_IF_ERROR(violations.ToStatus());
      return DecideFirst(call, first, out);
    }
    case v1::RegisterServiceRequest::kService: {
      const std::optional<std::string> id =
          ParseServiceName(request.service(), "service", violations);
      std::optional<ControlScope> scope;
      if (request.has_statement_scope()) {
        scope = CheckScope(request.statement_scope(), violations);
      }
      if (request.etag().empty()) {
        violations.Add("etag", "is required with service: the etag last read");
      }
      RETURN_IF_ERROR(violations.ToStatus());
      const absl::Time now = absl::Now();
      return DecideOnService(
          call, "RegisterService", *id, request.etag(), now,
          [&](v1::CloudService& service) {
            return audit::RegisterHeld(service,
                                       scope.has_value() ? &*scope : nullptr,
                                       FactsOf(call, now, request.reason()));
          },
          out);
    }
    default:
      violations.Add("pre_application",
                     "set pre_application (a first decision) or service (a "
                     "HELD service)");
      return violations.ToStatus();
  }
}

absl::Status AuditPlanningServiceImpl::Handlers::Hold(
    const CallContext& call, const v1::HoldServiceRequest& request,
    v1::CloudService* out) {
  FieldViolations violations;
  FirstDecisionRequest first{FirstDecision::kHold,
                             "HoldService",
                             RequestKeyOf(call, "HoldService", request),
                             request.pre_application(),
                             std::nullopt,
                             request.reason()};
  CheckPreApplicationName(request.pre_application(), "pre_application",
                          violations);
  if (!request.has_statement_scope()) {
    violations.Add(
        "statement_scope",
        "is required: the scope of the CSP's statement (言明の範囲)");
  } else {
    first.scope = CheckScope(request.statement_scope(), violations);
  }
  CheckText("reason", request.reason(), kMaxReasonBytes,
            /*required=*/true, violations);
  CheckRequiredRequestId(request.request_id(), violations);
  RETURN_IF_ERROR(violations.ToStatus());
  return DecideFirst(call, first, out);
}

absl::Status AuditPlanningServiceImpl::Handlers::Reject(
    const CallContext& call, const v1::RejectServiceRequest& request,
    v1::CloudService* out) {
  FieldViolations violations;
  CheckText("reason", request.reason(), kMaxReasonBytes,
            /*required=*/true, violations);
  switch (request.target_case()) {
    case v1::RejectServiceRequest::kPreApplication: {
      CheckPreApplicationName(request.pre_application(), "pre_application",
                              violations);
      CheckRequiredRequestId(request.request_id(), violations);
      RETURN_IF_ERROR(violations.ToStatus());
      return DecideFirst(
          call,
          {FirstDecision::kReject, "RejectService",
           RequestKeyOf(call, "RejectService", request),
           request.pre_application(), std::nullopt, request.reason()},
          out);
    }
    case v1::RejectServiceRequest::kService: {
      const std::optional<std::string> id =
          ParseServiceName(request.service(), "service", violations);
      if (request.etag().empty()) {
        violations.Add("etag", "is required with service: the etag last read");
      }
      RETURN_IF_ERROR(violations.ToStatus());
      const absl::Time now = absl::Now();
      return DecideOnService(
          call, "RejectService", *id, request.etag(), now,
          [&](v1::CloudService& service) {
            return audit::RejectHeld(service,
                                     FactsOf(call, now, request.reason()));
          },
          out);
    }
    default:
      violations.Add("pre_application",
                     "set pre_application (a first decision) or service (a "
                     "HELD service)");
      return violations.ToStatus();
  }
}

absl::Status AuditPlanningServiceImpl::Handlers::Suspend(
    const CallContext& call, const v1::SuspendServiceRequest& request,
    v1::CloudService* out) {
  const absl::Time now = absl::Now();
  FieldViolations violations;
  const std::optional<std::string> id =
      ParseServiceName(request.name(), "name", violations);
  if (request.etag().empty()) {
    violations.Add("etag", "is required: the etag last read");
  }
  if (!request.has_incident()) {
    violations.Add("incident",
                   "is required: the incident (occur_time, description, "
                   "objectives) the suspension is for");
  } else {
    violations.Merge("incident",
                     audit::ValidateIncident(request.incident(),
                                             audit_rules_.criteria(), now));
    CheckText("incident.description", request.incident().description(),
              kMaxDescriptionBytes, /*required=*/true, violations);
  }
  RETURN_IF_ERROR(violations.ToStatus());
  return DecideOnService(
      call, "SuspendService", *id, request.etag(), now,
      [&](v1::CloudService& service) {
        return audit::Suspend(
            service, request.incident(),
            FactsOf(call, now, request.incident().description()));
      },
      out);
}

absl::Status AuditPlanningServiceImpl::Handlers::Lift(
    const CallContext& call, const v1::LiftServiceSuspensionRequest& request,
    v1::CloudService* out) {
  FieldViolations violations;
  const std::optional<std::string> id =
      ParseServiceName(request.name(), "name", violations);
  if (request.etag().empty()) {
    violations.Add("etag", "is required: the etag last read");
  }
  CheckText("reason", request.reason(), kMaxReasonBytes,
            /*required=*/true, violations);
  RETURN_IF_ERROR(violations.ToStatus());
  const absl::Time now = absl::Now();
  return DecideOnService(
      call, "LiftServiceSuspension", *id, request.etag(), now,
      [&](v1::CloudService& service) {
        return audit::LiftSuspension(service,
                                     FactsOf(call, now, request.reason()));
      },
      out);
}

// ---- Reading services ----

absl::Status AuditPlanningServiceImpl::Handlers::Get(
    const CallContext& call, const v1::GetServiceRequest& request,
    v1::CloudService* out) {
  FieldViolations violations;
  const std::optional<std::string> id =
      ParseServiceName(request.name(), "name", violations);
  RETURN_IF_ERROR(violations.ToStatus());
  v1::CloudService service;
  RETURN_IF_ERROR(database_->RunInTransaction(
      Database::Access::kReadOnly, call.deadline,
      [&](Transaction& tx) -> absl::Status {
        ASSIGN_OR_RETURN(service, LoadReachable(tx, call, *id));
        return absl::OkStatus();
      }));
  *out = Presented(std::move(service), absl::Now());
  return absl::OkStatus();
}

absl::Status AuditPlanningServiceImpl::Handlers::List(
    const CallContext& call, const v1::ListServicesRequest& request,
    v1::ListServicesResponse* out) {
  FieldViolations violations;
  const Page page =
      ParsePage(request.page_size(), request.page_token(),
                absl::StrCat("ListServices\n", request.state(), "\n",
                             request.csp(), "\n", request.pre_application()),
                violations);
  if (request.state() != v1::CloudService::STATE_UNSPECIFIED &&
      !IsKnownState(request.state())) {
    violations.Add("state", "is not a state of a service");
  }
  if (!request.csp().empty()) {
    CheckCspName(request.csp(), violations);
  }
  if (!request.pre_application().empty()) {
    CheckPreApplicationName(request.pre_application(), "pre_application",
                            violations);
  }
  RETURN_IF_ERROR(violations.ToStatus());
  AuditStore::ServiceFilter filter{request.state(), request.csp(),
                                   request.pre_application()};
  const std::string confined = ConfinedCsp(call);
  if (!confined.empty()) {
    // Another CSP's services are not visible: nothing matches.
    if (!filter.csp.empty() && filter.csp != confined) return absl::OkStatus();
    filter.csp = confined;
  }
  std::vector<v1::CloudService> services;
  RETURN_IF_ERROR(database_->RunInTransaction(
      Database::Access::kReadOnly, call.deadline,
      [&](Transaction& tx) -> absl::Status {
        ASSIGN_OR_RETURN(services, AuditStore::ListServices(tx, filter, page));
        return absl::OkStatus();
      }));
  const bool more_follow = services.size() > static_cast<size_t>(page.size);
  if (more_follow) services.pop_back();
  const absl::Time now = absl::Now();
  for (v1::CloudService& service : services) {
    *out->add_services() = Presented(std::move(service), now);
  }
  out->set_next_page_token(NextPageToken(
      out->services().empty()
          ? ""
          : AuditStore::ServiceKey(*out->services().rbegin()),
      more_follow,
      absl::StrCat("ListServices\n", request.state(), "\n", request.csp(), "\n",
                   request.pre_application())));
  return absl::OkStatus();
}

absl::Status AuditPlanningServiceImpl::Handlers::ListRegistered(
    const CallContext& call, const v1::ListRegisteredServicesRequest& request,
    v1::ListRegisteredServicesResponse* out) {
  constexpr absl::string_view kFingerprint = "ListRegisteredServices";
  FieldViolations violations;
  const Page page = ParsePage(request.page_size(), request.page_token(),
                              kFingerprint, violations);
  RETURN_IF_ERROR(violations.ToStatus());
  std::vector<v1::CloudService> services;
  RETURN_IF_ERROR(database_->RunInTransaction(
      Database::Access::kReadOnly, call.deadline,
      [&](Transaction& tx) -> absl::Status {
        ASSIGN_OR_RETURN(services,
                         AuditStore::ListRegisteredServices(tx, page));
        return absl::OkStatus();
      }));
  const bool more_follow = services.size() > static_cast<size_t>(page.size);
  if (more_follow) services.pop_back();
  for (const v1::CloudService& service : services) {
    v1::RegisteredServiceEntry* entry = out->add_services();
    entry->set_service(service.name());
    entry->set_service_name(service.service_name());
    entry->set_service_description(service.service_description());
    entry->set_csp(service.csp());
    entry->set_state(service.state());
    *entry->mutable_registration_time() = service.registration_time();
    if (service.has_suspend_time()) {
      *entry->mutable_suspend_time() = service.suspend_time();
    }
  }
  out->set_next_page_token(NextPageToken(
      services.empty() ? "" : AuditStore::RegisteredKey(services.back()),
      more_follow, kFingerprint));
  return absl::OkStatus();
}

// ---- Plans, reports and coverage ----

absl::StatusOr<ServiceAudit> AuditPlanningServiceImpl::Handlers::LoadAudit(
    const CallContext& call, absl::string_view id) {
  v1::CloudService service;
  std::vector<v1::InternalAuditReport> reports;
  RETURN_IF_ERROR(database_->RunInTransaction(
      Database::Access::kReadOnly, call.deadline,
      [&](Transaction& tx) -> absl::Status {
        ASSIGN_OR_RETURN(service, LoadReachable(tx, call, id));
        ASSIGN_OR_RETURN(reports, AuditStore::ReportsOf(tx, id));
        return absl::OkStatus();
      }));
  return ServiceAudit::Create(audit_rules_, service, std::move(reports));
}

absl::Status AuditPlanningServiceImpl::Handlers::GetExternalPlan(
    const CallContext& call, const v1::GetExternalAuditPlanRequest& request,
    v1::ExternalAuditPlan* out) {
  FieldViolations violations;
  std::optional<std::string> id;
  int audit_year = 0;
  absl::string_view name = request.name();
  const size_t infix = name.find(kExternalAuditPlans);
  if (infix == absl::string_view::npos) {
    violations.Add(
        "name", "must be services/{service}/externalAuditPlans/{audit_year}");
  } else {
    id = ParseServiceName(name.substr(0, infix), "name", violations);
    const absl::string_view year =
        name.substr(infix + kExternalAuditPlans.size());
    if (year.empty() || year.front() == '0' ||
        !std::all_of(year.begin(), year.end(), absl::ascii_isdigit) ||
        !absl::SimpleAtoi(year, &audit_year)) {
      violations.Add("name",
                     "the audit year must be a decimal number from 1 (1, 2, "
                     "...)");
    }
  }
  RETURN_IF_ERROR(violations.ToStatus());
  ASSIGN_OR_RETURN(const ServiceAudit service_audit, LoadAudit(call, *id));
  absl::StatusOr<v1::ExternalAuditPlan> plan =
      service_audit.ExternalPlan(audit_year, absl::Now());
  if (absl::IsInvalidArgument(plan.status())) {
    violations.Add("name", std::string(plan.status().message()));
    return violations.ToStatus();
  }
  RETURN_IF_ERROR(plan.status());
  *out = *std::move(plan);
  return absl::OkStatus();
}

absl::Status AuditPlanningServiceImpl::Handlers::ListExternalPlans(
    const CallContext& call, const v1::ListExternalAuditPlansRequest& request,
    v1::ListExternalAuditPlansResponse* out) {
  FieldViolations violations;
  const std::string fingerprint =
      absl::StrCat("ListExternalAuditPlans\n", request.parent(), "\n",
                   request.start_audit_year(), "\n", request.end_audit_year());
  const Page page = ParsePage(request.page_size(), request.page_token(),
                              fingerprint, violations);
  const std::optional<std::string> id =
      ParseServiceName(request.parent(), "parent", violations);
  if (request.start_audit_year() < 0) {
    violations.Add("start_audit_year", "must not be negative (0 means 1)");
  }
  if (request.end_audit_year() < 0) {
    violations.Add("end_audit_year",
                   "must not be negative (0 means the current audit year plus "
                   "one cycle)");
  }
  // The last audit year of the previous page.
  int64_t after = 0;
  if (!page.after_key.empty() && !absl::SimpleAtoi(page.after_key, &after)) {
    violations.Add("page_token", "is not a token this server issued");
  }
  RETURN_IF_ERROR(violations.ToStatus());
  ASSIGN_OR_RETURN(const ServiceAudit service_audit, LoadAudit(call, *id));
  const absl::Time now = absl::Now();
  const int start = std::max(request.start_audit_year(), 1);
  const int end = request.end_audit_year() != 0
                      ? request.end_audit_year()
                      : service_audit.AuditYearAt(now) +
                            audit_rules_.policy().external_audit_cycle_years();
  if (end < start) {
    violations.Add("end_audit_year", absl::StrCat("must not be before the "
                                                  "start audit year ",
                                                  start));
    return violations.ToStatus();
  }
  // Past the range (a token of the range's last page) means an empty page.
  const int64_t first =
      after >= end ? int64_t{end} + 1 : std::max<int64_t>(start, after + 1);
  const int64_t last = std::min<int64_t>(end, first + page.size - 1);
  for (int64_t year = first; year <= last; ++year) {
    absl::StatusOr<v1::ExternalAuditPlan> plan =
        service_audit.ExternalPlan(static_cast<int>(year), now);
    if (absl::IsInvalidArgument(plan.status())) {
      violations.Add("end_audit_year", std::string(plan.status().message()));
      return violations.ToStatus();
    }
    RETURN_IF_ERROR(plan.status());
    *out->add_external_audit_plans() = *std::move(plan);
  }
  out->set_next_page_token(
      NextPageToken(absl::StrCat(last), last < end, fingerprint));
  return absl::OkStatus();
}

absl::Status AuditPlanningServiceImpl::Handlers::GetInternalPlan(
    const CallContext& call, const v1::GetInternalAuditPlanRequest& request,
    v1::InternalAuditPlan* out) {
  FieldViolations violations;
  const std::optional<std::string> id =
      ParseName(request.name(), kServices, kInternalAuditPlan, "name",
                "services/{service}/internalAuditPlan", violations);
  RETURN_IF_ERROR(violations.ToStatus());
  ASSIGN_OR_RETURN(const ServiceAudit service_audit, LoadAudit(call, *id));
  ASSIGN_OR_RETURN(*out, service_audit.InternalPlan(absl::Now()));
  return absl::OkStatus();
}

absl::Status AuditPlanningServiceImpl::Handlers::GetCoverage(
    const CallContext& call, const v1::GetCoverageRequest& request,
    v1::Coverage* out) {
  FieldViolations violations;
  const std::optional<std::string> id =
      ParseName(request.name(), kServices, kCoverage, "name",
                "services/{service}/coverage", violations);
  RETURN_IF_ERROR(violations.ToStatus());
  ASSIGN_OR_RETURN(const ServiceAudit service_audit, LoadAudit(call, *id));
  ASSIGN_OR_RETURN(*out, service_audit.Coverage(absl::Now()));
  return absl::OkStatus();
}

absl::Status AuditPlanningServiceImpl::Handlers::CreateReport(
    const CallContext& call,
    const v1::CreateInternalAuditReportRequest& request,
    v1::InternalAuditReport* out) {
  const absl::Time now = absl::Now();
  FieldViolations violations;
  const std::optional<std::string> id =
      ParseServiceName(request.parent(), "parent", violations);
  CheckRequiredRequestId(request.request_id(), violations);
  if (!request.has_internal_audit_report()) {
    violations.Add("internal_audit_report", "is required: the report");
  }
  RETURN_IF_ERROR(violations.ToStatus());
  const AuditStore::Request key =
      RequestKeyOf(call, "CreateInternalAuditReport", request);
  const std::string report_id = NewResourceId();
  return database_->RunInTransaction(
      Database::Access::kReadWrite, call.deadline,
      [&](Transaction& tx) -> absl::Status {
        ASSIGN_OR_RETURN(const v1::CloudService service,
                         LoadReachable(tx, call, *id));
        ASSIGN_OR_RETURN(const std::optional<std::string> earlier,
                         AuditStore::FindRequest(tx, key));
        if (earlier.has_value()) {
          absl::string_view earlier_id = *earlier;
          absl::ConsumePrefix(&earlier_id, ServiceName(*id));
          absl::ConsumePrefix(&earlier_id, kInternalAuditReports);
          ASSIGN_OR_RETURN(std::optional<v1::InternalAuditReport> report,
                           AuditStore::GetReport(tx, *id, earlier_id));
          if (!report.has_value()) {
            return absl::InternalError(absl::StrCat("request ", key.request_id,
                                                    " created ", *earlier,
                                                    ", which is gone"));
          }
          *out = *std::move(report);
          return absl::OkStatus();
        }
        const absl::StatusOr<ControlScope> scope = ControlScope::Create(
            audit_rules_.criteria(), service.statement_scope());
        if (!scope.ok()) {
          return absl::FailedPreconditionError(absl::StrCat(
              "the statement scope of ", service.name(),
              " no longer fits the control catalog of the rules in force"));
        }
        const v1::InternalAuditReport& submitted =
            request.internal_audit_report();
        FieldViolations report_violations;
        report_violations.Merge("internal_audit_report",
                                audit::ValidateInternalAuditReport(
                                    submitted, *scope, audit_rules_, now));
        for (int i = 0; i < submitted.findings_size(); ++i) {
          CheckText(absl::StrCat("internal_audit_report.findings[", i,
                                 "].description"),
                    submitted.findings(i).description(), kMaxDescriptionBytes,
                    /*required=*/true, report_violations);
        }
        CheckText("internal_audit_report.summary", submitted.summary(),
                  kMaxSummaryBytes, /*required=*/false, report_violations);
        RETURN_IF_ERROR(report_violations.ToStatus());
        if (!audit::EverRegistered(service)) {
          return absl::FailedPreconditionError(
              absl::StrCat(service.name(),
                           " has never been registered; internal-audit "
                           "reports are for registered services"));
        }
        v1::InternalAuditReport report;
        report.set_name(
            absl::StrCat(service.name(), kInternalAuditReports, report_id));
        report.set_csp(service.csp());
        *report.mutable_audit_period() = submitted.audit_period();
        *report.mutable_audited_objectives() = submitted.audited_objectives();
        *report.mutable_findings() = submitted.findings();
        report.set_summary(submitted.summary());
        *report.mutable_submitted_by() = ActorOf(call.caller);
        *report.mutable_create_time() = audit::ToTimestamp(now);
        RETURN_IF_ERROR(AuditStore::InsertReport(
            tx, report, ChangeOf(call, "CreateInternalAuditReport", now)));
        RETURN_IF_ERROR(AuditStore::RememberRequest(tx, key, report.name()));
        *out = std::move(report);
        return absl::OkStatus();
      });
}

absl::Status AuditPlanningServiceImpl::Handlers::GetReport(
    const CallContext& call, const v1::GetInternalAuditReportRequest& request,
    v1::InternalAuditReport* out) {
  FieldViolations violations;
  std::optional<std::string> id;
  std::string report_id;
  const absl::string_view name = request.name();
  const size_t infix = name.find(kInternalAuditReports);
  if (infix == absl::string_view::npos) {
    violations.Add("name",
                   "must be services/{service}/internalAuditReports/{report}");
  } else {
    id = ParseServiceName(name.substr(0, infix), "name", violations);
    report_id = std::string(name.substr(infix + kInternalAuditReports.size()));
    if (!IsValidResourceId(report_id)) {
      violations.Add(
          "name", "must be services/{service}/internalAuditReports/{report}");
    }
  }
  RETURN_IF_ERROR(violations.ToStatus());
  return database_->RunInTransaction(
      Database::Access::kReadOnly, call.deadline,
      [&](Transaction& tx) -> absl::Status {
        RETURN_IF_ERROR(LoadReachable(tx, call, *id).status());
        ASSIGN_OR_RETURN(std::optional<v1::InternalAuditReport> report,
                         AuditStore::GetReport(tx, *id, report_id));
        if (!report.has_value()) {
          return absl::NotFoundError(
              absl::StrCat(request.name(), " does not exist"));
        }
        *out = *std::move(report);
        return absl::OkStatus();
      });
}

absl::Status AuditPlanningServiceImpl::Handlers::ListReports(
    const CallContext& call, const v1::ListInternalAuditReportsRequest& request,
    v1::ListInternalAuditReportsResponse* out) {
  FieldViolations violations;
  const std::string fingerprint = absl::StrCat(
      "ListInternalAuditReports\n", request.parent(), "\n",
      request.objective_id(), "\n", request.with_findings() ? 1 : 0);
  const Page page = ParsePage(request.page_size(), request.page_token(),
                              fingerprint, violations);
  const bool every_service = request.parent() == "services/-";
  std::optional<std::string> id;
  if (!every_service) {
    id = ParseName(request.parent(), kServices, "", "parent",
                   "services/{service} or services/-", violations);
  }
  if (!request.objective_id().empty() &&
      audit_rules_.criteria().IndexOf(request.objective_id()) < 0) {
    violations.Add("objective_id",
                   absl::StrCat("\"", request.objective_id(),
                                "\" is not a control objective"));
  }
  RETURN_IF_ERROR(violations.ToStatus());
  AuditStore::ReportFilter filter{id.value_or(""), ConfinedCsp(call),
                                  request.objective_id(),
                                  request.with_findings()};
  std::vector<v1::InternalAuditReport> reports;
  RETURN_IF_ERROR(database_->RunInTransaction(
      Database::Access::kReadOnly, call.deadline,
      [&](Transaction& tx) -> absl::Status {
        if (id.has_value()) {
          RETURN_IF_ERROR(LoadReachable(tx, call, *id).status());
        }
        ASSIGN_OR_RETURN(reports, AuditStore::ListReports(tx, filter, page));
        return absl::OkStatus();
      }));
  const bool more_follow = reports.size() > static_cast<size_t>(page.size);
  if (more_follow) reports.pop_back();
  out->set_next_page_token(NextPageToken(
      reports.empty() ? "" : AuditStore::ReportKey(reports.back()), more_follow,
      fingerprint));
  for (v1::InternalAuditReport& report : reports) {
    *out->add_internal_audit_reports() = std::move(report);
  }
  return absl::OkStatus();
}

absl::Status AuditPlanningServiceImpl::Handlers::ListOverdue(
    const CallContext& call, const v1::ListOverdueObjectivesRequest& request,
    v1::ListOverdueObjectivesResponse* out) {
  FieldViolations violations;
  const std::string fingerprint =
      absl::StrCat("ListOverdueObjectives\n", request.csp(), "\n",
                   request.service(), "\n", request.tier());
  const Page page = ParsePage(request.page_size(), request.page_token(),
                              fingerprint, violations);
  if (!request.csp().empty()) {
    CheckCspName(request.csp(), violations);
  }
  std::optional<std::string> service_id;
  if (!request.service().empty()) {
    service_id = ParseServiceName(request.service(), "service", violations);
  }
  if (request.tier() != v1::CONTROL_TIER_UNSPECIFIED &&
      !v1::ControlTier_IsValid(request.tier())) {
    violations.Add("tier", "is not a tier of the control criteria");
  }
  // The key of the last item: next due (µs), service id, catalog position.
  std::tuple<int64_t, std::string, int> after{
      std::numeric_limits<int64_t>::min(), "", -1};
  if (!page.after_key.empty()) {
    const std::vector<std::string> parts = absl::StrSplit(page.after_key, ':');
    if (parts.size() != 3 || !absl::SimpleAtoi(parts[0], &std::get<0>(after)) ||
        !absl::SimpleAtoi(parts[2], &std::get<2>(after))) {
      violations.Add("page_token", "is not a token this server issued");
    } else {
      std::get<1>(after) = parts[1];
    }
  }
  RETURN_IF_ERROR(violations.ToStatus());

  std::vector<v1::CloudService> services;
  std::vector<std::pair<std::string, v1::InternalAuditReport>> reports;
  RETURN_IF_ERROR(database_->RunInTransaction(
      Database::Access::kReadOnly, call.deadline,
      [&](Transaction& tx) -> absl::Status {
        ASSIGN_OR_RETURN(
            services, AuditStore::ListServicesInForce(tx, request.csp(),
                                                      service_id.value_or("")));
        ASSIGN_OR_RETURN(reports,
                         AuditStore::ReportsOfServicesInForce(
                             tx, request.csp(), service_id.value_or("")));
        return absl::OkStatus();
      }));
  absl::flat_hash_map<std::string, std::vector<v1::InternalAuditReport>>
      reports_by_service;
  for (auto& [id, report] : reports) {
    reports_by_service[id].push_back(std::move(report));
  }

  const absl::Time now = absl::Now();
  struct Overdue {
    std::tuple<int64_t, std::string, int> key;
    v1::OverdueObjective objective;
  };
  std::vector<Overdue> overdue;
  for (const v1::CloudService& service : services) {
    const std::string id = AuditStore::ServiceId(service.name());
    auto found = reports_by_service.find(id);
    ASSIGN_OR_RETURN(
        const ServiceAudit service_audit,
        ServiceAudit::Create(audit_rules_, service,
                             found == reports_by_service.end()
                                 ? std::vector<v1::InternalAuditReport>()
                                 : std::move(found->second)));
    ASSIGN_OR_RETURN(const v1::Coverage coverage, service_audit.Coverage(now));
    for (const v1::ObjectiveCoverage& objective : coverage.objectives()) {
      if (objective.status() != v1::COVERAGE_STATUS_OVERDUE) continue;
      if (request.tier() != v1::CONTROL_TIER_UNSPECIFIED &&
          objective.tier() != request.tier()) {
        continue;
      }
      Overdue item;
      item.key = {
          absl::ToUnixMicros(audit::FromTimestamp(objective.next_due_time())),
          id, audit_rules_.criteria().IndexOf(objective.objective_id())};
      if (!page.after_key.empty() && !(after < item.key)) continue;
      v1::OverdueObjective& entry = item.objective;
      entry.set_service(service.name());
      entry.set_service_name(service.service_name());
      entry.set_csp(service.csp());
      entry.set_objective_id(objective.objective_id());
      entry.set_tier(objective.tier());
      entry.set_title(objective.title());
      if (objective.has_last_audit_time()) {
        *entry.mutable_last_audit_time() = objective.last_audit_time();
      }
      *entry.mutable_next_due_time() = objective.next_due_time();
      overdue.push_back(std::move(item));
    }
  }
  std::sort(overdue.begin(), overdue.end(),
            [](const Overdue& a, const Overdue& b) { return a.key < b.key; });
  const bool more_follow = overdue.size() > static_cast<size_t>(page.size);
  if (more_follow) overdue.resize(page.size);
  for (Overdue& item : overdue) {
    *out->add_overdue_objectives() = std::move(item.objective);
  }
  const std::string last_key =
      overdue.empty() ? ""
                      : absl::StrCat(std::get<0>(overdue.back().key), ":",
                                     std::get<1>(overdue.back().key), ":",
                                     std::get<2>(overdue.back().key));
  out->set_next_page_token(NextPageToken(last_key, more_follow, fingerprint));
  out->set_rules_version(audit_rules_.version());
  return absl::OkStatus();
}

// ---- Construction and RPC overrides ----

absl::StatusOr<std::unique_ptr<AuditPlanningServiceImpl>>
AuditPlanningServiceImpl::Create(const UnaryCallRunner* runner,
                                 storage::Database* database,
                                 std::shared_ptr<const RuleSet> rules,
                                 PreApplicationDirectory* pre_applications) {
  ASSIGN_OR_RETURN(const v1::ControlCatalog* catalog,
                   rules->Require<v1::ControlCatalog>());
  ASSIGN_OR_RETURN(const v1::AuditPolicy* policy,
                   rules->Require<v1::AuditPolicy>());
  ASSIGN_OR_RETURN(AuditRules audit_rules,
                   AuditRules::Create(*catalog, *policy, rules->version()));
  auto handlers = std::make_unique<Handlers>(
      database, std::move(rules), std::move(audit_rules), pre_applications);
  return std::unique_ptr<AuditPlanningServiceImpl>(
      new AuditPlanningServiceImpl(runner, std::move(handlers)));
}

AuditPlanningServiceImpl::AuditPlanningServiceImpl(
    const UnaryCallRunner* runner, std::unique_ptr<Handlers> handlers)
    : runner_(runner), handlers_(std::move(handlers)) {}

AuditPlanningServiceImpl::~AuditPlanningServiceImpl() = default;

// Each RPC override serves its call on the worker pool through the handler
// of the same name, parsing the raw request itself.
#define LIU_AUDIT_RPC(Rpc, Request, Response, Handler)                       \
  grpc::ServerUnaryReactor* AuditPlanningServiceImpl::Rpc(                   \
      grpc::CallbackServerContext* context, const grpc::ByteBuffer* request, \
      grpc::ByteBuffer* response) {                                          \
    return runner_->ServeRaw<v1::Request, v1::Response>(                     \
        context, v1::AuditPlanningService::service_full_name(), __func__,    \
        Placement::kWorkerPool, request, response,                           \
        [this](const CallContext& call, const v1::Request& req,              \
               v1::Response* out) {                                          \
          return handlers_->Handler(call, req, out);                         \
        });                                                                  \
  }

LIU_AUDIT_RPC(RegisterService, RegisterServiceRequest, CloudService, Register)
LIU_AUDIT_RPC(HoldService, HoldServiceRequest, CloudService, Hold)
LIU_AUDIT_RPC(RejectService, RejectServiceRequest, CloudService, Reject)
LIU_AUDIT_RPC(GetService, GetServiceRequest, CloudService, Get)
LIU_AUDIT_RPC(ListServices, ListServicesRequest, ListServicesResponse, List)
LIU_AUDIT_RPC(SuspendService, SuspendServiceRequest, CloudService, Suspend)
LIU_AUDIT_RPC(LiftServiceSuspension, LiftServiceSuspensionRequest, CloudService,
              Lift)
LIU_AUDIT_RPC(ListRegisteredServices, ListRegisteredServicesRequest,
              ListRegisteredServicesResponse, ListRegistered)
LIU_AUDIT_RPC(GetExternalAuditPlan, GetExternalAuditPlanRequest,
              ExternalAuditPlan, GetExternalPlan)
LIU_AUDIT_RPC(ListExternalAuditPlans, ListExternalAuditPlansRequest,
              ListExternalAuditPlansResponse, ListExternalPlans)
LIU_AUDIT_RPC(GetInternalAuditPlan, GetInternalAuditPlanRequest,
              InternalAuditPlan, GetInternalPlan)
LIU_AUDIT_RPC(CreateInternalAuditReport, CreateInternalAuditReportRequest,
              InternalAuditReport, CreateReport)
LIU_AUDIT_RPC(GetInternalAuditReport, GetInternalAuditReportRequest,
              InternalAuditReport, GetReport)
LIU_AUDIT_RPC(ListInternalAuditReports, ListInternalAuditReportsRequest,
              ListInternalAuditReportsResponse, ListReports)
LIU_AUDIT_RPC(GetCoverage, GetCoverageRequest, Coverage, GetCoverage)
LIU_AUDIT_RPC(ListOverdueObjectives, ListOverdueObjectivesRequest,
              ListOverdueObjectivesResponse, ListOverdue)

#undef LIU_AUDIT_RPC

}  // namespace ismap::liu
