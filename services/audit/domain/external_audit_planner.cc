// External-audit plans: governance and management every year, critical
// controls in rotation, objectives pulled in by incidents and findings.
#include "services/audit/domain/external_audit_planner.h"

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/common/status_macros.h"

namespace ismap::liu::audit {
namespace {

// An in-scope objective touched by an incident or finding that counts for
// the plan being made.
struct Pull {
  int position;  // In the scope's objectives().
  bool finding;  // A finding, or else an incident.
  const std::string* source;
};

void AddOnce(std::vector<std::string>& sources, const std::string& source) {
  if (std::find(sources.begin(), sources.end(), source) == sources.end()) {
    sources.push_back(source);
  }
}

}  // namespace

ExternalAuditPlanner::ExternalAuditPlanner(const ControlScope& scope,
                                           absl::CivilDay registration,
                                           int cycle_years, int period_months)
    : scope_(&scope),
      registration_(registration),
      cycle_years_(cycle_years),
      period_months_(period_months) {
  int critical_seen = 0;
  for (const v1::ControlObjective* objective : scope.objectives()) {
    rotation_positions_.push_back(
        IsCriticalControl(*objective) ? critical_seen++ % cycle_years + 1 : 0);
  }
  const int criteria_size =
      static_cast<int>(scope.criteria().objectives().size());
  int position = 0;
  for (int index = 0; index < criteria_size; ++index) {
    scope_positions_.push_back(scope.Contains(index) ? position++ : -1);
  }
}

absl::StatusOr<ExternalAuditPlanner> ExternalAuditPlanner::Create(
    const ControlScope& scope, absl::CivilDay registration,
    const v1::AuditPolicy& policy) {
  std::vector<std::string> problems;
  if (policy.external_audit_cycle_years() < 1) {
    problems.push_back(absl::StrCat("external_audit_cycle_years: must be at ",
                                    "least 1, is ",
                                    policy.external_audit_cycle_years()));
  }
  const int months = policy.external_audit_period_max_months();
  if (months < 1 || months > 12) {
    problems.push_back(absl::StrCat(
        "external_audit_period_max_months: must be 1 to 12, is ", months));
  }
  if (!problems.empty()) {
    return absl::InvalidArgumentError(absl::StrJoin(problems, "; "));
  }
  return ExternalAuditPlanner(scope, registration,
                              policy.external_audit_cycle_years(), months);
}

absl::StatusOr<ExternalAuditPlan> ExternalAuditPlanner::Plan(
    int audit_year, absl::Span<const AuditTrigger> incidents,
    absl::Span<const AuditTrigger> findings) const {
  ExternalAuditPlan plan;
  ASSIGN_OR_RETURN(plan.period,
                   AuditPeriodOf(registration_, audit_year, period_months_));
  plan.audit_year = audit_year;
  plan.cycle_years = cycle_years_;
  plan.cycle_position = (audit_year - 1) % cycle_years_ + 1;

  std::optional<AuditPeriod> previous;
  if (audit_year > 1) {
    ASSIGN_OR_RETURN(
        previous, AuditPeriodOf(registration_, audit_year - 1, period_months_));
  }
  // Incidents first, then findings, each in input order.
  std::vector<Pull> pulls;
  std::vector<std::string> problems;
  for (const bool finding : {false, true}) {
    const absl::Span<const AuditTrigger> triggers =
        finding ? findings : incidents;
    for (size_t t = 0; t < triggers.size(); ++t) {
      const AuditTrigger& trigger = triggers[t];
      const bool counts = previous.has_value() &&
                          previous->first_day <= trigger.date &&
                          trigger.date <= previous->last_day;
      for (size_t k = 0; k < trigger.objective_ids.size(); ++k) {
        const int index = scope_->criteria().IndexOf(trigger.objective_ids[k]);
        if (index < 0) {
          problems.push_back(absl::StrCat(finding ? "findings" : "incidents",
                                          "[", t, "].objective_ids[", k,
                                          "]: \"", trigger.objective_ids[k],
                                          "\" is not a control objective"));
        } else if (counts && scope_positions_[index] >= 0) {
          pulls.push_back({scope_positions_[index], finding, &trigger.source});
        }
      }
    }
  }
  if (!problems.empty()) {
    return absl::InvalidArgumentError(absl::StrJoin(problems, "; "));
  }
  std::stable_sort(
      pulls.begin(), pulls.end(),
      [](const Pull& a, const Pull& b) { return a.position < b.position; });

  const std::vector<const v1::ControlObjective*>& objectives =
      scope_->objectives();
  plan.objectives.reserve(objectives.size());
  auto pull = pulls.begin();
  for (int i = 0; i < static_cast<int>(objectives.size()); ++i) {
    const bool every_year = objectives[i]->tier() != v1::CONTROL_TIER_CONTROLS;
    const bool rotation = rotation_positions_[i] == plan.cycle_position;
    const bool pulled = pull != pulls.end() && pull->position == i;
    if (!every_year && !rotation && !pulled) continue;
    PlannedObjective& planned = plan.objectives.emplace_back();
    planned.objective = objectives[i];
    for (; pull != pulls.end() && pull->position == i; ++pull) {
      AddOnce(
          pull->finding ? planned.finding_sources : planned.incident_sources,
          *pull->source);
    }
    if (every_year) {
      planned.reasons.push_back(
          v1::INCLUSION_REASON_GOVERNANCE_MANAGEMENT_EVERY_YEAR);
    }
    if (rotation) {
      planned.reasons.push_back(v1::INCLUSION_REASON_CRITICAL_ROTATION);
    }
    if (!planned.incident_sources.empty()) {
      planned.reasons.push_back(v1::INCLUSION_REASON_PULLED_IN_BY_INCIDENT);
    }
    if (!planned.finding_sources.empty()) {
      planned.reasons.push_back(v1::INCLUSION_REASON_PULLED_IN_BY_FINDING);
    }
  }
  return plan;
}

}  // namespace ismap::liu::audit
