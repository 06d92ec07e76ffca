// Commands for anyone: a development token for a local run, the health of the
// servers, the public list of registered services (公開リスト), and a
// service's audit plans and internal-audit coverage.
#include <algorithm>
#include <iostream>
#include <limits>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "clients/liuctl/calls.h"
#include "clients/liuctl/commands.h"
#include "clients/liuctl/output.h"
#include "clients/liuctl/server_probe.h"
#include "clients/liuctl/text_table.h"
#include "ismap/liu/v1/audit_planning.grpc.pb.h"
#include "services/common/field_checks.h"
#include "services/common/grpc_target.h"
#include "services/common/identity/dev_signing_key.h"

namespace ismap::liu::liuctl {
namespace {

using v1::AuditPlanningService;

int DevToken(const ParsedArguments& args) {
  absl::StatusOr<Role> role = ParseRole(args.Get("role"));
  if (!role.ok()) {
    std::cerr << "liuctl dev-token: " << role.status().message()
              << "; pass --role=csp|ministry|ipa\n";
    return kExitUsage;
  }
  absl::Duration ttl;
  if (!absl::ParseDuration(args.Get("ttl"), &ttl) ||
      ttl <= absl::ZeroDuration()) {
    std::cerr << "liuctl dev-token: --ttl is a duration such as 12h\n";
    return kExitUsage;
  }
  absl::StatusOr<DevSigningKey> key = LoadDevSigningKey(args.Get("key_file"));
  if (!key.ok()) {
    std::cerr << "liuctl dev-token: " << key.status().message()
              << "\nStart the server once (it creates the key) or pass "
                 "--key_file=DATA_DIR/dev-signing-key.pem\n";
    return kExitKey;
  }
  const Caller caller{*role, args.Get("organisation"), args.Get("subject")};
  absl::StatusOr<std::string> token =
      MintDevToken(*key, caller, absl::Now(), ttl);
  if (!token.ok()) {
    std::cerr << "liuctl dev-token: " << token.status().message() << "\n";
    return kExitUsage;
  }
  if (args.Has("json")) {
    PrintJson(nlohmann::json{{"token", *token}});
  } else {
    std::cout << *token << "\n";
  }
  return kExitOk;
}

int Health(ServerSession& session, const ParsedArguments& args) {
  const absl::Duration timeout = session.timeout();
  bool all_serving = true;
  nlohmann::json servers = nlohmann::json::object();
  TextTable table({"SERVER", "SERVICE", "STATUS"});
  std::vector<std::string> replicas;
  for (const std::string& address : session.DistinctAddresses()) {
    // Session::Open checked the lists.
    const std::vector<std::string> entries =
        ReplicaAddresses(address).value_or(std::vector<std::string>());
    replicas.insert(replicas.end(), entries.begin(), entries.end());
  }
  for (const std::string& address : replicas) {
    const auto channel = session.ChannelTo(address);
    absl::StatusOr<std::vector<std::string>> services =
        ListServicesByReflection(channel, timeout);
    if (!services.ok()) {
      std::cerr << "liuctl health: cannot reach " << address << ": "
                << services.status().message()
                << "\nIs the server running? Pass --server=host:port (and "
                   "--tls_ca=FILE for TLS).\n";
      return kExitUnreachable;
    }
    std::vector<std::string> names = {""};
    for (const std::string& name : *services) {
      if (name.rfind("grpc.", 0) != 0) names.push_back(name);
    }
    nlohmann::json statuses = nlohmann::json::object();
    for (const std::string& name : names) {
      absl::StatusOr<ServingStatus> status =
          CheckHealth(channel, name, timeout);
      const bool serving = status.ok() && *status == ServingStatus::kServing;
      all_serving = all_serving && serving;
      const std::string text = status.ok()
                                   ? ServingStatusName(*status)
                                   : std::string(status.status().message());
      statuses[name.empty() ? "(server)" : name] = text;
      table.AddRow({address, name.empty() ? "(server)" : name, text});
    }
    servers[address] = statuses;
  }
  if (args.Has("json")) {
    PrintJson(servers);
  } else {
    std::cout << table.Render();
  }
  return all_serving ? kExitOk : kExitUnreachable;
}

int ListRegisteredServices(ServerSession& session,
                           const ParsedArguments& args) {
  v1::ListRegisteredServicesResponse all;
  const int code = CallAllPages<AuditPlanningService>(
      session, Component::kAudit,
      &AuditPlanningService::Stub::ListRegisteredServices,
      v1::ListRegisteredServicesRequest(), &all);
  if (code != kExitOk) return code;
  if (args.Has("json")) {
    PrintJson(all);
    return kExitOk;
  }
  TextTable table(
      {"SERVICE", "NAME", "CSP", "STATE", "REGISTERED", "SUSPENDED"});
  for (const v1::RegisteredServiceEntry& s : all.services()) {
    table.AddRow({s.service(), s.service_name(), s.csp(), Short(s.state()),
                  FormatDate(s.registration_time()),
                  s.has_suspend_time() ? FormatDate(s.suspend_time()) : ""});
  }
  std::cout << (table.empty() ? "No registered services.\n" : table.Render());
  return kExitOk;
}

int ShowService(ServerSession& session, const ParsedArguments& args) {
  v1::CloudService service;
  const int code = GetService(session, args.positional(0), &service);
  if (code != kExitOk) return code;
  return PrintService(args, service);
}

// Counts of a plan's objectives per tier: "governance 12, management 30, ...".
std::string TierCounts(const v1::ExternalAuditPlan& plan) {
  std::map<std::string, int> counts;
  for (const v1::PlannedObjective& objective : plan.objectives()) {
    ++counts[Short(objective.tier())];
  }
  std::string text;
  for (const auto& [tier, count] : counts) {
    absl::StrAppend(&text, text.empty() ? "" : ", ", tier, " ", count);
  }
  return text;
}

int ShowPlans(ServerSession& session, const ParsedArguments& args) {
  const std::string service = ResourceName("services", args.positional(0));
  v1::ListExternalAuditPlansRequest external_request;
  external_request.set_parent(service);
  const std::optional<int64_t> only_year =
      IntegerOption(session, args, "year", 1, "an audit year (1 or more)",
                    std::numeric_limits<int32_t>::max());
  if (!only_year.has_value()) return kExitUsage;
  if (*only_year > 0) {
    external_request.set_start_audit_year(static_cast<int32_t>(*only_year));
    external_request.set_end_audit_year(static_cast<int32_t>(*only_year));
  }
  v1::ListExternalAuditPlansResponse external;
  int code = CallAllPages<AuditPlanningService>(
      session, Component::kAudit,
      &AuditPlanningService::Stub::ListExternalAuditPlans, external_request,
      &external);
  if (code != kExitOk) return code;
  v1::GetInternalAuditPlanRequest internal_request;
  internal_request.set_name(absl::StrCat(service, "/internalAuditPlan"));
  v1::InternalAuditPlan internal;
  code = Call<AuditPlanningService>(
      session, Component::kAudit,
      &AuditPlanningService::Stub::GetInternalAuditPlan, internal_request,
      &internal);
  if (code != kExitOk) return code;
  if (args.Has("json")) {
    PrintJson(nlohmann::json{
        {"externalAuditPlans", ToJson(external)["externalAuditPlans"]},
        {"internalAuditPlan", ToJson(internal)}});
    return kExitOk;
  }
  std::cout << "External audits (外部監査), one plan per audit year:\n";
  TextTable external_table(
      {"YEAR", "FROM", "TO", "CYCLE", "OBJECTIVES", "BY TIER", "STATUS"});
  for (const v1::ExternalAuditPlan& plan : external.external_audit_plans()) {
    external_table.AddRow(
        {std::to_string(plan.audit_year()),
         FormatDate(plan.audit_period().start_time()),
         FormatDate(plan.audit_period().end_time()),
         absl::StrCat(plan.cycle_position(), "/", plan.cycle_years()),
         std::to_string(plan.objectives_size()), TierCounts(plan),
         plan.provisional() ? "provisional" : "fixed"});
  }
  std::cout << external_table.Render() << "\nInternal audits (内部監査), "
            << internal.rotation_years() << "-year rotation:\n";
  TextTable internal_table({"YEAR", "FROM", "TO", "OBJECTIVES"});
  for (const v1::InternalAuditPlanYear& year : internal.years()) {
    internal_table.AddRow({std::to_string(year.audit_year()),
                           FormatDate(year.period().start_time()),
                           FormatDate(year.period().end_time()),
                           std::to_string(year.objectives_size())});
  }
  std::cout << internal_table.Render();
  return kExitOk;
}

int ShowCoverage(ServerSession& session, const ParsedArguments& args) {
  v1::GetCoverageRequest request;
  request.set_name(
      absl::StrCat(ResourceName("services", args.positional(0)), "/coverage"));
  v1::Coverage coverage;
  const int code = Call<AuditPlanningService>(
      session, Component::kAudit, &AuditPlanningService::Stub::GetCoverage,
      request, &coverage);
  if (code != kExitOk) return code;
  if (args.Has("json")) {
    PrintJson(coverage);
    return kExitOk;
  }
  const int audited = static_cast<int>(std::count_if(
      coverage.objectives().begin(), coverage.objectives().end(),
      [](const v1::ObjectiveCoverage& o) { return !o.last_report().empty(); }));
  PrintFields({
      {"coverage", coverage.name()},
      {"objectives", std::to_string(coverage.objectives_size())},
      {"audited", absl::StrCat(audited, " (by internal-audit reports)")},
      {"covered", std::to_string(coverage.covered_count())},
      {"due this year", std::to_string(coverage.due_this_year_count())},
      {"overdue", std::to_string(coverage.overdue_count())},
  });
  if (args.Has("all")) {
    TextTable table(
        {"OBJECTIVE", "TIER", "STATUS", "LAST AUDIT", "NEXT DUE", "TITLE"});
    for (const v1::ObjectiveCoverage& o : coverage.objectives()) {
      table.AddRow({o.objective_id(), Short(o.tier()), Short(o.status()),
                    FormatDate(o.last_audit_time()),
                    FormatDate(o.next_due_time()), o.title()});
    }
    std::cout << "\n" << table.Render();
  }
  return kExitOk;
}

}  // namespace

int PrintService(const ParsedArguments& args, const v1::CloudService& s) {
  if (args.Has("json")) {
    PrintJson(s);
    return kExitOk;
  }
  std::string incidents;
  for (const v1::Incident& incident : s.incidents()) {
    absl::StrAppend(
        &incidents, incidents.empty() ? "" : "; ", "#", incident.incident_id(),
        " ", FormatDate(incident.occur_time()), " ", incident.description(),
        incident.has_lift_time() ? " (lifted)" : "");
  }
  PrintFields({
      {"service", s.name()},
      {"name", s.service_name()},
      {"CSP", s.csp()},
      {"pre-application", s.pre_application()},
      {"state", Short(s.state())},
      {"registered",
       s.has_registration_time() ? FormatTime(s.registration_time()) : ""},
      {"hold until",
       s.has_hold_deadline() ? FormatDate(s.hold_deadline()) : ""},
      {"suspended", s.has_suspend_time() ? FormatTime(s.suspend_time()) : ""},
      {"objectives in scope",
       std::to_string(s.statement_scope().objectives_in_scope())},
      {"incidents", incidents},
  });
  return kExitOk;
}

int GetService(ServerSession& session, const std::string& id,
               v1::CloudService* service) {
  v1::GetServiceRequest request;
  request.set_name(ResourceName("services", id));
  return Call<AuditPlanningService>(session, Component::kAudit,
                                    &AuditPlanningService::Stub::GetService,
                                    request, service);
}

std::function<int(const ParsedArguments&)> WithSession(SessionCommand body) {
  return [body = std::move(body)](const ParsedArguments& args) {
    absl::StatusOr<ServerSession> session = ServerSession::Open(args);
    if (!session.ok()) {
      std::cerr << "liuctl " << args.command_path() << ": "
                << session.status().message() << "\n";
      return static_cast<int>(kExitUsage);
    }
    return body(*session, args);
  };
}

std::optional<int64_t> IntegerOption(ServerSession& session,
                                     const ParsedArguments& args,
                                     const std::string& name, int64_t minimum,
                                     absl::string_view what, int64_t maximum) {
  int64_t value = 0;
  if (args.Has(name) && (!absl::SimpleAtoi(args.Get(name), &value) ||
                         value < minimum || value > maximum)) {
    session.ReportUsage(absl::StrCat("--", name, " is ", what));
    return std::nullopt;
  }
  return value;
}

std::string RequestIdFor(const ParsedArguments& args) {
  return args.Has("request_id") ? args.Get("request_id") : NewResourceId();
}

OptionSpec RequestIdOption() {
  return {"request_id", "ID",
          "idempotency key: a retry with the same key is answered once "
          "(default: a new one)"};
}

void AddCommonCommands(CommandSet& commands) {
  commands.Add({
      .path = "dev-token",
      .audience = "anyone",
      .summary = "print a development token for a local server",
      .options = {{"role", "ROLE", "csp, ministry or ipa (required)"},
                  {"organisation", "ID",
                   "the organisation acted for: example-saas, mlit, ipa"},
                  {"subject", "ID", "the person or workload", "", "dev"},
                  {"key_file", "FILE",
                   "the local server's development signing key", "",
                   ".liu-data/dev-signing-key.pem"},
                  {"ttl", "DURATION", "how long the token is valid", "",
                   "12h"}},
      .details = "Signed with the key the local server made in its data "
                 "directory; a server\nthat verifies tokens of a real "
                 "issuer (--jwks_file) refuses it.\n\nExample: export "
                 "LIU_TOKEN=$(liuctl dev-token --role=csp "
                 "--organisation=example-saas)\n",
      .run = DevToken,
  });
  commands.Add({
      .path = "health",
      .audience = "anyone",
      .summary = "list each server's services and whether they are SERVING",
      .details = "Asks every configured server (--server and the "
                 "per-component ones), each\nreplica of a list on its own. "
                 "Exits 4 if one cannot be reached or "
                 "something is not SERVING. Needs no token.\nWith --json: "
                 "{\"ADDRESS\": {\"(server)\": \"SERVING\", \"SERVICE\": "
                 "\"SERVING\", ...}, ...}.\n",
      .run = WithSession(Health),
  });
  commands.Add({
      .path = "services list",
      .audience = "anyone",
      .summary = "the public list of registered services (公開リスト)",
      .run = WithSession(ListRegisteredServices),
  });
  commands.Add({
      .path = "service show",
      .audience = "anyone",
      .summary = "show a registered service",
      .arguments = {"SERVICE"},
      .run = WithSession(ShowService),
  });
  commands.Add({
      .path = "service plans",
      .audience = "anyone",
      .summary = "a service's external-audit plans and internal-audit "
                 "rotation",
      .arguments = {"SERVICE"},
      .options = {{"year", "N", "only this audit year's external plan"}},
      .details = "External audits (外部監査): governance and management "
                 "criteria every year, the\ncontrols spread over the cycle. "
                 "Internal audits (内部監査): every objective\nat least once "
                 "in the rotation. With --json: {\"externalAuditPlans\": "
                 "[ExternalAuditPlan...],\n\"internalAuditPlan\": "
                 "InternalAuditPlan}.\n",
      .run = WithSession(ShowPlans),
  });
  commands.Add({
      .path = "service coverage",
      .audience = "anyone",
      .summary = "how far internal audits cover a service's objectives",
      .arguments = {"SERVICE"},
      .options = {{"all", "", "list every objective with its status"}},
      .run = WithSession(ShowCoverage),
  });
}

}  // namespace ismap::liu::liuctl
