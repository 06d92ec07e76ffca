// The pre-application judgement.
#include "services/eligibility/domain/pre_application_judge.h"

#include <algorithm>
#include <array>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace ismap::liu::eligibility {
namespace {

v1::LocalizedText Text(std::string ja, std::string en) {
  v1::LocalizedText text;
  text.set_ja(std::move(ja));
  text.set_en(std::move(en));
  return text;
}

struct ObjectiveName {
  v1::SecurityObjective objective;
  const char* ja;
  const char* en;
};
constexpr std::array<ObjectiveName, 3> kObjectives = {{
    {v1::SECURITY_OBJECTIVE_CONFIDENTIALITY, "機密性", "confidentiality"},
    {v1::SECURITY_OBJECTIVE_INTEGRITY, "完全性", "integrity"},
    {v1::SECURITY_OBJECTIVE_AVAILABILITY, "可用性", "availability"},
}};

v1::ImpactLevel LevelOf(const v1::LevelTriple& levels,
                        v1::SecurityObjective objective) {
  switch (objective) {
    case v1::SECURITY_OBJECTIVE_CONFIDENTIALITY:
      return levels.confidentiality();
    case v1::SECURITY_OBJECTIVE_INTEGRITY:
      return levels.integrity();
    case v1::SECURITY_OBJECTIVE_AVAILABILITY:
      return levels.availability();
    default:
      return v1::IMPACT_LEVEL_UNSPECIFIED;
  }
}

v1::LocalizedText LevelText(v1::ImpactLevel level) {
  switch (level) {
    case v1::IMPACT_LEVEL_LOW:
      return Text("低位", "LOW");
    case v1::IMPACT_LEVEL_MODERATE:
      return Text("中位", "MODERATE");
    case v1::IMPACT_LEVEL_HIGH:
      return Text("高位", "HIGH");
    default:
      return Text("未評価", "unrated");
  }
}

// The assessment in force for `ministry`: its own of the business, else its
// own of the business's review case.
const v1::ImpactAssessment* InForce(const BusinessEvidence& evidence,
                                    const std::string& ministry) {
  for (const auto* list :
       {&evidence.business_assessments, &evidence.case_assessments}) {
    for (const v1::ImpactAssessment* assessment : *list) {
      if (assessment->ministry() == ministry) return assessment;
    }
  }
  return nullptr;
}

// Judges a business that matched `item`.
void JudgeListed(const v1::PreApplicationBusiness& business,
                 const BusinessEvidence& evidence, const std::string& item,
                 v1::BusinessJudgement& out,
                 std::vector<std::string>& revisions_used) {
  v1::JudgementReason* matched = out.add_reasons();
  matched->set_kind(v1::JudgementReason::KIND_MATCHED_TARGET_BUSINESS);
  matched->set_target_business(item);
  *matched->mutable_text() =
      Text(absl::StrCat("対象業務一覧の", item, "に該当します。"),
           absl::StrCat("The business matches ", item,
                        " of the target-business list."));
  bool not_low = false;
  for (const std::string& ministry : business.ministries()) {
    const v1::ImpactAssessment* assessment = InForce(evidence, ministry);
    if (assessment == nullptr) {
      out.add_waiting_for_ministries(ministry);
      v1::JudgementReason* reason = out.add_reasons();
      reason->set_kind(v1::JudgementReason::KIND_ASSESSMENT_MISSING);
      reason->set_ministry(ministry);
      *reason->mutable_text() =
          Text(absl::StrCat(ministry, "の影響度評価が提出されていません。"),
               absl::StrCat(ministry, " has no impact assessment in force."));
      continue;
    }
    const std::string revision = CurrentRevisionName(*assessment);
    revisions_used.push_back(revision);
    if (assessment->all_low()) {
      v1::JudgementReason* reason = out.add_reasons();
      reason->set_kind(v1::JudgementReason::KIND_ASSESSMENT_ALL_LOW);
      reason->set_ministry(ministry);
      reason->set_impact_assessment_revision(revision);
      *reason->mutable_text() =
          Text(absl::StrCat(
                   ministry,
                   "の影響度評価は機密性・完全性・可用性のすべてが低位です。"),
               absl::StrCat(ministry,
                            " rates confidentiality, integrity and "
                            "availability all LOW."));
      continue;
    }
    not_low = true;
    for (const v1::InformationRating& rating :
         assessment->information_ratings()) {
      for (const ObjectiveName& objective : kObjectives) {
        const v1::ImpactLevel level =
            LevelOf(rating.levels(), objective.objective);
        if (level == v1::IMPACT_LEVEL_LOW) continue;
        const v1::LocalizedText level_text = LevelText(level);
        v1::JudgementReason* reason = out.add_reasons();
        reason->set_kind(v1::JudgementReason::KIND_ASSESSMENT_NOT_LOW);
        reason->set_ministry(ministry);
        reason->set_information_kind(rating.information_kind());
        reason->set_objective(objective.objective);
        reason->set_level(level);
        reason->set_impact_assessment_revision(revision);
        *reason->mutable_text() = Text(
            absl::StrCat(ministry, "は情報「", rating.information_kind(),
                         "」の", objective.ja, "を", level_text.ja(),
                         "と評価しています。"),
            absl::StrCat(ministry, " rates the ", objective.en, " of ",
                         rating.information_kind(), " ", level_text.en(), "."));
      }
    }
  }
  out.set_outcome(not_low ? v1::ELIGIBILITY_OUTCOME_NOT_ELIGIBLE
                  : out.waiting_for_ministries().empty()
                      ? v1::ELIGIBILITY_OUTCOME_ELIGIBLE
                      : v1::ELIGIBILITY_OUTCOME_WAITING_FOR_ASSESSMENT);
}

// Judges a business that matched no item.
void JudgeUnlisted(const BusinessEvidence& evidence, ListEvaluation evaluation,
                   v1::BusinessJudgement& out) {
  v1::JudgementReason* unlisted = out.add_reasons();
  unlisted->set_kind(v1::JudgementReason::KIND_NOT_ON_TARGET_LIST);
  *unlisted->mutable_text() =
      Text("対象業務一覧のいずれの項目にも該当しません（要検討業務）。",
           "The business matches no item of the target-business list "
           "(needs review).");
  for (v1::ItemEvaluation& item : evaluation.items) {
    *out.add_item_evaluations() = std::move(item);
  }
  out.set_outcome(v1::ELIGIBILITY_OUTCOME_NEEDS_REVIEW);
  if (!evidence.review_case.has_value()) return;
  const CaseStatus& review_case = *evidence.review_case;
  out.set_review_case(review_case.name);
  if (review_case.state == v1::ReviewCase::STATE_REJECTED) {
    out.set_outcome(v1::ELIGIBILITY_OUTCOME_NOT_ELIGIBLE);
    v1::JudgementReason* reason = out.add_reasons();
    reason->set_kind(v1::JudgementReason::KIND_REVIEW_CASE_REJECTED);
    reason->set_review_case(review_case.name);
    *reason->mutable_text() =
        Text(absl::StrCat("要検討業務", review_case.name, "は却下されました。"),
             absl::StrCat("Review case ", review_case.name, " was rejected."));
  } else {
    v1::JudgementReason* reason = out.add_reasons();
    reason->set_kind(v1::JudgementReason::KIND_REVIEW_CASE_OPEN);
    reason->set_review_case(review_case.name);
    *reason->mutable_text() = Text(
        absl::StrCat("要検討業務", review_case.name,
                     "として複数省庁の影響度評価とIPAの確認を待っています。"),
        absl::StrCat("Review case ", review_case.name,
                     " awaits the assessments of several ministries and "
                     "IPA's decision."));
  }
}

int Precedence(v1::EligibilityOutcome outcome) {
  switch (outcome) {
    case v1::ELIGIBILITY_OUTCOME_NOT_ELIGIBLE:
      return 3;
    case v1::ELIGIBILITY_OUTCOME_NEEDS_REVIEW:
      return 2;
    case v1::ELIGIBILITY_OUTCOME_WAITING_FOR_ASSESSMENT:
      return 1;
    default:
      return 0;
  }
}

}  // namespace

std::string BusinessKey(const v1::BusinessProfile& profile) {
  std::vector<std::string> kinds(profile.information_kinds().begin(),
                                 profile.information_kinds().end());
  std::vector<std::string> facts(profile.facts().begin(),
                                 profile.facts().end());
  std::sort(kinds.begin(), kinds.end());
  std::sort(facts.begin(), facts.end());
  return absl::StrCat("kinds=", absl::StrJoin(kinds, ","),
                      ";facts=", absl::StrJoin(facts, ","));
}

std::string CurrentRevisionName(const v1::ImpactAssessment& assessment) {
  return absl::StrCat(assessment.name(), "/revisions/", assessment.revision());
}

v1::LocalizedText OutcomeText(v1::EligibilityOutcome outcome) {
  switch (outcome) {
    case v1::ELIGIBILITY_OUTCOME_ELIGIBLE:
      return Text("LIU対象", "eligible");
    case v1::ELIGIBILITY_OUTCOME_NOT_ELIGIBLE:
      return Text("LIU対象外", "not eligible");
    case v1::ELIGIBILITY_OUTCOME_WAITING_FOR_ASSESSMENT:
      return Text("影響度評価待ち", "waiting for assessments");
    case v1::ELIGIBILITY_OUTCOME_NEEDS_REVIEW:
      return Text("要検討業務", "needs review");
    default:
      return Text("未判断", "not judged");
  }
}

v1::Judgement Judge(const v1::PreApplication& pre_application,
                    const std::vector<BusinessEvidence>& evidence,
                    const TargetListMatcher& matcher) {
  v1::Judgement judgement;
  std::vector<std::string> revisions_used;
  v1::EligibilityOutcome overall = v1::ELIGIBILITY_OUTCOME_ELIGIBLE;
  int counts[5] = {0, 0, 0, 0, 0};
  for (int i = 0; i < pre_application.businesses_size(); ++i) {
    const v1::PreApplicationBusiness& business = pre_application.businesses(i);
    v1::BusinessJudgement* out = judgement.add_businesses();
    out->set_business_id(business.business_id());
    ListEvaluation evaluation = matcher.Evaluate(business.profile());
    const std::string& claimed = business.profile().claimed_target_business();
    std::string item;
    for (const v1::ItemEvaluation& candidate : evaluation.items) {
      if (!candidate.matched()) continue;
      if (item.empty() || candidate.target_business() == claimed) {
        item = candidate.target_business();
      }
      if (item == claimed) break;
    }
    if (item.empty()) {
      JudgeUnlisted(evidence[i], std::move(evaluation), *out);
    } else {
      out->set_matched_target_business(item);
      out->set_claimed_item_matched(!claimed.empty() && item == claimed);
      JudgeListed(business, evidence[i], item, *out, revisions_used);
    }
    ++counts[out->outcome()];
    if (Precedence(out->outcome()) > Precedence(overall)) {
      overall = out->outcome();
    }
  }
  judgement.set_overall_outcome(overall);
  absl::flat_hash_set<std::string> seen;
  for (std::string& revision : revisions_used) {
    if (seen.insert(revision).second) {
      judgement.add_assessment_revisions(std::move(revision));
    }
  }
  const v1::LocalizedText overall_text = OutcomeText(overall);
  *judgement.mutable_summary() = Text(
      absl::StrCat("総合判断: ", overall_text.ja(), "（業務",
                   pre_application.businesses_size(), "件: LIU対象",
                   counts[v1::ELIGIBILITY_OUTCOME_ELIGIBLE], "件、対象外",
                   counts[v1::ELIGIBILITY_OUTCOME_NOT_ELIGIBLE], "件、評価待ち",
                   counts[v1::ELIGIBILITY_OUTCOME_WAITING_FOR_ASSESSMENT],
                   "件、要検討", counts[v1::ELIGIBILITY_OUTCOME_NEEDS_REVIEW],
                   "件）"),
      absl::StrCat("Overall: ", overall_text.en(), " (",
                   pre_application.businesses_size(),
                   " businesses: ", counts[v1::ELIGIBILITY_OUTCOME_ELIGIBLE],
                   " eligible, ", counts[v1::ELIGIBILITY_OUTCOME_NOT_ELIGIBLE],
                   " not eligible, ",
                   counts[v1::ELIGIBILITY_OUTCOME_WAITING_FOR_ASSESSMENT],
                   " waiting, ", counts[v1::ELIGIBILITY_OUTCOME_NEEDS_REVIEW],
                   " needing review)"));
  return judgement;
}

}  // namespace ismap::liu::eligibility
