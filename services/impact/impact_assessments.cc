// Validation, scopes and subject checks of ImpactAssessmentService.
#include "services/impact/impact_assessments.h"

#include <optional>
#include <utility>
#include <vector>

#include "absl/algorithm/container.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "services/common/digest.h"
#include "services/common/field_checks.h"
#include "services/common/field_violations.h"
#include "services/common/page_token.h"
#include "services/common/status_macros.h"

namespace ismap::liu::impact {
namespace {

constexpr char kAssessmentNameForm[] =
    "must be ministries/{ministry}/impactAssessments/{assessment}";

struct AssessmentKey {
  std::string name;  // ministries/{m}/impactAssessments/{a}
  std::string id;    // {a}
};

// `parts` of a name split at '/': ministries, {m}, impactAssessments, {a}.
std::optional<AssessmentKey> KeyOf(
    const std::vector<absl::string_view>& parts) {
  if (parts.size() < 4 || parts[0] != "ministries" ||
      !IsValidPrincipalId(parts[1]) || parts[2] != "impactAssessments" ||
      !IsValidResourceId(parts[3])) {
    return std::nullopt;
  }
  return AssessmentKey{
      absl::StrCat("ministries/", parts[1], "/impactAssessments/", parts[3]),
      std::string(parts[3])};
}

std::optional<AssessmentKey> ParseAssessmentName(absl::string_view name) {
  const std::vector<absl::string_view> parts = absl::StrSplit(name, '/');
  if (parts.size() != 4) return std::nullopt;
  return KeyOf(parts);
}

// The assessment and revision number of
// `ministries/{m}/impactAssessments/{a}/revisions/{n}`.
std::optional<std::pair<AssessmentKey, int64_t>> ParseRevisionName(
    absl::string_view name) {
  const std::vector<absl::string_view> parts = absl::StrSplit(name, '/');
  int32_t revision = 0;
  if (parts.size() != 6 || parts[4] != "revisions" || parts[5].empty() ||
      parts[5][0] == '0' ||
      !absl::c_all_of(parts[5],
                      [](char c) { return absl::ascii_isdigit(c); }) ||
      !absl::SimpleAtoi(parts[5], &revision)) {
    return std::nullopt;
  }
  std::optional<AssessmentKey> key = KeyOf(parts);
  if (!key.has_value()) return std::nullopt;
  return std::make_pair(*std::move(key), int64_t{revision});
}

std::string MinistryName(const Caller& caller) {
  return absl::StrCat("ministries/", caller.organisation);
}

std::string CspName(const Caller& caller) {
  return absl::StrCat("csps/", caller.organisation);
}

absl::Status NotVisible(absl::string_view name) {
  return absl::NotFoundError(absl::StrCat(name, " not found"));
}

// Checks the subject of `assessment` (at `prefix`) is present and well
// formed; returns whether it is.
bool CheckSubjectForm(const v1::ImpactAssessment& assessment,
                      const std::string& prefix, FieldViolations& violations) {
  switch (assessment.subject_case()) {
    case v1::ImpactAssessment::kPreApplicationBusiness: {
      const v1::BusinessRef& ref = assessment.pre_application_business();
      const std::string field = prefix + ".pre_application_business";
      bool ok =
          ParseResourceId(field + ".pre_application", ref.pre_application(),
                          "preApplications", violations)
              .has_value();
      if (!IsValidResourceId(ref.business_id())) {
        violations.Add(field + ".business_id",
                       "must be the business's id in the pre-application (1 "
                       "to 63 characters of [a-z0-9-])");
        ok = false;
      }
      return ok;
    }
    case v1::ImpactAssessment::kReviewCase:
      return ParseResourceId(prefix + ".review_case", assessment.review_case(),
                             "reviewCases", violations)
          .has_value();
    case v1::ImpactAssessment::SUBJECT_NOT_SET:
      break;
  }
  violations.Add(prefix + ".subject",
                 "is required: set pre_application_business (one business of "
                 "a pre-application) or review_case");
  return false;
}

// The subject in words, for messages.
std::string SubjectName(const v1::ImpactAssessment& assessment) {
  if (assessment.has_pre_application_business()) {
    return absl::StrCat(assessment.pre_application_business().pre_application(),
                        " business ",
                        assessment.pre_application_business().business_id());
  }
  return assessment.review_case();
}

// Adds a violation if `input` names a subject other than `current`'s.
void CheckSameSubject(const v1::ImpactAssessment& input,
                      const v1::ImpactAssessment& current,
                      FieldViolations& violations) {
  std::string field;
  switch (input.subject_case()) {
    case v1::ImpactAssessment::kPreApplicationBusiness:
      if (current.has_pre_application_business() &&
          input.pre_application_business().pre_application() ==
              current.pre_application_business().pre_application() &&
          input.pre_application_business().business_id() ==
              current.pre_application_business().business_id()) {
        return;
      }
      field = "impact_assessment.pre_application_business";
      break;
    case v1::ImpactAssessment::kReviewCase:
      if (current.subject_case() == v1::ImpactAssessment::kReviewCase &&
          input.review_case() == current.review_case()) {
        return;
      }
      field = "impact_assessment.review_case";
      break;
    case v1::ImpactAssessment::SUBJECT_NOT_SET:
      return;
  }
  violations.Add(
      field, absl::StrCat("the subject cannot change: this assessment is "
                          "of ",
                          SubjectName(current),
                          " (leave the subject unset or send it unchanged)"));
}

// A hash of what Create reads from its request (the message has no maps, so
// its serialization is deterministic).
std::string BodyHash(const v1::ImpactAssessment& input) {
  v1::ImpactAssessment body;
  switch (input.subject_case()) {
    case v1::ImpactAssessment::kPreApplicationBusiness:
      *body.mutable_pre_application_business() =
          input.pre_application_business();
      break;
    case v1::ImpactAssessment::kReviewCase:
      body.set_review_case(input.review_case());
      break;
    case v1::ImpactAssessment::SUBJECT_NOT_SET:
      break;
  }
  *body.mutable_information_ratings() = input.information_ratings();
  *body.mutable_answers() = input.answers();
  body.set_justification(input.justification());
  return Sha256Hex(body.SerializeAsString());
}

// The content of a revision: what the ministry gave and what it implies.
v1::ImpactAssessment RevisionContent(const v1::ImpactAssessment& input,
                                     const ImpactEvaluation& evaluation,
                                     const std::string& rules_version) {
  v1::ImpactAssessment content;
  *content.mutable_information_ratings() = input.information_ratings();
  *content.mutable_answers() = input.answers();
  content.set_justification(input.justification());
  for (const v1::InformationRating& minimum : evaluation.implied_minimums) {
    *content.add_implied_minimums() = minimum;
  }
  *content.mutable_high_water_mark() = evaluation.high_water_mark;
  content.set_overall_level(evaluation.overall_level);
  content.set_all_low(evaluation.all_low);
  content.set_rules_version(rules_version);
  return content;
}

}  // namespace

absl::StatusOr<ImpactAssessments::Subject> ImpactAssessments::ResolveSubject(
    const v1::ImpactAssessment& assessment, const std::string& ministry,
    absl::Time deadline) const {
  Subject subject;
  if (assessment.has_pre_application_business()) {
    const v1::BusinessRef& ref = assessment.pre_application_business();
    ASSIGN_OR_RETURN(
        const v1::PreApplication pre_application,
        directory_->GetPreApplication(ref.pre_application(), deadline));
    for (const v1::PreApplicationBusiness& business :
         pre_application.businesses()) {
      if (business.business_id() != ref.business_id()) continue;
      if (!absl::c_linear_search(business.ministries(), ministry)) break;
      if (pre_application.state() != v1::PreApplication::STATE_ACTIVE) {
        return absl::FailedPreconditionError(
            absl::StrCat(ref.pre_application(),
                         " is withdrawn: its businesses are no longer "
                         "assessed"));
      }
      subject.business = business.profile();
      subject.csp = pre_application.csp();
      return subject;
    }
    return absl::NotFoundError(
        absl::StrCat(ref.pre_application(), " has no business ",
                     ref.business_id(), " that ", ministry, " uses"));
  }
  ASSIGN_OR_RETURN(
      const v1::ReviewCase review_case,
      directory_->GetReviewCase(assessment.review_case(), deadline));
  if (review_case.state() != v1::ReviewCase::STATE_OPEN) {
    return absl::FailedPreconditionError(absl::StrCat(
        assessment.review_case(), " is no longer OPEN: it was decided"));
  }
  subject.business = review_case.business();
  return subject;
}

absl::Status ImpactAssessments::CheckSubjectOpen(
    const v1::ImpactAssessment& assessment, absl::Time deadline) const {
  if (assessment.has_pre_application_business()) {
    const std::string& name =
        assessment.pre_application_business().pre_application();
    absl::StatusOr<v1::PreApplication> pre_application =
        directory_->GetPreApplication(name, deadline);
    if (absl::IsNotFound(pre_application.status()) ||
        (pre_application.ok() &&
         pre_application->state() != v1::PreApplication::STATE_ACTIVE)) {
      return absl::FailedPreconditionError(absl::StrCat(
          name, " is withdrawn: its assessments can no longer be revised"));
    }
    return pre_application.status();
  }
  absl::StatusOr<v1::ReviewCase> review_case =
      directory_->GetReviewCase(assessment.review_case(), deadline);
  if (absl::IsNotFound(review_case.status()) ||
      (review_case.ok() &&
       review_case->state() != v1::ReviewCase::STATE_OPEN)) {
    return absl::FailedPreconditionError(
        absl::StrCat(assessment.review_case(),
                     " is no longer OPEN: its assessments can no longer be "
                     "revised"));
  }
  return review_case.status();
}

absl::StatusOr<bool> ImpactAssessments::CaseConcernsCsp(
    const std::string& review_case, const std::string& csp,
    absl::Time deadline) const {
  absl::StatusOr<v1::ReviewCase> found =
      directory_->GetReviewCase(review_case, deadline);
  if (absl::IsNotFound(found.status())) return false;
  RETURN_IF_ERROR(found.status());
  absl::flat_hash_set<std::string> asked;
  for (const v1::BusinessRef& linked : found->linked_businesses()) {
    if (!asked.insert(linked.pre_application()).second) continue;
    absl::StatusOr<v1::PreApplication> pre_application =
        directory_->GetPreApplication(linked.pre_application(), deadline);
    if (absl::IsNotFound(pre_application.status())) continue;
    RETURN_IF_ERROR(pre_application.status());
    if (pre_application->csp() == csp) return true;
  }
  return false;
}

absl::StatusOr<bool> ImpactAssessments::Visible(
    const CallContext& call, const ImpactStore::Stored& stored) const {
  switch (call.scope) {
    case v1::ACCESS_SCOPE_ALL:
      return true;
    case v1::ACCESS_SCOPE_OWN:
      return call.caller.role == Role::kMinistry &&
             stored.assessment.ministry() == MinistryName(call.caller);
    case v1::ACCESS_SCOPE_CONCERNED:
      if (call.caller.role != Role::kCsp) return false;
      if (stored.assessment.has_pre_application_business()) {
        return stored.csp == CspName(call.caller);
      }
      return CaseConcernsCsp(stored.assessment.review_case(),
                             CspName(call.caller), call.deadline);
    default:
      return false;
  }
}

absl::StatusOr<ImpactStore::Stored> ImpactAssessments::LoadVisible(
    const CallContext& call, const std::string& name,
    const std::string& id) const {
  absl::StatusOr<ImpactStore::Stored> stored = store_->Get(id, call.deadline);
  if (absl::IsNotFound(stored.status())) return NotVisible(name);
  RETURN_IF_ERROR(stored.status());
  if (stored->assessment.name() != name) return NotVisible(name);
  ASSIGN_OR_RETURN(const bool visible, Visible(call, *stored));
  if (!visible) return NotVisible(name);
  return stored;
}

absl::Status ImpactAssessments::Create(
    const CallContext& call, const v1::CreateImpactAssessmentRequest& request,
    v1::ImpactAssessment* response) const {
  if (call.caller.role != Role::kMinistry) {
    return absl::PermissionDeniedError(
        "only a ministry submits an impact assessment");
  }
  const v1::ImpactAssessment& input = request.impact_assessment();
  const std::string ministry = MinistryName(call.caller);
  FieldViolations violations;
  const bool request_id_ok =
      CheckRequestId("request_id", request.request_id(), violations);
  const bool subject_ok =
      CheckSubjectForm(input, "impact_assessment", violations);

  // A retry returns what the first call created, whatever happened since.
  const std::string body = BodyHash(input);
  if (request_id_ok && !request.request_id().empty()) {
    absl::StatusOr<std::optional<v1::ImpactAssessment>> replayed =
        store_->Replay(ministry, request.request_id(), body, call.deadline);
    if (replayed.ok() && replayed->has_value()) {
      *response = **std::move(replayed);
      return absl::OkStatus();
    }
    if (absl::IsInvalidArgument(replayed.status())) {
      violations.Merge("", replayed.status());
    } else {
      RETURN_IF_ERROR(replayed.status());
    }
  }

  // Bad input is reported before what the subject's state would say.
  std::optional<Subject> subject;
  absl::Status subject_status;
  if (subject_ok) {
    absl::StatusOr<Subject> resolved =
        ResolveSubject(input, ministry, call.deadline);
    if (resolved.ok()) {
      subject = *std::move(resolved);
    } else if (absl::IsNotFound(resolved.status()) ||
               absl::IsFailedPrecondition(resolved.status())) {
      subject_status = resolved.status();
    } else {
      return resolved.status();
    }
  }
  const std::vector<std::string> kinds =
      subject.has_value() ? std::vector<std::string>(
                                subject->business.information_kinds().begin(),
                                subject->business.information_kinds().end())
                          : std::vector<std::string>();
  absl::StatusOr<ImpactEvaluation> evaluation =
      calculator_->Evaluate(input, kinds);
  violations.Merge("impact_assessment", evaluation.status());
  RETURN_IF_ERROR(violations.ToStatus());
  RETURN_IF_ERROR(subject_status);

  ImpactStore::NewAssessment created;
  created.assessment = RevisionContent(input, *evaluation, rules_version_);
  created.assessment.set_ministry(ministry);
  *created.assessment.mutable_business() = subject->business;
  if (input.has_pre_application_business()) {
    *created.assessment.mutable_pre_application_business() =
        input.pre_application_business();
  } else {
    created.assessment.set_review_case(input.review_case());
  }
  created.csp = subject->csp;
  created.request_id = request.request_id();
  created.body_sha256 = body;
  ASSIGN_OR_RETURN(*response, store_->Create(created, call.caller, absl::Now(),
                                             call.deadline));
  notifier_->Notify();
  return absl::OkStatus();
}

absl::Status ImpactAssessments::Get(
    const CallContext& call, const v1::GetImpactAssessmentRequest& request,
    v1::ImpactAssessment* response) const {
  const std::optional<AssessmentKey> key = ParseAssessmentName(request.name());
  if (!key.has_value()) {
    FieldViolations violations;
    violations.Add("name", kAssessmentNameForm);
    return violations.ToStatus();
  }
  ASSIGN_OR_RETURN(ImpactStore::Stored stored,
                   LoadVisible(call, key->name, key->id));
  *response = std::move(stored.assessment);
  return absl::OkStatus();
}

absl::Status ImpactAssessments::List(
    const CallContext& call, const v1::ListImpactAssessmentsRequest& request,
    v1::ListImpactAssessmentsResponse* response) const {
  FieldViolations violations;
  ImpactStore::Filter filter;
  if (!request.ministry().empty()) {
    absl::string_view id = request.ministry();
    if (!absl::ConsumePrefix(&id, "ministries/") || !IsValidPrincipalId(id)) {
      violations.Add("ministry", "must be ministries/{ministry}");
    }
    filter.ministry = request.ministry();
  }
  if (!request.pre_application().empty()) {
    ParseResourceId("pre_application", request.pre_application(),
                    "preApplications", violations);
  }
  filter.pre_application = request.pre_application();
  if (!request.business_id().empty()) {
    if (request.pre_application().empty()) {
      violations.Add("business_id",
                     "needs pre_application: business ids are unique only "
                     "within a pre-application");
    } else if (!IsValidResourceId(request.business_id())) {
      violations.Add("business_id", "must be 1 to 63 characters of [a-z0-9-]");
    }
  }
  filter.business_id = request.business_id();
  if (!request.review_case().empty()) {
    ParseResourceId("review_case", request.review_case(), "reviewCases",
                    violations);
  }
  filter.review_case = request.review_case();
  if (!v1::ImpactAssessment::State_IsValid(request.state())) {
    violations.Add("state", "must be STATE_ACTIVE, STATE_WITHDRAWN or unset");
  }
  filter.state = request.state();
  const bool csp_reads = call.scope == v1::ACCESS_SCOPE_CONCERNED &&
                         call.caller.role == Role::kCsp;
  if (csp_reads && request.pre_application().empty() &&
      request.review_case().empty()) {
    violations.Add("pre_application",
                   "a CSP lists the assessments of one of its "
                   "pre-applications or review cases at a time: set "
                   "pre_application or review_case");
  }
  const std::string fingerprint =
      absl::StrCat("ListImpactAssessments\n", request.ministry(), "\n",
                   request.pre_application(), "\n", request.business_id(), "\n",
                   request.review_case(), "\n", request.state());
  const Page page = ParsePage(request.page_size(), request.page_token(),
                              fingerprint, violations);
  RETURN_IF_ERROR(violations.ToStatus());

  // The caller's scope, as a further filter; nothing when it reaches none.
  bool reaches_some = true;
  switch (call.scope) {
    case v1::ACCESS_SCOPE_ALL:
      break;
    case v1::ACCESS_SCOPE_OWN:
      reaches_some = call.caller.role == Role::kMinistry &&
                     (filter.ministry.empty() ||
                      filter.ministry == MinistryName(call.caller));
      filter.ministry = MinistryName(call.caller);
      break;
    case v1::ACCESS_SCOPE_CONCERNED:
      if (!csp_reads) {
        reaches_some = false;
      } else if (!filter.pre_application.empty()) {
        filter.csp = CspName(call.caller);
      } else {
        ASSIGN_OR_RETURN(reaches_some,
                         CaseConcernsCsp(filter.review_case,
                                         CspName(call.caller), call.deadline));
      }
      break;
    default:
      reaches_some = false;
  }
  if (!reaches_some) return absl::OkStatus();

  ASSIGN_OR_RETURN(std::vector<v1::ImpactAssessment> assessments,
                   store_->List(filter, page, call.deadline));
  const bool more_follow = assessments.size() > static_cast<size_t>(page.size);
  if (more_follow) assessments.pop_back();
  for (v1::ImpactAssessment& assessment : assessments) {
    *response->add_impact_assessments() = std::move(assessment);
  }
  response->set_next_page_token(NextPageToken(
      response->impact_assessments().empty()
          ? ""
          : ImpactStore::SortKey(*response->impact_assessments().rbegin()),
      more_follow, fingerprint));
  return absl::OkStatus();
}

absl::Status ImpactAssessments::Revise(
    const CallContext& call, const v1::ReviseImpactAssessmentRequest& request,
    v1::ImpactAssessment* response) const {
  FieldViolations violations;
  const std::optional<AssessmentKey> key = ParseAssessmentName(request.name());
  if (!key.has_value()) violations.Add("name", kAssessmentNameForm);
  if (request.etag().empty()) {
    violations.Add("etag", "is required: send the etag last read");
  }
  // Bad input is reported before absence, as for Create.
  std::optional<ImpactStore::Stored> stored;
  absl::Status lookup;
  if (key.has_value()) {
    absl::StatusOr<ImpactStore::Stored> loaded =
        LoadVisible(call, key->name, key->id);
    if (loaded.ok()) {
      stored = *std::move(loaded);
    } else if (absl::IsNotFound(loaded.status())) {
      lookup = loaded.status();
    } else {
      return loaded.status();
    }
  }
  const v1::ImpactAssessment& input = request.impact_assessment();
  std::vector<std::string> kinds;
  if (stored.has_value()) {
    CheckSameSubject(input, stored->assessment, violations);
    kinds.assign(stored->assessment.business().information_kinds().begin(),
                 stored->assessment.business().information_kinds().end());
  }
  absl::StatusOr<ImpactEvaluation> evaluation =
      calculator_->Evaluate(input, kinds);
  violations.Merge("impact_assessment", evaluation.status());
  RETURN_IF_ERROR(violations.ToStatus());
  RETURN_IF_ERROR(lookup);

  RETURN_IF_ERROR(
      ImpactStore::CheckChangeable(stored->assessment, request.etag()));
  RETURN_IF_ERROR(CheckSubjectOpen(stored->assessment, call.deadline));
  ASSIGN_OR_RETURN(
      *response,
      store_->Revise(key->id, request.etag(),
                     RevisionContent(input, *evaluation, rules_version_),
                     call.caller, absl::Now(), call.deadline));
  notifier_->Notify();
  return absl::OkStatus();
}

absl::Status ImpactAssessments::Withdraw(
    const CallContext& call, const v1::WithdrawImpactAssessmentRequest& request,
    v1::ImpactAssessment* response) const {
  FieldViolations violations;
  const std::optional<AssessmentKey> key = ParseAssessmentName(request.name());
  if (!key.has_value()) violations.Add("name", kAssessmentNameForm);
  if (request.etag().empty()) {
    violations.Add("etag", "is required: send the etag last read");
  }
  CheckText("reason", request.reason(), kMaxWithdrawReasonBytes,
            /*required=*/false, violations);
  RETURN_IF_ERROR(violations.ToStatus());
  RETURN_IF_ERROR(LoadVisible(call, key->name, key->id).status());
  ASSIGN_OR_RETURN(*response,
                   store_->Withdraw(key->id, request.etag(), request.reason(),
                                    call.caller, absl::Now(), call.deadline));
  notifier_->Notify();
  return absl::OkStatus();
}

absl::Status ImpactAssessments::GetRevision(
    const CallContext& call,
    const v1::GetImpactAssessmentRevisionRequest& request,
    v1::ImpactAssessmentRevision* response) const {
  const std::optional<std::pair<AssessmentKey, int64_t>> parsed =
      ParseRevisionName(request.name());
  if (!parsed.has_value()) {
    FieldViolations violations;
    violations.Add("name",
                   "must be ministries/{ministry}/impactAssessments/"
                   "{assessment}/revisions/{revision}, the revision being "
                   "1, 2, ...");
    return violations.ToStatus();
  }
  const auto& [key, revision] = *parsed;
  RETURN_IF_ERROR(LoadVisible(call, key.name, key.id).status());
  absl::StatusOr<v1::ImpactAssessmentRevision> found =
      store_->GetRevision(key.id, revision, call.deadline);
  if (absl::IsNotFound(found.status())) return NotVisible(request.name());
  RETURN_IF_ERROR(found.status());
  *response = *std::move(found);
  return absl::OkStatus();
}

absl::Status ImpactAssessments::ListRevisions(
    const CallContext& call,
    const v1::ListImpactAssessmentRevisionsRequest& request,
    v1::ListImpactAssessmentRevisionsResponse* response) const {
  FieldViolations violations;
  const std::optional<AssessmentKey> key =
      ParseAssessmentName(request.parent());
  if (!key.has_value()) violations.Add("parent", kAssessmentNameForm);
  const std::string fingerprint =
      absl::StrCat("ListImpactAssessmentRevisions\n", request.parent());
  const Page page = ParsePage(request.page_size(), request.page_token(),
                              fingerprint, violations);
  RETURN_IF_ERROR(violations.ToStatus());
  RETURN_IF_ERROR(LoadVisible(call, key->name, key->id).status());
  ASSIGN_OR_RETURN(std::vector<v1::ImpactAssessmentRevision> revisions,
                   store_->ListRevisions(key->id, page, call.deadline));
  const bool more_follow = revisions.size() > static_cast<size_t>(page.size);
  if (more_follow) revisions.pop_back();
  for (v1::ImpactAssessmentRevision& revision : revisions) {
    *response->add_revisions() = std::move(revision);
  }
  response->set_next_page_token(NextPageToken(
      response->revisions().empty()
          ? ""
          : ImpactStore::RevisionSortKey(*response->revisions().rbegin()),
      more_follow, fingerprint));
  return absl::OkStatus();
}

absl::StatusOr<ImpactStore::EventFilter> ImpactAssessments::WatchFilter(
    const v1::WatchImpactAssessmentsRequest& request) {
  FieldViolations violations;
  if (request.after_sequence() < 0) {
    violations.Add("after_sequence",
                   "must not be negative (0 replays the whole feed)");
  }
  if (!request.pre_application().empty()) {
    ParseResourceId("pre_application", request.pre_application(),
                    "preApplications", violations);
  }
  if (!request.review_case().empty()) {
    ParseResourceId("review_case", request.review_case(), "reviewCases",
                    violations);
  }
  RETURN_IF_ERROR(violations.ToStatus());
  return ImpactStore::EventFilter{request.pre_application(),
                                  request.review_case()};
}

}  // namespace ismap::liu::impact
