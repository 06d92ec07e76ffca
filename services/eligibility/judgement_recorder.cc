// Judging, recording judgements, opening and linking review cases, notifying.
#include "services/eligibility/judgement_recorder.h"

#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/util/message_differencer.h"
#include "google/protobuf/util/time_util.h"
#include "services/common/audit_trail/audit_trail.h"
#include "services/common/field_checks.h"
#include "services/common/status_macros.h"
#include "services/eligibility/domain/pre_application_judge.h"
#include "services/eligibility/eligibility_store.h"

namespace ismap::liu::eligibility {
namespace {

using google::protobuf::util::MessageDifferencer;
using google::protobuf::util::TimeUtil;
using storage::Database;
using storage::Transaction;

google::protobuf::Timestamp ToTimestamp(absl::Time time) {
  return TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(time));
}

std::string CaseId(absl::string_view name) {
  return std::string(name.substr(name.find('/') + 1));
}

// Whether two judgements say the same (ignoring name, trigger and time).
bool SameJudgement(const v1::Judgement& a, const v1::Judgement& b) {
  v1::Judgement x = a;
  v1::Judgement y = b;
  for (v1::Judgement* j : {&x, &y}) {
    j->clear_name();
    j->clear_trigger();
    j->clear_judge_time();
  }
  return MessageDifferencer::Equals(x, y);
}

// The outcome changes from `before` to `after`, or nothing if none changed.
std::optional<v1::Notification> OutcomeChange(const v1::Judgement& before,
                                              const v1::Judgement& after) {
  v1::Notification notification;
  notification.set_previous_outcome(before.overall_outcome());
  notification.set_new_outcome(after.overall_outcome());
  bool changed = before.overall_outcome() != after.overall_outcome();
  for (const v1::BusinessJudgement& now : after.businesses()) {
    v1::EligibilityOutcome previous = v1::ELIGIBILITY_OUTCOME_UNSPECIFIED;
    for (const v1::BusinessJudgement& then : before.businesses()) {
      if (then.business_id() == now.business_id()) previous = then.outcome();
    }
    if (previous == now.outcome()) continue;
    changed = true;
    v1::BusinessOutcomeChange* change = notification.add_business_changes();
    change->set_business_id(now.business_id());
    change->set_previous_outcome(previous);
    change->set_new_outcome(now.outcome());
  }
  if (!changed) return std::nullopt;
  return notification;
}

const char* TriggerAction(v1::Judgement::Trigger trigger) {
  switch (trigger) {
    case v1::Judgement::TRIGGER_CREATED:
      return "Judge:created";
    case v1::Judgement::TRIGGER_REEVALUATE_REQUESTED:
      return "Judge:reevaluate-requested";
    case v1::Judgement::TRIGGER_ASSESSMENT_CHANGED:
      return "Judge:assessment-changed";
    case v1::Judgement::TRIGGER_REVIEW_CASE_CONFIRMED:
      return "Judge:review-case-confirmed";
    case v1::Judgement::TRIGGER_REVIEW_CASE_REJECTED:
      return "Judge:review-case-rejected";
    default:
      return "Judge";
  }
}

}  // namespace

std::string PreApplicationEtag(const v1::PreApplication& pre) {
  v1::PreApplication copy = pre;
  copy.clear_etag();
  return MessageHash(copy).substr(0, 20);
}

std::string ReviewCaseEtag(const v1::ReviewCase& review_case) {
  v1::ReviewCase copy = review_case;
  copy.clear_etag();
  copy.clear_overdue();
  return MessageHash(copy).substr(0, 20);
}

absl::StatusOr<FetchedAssessments> JudgementRecorder::Fetch(
    const v1::PreApplication& pre, bool stored, absl::Time deadline) const {
  std::vector<std::string> cases;
  RETURN_IF_ERROR(database_->RunInTransaction(
      Database::Access::kReadOnly, deadline,
      [&](Transaction& tx) -> absl::Status {
        cases.clear();
        for (const v1::PreApplicationBusiness& business : pre.businesses()) {
          ASSIGN_OR_RETURN(std::optional<v1::ReviewCase> review_case,
                           EligibilityStore::FindReviewCaseByKey(
                               tx, BusinessKey(business.profile())));
          if (review_case.has_value()) cases.push_back(review_case->name());
        }
        return absl::OkStatus();
      }));
  FetchedAssessments fetched;
  if (stored) {
    ASSIGN_OR_RETURN(fetched.of_pre_application,
                     assessments_->ActiveAssessments(pre.name(), "", deadline));
  }
  for (const std::string& name : cases) {
    if (fetched.of_case.contains(name)) continue;
    ASSIGN_OR_RETURN(fetched.of_case[name],
                     assessments_->ActiveAssessments("", name, deadline));
  }
  return fetched;
}

absl::Status JudgementRecorder::Record(
    Transaction& tx, v1::PreApplication& pre, const FetchedAssessments& fetched,
    v1::Judgement::Trigger trigger, const std::string& actor, absl::Time now,
    bool always, std::shared_ptr<const TargetList> list) const {
  if (list == nullptr) {
    ASSIGN_OR_RETURN(list, lists_->Get(tx, 0));
  }
  const std::string pre_id = CaseId(pre.name());
  static const std::vector<v1::ImpactAssessment> kNone;
  std::vector<BusinessEvidence> evidence(pre.businesses_size());
  for (int i = 0; i < pre.businesses_size(); ++i) {
    const v1::PreApplicationBusiness& business = pre.businesses(i);
    BusinessEvidence& out = evidence[i];
    for (const v1::ImpactAssessment& assessment : fetched.of_pre_application) {
      if (assessment.pre_application_business().pre_application() ==
              pre.name() &&
          assessment.pre_application_business().business_id() ==
              business.business_id()) {
        out.business_assessments.push_back(&assessment);
      }
    }
    const std::string key = BusinessKey(business.profile());
    ASSIGN_OR_RETURN(std::optional<v1::ReviewCase> review_case,
                     EligibilityStore::FindReviewCaseByKey(tx, key));
    const bool listed =
        list->matcher.Evaluate(business.profile()).matched_item.has_value();
    if (!review_case.has_value() && listed) continue;
    if (!review_case.has_value()) {
      v1::ReviewCase opened;
      opened.set_name(absl::StrCat("reviewCases/", NewResourceId()));
      *opened.mutable_business() = business.profile();
      opened.set_business_key(key);
      opened.set_state(v1::ReviewCase::STATE_OPEN);
      *opened.mutable_due_time() = ToTimestamp(
          now + absl::Hours(24) * review_policy_->processing_period_days());
      opened.set_required_distinct_ministries(
          review_policy_->required_distinct_ministries());
      opened.set_rules_version(rules_version_);
      *opened.mutable_create_time() = ToTimestamp(now);
      *opened.mutable_update_time() = ToTimestamp(now);
      opened.set_etag(ReviewCaseEtag(opened));
      RETURN_IF_ERROR(EligibilityStore::InsertReviewCase(tx, opened));
      RETURN_IF_ERROR(
          AuditTrail::Append(tx,
                             AuditRecord{actor, "OpenReviewCase", opened.name(),
                                         "", MessageHash(opened)},
                             now));
      review_case = std::move(opened);
    }
    bool linked = false;
    for (const v1::BusinessRef& ref : review_case->linked_businesses()) {
      linked = linked || (ref.pre_application() == pre.name() &&
                          ref.business_id() == business.business_id());
    }
    if (!linked) {
      const std::string before = MessageHash(*review_case);
      v1::BusinessRef* ref = review_case->add_linked_businesses();
      ref->set_pre_application(pre.name());
      ref->set_business_id(business.business_id());
      *review_case->mutable_update_time() = ToTimestamp(now);
      review_case->set_etag(ReviewCaseEtag(*review_case));
      RETURN_IF_ERROR(EligibilityStore::UpdateReviewCase(tx, *review_case));
      RETURN_IF_ERROR(EligibilityStore::LinkCase(
          tx, CaseId(review_case->name()), pre_id, pre.csp()));
      RETURN_IF_ERROR(AuditTrail::Append(
          tx,
          AuditRecord{actor, "LinkReviewCase", review_case->name(), before,
                      MessageHash(*review_case)},
          now));
    }
    out.review_case = CaseStatus{review_case->name(), review_case->state()};
    auto it = fetched.of_case.find(review_case->name());
    for (const v1::ImpactAssessment& assessment :
         it == fetched.of_case.end() ? kNone : it->second) {
      out.case_assessments.push_back(&assessment);
    }
  }

  v1::Judgement judgement = Judge(pre, evidence, list->matcher);
  judgement.set_trigger(trigger);
  judgement.set_rules_version(rules_version_);
  judgement.set_list_version(list->version);
  *judgement.mutable_judge_time() = ToTimestamp(now);
  if (!always && pre.has_judgement() &&
      SameJudgement(pre.judgement(), judgement)) {
    return absl::OkStatus();
  }
  ASSIGN_OR_RETURN(int64_t number,
                   EligibilityStore::NextJudgementNumber(tx, pre_id));
  judgement.set_name(absl::StrCat(pre.name(), "/judgements/", number));
  RETURN_IF_ERROR(
      EligibilityStore::InsertJudgement(tx, pre_id, number, judgement));
  RETURN_IF_ERROR(AuditTrail::Append(
      tx,
      AuditRecord{actor, TriggerAction(trigger), judgement.name(),
                  pre.has_judgement() ? MessageHash(pre.judgement()) : "",
                  MessageHash(judgement)},
      now));
  if (std::optional<v1::Notification> notification =
          OutcomeChange(pre.judgement(), judgement)) {
    notification->set_pre_application(pre.name());
    notification->set_judgement(judgement.name());
    const v1::LocalizedText before =
        OutcomeText(pre.judgement().overall_outcome());
    const v1::LocalizedText after = OutcomeText(judgement.overall_outcome());
    notification->mutable_summary()->set_ja(
        absl::StrCat(pre.service_name(), "の事前申請の判断結果: ", before.ja(),
                     " → ", after.ja(), "。", judgement.summary().ja()));
    notification->mutable_summary()->set_en(absl::StrCat(
        "Pre-application for ", pre.service_name(), ": ", before.en(), " → ",
        after.en(), ". ", judgement.summary().en()));
    *notification->mutable_notify_time() = ToTimestamp(now);
    RETURN_IF_ERROR(EligibilityStore::AppendNotification(tx, pre_id, pre.csp(),
                                                         *notification));
  }
  *pre.mutable_judgement() = std::move(judgement);
  *pre.mutable_update_time() = ToTimestamp(now);
  pre.set_etag(PreApplicationEtag(pre));
  return absl::OkStatus();
}

absl::Status JudgementRecorder::Rejudge(const std::string& id,
                                        v1::Judgement::Trigger trigger,
                                        const std::string& actor,
                                        absl::Time deadline) const {
  absl::Status status;
  for (int attempt = 0; attempt < 2; ++attempt) {
    v1::PreApplication pre;
    RETURN_IF_ERROR(database_->RunInTransaction(
        Database::Access::kReadOnly, deadline,
        [&](Transaction& tx) -> absl::Status {
          ASSIGN_OR_RETURN(pre, EligibilityStore::GetPreApplication(tx, id));
          return absl::OkStatus();
        }));
    if (pre.state() != v1::PreApplication::STATE_ACTIVE) {
      return absl::OkStatus();
    }
    ASSIGN_OR_RETURN(FetchedAssessments fetched, Fetch(pre, true, deadline));
    status = database_->RunInTransaction(
        Database::Access::kReadWrite, deadline,
        [&](Transaction& tx) -> absl::Status {
          ASSIGN_OR_RETURN(v1::PreApplication current,
                           EligibilityStore::GetPreApplication(tx, id));
          if (current.state() != v1::PreApplication::STATE_ACTIVE) {
            return absl::OkStatus();
          }
          if (current.etag() != pre.etag()) {
            return absl::AbortedError("changed while fetching assessments");
          }
          const std::string etag = current.etag();
          RETURN_IF_ERROR(
              Record(tx, current, fetched, trigger, actor, absl::Now(), false));
          if (current.etag() == etag) return absl::OkStatus();
          return EligibilityStore::UpdatePreApplication(tx, current);
        });
    if (status.ok()) notifier_->Notify();
    if (!absl::IsAborted(status)) return status;
  }
  return status;
}

}  // namespace ismap::liu::eligibility
