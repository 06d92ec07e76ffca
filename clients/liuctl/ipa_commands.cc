// IPA's commands: review cases (要検討業務) and their decisions; registration,
// hold, rejection, suspension and lifting of services; overdue internal
// audits; the target-business list (対象業務一覧) and its versions; the audit
// trail.
#include <iostream>
#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "clients/liuctl/calls.h"
#include "clients/liuctl/commands.h"
#include "clients/liuctl/document_file.h"
#include "clients/liuctl/output.h"
#include "clients/liuctl/text_table.h"
#include "google/protobuf/util/time_util.h"
#include "ismap/liu/v1/audit_planning.grpc.pb.h"
#include "ismap/liu/v1/audit_trail.grpc.pb.h"
#include "ismap/liu/v1/eligibility.grpc.pb.h"
#include "ismap/liu/v1/review.grpc.pb.h"

namespace ismap::liu::liuctl {
namespace {

using v1::AuditPlanningService;
using v1::AuditTrailService;
using v1::EligibilityService;
using v1::ReviewService;

// ---- Review cases ----

int PrintReviewCase(const ParsedArguments& args, const v1::ReviewCase& c) {
  if (args.Has("json")) {
    PrintJson(c);
    return kExitOk;
  }
  const std::string ministries =
      absl::StrJoin(c.low_assessment_ministries(), ", ");
  PrintFields({
      {"review case", c.name()},
      {"business", c.business().title()},
      {"information", absl::StrJoin(c.business().information_kinds(), ", ")},
      {"state", Short(c.state())},
      {"due",
       absl::StrCat(FormatDate(c.due_time()), c.overdue() ? " (OVERDUE)" : "")},
      {"LOW assessments",
       absl::StrCat(c.low_assessment_ministries_size(), " of ",
                    c.required_distinct_ministries(), " ministries needed",
                    ministries.empty() ? "" : ": ", ministries)},
      {"decided", c.has_decision()
                      ? absl::StrCat(FormatTime(c.decision().decide_time()),
                                     ": ", c.decision().reason())
                      : ""},
      {"added as", c.decision().target_business()},
  });
  return kExitOk;
}

int GetReviewCase(ServerSession& session, const std::string& id,
                  v1::ReviewCase* review_case) {
  v1::GetReviewCaseRequest request;
  request.set_name(ResourceName("reviewCases", id));
  return Call<ReviewService>(session, Component::kEligibility,
                             &ReviewService::Stub::GetReviewCase, request,
                             review_case);
}

int PrintReviewCases(const ParsedArguments& args,
                     const v1::ListReviewCasesResponse& all) {
  if (args.Has("json")) {
    PrintJson(all);
    return kExitOk;
  }
  TextTable table({"REVIEW CASE", "BUSINESS", "STATE", "DUE", "LOW", "LINKED"});
  for (const v1::ReviewCase& c : all.review_cases()) {
    table.AddRow(
        {c.name(), c.business().title(), Short(c.state()),
         absl::StrCat(FormatDate(c.due_time()), c.overdue() ? " OVERDUE" : ""),
         absl::StrCat(c.low_assessment_ministries_size(), "/",
                      c.required_distinct_ministries()),
         std::to_string(c.linked_businesses_size())});
  }
  std::cout << (table.empty() ? "No review cases.\n" : table.Render());
  return kExitOk;
}

int ListReviewCases(ServerSession& session, const ParsedArguments& args) {
  v1::ListReviewCasesRequest request;
  if (args.Has("state")) {
    const std::string state = args.Get("state");
    if (state == "open") {
      request.set_state(v1::ReviewCase::STATE_OPEN);
    } else if (state == "confirmed") {
      request.set_state(v1::ReviewCase::STATE_CONFIRMED);
    } else if (state == "rejected") {
      request.set_state(v1::ReviewCase::STATE_REJECTED);
    } else {
      return session.ReportUsage("--state is open, confirmed or rejected");
    }
  }
  if (args.Has("overdue")) request.set_overdue(true);
  v1::ListReviewCasesResponse all;
  const int code = CallAllPages<ReviewService>(
      session, Component::kEligibility, &ReviewService::Stub::ListReviewCases,
      request, &all);
  if (code != kExitOk) return code;
  return PrintReviewCases(args, all);
}

int ListOverdueReviewCases(ServerSession& session,
                           const ParsedArguments& args) {
  v1::ListReviewCasesRequest request;
  request.set_state(v1::ReviewCase::STATE_OPEN);
  request.set_overdue(true);
  v1::ListReviewCasesResponse all;
  const int code = CallAllPages<ReviewService>(
      session, Component::kEligibility, &ReviewService::Stub::ListReviewCases,
      request, &all);
  if (code != kExitOk) return code;
  return PrintReviewCases(args, all);
}

int ShowReviewCase(ServerSession& session, const ParsedArguments& args) {
  v1::ReviewCase review_case;
  const int code = GetReviewCase(session, args.positional(0), &review_case);
  if (code != kExitOk) return code;
  return PrintReviewCase(args, review_case);
}

int ConfirmReviewCase(ServerSession& session, const ParsedArguments& args) {
  v1::ReviewCase current;
  int code = GetReviewCase(session, args.positional(0), &current);
  if (code != kExitOk) return code;
  v1::ConfirmReviewCaseRequest request;
  request.set_name(current.name());
  request.set_etag(current.etag());
  request.set_reason(args.Get("reason"));
  if (args.Has("criterion")) {
    request.mutable_criterion()->set_ja(args.Get("criterion"));
  }
  v1::ReviewCase confirmed;
  code = Call<ReviewService>(session, Component::kEligibility,
                             &ReviewService::Stub::ConfirmReviewCase, request,
                             &confirmed);
  if (code != kExitOk) return code;
  return PrintReviewCase(args, confirmed);
}

int RejectReviewCase(ServerSession& session, const ParsedArguments& args) {
  v1::ReviewCase current;
  int code = GetReviewCase(session, args.positional(0), &current);
  if (code != kExitOk) return code;
  v1::RejectReviewCaseRequest request;
  request.set_name(current.name());
  request.set_etag(current.etag());
  request.set_reason(args.Get("reason"));
  v1::ReviewCase rejected;
  code = Call<ReviewService>(session, Component::kEligibility,
                             &ReviewService::Stub::RejectReviewCase, request,
                             &rejected);
  if (code != kExitOk) return code;
  return PrintReviewCase(args, rejected);
}

// ---- Registration decisions ----

// Reads --scope into `scope`; returns kExitOk or the usage error reported.
int ReadScope(ServerSession& session, const ParsedArguments& args,
              v1::StatementScope* scope) {
  if (!args.Has("scope")) return kExitOk;
  const absl::Status read = ReadDocumentFile(args.Get("scope"), scope);
  return read.ok() ? kExitOk : session.ReportUsage(read.message());
}

bool NamesService(const std::string& target) {
  return target.rfind("services/", 0) == 0;
}

int RegisterService(ServerSession& session, const ParsedArguments& args) {
  v1::RegisterServiceRequest request;
  int code = ReadScope(session, args, request.mutable_statement_scope());
  if (code != kExitOk) return code;
  const std::string target = args.positional(0);
  if (NamesService(target)) {
    v1::CloudService held;
    code = GetService(session, target, &held);
    if (code != kExitOk) return code;
    request.set_service(held.name());
    request.set_etag(held.etag());
  } else {
    request.set_pre_application(ResourceName("preApplications", target));
  }
  request.set_reason(args.Get("reason"));
  request.set_request_id(RequestIdFor(args));
  v1::CloudService registered;
  code = Call<AuditPlanningService>(
      session, Component::kAudit, &AuditPlanningService::Stub::RegisterService,
      request, &registered);
  if (code != kExitOk) return code;
  return PrintService(args, registered);
}

int HoldService(ServerSession& session, const ParsedArguments& args) {
  v1::HoldServiceRequest request;
  int code = ReadScope(session, args, request.mutable_statement_scope());
  if (code != kExitOk) return code;
  request.set_pre_application(
      ResourceName("preApplications", args.positional(0)));
  request.set_reason(args.Get("reason"));
  request.set_request_id(RequestIdFor(args));
  v1::CloudService held;
  code = Call<AuditPlanningService>(session, Component::kAudit,
                                    &AuditPlanningService::Stub::HoldService,
                                    request, &held);
  if (code != kExitOk) return code;
  return PrintService(args, held);
}

int RejectService(ServerSession& session, const ParsedArguments& args) {
  v1::RejectServiceRequest request;
  const std::string target = args.positional(0);
  if (NamesService(target)) {
    v1::CloudService current;
    const int code = GetService(session, target, &current);
    if (code != kExitOk) return code;
    request.set_service(current.name());
    request.set_etag(current.etag());
  } else {
    request.set_pre_application(ResourceName("preApplications", target));
  }
  request.set_reason(args.Get("reason"));
  request.set_request_id(RequestIdFor(args));
  v1::CloudService rejected;
  const int code = Call<AuditPlanningService>(
      session, Component::kAudit, &AuditPlanningService::Stub::RejectService,
      request, &rejected);
  if (code != kExitOk) return code;
  return PrintService(args, rejected);
}

int SuspendService(ServerSession& session, const ParsedArguments& args) {
  v1::SuspendServiceRequest request;
  v1::Incident& incident = *request.mutable_incident();
  if (args.Has("occurred")) {
    if (!google::protobuf::util::TimeUtil::FromString(
            args.Get("occurred"), incident.mutable_occur_time())) {
      return session.ReportUsage(
          "--occurred is an RFC 3339 time such as 2026-11-20T09:30:00+09:00");
    }
  } else {
    *incident.mutable_occur_time() =
        google::protobuf::util::TimeUtil::SecondsToTimestamp(
            absl::ToUnixSeconds(absl::Now()));
  }
  incident.set_description(args.Get("description"));
  for (absl::string_view objective :
       absl::StrSplit(args.Get("objectives"), ',', absl::SkipEmpty())) {
    incident.add_objectives(std::string(objective));
  }
  v1::CloudService current;
  int code = GetService(session, args.positional(0), &current);
  if (code != kExitOk) return code;
  request.set_name(current.name());
  request.set_etag(current.etag());
  v1::CloudService suspended;
  code = Call<AuditPlanningService>(session, Component::kAudit,
                                    &AuditPlanningService::Stub::SuspendService,
                                    request, &suspended);
  if (code != kExitOk) return code;
  return PrintService(args, suspended);
}

int LiftSuspension(ServerSession& session, const ParsedArguments& args) {
  v1::CloudService current;
  int code = GetService(session, args.positional(0), &current);
  if (code != kExitOk) return code;
  v1::LiftServiceSuspensionRequest request;
  request.set_name(current.name());
  request.set_etag(current.etag());
  request.set_reason(args.Get("reason"));
  v1::CloudService lifted;
  code = Call<AuditPlanningService>(
      session, Component::kAudit,
      &AuditPlanningService::Stub::LiftServiceSuspension, request, &lifted);
  if (code != kExitOk) return code;
  return PrintService(args, lifted);
}

int ListOverdueObjectives(ServerSession& session, const ParsedArguments& args) {
  v1::ListOverdueObjectivesRequest request;
  if (args.Has("csp")) request.set_csp(ResourceName("csps", args.Get("csp")));
  if (args.Has("service")) {
    request.set_service(ResourceName("services", args.Get("service")));
  }
  v1::ListOverdueObjectivesResponse all;
  const int code = CallAllPages<AuditPlanningService>(
      session, Component::kAudit,
      &AuditPlanningService::Stub::ListOverdueObjectives, request, &all);
  if (code != kExitOk) return code;
  if (args.Has("json")) {
    PrintJson(all);
    return kExitOk;
  }
  TextTable table(
      {"SERVICE", "NAME", "OBJECTIVE", "TIER", "LAST AUDIT", "WAS DUE"});
  for (const v1::OverdueObjective& o : all.overdue_objectives()) {
    table.AddRow({o.service(), o.service_name(), o.objective_id(),
                  Short(o.tier()), FormatDate(o.last_audit_time()),
                  FormatDate(o.next_due_time())});
  }
  std::cout << (table.empty() ? "No overdue internal audits.\n"
                              : table.Render());
  return kExitOk;
}

// ---- The target-business list ----

int ListTargetBusinesses(ServerSession& session, int64_t version,
                         v1::ListTargetBusinessesResponse* all) {
  v1::ListTargetBusinessesRequest request;
  request.set_list_version(version);
  return CallAllPages<EligibilityService>(
      session, Component::kEligibility,
      &EligibilityService::Stub::ListTargetBusinesses, request, all);
}

int ShowTargetList(ServerSession& session, const ParsedArguments& args) {
  const std::optional<int64_t> version =
      IntegerOption(session, args, "version", 1, "a list version (1 or more)");
  if (!version.has_value()) return kExitUsage;
  v1::ListTargetBusinessesResponse all;
  const int code = ListTargetBusinesses(session, *version, &all);
  if (code != kExitOk) return code;
  if (args.Has("json")) {
    PrintJson(all);
    return kExitOk;
  }
  std::cout << "対象業務一覧, version " << all.list_version() << " (current "
            << all.current_list_version() << ")\n\n";
  TextTable table({"ITEM", "ADDED IN", "ORIGIN", "CRITERION"});
  for (const v1::TargetBusiness& item : all.target_businesses()) {
    table.AddRow({std::to_string(item.item_number()),
                  absl::StrCat("v", item.list_version()), Short(item.origin()),
                  Text(item.criterion())});
  }
  std::cout << table.Render();
  return kExitOk;
}

int ListTargetListVersions(ServerSession& session,
                           const ParsedArguments& args) {
  v1::ListTargetBusinessesResponse all;
  const int code = ListTargetBusinesses(session, 0, &all);
  if (code != kExitOk) return code;
  std::map<int64_t, std::vector<const v1::TargetBusiness*>> by_version;
  for (const v1::TargetBusiness& item : all.target_businesses()) {
    by_version[item.list_version()].push_back(&item);
  }
  if (args.Has("json")) {
    nlohmann::json versions = nlohmann::json::array();
    for (const auto& [version, items] : by_version) {
      nlohmann::json names = nlohmann::json::array();
      for (const v1::TargetBusiness* item : items)
        names.push_back(item->name());
      // int64 as a string, as in the proto3 JSON of the other outputs.
      versions.push_back(
          {{"listVersion", std::to_string(version)}, {"items", names}});
    }
    PrintJson(nlohmann::json{
        {"currentListVersion", std::to_string(all.current_list_version())},
        {"versions", versions}});
    return kExitOk;
  }
  TextTable table({"VERSION", "ITEMS ADDED", "HOW", "SINCE"});
  for (const auto& [version, items] : by_version) {
    std::string numbers;
    for (const v1::TargetBusiness* item : items) {
      absl::StrAppend(&numbers, numbers.empty() ? "" : ", ",
                      item->item_number());
    }
    const v1::TargetBusiness& first = *items.front();
    table.AddRow({absl::StrCat("v", version), numbers,
                  first.origin() == v1::TargetBusiness::ORIGIN_REVIEW_CASE
                      ? absl::StrCat("confirmed ", first.origin_review_case())
                      : "programme start",
                  FormatTime(first.create_time())});
  }
  std::cout << table.Render();
  return kExitOk;
}

// ---- The audit trail ----

int VerifyAuditTrail(ServerSession& session, const ParsedArguments& args) {
  int result = kExitOk;
  nlohmann::json verifications = nlohmann::json::object();
  for (const std::string& address : session.DistinctAddresses()) {
    auto stub = AuditTrailService::NewStub(session.ChannelTo(address));
    grpc::ClientContext context;
    session.Prepare(&context);
    v1::AuditTrailVerification verification;
    const grpc::Status status = stub->VerifyAuditTrail(
        &context, v1::VerifyAuditTrailRequest(), &verification);
    if (!status.ok()) return session.Report(status, address);
    if (!verification.intact()) result = kExitAuditTrailBroken;
    if (args.Has("json")) {
      verifications[address] = ToJson(verification);
    } else if (verification.intact()) {
      std::cout << address << ": intact, " << verification.events_checked()
                << " events verified\n";
    } else {
      std::cout << address << ": BROKEN at event "
                << verification.first_broken_sequence() << ": "
                << verification.reason() << " ("
                << verification.events_checked()
                << " events before it verified)\n";
    }
  }
  if (args.Has("json")) PrintJson(verifications);
  return result;
}

}  // namespace

void AddIpaCommands(CommandSet& commands) {
  commands.Add({
      .path = "review list",
      .audience = "IPA",
      .summary = "list review cases (要検討業務), oldest due first",
      .options = {{"state", "STATE", "open, confirmed or rejected"},
                  {"overdue", "", "only overdue cases"}},
      .run = WithSession(ListReviewCases),
  });
  commands.Add({
      .path = "review overdue",
      .audience = "IPA",
      .summary = "list open review cases past their due date",
      .run = WithSession(ListOverdueReviewCases),
  });
  commands.Add({
      .path = "review show",
      .audience = "IPA",
      .summary = "show a review case and the assessments counted",
      .arguments = {"CASE"},
      .run = WithSession(ShowReviewCase),
  });
  commands.Add({
      .path = "review confirm",
      .audience = "IPA",
      .summary = "confirm a case: its business joins the target list",
      .arguments = {"CASE"},
      .options = {{"reason", "TEXT", "the decision's reason (required)"},
                  {"criterion", "TEXT",
                   "the new item's criterion (default: from the case)"}},
      .details = "Needs LOW assessments in force from two distinct "
                 "ministries. The linked\npre-applications are judged "
                 "again and their CSPs notified.\n",
      .run = WithSession(ConfirmReviewCase),
  });
  commands.Add({
      .path = "review reject",
      .audience = "IPA",
      .summary = "reject a case: its business stays off the list",
      .arguments = {"CASE"},
      .options = {{"reason", "TEXT", "the decision's reason (required)"}},
      .run = WithSession(RejectReviewCase),
  });
  commands.Add({
      .path = "service register",
      .audience = "IPA",
      .summary = "register (登録) an eligible pre-application's service",
      .arguments = {"PRE_APPLICATION"},
      .options = {{"scope", "FILE",
                   "statement scope (YAML/JSON StatementScope): exclusions"},
                  {"reason", "TEXT", "note on the decision"},
                  RequestIdOption()},
      .details = "Given services/ID instead, registers a HELD service after "
                 "its re-audit.\n",
      .run = WithSession(RegisterService),
  });
  commands.Add({
      .path = "service hold",
      .audience = "IPA",
      .summary = "hold (登録留保) registration pending a re-audit",
      .arguments = {"PRE_APPLICATION"},
      .options = {{"reason", "TEXT", "why (required)"},
                  {"scope", "FILE", "statement scope, as for register"},
                  RequestIdOption()},
      .run = WithSession(HoldService),
  });
  commands.Add({
      .path = "service reject",
      .audience = "IPA",
      .summary = "reject (却下) a pre-application's or a held service's "
                 "registration",
      .arguments = {"PRE_APPLICATION|SERVICE"},
      .options = {{"reason", "TEXT", "why (required)"}, RequestIdOption()},
      .run = WithSession(RejectService),
  });
  commands.Add({
      .path = "service suspend",
      .audience = "IPA",
      .summary = "suspend (一時停止) a service after a serious incident",
      .arguments = {"SERVICE"},
      .options = {{"description", "TEXT", "what happened (required)"},
                  {"objectives", "ID,ID",
                   "control objectives the incident touches (required)"},
                  {"occurred", "TIME", "when, RFC 3339 (default: now)"}},
      .details = "The objectives join the next audit year's external-audit "
                 "plan. The public\nlist shows the service SUSPENDED at "
                 "once.\n",
      .run = WithSession(SuspendService),
  });
  commands.Add({
      .path = "service lift",
      .audience = "IPA",
      .summary = "lift a service's suspension",
      .arguments = {"SERVICE"},
      .options = {{"reason", "TEXT", "why (required)"}},
      .run = WithSession(LiftSuspension),
  });
  commands.Add({
      .path = "overdue-objectives",
      .audience = "IPA",
      .summary = "list control objectives past their internal-audit due date",
      .options = {{"csp", "CSP", "only this CSP's services"},
                  {"service", "SERVICE", "only this service"}},
      .run = WithSession(ListOverdueObjectives),
  });
  commands.Add({
      .path = "target-list show",
      .audience = "IPA",
      .summary = "show the target-business list (対象業務一覧)",
      .options = {{"version", "N",
                   "as of this list version (default: "
                   "current)"}},
      .run = WithSession(ShowTargetList),
  });
  commands.Add({
      .path = "target-list versions",
      .audience = "IPA",
      .summary = "list the versions of the target list and what each added",
      .details = "With --json: {\"currentListVersion\": \"N\", \"versions\": "
                 "[{\"listVersion\": \"N\",\n\"items\": "
                 "[\"targetBusinesses/…\"]}, ...]}.\n",
      .run = WithSession(ListTargetListVersions),
  });
  commands.Add({
      .path = "audit verify",
      .audience = "IPA",
      .summary = "verify the hash-chained audit trail of each server",
      .details =
          "Checks every server configured (--server and the "
          "per-component ones).\nExits 5 if any trail is broken. With --json: "
          "{\"ADDRESS\": AuditTrailVerification, ...}.\n",
      .run = WithSession(VerifyAuditTrail),
  });
}

}  // namespace ismap::liu::liuctl
