// The ministry's commands: submit, revise and withdraw impact assessments
// (業務・情報の影響度評価) from files, and see what awaits the ministry's
// assessment.
#include <iostream>

#include "absl/strings/str_cat.h"
#include "clients/liuctl/calls.h"
#include "clients/liuctl/commands.h"
#include "clients/liuctl/document_file.h"
#include "clients/liuctl/output.h"
#include "clients/liuctl/text_table.h"
#include "ismap/liu/v1/eligibility.grpc.pb.h"
#include "ismap/liu/v1/impact_assessment.grpc.pb.h"
#include "ismap/liu/v1/review.grpc.pb.h"

namespace ismap::liu::liuctl {
namespace {

using v1::EligibilityService;
using v1::ImpactAssessmentService;
using v1::ReviewService;

// `ministries/{m}/impactAssessments/{id}` from an id, with the ministry the
// token names; the input unchanged when it is already a name.
std::string AssessmentName(const ServerSession& session,
                           const std::string& id_or_name) {
  if (id_or_name.find('/') != std::string::npos) return id_or_name;
  const std::optional<Caller> caller = session.ClaimedCaller();
  return absl::StrCat("ministries/",
                      caller.has_value() ? caller->organisation : "-",
                      "/impactAssessments/", id_or_name);
}

std::string Subject(const v1::ImpactAssessment& assessment) {
  if (assessment.has_pre_application_business()) {
    return absl::StrCat(assessment.pre_application_business().pre_application(),
                        " business ",
                        assessment.pre_application_business().business_id());
  }
  return assessment.review_case();
}

std::string Levels(const v1::LevelTriple& levels) {
  return absl::StrCat("C ", Short(levels.confidentiality()), ", I ",
                      Short(levels.integrity()), ", A ",
                      Short(levels.availability()));
}

int PrintAssessment(const ParsedArguments& args,
                    const v1::ImpactAssessment& assessment) {
  if (args.Has("json")) {
    PrintJson(assessment);
    return kExitOk;
  }
  PrintFields({
      {"assessment", assessment.name()},
      {"subject", Subject(assessment)},
      {"business", assessment.business().title()},
      {"state", Short(assessment.state())},
      {"revision", std::to_string(assessment.revision())},
      {"impact", Levels(assessment.high_water_mark())},
      {"overall", absl::StrCat(Short(assessment.overall_level()),
                               assessment.all_low() ? " (low impact: 低位)"
                                                    : " (not low impact)")},
      {"updated", FormatTime(assessment.update_time())},
      {"withdrawn", assessment.withdraw_reason()},
  });
  TextTable table({"INFORMATION KIND", "RATED", "IMPLIED MINIMUM"});
  for (const v1::InformationRating& rating : assessment.information_ratings()) {
    std::string implied;
    for (const v1::InformationRating& minimum : assessment.implied_minimums()) {
      if (minimum.information_kind() == rating.information_kind()) {
        implied = Levels(minimum.levels());
      }
    }
    table.AddRow({rating.information_kind(), Levels(rating.levels()), implied});
  }
  std::cout << "\n" << table.Render();
  return kExitOk;
}

int SubmitAssessment(ServerSession& session, const ParsedArguments& args) {
  v1::CreateImpactAssessmentRequest request;
  v1::ImpactAssessment& assessment = *request.mutable_impact_assessment();
  const absl::Status read = ReadDocumentFile(args.positional(0), &assessment);
  if (!read.ok()) return session.ReportUsage(read.message());
  const bool for_business = args.Has("pre_application") || args.Has("business");
  if (for_business && args.Has("review_case")) {
    return session.ReportUsage(
        "assess either a business (--pre_application and --business) or a "
        "review case (--review_case), not both");
  }
  if (for_business) {
    if (!args.Has("pre_application") || !args.Has("business")) {
      return session.ReportUsage(
          "a business is named by --pre_application and --business together");
    }
    v1::BusinessRef& business = *assessment.mutable_pre_application_business();
    business.set_pre_application(
        ResourceName("preApplications", args.Get("pre_application")));
    business.set_business_id(args.Get("business"));
  } else if (args.Has("review_case")) {
    assessment.set_review_case(
        ResourceName("reviewCases", args.Get("review_case")));
  } else if (assessment.subject_case() ==
             v1::ImpactAssessment::SUBJECT_NOT_SET) {
    return session.ReportUsage(
        "say what is assessed: --pre_application=P --business=B, or "
        "--review_case=R (or set it in the file)");
  }
  request.set_request_id(RequestIdFor(args));
  v1::ImpactAssessment submitted;
  const int code = Call<ImpactAssessmentService>(
      session, Component::kImpact,
      &ImpactAssessmentService::Stub::CreateImpactAssessment, request,
      &submitted);
  if (code == kExitUnreachable) {
    std::cerr << "To retry without submitting twice, add --request_id="
              << request.request_id() << "\n";
  }
  if (code != kExitOk) return code;
  return PrintAssessment(args, submitted);
}

// Reads the current assessment `name` into `current`.
int GetAssessment(ServerSession& session, const std::string& name,
                  v1::ImpactAssessment* current) {
  v1::GetImpactAssessmentRequest get;
  get.set_name(name);
  return Call<ImpactAssessmentService>(
      session, Component::kImpact,
      &ImpactAssessmentService::Stub::GetImpactAssessment, get, current);
}

int ReviseAssessment(ServerSession& session, const ParsedArguments& args) {
  v1::ReviseImpactAssessmentRequest request;
  const absl::Status read =
      ReadDocumentFile(args.positional(1), request.mutable_impact_assessment());
  if (!read.ok()) return session.ReportUsage(read.message());
  v1::ImpactAssessment current;
  int code = GetAssessment(session, AssessmentName(session, args.positional(0)),
                           &current);
  if (code != kExitOk) return code;
  request.set_name(current.name());
  request.set_etag(current.etag());
  request.mutable_impact_assessment()->clear_subject();
  v1::ImpactAssessment revised;
  code = Call<ImpactAssessmentService>(
      session, Component::kImpact,
      &ImpactAssessmentService::Stub::ReviseImpactAssessment, request,
      &revised);
  if (code != kExitOk) return code;
  return PrintAssessment(args, revised);
}

int WithdrawAssessment(ServerSession& session, const ParsedArguments& args) {
  v1::ImpactAssessment current;
  int code = GetAssessment(session, AssessmentName(session, args.positional(0)),
                           &current);
  if (code != kExitOk) return code;
  v1::WithdrawImpactAssessmentRequest request;
  request.set_name(current.name());
  request.set_etag(current.etag());
  request.set_reason(args.Get("reason"));
  v1::ImpactAssessment withdrawn;
  code = Call<ImpactAssessmentService>(
      session, Component::kImpact,
      &ImpactAssessmentService::Stub::WithdrawImpactAssessment, request,
      &withdrawn);
  if (code != kExitOk) return code;
  return PrintAssessment(args, withdrawn);
}

int ShowAssessment(ServerSession& session, const ParsedArguments& args) {
  v1::ImpactAssessment assessment;
  const int code = GetAssessment(
      session, AssessmentName(session, args.positional(0)), &assessment);
  if (code != kExitOk) return code;
  return PrintAssessment(args, assessment);
}

int ListAssessments(ServerSession& session, const ParsedArguments& args) {
  v1::ListImpactAssessmentsRequest request;
  if (args.Has("pre_application")) {
    request.set_pre_application(
        ResourceName("preApplications", args.Get("pre_application")));
  }
  if (args.Has("review_case")) {
    request.set_review_case(
        ResourceName("reviewCases", args.Get("review_case")));
  }
  v1::ListImpactAssessmentsResponse all;
  const int code = CallAllPages<ImpactAssessmentService>(
      session, Component::kImpact,
      &ImpactAssessmentService::Stub::ListImpactAssessments, request, &all);
  if (code != kExitOk) return code;
  if (args.Has("json")) {
    PrintJson(all);
    return kExitOk;
  }
  TextTable table(
      {"ASSESSMENT", "SUBJECT", "STATE", "REV", "OVERALL", "UPDATED"});
  for (const v1::ImpactAssessment& a : all.impact_assessments()) {
    table.AddRow({a.name(), Subject(a), Short(a.state()),
                  std::to_string(a.revision()), Short(a.overall_level()),
                  FormatTime(a.update_time())});
  }
  std::cout << (table.empty() ? "No assessments.\n" : table.Render());
  return kExitOk;
}

// The businesses of `p` that wait for `ministry`'s assessment.
std::vector<std::string> BusinessesWaitingFor(const v1::PreApplication& p,
                                              const std::string& ministry) {
  std::vector<std::string> waiting;
  for (const v1::BusinessJudgement& business : p.judgement().businesses()) {
    for (const std::string& m : business.waiting_for_ministries()) {
      if (m == ministry) waiting.push_back(business.business_id());
    }
  }
  return waiting;
}

int ListAwaiting(ServerSession& session, const ParsedArguments& args) {
  const std::optional<Caller> caller = session.ClaimedCaller();
  if (!caller.has_value() || caller->role != Role::kMinistry) {
    return session.ReportUsage(
        "needs a ministry's token (--token or LIU_TOKEN): it lists what "
        "awaits that ministry");
  }
  const std::string ministry =
      absl::StrCat("ministries/", caller->organisation);
  v1::ListPreApplicationsRequest pre_applications_request;
  pre_applications_request.set_waiting_for_ministry(ministry);
  v1::ListPreApplicationsResponse pre_applications;
  int code = CallAllPages<EligibilityService>(
      session, Component::kEligibility,
      &EligibilityService::Stub::ListPreApplications, pre_applications_request,
      &pre_applications);
  if (code != kExitOk) return code;
  v1::ListReviewCasesRequest cases_request;
  cases_request.set_state(v1::ReviewCase::STATE_OPEN);
  v1::ListReviewCasesResponse cases;
  code = CallAllPages<ReviewService>(session, Component::kEligibility,
                                     &ReviewService::Stub::ListReviewCases,
                                     cases_request, &cases);
  if (code != kExitOk) return code;
  if (args.Has("json")) {
    PrintJson(nlohmann::json{
        {"preApplications", ToJson(pre_applications)["preApplications"]},
        {"reviewCases", ToJson(cases)["reviewCases"]}});
    return kExitOk;
  }
  TextTable table({"SUBJECT", "BUSINESS", "TITLE", "ASSESS WITH"});
  for (const v1::PreApplication& p : pre_applications.pre_applications()) {
    for (const std::string& id : BusinessesWaitingFor(p, ministry)) {
      std::string title;
      for (const auto& business : p.businesses()) {
        if (business.business_id() == id) title = business.profile().title();
      }
      table.AddRow({p.name(), id, title,
                    absl::StrCat("--pre_application=", LastSegment(p.name()),
                                 " --business=", id)});
    }
  }
  for (const v1::ReviewCase& c : cases.review_cases()) {
    const bool assessed =
        std::find(c.low_assessment_ministries().begin(),
                  c.low_assessment_ministries().end(),
                  ministry) != c.low_assessment_ministries().end();
    if (assessed) continue;
    table.AddRow({c.name(), "要検討業務", c.business().title(),
                  absl::StrCat("--review_case=", LastSegment(c.name()))});
  }
  std::cout << (table.empty() ? "Nothing awaits your assessment.\n"
                              : table.Render());
  return kExitOk;
}

}  // namespace

void AddMinistryCommands(CommandSet& commands) {
  commands.Add({
      .path = "assessment submit",
      .audience = "ministry",
      .summary = "submit an impact assessment (影響度評価) from a file",
      .arguments = {"FILE"},
      .options = {{"pre_application", "PRE_APPLICATION",
                   "assess a business of this pre-application..."},
                  {"business", "ID", "...this business of it"},
                  {"review_case", "CASE", "or assess this review case"},
                  RequestIdOption()},
      .details =
          "FILE holds an ImpactAssessment "
          "(proto/ismap/liu/v1/impact_assessment.proto) in YAML\nor JSON: "
          "informationRatings (C/I/A per kind of information), answers to "
          "the\ncriteria's questions, justification. See "
          "clients/liuctl/examples/assessment-low.yaml.\nThe options say "
          "what is assessed (`liuctl awaiting` lists them).\n",
      .run = WithSession(SubmitAssessment),
  });
  commands.Add({
      .path = "assessment revise",
      .audience = "ministry",
      .summary = "revise an assessment from a file (a new revision)",
      .arguments = {"ASSESSMENT", "FILE"},
      .details = "ASSESSMENT is the full name or the id (of your ministry's "
                 "assessments).\n",
      .run = WithSession(ReviseAssessment),
  });
  commands.Add({
      .path = "assessment withdraw",
      .audience = "ministry",
      .summary = "withdraw (取下げ) an assessment",
      .arguments = {"ASSESSMENT"},
      .options = {{"reason", "TEXT", "why you withdraw it"}},
      .run = WithSession(WithdrawAssessment),
  });
  commands.Add({
      .path = "assessment show",
      .audience = "ministry",
      .summary = "show an assessment with its levels",
      .arguments = {"ASSESSMENT"},
      .run = WithSession(ShowAssessment),
  });
  commands.Add({
      .path = "assessment list",
      .audience = "ministry",
      .summary = "list the assessments you may see",
      .options = {{"pre_application", "PRE_APPLICATION",
                   "only those of this pre-application"},
                  {"review_case", "CASE", "only those of this review case"}},
      .run = WithSession(ListAssessments),
  });
  commands.Add({
      .path = "awaiting",
      .audience = "ministry",
      .summary = "list what awaits your assessment (影響度評価待ち)",
      .details = "Businesses of pre-applications naming your ministry that "
                 "wait for its\nassessment, and open review cases (要検討業務) "
                 "your ministry has not yet assessed\nLOW. Each row says "
                 "which options of `liuctl assessment submit` assess it.\nWith "
                 "--json: {\"preApplications\": [PreApplication...], "
                 "\"reviewCases\": [ReviewCase...]}.\n",
      .run = WithSession(ListAwaiting),
  });
}

}  // namespace ismap::liu::liuctl
