// The CSP's commands: file a pre-application (事前申請) and follow its
// judgement and notifications, withdraw it; plan and report internal audits.
#include <iostream>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "clients/liuctl/calls.h"
#include "clients/liuctl/commands.h"
#include "clients/liuctl/document_file.h"
#include "clients/liuctl/output.h"
#include "clients/liuctl/text_table.h"
#include "ismap/liu/v1/audit_planning.grpc.pb.h"
#include "ismap/liu/v1/eligibility.grpc.pb.h"

namespace ismap::liu::liuctl {
namespace {

using v1::AuditPlanningService;
using v1::EligibilityService;

// The title of business `id` of `pre_application`.
std::string BusinessTitle(const v1::PreApplication& pre_application,
                          const std::string& id) {
  for (const v1::PreApplicationBusiness& business :
       pre_application.businesses()) {
    if (business.business_id() == id) return business.profile().title();
  }
  return "";
}

// Where a business's judgement points: the matched item, or the review case.
std::string JudgementTarget(const v1::BusinessJudgement& business) {
  if (!business.matched_target_business().empty()) {
    return business.matched_target_business();
  }
  return business.review_case();
}

void PrintPreApplication(const v1::PreApplication& pre_application) {
  const v1::Judgement& judgement = pre_application.judgement();
  PrintFields({
      {"pre-application", pre_application.name()},
      {"service", pre_application.service_name()},
      {"CSP", pre_application.csp()},
      {"state", Short(pre_application.state())},
      {"outcome", Short(judgement.overall_outcome())},
      {"summary", Text(judgement.summary())},
      {"judged",
       absl::StrCat(FormatTime(judgement.judge_time()),
                    " (target list version ", judgement.list_version(), ")")},
      {"withdrawn", pre_application.withdraw_reason()},
  });
  TextTable table({"BUSINESS", "TITLE", "OUTCOME", "ITEM OR CASE", "WHY"});
  for (const v1::BusinessJudgement& business : judgement.businesses()) {
    std::vector<std::string> row = {
        business.business_id(),
        BusinessTitle(pre_application, business.business_id()),
        Short(business.outcome()), JudgementTarget(business)};
    if (business.reasons().empty()) table.AddRow(row);
    for (const v1::JudgementReason& reason : business.reasons()) {
      row.push_back(Text(reason.text()));
      table.AddRow(std::move(row));
      row = {"", "", "", ""};
    }
  }
  std::cout << "\n" << table.Render();
}

int FilePreApplication(ServerSession& session, const ParsedArguments& args) {
  v1::CreatePreApplicationRequest request;
  const absl::Status read =
      ReadDocumentFile(args.positional(0), request.mutable_pre_application());
  if (!read.ok()) return session.ReportUsage(read.message());
  request.set_request_id(RequestIdFor(args));
  v1::PreApplication filed;
  const int code = Call<EligibilityService>(
      session, Component::kEligibility,
      &EligibilityService::Stub::CreatePreApplication, request, &filed);
  if (code == kExitUnreachable) {
    std::cerr << "To retry without filing twice, add --request_id="
              << request.request_id() << "\n";
  }
  if (code != kExitOk) return code;
  if (args.Has("json")) {
    PrintJson(filed);
  } else {
    PrintPreApplication(filed);
  }
  return kExitOk;
}

int ShowPreApplication(ServerSession& session, const ParsedArguments& args) {
  v1::GetPreApplicationRequest request;
  request.set_name(ResourceName("preApplications", args.positional(0)));
  v1::PreApplication pre_application;
  const int code = Call<EligibilityService>(
      session, Component::kEligibility,
      &EligibilityService::Stub::GetPreApplication, request, &pre_application);
  if (code != kExitOk) return code;
  if (args.Has("json")) {
    PrintJson(pre_application);
  } else {
    PrintPreApplication(pre_application);
  }
  return kExitOk;
}

int ListPreApplications(ServerSession& session, const ParsedArguments& args) {
  v1::ListPreApplicationsRequest request;
  if (args.Has("state")) {
    const std::string state = args.Get("state");
    if (state == "active") {
      request.set_state(v1::PreApplication::STATE_ACTIVE);
    } else if (state == "withdrawn") {
      request.set_state(v1::PreApplication::STATE_WITHDRAWN);
    } else {
      return session.ReportUsage("--state is active or withdrawn");
    }
  }
  if (args.Has("waiting_for_ministry")) {
    request.set_waiting_for_ministry(
        ResourceName("ministries", args.Get("waiting_for_ministry")));
  }
  v1::ListPreApplicationsResponse all;
  const int code = CallAllPages<EligibilityService>(
      session, Component::kEligibility,
      &EligibilityService::Stub::ListPreApplications, request, &all);
  if (code != kExitOk) return code;
  if (args.Has("json")) {
    PrintJson(all);
    return kExitOk;
  }
  TextTable table(
      {"PRE-APPLICATION", "SERVICE", "CSP", "STATE", "OUTCOME", "FILED"});
  for (const v1::PreApplication& p : all.pre_applications()) {
    table.AddRow({p.name(), p.service_name(), p.csp(), Short(p.state()),
                  Short(p.judgement().overall_outcome()),
                  FormatTime(p.create_time())});
  }
  std::cout << (table.empty() ? "No pre-applications.\n" : table.Render());
  return kExitOk;
}

int WithdrawPreApplication(ServerSession& session,
                           const ParsedArguments& args) {
  v1::GetPreApplicationRequest get;
  get.set_name(ResourceName("preApplications", args.positional(0)));
  v1::PreApplication current;
  int code = Call<EligibilityService>(
      session, Component::kEligibility,
      &EligibilityService::Stub::GetPreApplication, get, &current);
  if (code != kExitOk) return code;
  v1::WithdrawPreApplicationRequest request;
  request.set_name(current.name());
  request.set_etag(current.etag());
  request.set_reason(args.Get("reason"));
  v1::PreApplication withdrawn;
  code = Call<EligibilityService>(
      session, Component::kEligibility,
      &EligibilityService::Stub::WithdrawPreApplication, request, &withdrawn);
  if (code != kExitOk) return code;
  if (args.Has("json")) {
    PrintJson(withdrawn);
  } else {
    std::cout << "Withdrew " << withdrawn.name() << " ("
              << withdrawn.service_name() << ").\n";
  }
  return kExitOk;
}

int ListNotifications(ServerSession& session, const ParsedArguments& args) {
  v1::ListNotificationsRequest request;
  request.set_parent("preApplications/-");
  const std::optional<int64_t> after =
      IntegerOption(session, args, "after", 0, "a sequence number (0 or more)");
  if (!after.has_value()) return kExitUsage;
  request.set_after_sequence(*after);
  v1::ListNotificationsResponse all;
  const int code = CallAllPages<EligibilityService>(
      session, Component::kEligibility,
      &EligibilityService::Stub::ListNotifications, request, &all);
  if (code != kExitOk) return code;
  if (args.Has("json")) {
    PrintJson(all);
    return kExitOk;
  }
  TextTable table({"SEQ", "TIME", "PRE-APPLICATION", "OUTCOME", "SUMMARY"});
  for (const v1::Notification& n : all.notifications()) {
    table.AddRow({std::to_string(n.sequence()), FormatTime(n.notify_time()),
                  n.pre_application(),
                  absl::StrCat(Short(n.previous_outcome()), " -> ",
                               Short(n.new_outcome())),
                  Text(n.summary())});
  }
  std::cout << (table.empty() ? "No notifications.\n" : table.Render());
  return kExitOk;
}

int WatchNotifications(ServerSession& session, const ParsedArguments& args) {
  v1::WatchNotificationsRequest request;
  request.set_parent("preApplications/-");
  const std::optional<int64_t> after =
      IntegerOption(session, args, "after", 0, "a sequence number (0 or more)");
  if (!after.has_value()) return kExitUsage;
  request.set_after_sequence(*after);
  const std::optional<int64_t> wanted =
      IntegerOption(session, args, "count", 1, "a positive number");
  if (!wanted.has_value()) return kExitUsage;
  const int64_t count = *wanted;
  absl::Duration watch_for = absl::InfiniteDuration();
  if (args.Has("for") && (!absl::ParseDuration(args.Get("for"), &watch_for) ||
                          watch_for <= absl::ZeroDuration())) {
    return session.ReportUsage("--for is a duration such as 30s or 5m");
  }
  auto stub =
      EligibilityService::NewStub(session.Channel(Component::kEligibility));
  grpc::ClientContext context;
  session.PrepareUntil(&context, absl::Now() + watch_for);
  auto reader = stub->WatchNotifications(&context, request);
  if (!args.Has("json")) {
    std::cerr << "Watching notifications after sequence " << *after
              << (count > 0 ? absl::StrCat(", until ", count, " arrive")
                            : std::string())
              << "; Ctrl-C stops.\n";
  }
  v1::WatchNotificationsResponse response;
  int64_t received = 0;
  while (reader->Read(&response)) {
    const v1::Notification& n = response.notification();
    if (args.Has("json")) {
      PrintJsonLine(n);
    } else {
      std::cout << "#" << n.sequence() << "  " << FormatTime(n.notify_time())
                << "  " << n.pre_application() << "  "
                << Short(n.previous_outcome()) << " -> "
                << Short(n.new_outcome()) << "\n  " << Text(n.summary())
                << std::endl;
    }
    if (count > 0 && ++received == count) {
      context.TryCancel();
      break;
    }
  }
  const grpc::Status status = reader->Finish();
  if (count > 0 && received == count) return kExitOk;
  if (status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED &&
      watch_for != absl::InfiniteDuration()) {
    if (count > 0) {
      std::cerr << "liuctl notifications watch: " << received << " of " << count
                << " notifications within " << absl::FormatDuration(watch_for)
                << "\n";
      return kExitUnreachable;
    }
    return kExitOk;
  }
  return session.Report(status, session.Address(Component::kEligibility));
}

int ShowInternalAuditPlan(ServerSession& session, const ParsedArguments& args) {
  v1::GetInternalAuditPlanRequest request;
  request.set_name(absl::StrCat(ResourceName("services", args.positional(0)),
                                "/internalAuditPlan"));
  v1::InternalAuditPlan plan;
  const int code = Call<AuditPlanningService>(
      session, Component::kAudit,
      &AuditPlanningService::Stub::GetInternalAuditPlan, request, &plan);
  if (code != kExitOk) return code;
  if (args.Has("json")) {
    PrintJson(plan);
    return kExitOk;
  }
  PrintFields(
      {{"plan", plan.name()},
       {"rotation", absl::StrCat(plan.rotation_years(), " years")},
       {"current audit year", std::to_string(plan.current_audit_year())},
       {"reports considered", std::to_string(plan.reports_considered())}});
  TextTable table({"AUDIT YEAR", "FROM", "TO", "OBJECTIVES", "FIRST"});
  for (const v1::InternalAuditPlanYear& year : plan.years()) {
    std::string first;
    for (int i = 0; i < year.objectives_size() && i < 4; ++i) {
      absl::StrAppend(&first, i > 0 ? " " : "", year.objectives(i));
    }
    if (year.objectives_size() > 4) absl::StrAppend(&first, " ...");
    table.AddRow({std::to_string(year.audit_year()),
                  FormatDate(year.period().start_time()),
                  FormatDate(year.period().end_time()),
                  std::to_string(year.objectives_size()), first});
  }
  std::cout << "\n" << table.Render();
  return kExitOk;
}

int ReportInternalAudit(ServerSession& session, const ParsedArguments& args) {
  v1::CreateInternalAuditReportRequest request;
  const absl::Status read = ReadDocumentFile(
      args.positional(1), request.mutable_internal_audit_report());
  if (!read.ok()) return session.ReportUsage(read.message());
  request.set_parent(ResourceName("services", args.positional(0)));
  request.set_request_id(RequestIdFor(args));
  v1::InternalAuditReport report;
  const int code = Call<AuditPlanningService>(
      session, Component::kAudit,
      &AuditPlanningService::Stub::CreateInternalAuditReport, request, &report);
  if (code == kExitUnreachable) {
    std::cerr << "To retry without reporting twice, add --request_id="
              << request.request_id() << "\n";
  }
  if (code != kExitOk) return code;
  if (args.Has("json")) {
    PrintJson(report);
    return kExitOk;
  }
  PrintFields(
      {{"report", report.name()},
       {"period",
        absl::StrCat(FormatDate(report.audit_period().start_time()), " to ",
                     FormatDate(report.audit_period().end_time()))},
       {"objectives audited", std::to_string(report.audited_objectives_size())},
       {"findings", std::to_string(report.findings_size())}});
  return kExitOk;
}

int ListInternalAuditReports(ServerSession& session,
                             const ParsedArguments& args) {
  v1::ListInternalAuditReportsRequest request;
  request.set_parent(ResourceName("services", args.positional(0)));
  v1::ListInternalAuditReportsResponse all;
  const int code = CallAllPages<AuditPlanningService>(
      session, Component::kAudit,
      &AuditPlanningService::Stub::ListInternalAuditReports, request, &all);
  if (code != kExitOk) return code;
  if (args.Has("json")) {
    PrintJson(all);
    return kExitOk;
  }
  TextTable table(
      {"REPORT", "FROM", "TO", "OBJECTIVES", "FINDINGS", "RECORDED"});
  for (const v1::InternalAuditReport& r : all.internal_audit_reports()) {
    table.AddRow({r.name(), FormatDate(r.audit_period().start_time()),
                  FormatDate(r.audit_period().end_time()),
                  std::to_string(r.audited_objectives_size()),
                  std::to_string(r.findings_size()),
                  FormatTime(r.create_time())});
  }
  std::cout << (table.empty() ? "No internal-audit reports.\n"
                              : table.Render());
  return kExitOk;
}

}  // namespace

void AddCspCommands(CommandSet& commands) {
  commands.Add({
      .path = "pre-application file",
      .audience = "CSP",
      .summary = "file a pre-application (事前申請) from a YAML or JSON file",
      .arguments = {"FILE"},
      .options = {RequestIdOption()},
      .details =
          "FILE holds a PreApplication (proto/ismap/liu/v1/eligibility.proto) "
          "in YAML or JSON,\nwith the proto's field names: serviceName, "
          "platform, businesses (each with\nbusinessId, profile and "
          "ministries). See clients/liuctl/examples/pre-application.yaml.\n"
          "Prints the pre-application with its first judgement: each "
          "business's outcome\nand why.\n",
      .run = WithSession(FilePreApplication),
  });
  commands.Add({
      .path = "pre-application show",
      .audience = "CSP",
      .summary = "show a pre-application, its judgement and the reasons",
      .arguments = {"PRE_APPLICATION"},
      .details = "PRE_APPLICATION is preApplications/ID or the ID.\n",
      .run = WithSession(ShowPreApplication),
  });
  commands.Add({
      .path = "pre-application list",
      .audience = "CSP",
      .summary = "list the pre-applications you may see",
      .options = {{"state", "STATE", "only active or withdrawn ones"},
                  {"waiting_for_ministry", "MINISTRY",
                   "only those waiting for this ministry's assessment"}},
      .run = WithSession(ListPreApplications),
  });
  commands.Add({
      .path = "pre-application withdraw",
      .audience = "CSP",
      .summary = "withdraw (取下げ) a pre-application",
      .arguments = {"PRE_APPLICATION"},
      .options = {{"reason", "TEXT", "why you withdraw it"}},
      .run = WithSession(WithdrawPreApplication),
  });
  commands.Add({
      .path = "notifications list",
      .audience = "CSP",
      .summary = "list the notifications (通知) of your pre-applications",
      .options = {{"after", "SEQ", "only those after this sequence number"}},
      .run = WithSession(ListNotifications),
  });
  commands.Add({
      .path = "notifications watch",
      .audience = "CSP",
      .summary = "print notifications as they come",
      .options = {{"after", "SEQ",
                   "first replay the stored ones after this sequence (0: all)"},
                  {"count", "N", "stop after N notifications"},
                  {"for", "DURATION", "stop after this long (e.g. 30s)"}},
      .details = "With --json, one JSON object per line (JSON Lines). With "
                 "--count and --for,\nexits 4 if fewer than N came in time.\n",
      .run = WithSession(WatchNotifications),
  });
  commands.Add({
      .path = "internal-audit plan",
      .audience = "CSP",
      .summary = "show the three-year internal-audit rotation of a service",
      .arguments = {"SERVICE"},
      .run = WithSession(ShowInternalAuditPlan),
  });
  commands.Add({
      .path = "internal-audit report",
      .audience = "CSP",
      .summary =
          "report an internal audit (内部監査報告) from a YAML or JSON file",
      .arguments = {"SERVICE", "FILE"},
      .options = {RequestIdOption()},
      .details =
          "FILE holds an InternalAuditReport "
          "(proto/ismap/liu/v1/audit_planning.proto):\nauditPeriod "
          "{startTime, endTime}, auditedObjectives, findings, summary. See\n"
          "clients/liuctl/examples/internal-audit-report.yaml.\n",
      .run = WithSession(ReportInternalAudit),
  });
  commands.Add({
      .path = "internal-audit list",
      .audience = "CSP",
      .summary = "list the internal-audit reports of a service",
      .arguments = {"SERVICE"},
      .run = WithSession(ListInternalAuditReports),
  });
}

}  // namespace ismap::liu::liuctl
