// ReviewService handlers.
#include "services/eligibility/review_service.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "google/protobuf/util/time_util.h"
#include "services/common/audit_trail/audit_trail.h"
#include "services/common/field_checks.h"
#include "services/common/page_token.h"
#include "services/common/status_macros.h"
#include "services/eligibility/domain/pre_application_judge.h"
#include "services/eligibility/domain/review_case_tally.h"
#include "services/eligibility/eligibility_store.h"

namespace ismap::liu {
namespace {

using eligibility::EligibilityStore;
using eligibility::FetchedAssessments;
using eligibility::TargetList;
using google::protobuf::util::TimeUtil;
using storage::Database;
using storage::Transaction;

constexpr absl::string_view kService = "ismap.liu.v1.ReviewService";
constexpr size_t kMaxReasonBytes = 4096;
constexpr size_t kMaxCriterionBytes = 4096;
constexpr int kMaxExamples = 20;

google::protobuf::Timestamp ToTimestamp(absl::Time time) {
  return TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(time));
}

// The case as `call`'s caller may see it at `now`: NOT_FOUND when a CSP has
// no pre-application linked to it; a CSP sees only its own linked
// businesses.
absl::StatusOr<v1::ReviewCase> LoadVisible(Transaction& tx,
                                           const CallContext& call,
                                           const std::string& id,
                                           absl::Time now) {
  ASSIGN_OR_RETURN(v1::ReviewCase review_case,
                   EligibilityStore::GetReviewCase(tx, id));
  if (call.scope == v1::ACCESS_SCOPE_CONCERNED) {
    const std::string csp = absl::StrCat("csps/", call.caller.organisation);
    ASSIGN_OR_RETURN(std::vector<std::string> own,
                     EligibilityStore::LinkedPreApplications(tx, id, csp));
    if (own.empty()) {
      return absl::NotFoundError(absl::StrCat("reviewCases/", id));
    }
    google::protobuf::RepeatedPtrField<v1::BusinessRef> kept;
    for (const v1::BusinessRef& ref : review_case.linked_businesses()) {
      for (const std::string& pre : own) {
        if (ref.pre_application() == absl::StrCat("preApplications/", pre)) {
          *kept.Add() = ref;
        }
      }
    }
    *review_case.mutable_linked_businesses() = std::move(kept);
  } else if (call.scope != v1::ACCESS_SCOPE_ALL) {
    return absl::NotFoundError(absl::StrCat("reviewCases/", id));
  }
  review_case.set_overdue(
      review_case.state() == v1::ReviewCase::STATE_OPEN &&
      TimeUtil::TimestampToMicroseconds(review_case.due_time()) <
          absl::ToUnixMicros(now));
  return review_case;
}

// The condition a confirmed case's item gets by default: each of the case's
// kinds of information and facts present, and no other kind.
v1::Condition DefaultCondition(const v1::BusinessProfile& business) {
  v1::Condition condition;
  v1::ConditionList* all = condition.mutable_all_of();
  for (const std::string& kind : business.information_kinds()) {
    all->add_conditions()->set_has_information_kind(kind);
  }
  for (const std::string& fact : business.facts()) {
    all->add_conditions()->set_has_fact(fact);
  }
  *all->add_conditions()
       ->mutable_information_kinds_within()
       ->mutable_information_kinds() = business.information_kinds();
  condition.mutable_description()->set_ja(
      "要検討業務として確認された業務と同じ種類の情報のみを扱うこと");
  condition.mutable_description()->set_en(
      "Handles the kinds of information of the confirmed business and no "
      "other");
  return condition;
}

}  // namespace

grpc::ServerUnaryReactor* ReviewServiceImpl::GetReviewCase(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
    grpc::ByteBuffer* response) {
  return context_.runner->ServeRaw<v1::GetReviewCaseRequest, v1::ReviewCase>(
      context, kService, __func__, Placement::kWorkerPool, request, response,
      [this](const CallContext& call, const v1::GetReviewCaseRequest& req,
             v1::ReviewCase* out) -> absl::Status {
        FieldViolations violations;
        std::optional<std::string> id =
            ParseResourceId("name", req.name(), "reviewCases", violations);
        RETURN_IF_ERROR(violations.ToStatus());
        return context_.database->RunInTransaction(
            Database::Access::kReadOnly, call.deadline,
            [&](Transaction& tx) -> absl::Status {
              ASSIGN_OR_RETURN(*out, LoadVisible(tx, call, *id, absl::Now()));
              return absl::OkStatus();
            });
      });
}

grpc::ServerUnaryReactor* ReviewServiceImpl::ListReviewCases(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
    grpc::ByteBuffer* response) {
  return context_.runner
      ->ServeRaw<v1::ListReviewCasesRequest, v1::ListReviewCasesResponse>(
          context, kService, __func__, Placement::kWorkerPool, request,
          response,
          [this](const CallContext& call, const v1::ListReviewCasesRequest& req,
                 v1::ListReviewCasesResponse* out) -> absl::Status {
            FieldViolations violations;
            eligibility::ReviewCaseFilter filter;
            filter.state = req.state();
            if (req.has_overdue()) filter.overdue = req.overdue();
            filter.now = absl::Now();
            if (!req.pre_application().empty()) {
              ParseResourceId("pre_application", req.pre_application(),
                              "preApplications", violations);
              filter.pre_application = req.pre_application();
            }
            if (call.scope == v1::ACCESS_SCOPE_CONCERNED) {
              filter.csp = absl::StrCat("csps/", call.caller.organisation);
            }
            const std::string fingerprint = absl::StrCat(
                "ListReviewCases|", req.state(), "|",
                req.has_overdue() ? (req.overdue() ? "1" : "0") : "-", "|",
                req.pre_application(), "|", filter.csp);
            const Page page = ParsePage(req.page_size(), req.page_token(),
                                        fingerprint, violations);
            RETURN_IF_ERROR(violations.ToStatus());
            std::vector<v1::ReviewCase> found;
            RETURN_IF_ERROR(context_.database->RunInTransaction(
                Database::Access::kReadOnly, call.deadline,
                [&](Transaction& tx) -> absl::Status {
                  ASSIGN_OR_RETURN(
                      std::vector<v1::ReviewCase> listed,
                      EligibilityStore::ListReviewCases(tx, filter, page));
                  found.clear();
                  for (const v1::ReviewCase& review_case : listed) {
                    ASSIGN_OR_RETURN(
                        v1::ReviewCase visible,
                        LoadVisible(tx, call,
                                    review_case.name().substr(
                                        review_case.name().find('/') + 1),
                                    filter.now));
                    found.push_back(std::move(visible));
                  }
                  return absl::OkStatus();
                }));
            out->set_next_page_token(FillPage(
                std::move(found), page, fingerprint,
                out->mutable_review_cases(), &EligibilityStore::ReviewCaseKey));
            return absl::OkStatus();
          });
}

grpc::ServerUnaryReactor* ReviewServiceImpl::ConfirmReviewCase(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
    grpc::ByteBuffer* response) {
  return context_.runner->ServeRaw<v1::ConfirmReviewCaseRequest,
                                   v1::ReviewCase>(
      context, kService, __func__, Placement::kWorkerPool, request, response,
      [this](const CallContext& call, const v1::ConfirmReviewCaseRequest& req,
             v1::ReviewCase* out) {
        return Decide(call, req.name(), req.etag(), req.reason(), &req, out);
      });
}

grpc::ServerUnaryReactor* ReviewServiceImpl::RejectReviewCase(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
    grpc::ByteBuffer* response) {
  return context_.runner->ServeRaw<v1::RejectReviewCaseRequest, v1::ReviewCase>(
      context, kService, __func__, Placement::kWorkerPool, request, response,
      [this](const CallContext& call, const v1::RejectReviewCaseRequest& req,
             v1::ReviewCase* out) {
        return Decide(call, req.name(), req.etag(), req.reason(), nullptr, out);
      });
}

absl::Status ReviewServiceImpl::Decide(
    const CallContext& call, const std::string& name, const std::string& etag,
    const std::string& reason, const v1::ConfirmReviewCaseRequest* confirmation,
    v1::ReviewCase* out) const {
  const bool confirm = confirmation != nullptr;
  FieldViolations violations;
  std::optional<std::string> id =
      ParseResourceId("name", name, "reviewCases", violations);
  if (etag.empty()) violations.Add("etag", "is required");
  CheckText("reason", reason, kMaxReasonBytes, true, violations);
  if (confirm) {
    CheckText("criterion.ja", confirmation->criterion().ja(),
              kMaxCriterionBytes, false, violations);
    CheckText("criterion.en", confirmation->criterion().en(),
              kMaxCriterionBytes, false, violations);
    if (confirmation->examples_size() > kMaxExamples) {
      violations.Add("examples",
                     absl::StrCat("at most ", kMaxExamples, " examples"));
    }
    for (int i = 0; i < confirmation->examples_size(); ++i) {
      CheckText(absl::StrCat("examples[", i, "].ja"),
                confirmation->examples(i).ja(), kMaxCriterionBytes, false,
                violations);
      CheckText(absl::StrCat("examples[", i, "].en"),
                confirmation->examples(i).en(), kMaxCriterionBytes, false,
                violations);
    }
  }
  RETURN_IF_ERROR(violations.ToStatus());

  // What the decision rests on, read and fetched outside the transaction.
  v1::ReviewCase seen;
  std::shared_ptr<const TargetList> list;
  std::vector<v1::PreApplication> linked;
  RETURN_IF_ERROR(context_.database->RunInTransaction(
      Database::Access::kReadOnly, call.deadline,
      [&](Transaction& tx) -> absl::Status {
        ASSIGN_OR_RETURN(seen, EligibilityStore::GetReviewCase(tx, *id));
        ASSIGN_OR_RETURN(list, context_.lists->Get(tx, 0));
        ASSIGN_OR_RETURN(std::vector<std::string> ids,
                         EligibilityStore::LinkedPreApplications(tx, *id));
        linked.clear();
        for (const std::string& pre_id : ids) {
          ASSIGN_OR_RETURN(v1::PreApplication pre,
                           EligibilityStore::GetPreApplication(tx, pre_id));
          linked.push_back(std::move(pre));
        }
        return absl::OkStatus();
      }));
  if (seen.state() != v1::ReviewCase::STATE_OPEN) {
    return absl::FailedPreconditionError(
        absl::StrCat(seen.name(), " is already decided"));
  }
  ASSIGN_OR_RETURN(
      std::vector<v1::ImpactAssessment> assessments,
      context_.assessments->ActiveAssessments("", seen.name(), call.deadline));
  const eligibility::CaseTally tally =
      eligibility::TallyCaseAssessments(assessments);
  const int required = seen.required_distinct_ministries();
  if (confirm && static_cast<int>(tally.low_ministries.size()) < required) {
    return absl::FailedPreconditionError(absl::StrCat(
        "confirmation needs LOW assessments in force from ", required,
        " distinct ministries; ", tally.low_ministries.size(), " counted (",
        tally.low_ministries.empty()
            ? "none"
            : absl::StrJoin(tally.low_ministries, ", "),
        "), ", required - static_cast<int>(tally.low_ministries.size()),
        " missing"));
  }

  std::shared_ptr<const TargetList> new_list;
  v1::TargetBusiness item;
  if (confirm) {
    item.set_item_number(
        list->items.empty() ? 1 : list->items.back().item_number() + 1);
    item.set_name(absl::StrCat("targetBusinesses/", item.item_number()));
    if (confirmation->has_criterion()) {
      *item.mutable_criterion() = confirmation->criterion();
    } else {
      item.mutable_criterion()->set_ja(absl::StrCat(
          seen.business().title(),
          "（要検討業務として確認: ", seen.business().description(), "）"));
      item.mutable_criterion()->set_en(absl::StrCat(
          seen.business().title(), " (confirmed as a business needing review: ",
          seen.business().description(), ")"));
    }
    *item.mutable_examples() = confirmation->examples();
    *item.mutable_condition() = confirmation->has_condition()
                                    ? confirmation->condition()
                                    : DefaultCondition(seen.business());
    item.set_origin(v1::TargetBusiness::ORIGIN_REVIEW_CASE);
    item.set_origin_review_case(seen.name());
    item.set_list_version(list->version + 1);
    item.set_rules_version(context_.rules->version());
    std::vector<v1::TargetBusiness> items = list->items;
    items.push_back(item);
    absl::StatusOr<eligibility::TargetListMatcher> matcher =
        context_.lists->MatcherOf(items);
    if (!matcher.ok()) {
      violations.Add("condition", std::string(matcher.status().message()));
      return violations.ToStatus();
    }
    const eligibility::ListEvaluation evaluation =
        matcher->Evaluate(seen.business());
    if (!evaluation.items.back().matched()) {
      violations.Add("condition",
                     "does not hold for the case's own business; the new "
                     "item must cover it");
      return violations.ToStatus();
    }
    new_list = std::make_shared<const TargetList>(
        TargetList{list->version + 1, std::move(items), *std::move(matcher)});
  }
  std::vector<FetchedAssessments> fetched;
  for (const v1::PreApplication& pre : linked) {
    ASSIGN_OR_RETURN(FetchedAssessments one,
                     context_.recorder->Fetch(pre, true, call.deadline));
    fetched.push_back(std::move(one));
  }

  const std::string actor = DescribeCaller(call.caller);
  return CommitAndNotify(
      context_, call.deadline, [&](Transaction& tx) -> absl::Status {
        ASSIGN_OR_RETURN(v1::ReviewCase review_case,
                         EligibilityStore::GetReviewCase(tx, *id));
        if (review_case.etag() != etag) {
          return absl::AbortedError(
              "the case changed since it was read; read it again and retry "
              "with its etag");
        }
        if (review_case.state() != v1::ReviewCase::STATE_OPEN) {
          return absl::FailedPreconditionError(
              absl::StrCat(review_case.name(), " is already decided"));
        }
        const absl::Time now = absl::Now();
        const std::string before = eligibility::MessageHash(review_case);
        v1::ReviewDecision* decision = review_case.mutable_decision();
        decision->mutable_decided_by()->set_role(v1::CALLER_ROLE_IPA);
        decision->mutable_decided_by()->set_organisation(
            call.caller.organisation);
        decision->mutable_decided_by()->set_subject(call.caller.subject);
        *decision->mutable_decide_time() = ToTimestamp(now);
        decision->set_reason(reason);
        for (const std::string& revision : tally.low_revisions) {
          decision->add_counted_assessment_revisions(revision);
        }
        if (confirm) {
          ASSIGN_OR_RETURN(int64_t current,
                           EligibilityStore::CurrentListVersion(tx));
          if (current != list->version) {
            return absl::AbortedError(
                "the target list changed while deciding; retry");
          }
          *item.mutable_create_time() = ToTimestamp(now);
          RETURN_IF_ERROR(EligibilityStore::AddListVersion(
              tx, new_list->version, {item}, now));
          RETURN_IF_ERROR(AuditTrail::Append(
              tx,
              AuditRecord{actor, "AddTargetBusiness", item.name(), "",
                          eligibility::MessageHash(item)},
              now));
          decision->set_target_business(item.name());
          decision->set_list_version(new_list->version);
          review_case.set_state(v1::ReviewCase::STATE_CONFIRMED);
        } else {
          review_case.set_state(v1::ReviewCase::STATE_REJECTED);
        }
        eligibility::ApplyTally(tally, review_case);
        *review_case.mutable_update_time() = ToTimestamp(now);
        review_case.set_etag(eligibility::ReviewCaseEtag(review_case));
        RETURN_IF_ERROR(EligibilityStore::UpdateReviewCase(tx, review_case));
        RETURN_IF_ERROR(AuditTrail::Append(
            tx,
            AuditRecord{actor,
                        confirm ? "ConfirmReviewCase" : "RejectReviewCase",
                        review_case.name(), before,
                        eligibility::MessageHash(review_case)},
            now));
        for (size_t i = 0; i < linked.size(); ++i) {
          ASSIGN_OR_RETURN(
              v1::PreApplication pre,
              EligibilityStore::GetPreApplication(
                  tx, linked[i].name().substr(linked[i].name().find('/') + 1)));
          if (pre.state() != v1::PreApplication::STATE_ACTIVE) continue;
          const std::string pre_etag = pre.etag();
          RETURN_IF_ERROR(context_.recorder->Record(
              tx, pre, fetched[i],
              confirm ? v1::Judgement::TRIGGER_REVIEW_CASE_CONFIRMED
                      : v1::Judgement::TRIGGER_REVIEW_CASE_REJECTED,
              actor, now, /*always=*/false, new_list));
          if (pre.etag() != pre_etag) {
            RETURN_IF_ERROR(EligibilityStore::UpdatePreApplication(tx, pre));
          }
        }
        ASSIGN_OR_RETURN(*out, LoadVisible(tx, call, *id, now));
        return absl::OkStatus();
      });
}

}  // namespace ismap::liu
