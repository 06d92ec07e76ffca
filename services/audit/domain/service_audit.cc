// Report checks, and plans and coverage as API messages.
#include "services/audit/domain/service_audit.h"

#include <algorithm>
#include <set>
#include <string>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "services/audit/domain/audit_calendar.h"
#include "services/audit/domain/audit_time.h"
#include "services/audit/domain/internal_audit_planner.h"
#include "services/audit/domain/registration.h"
#include "services/common/field_violations.h"
#include "services/common/status_macros.h"

namespace ismap::liu::audit {
namespace {

// Last year a google.protobuf.Timestamp can express.
constexpr int64_t kLastCalendarYear = 9999;

// The day an audit period ending (exclusively) at `end` last covered.
absl::CivilDay LastDayBefore(const google::protobuf::Timestamp& end,
                             absl::TimeZone zone) {
  return DayOf(FromTimestamp(end) - absl::Nanoseconds(1), zone);
}

const std::string& TitleOf(const v1::ControlObjective& objective) {
  return objective.title().ja().empty() ? objective.title().en()
                                        : objective.title().ja();
}

// "access" for CRITICAL_AREA_ACCESS, and so on.
std::string AreaName(int area) {
  std::string name = v1::CriticalArea_Name(static_cast<v1::CriticalArea>(area));
  constexpr absl::string_view kPrefix = "CRITICAL_AREA_";
  if (absl::StartsWith(name, kPrefix)) name.erase(0, kPrefix.size());
  absl::AsciiStrToLower(&name);
  return name;
}

v1::TimeInterval IntervalOf(const AuditPeriod& period, absl::TimeZone zone) {
  const TimeRange range = RangeOf(period, zone);
  v1::TimeInterval interval;
  *interval.mutable_start_time() = ToTimestamp(range.start);
  *interval.mutable_end_time() = ToTimestamp(range.end);
  return interval;
}

// Adds violations of the report's audit period.
void CheckPeriod(const v1::InternalAuditReport& report, const AuditRules& rules,
                 absl::Time now, FieldViolations& violations) {
  if (!report.has_audit_period()) {
    violations.Add("audit_period", "is required: the period the audit covered");
    return;
  }
  const v1::TimeInterval& period = report.audit_period();
  bool valid = true;
  for (const auto& [field, timestamp, present] :
       {std::tuple<const char*, const google::protobuf::Timestamp*, bool>{
            "audit_period.start_time", &period.start_time(),
            period.has_start_time()},
        {"audit_period.end_time", &period.end_time(), period.has_end_time()}}) {
    if (!present) {
      violations.Add(field, "is required");
      valid = false;
    } else if (!IsValidTimestamp(*timestamp)) {
      violations.Add(field, "is not a valid timestamp");
      valid = false;
    }
  }
  if (!valid) return;
  const absl::Time start = FromTimestamp(period.start_time());
  const absl::Time end = FromTimestamp(period.end_time());
  if (end <= start) {
    violations.Add("audit_period.end_time", "must be after start_time");
    return;
  }
  if (end > now) {
    violations.Add("audit_period.end_time",
                   "is in the future: report an audit once its period ended");
  }
  const int max_months =
      rules.policy().internal_audit_report_period_max_months();
  const absl::CivilDay first_day = DayOf(start, rules.zone());
  const absl::CivilDay last_allowed = MonthsLater(first_day, max_months) - 1;
  if (LastDayBefore(period.end_time(), rules.zone()) > last_allowed) {
    violations.Add(
        "audit_period",
        absl::StrCat("is longer than ", max_months, " months: a period from ",
                     absl::FormatCivilTime(first_day), " ends on ",
                     absl::FormatCivilTime(last_allowed), " at the latest"));
  }
}

}  // namespace

absl::Status ValidateInternalAuditReport(const v1::InternalAuditReport& report,
                                         const ControlScope& scope,
                                         const AuditRules& rules,
                                         absl::Time now) {
  FieldViolations violations;
  CheckPeriod(report, rules, now, violations);

  const ControlCriteria& criteria = rules.criteria();
  if (report.audited_objectives().empty()) {
    violations.Add("audited_objectives",
                   "name at least one control objective the audit covered");
  }
  std::set<std::string> audited;
  for (int i = 0; i < report.audited_objectives_size(); ++i) {
    const std::string& id = report.audited_objectives(i);
    const std::string field = absl::StrCat("audited_objectives[", i, "]");
    const int index = criteria.IndexOf(id);
    if (index < 0) {
      violations.Add(field,
                     absl::StrCat("\"", id, "\" is not a control objective"));
    } else if (!scope.Contains(index)) {
      violations.Add(field, absl::StrCat("\"", id,
                                         "\" is excluded from the service's "
                                         "statement scope"));
    } else if (!audited.insert(id).second) {
      violations.Add(field, absl::StrCat("\"", id, "\" is listed twice"));
    }
  }
  for (int i = 0; i < report.findings_size(); ++i) {
    const v1::Finding& finding = report.findings(i);
    const std::string field = absl::StrCat("findings[", i, "]");
    if (audited.count(finding.objective_id()) == 0) {
      violations.Add(
          absl::StrCat(field, ".objective_id"),
          absl::StrCat("\"", finding.objective_id(),
                       "\" is not among the report's audited objectives"));
    }
    if (finding.severity() == v1::FINDING_SEVERITY_UNSPECIFIED ||
        !v1::FindingSeverity_IsValid(finding.severity())) {
      violations.Add(absl::StrCat(field, ".severity"),
                     "must be FINDING_SEVERITY_MINOR, _MODERATE or _SERIOUS");
    }
  }
  return violations.ToStatus();
}

struct ServiceAudit::Rotation {
  InternalAuditRotationPlan plan;
  // Objective id -> the report whose period last covered it.
  absl::flat_hash_map<std::string, const v1::InternalAuditReport*> last_report;
};

ServiceAudit::ServiceAudit(const AuditRules& rules,
                           const v1::CloudService& service,
                           std::unique_ptr<ControlScope> scope,
                           std::vector<v1::InternalAuditReport> reports)
    : rules_(&rules),
      name_(service.name()),
      registration_(
          DayOf(FromTimestamp(service.registration_time()), rules.zone())),
      scope_(std::move(scope)),
      reports_(std::move(reports)) {
  const ControlCriteria& criteria = rules.criteria();
  const auto known = [&](const std::string& id) {
    return criteria.IndexOf(id) >= 0;
  };
  // Incidents and findings count from when they were recorded: one recorded
  // in audit year y joins the plan of year y+1. Ids the catalog no longer
  // has cannot be in scope and are left out.
  for (const v1::Incident& incident : service.incidents()) {
    AuditTrigger& trigger = incidents_.emplace_back();
    trigger.source = incident.incident_id();
    trigger.date = DayOf(FromTimestamp(incident.record_time()), rules.zone());
    for (const std::string& id : incident.objectives()) {
      if (known(id)) trigger.objective_ids.push_back(id);
    }
  }
  const v1::FindingSeverity threshold =
      rules.policy().external_audit_finding_min_severity();
  for (const v1::InternalAuditReport& report : reports_) {
    AuditTrigger trigger;
    for (const v1::Finding& finding : report.findings()) {
      if (finding.severity() >= threshold && known(finding.objective_id())) {
        trigger.objective_ids.push_back(finding.objective_id());
      }
    }
    if (trigger.objective_ids.empty()) continue;
    trigger.source = report.name();
    trigger.date = DayOf(FromTimestamp(report.create_time()), rules.zone());
    findings_.push_back(std::move(trigger));
  }
}

absl::StatusOr<ServiceAudit> ServiceAudit::Create(
    const AuditRules& rules, const v1::CloudService& service,
    std::vector<v1::InternalAuditReport> reports) {
  if (!EverRegistered(service)) {
    return absl::FailedPreconditionError(
        absl::StrCat(service.name(), " has never been registered"));
  }
  absl::StatusOr<ControlScope> scope =
      ControlScope::Create(rules.criteria(), service.statement_scope());
  if (!scope.ok()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the statement scope of ", service.name(),
        " no longer fits the control catalog of the rules in force: ",
        scope.status().message()));
  }
  return ServiceAudit(rules, service,
                      std::make_unique<ControlScope>(*std::move(scope)),
                      std::move(reports));
}

int ServiceAudit::AuditYearAt(absl::Time now) const {
  const absl::StatusOr<int> year =
      AuditYearOf(registration_, DayOf(now, rules_->zone()),
                  rules_->policy().external_audit_period_max_months());
  return year.ok() ? std::max(*year, 1) : 1;
}

absl::StatusOr<v1::ExternalAuditPlan> ServiceAudit::ExternalPlan(
    int audit_year, absl::Time now) const {
  ASSIGN_OR_RETURN(
      const ExternalAuditPlanner planner,
      ExternalAuditPlanner::Create(*scope_, registration_, rules_->policy()));
  ASSIGN_OR_RETURN(const ExternalAuditPlan plan,
                   planner.Plan(audit_year, incidents_, findings_));
  if (plan.period.last_day.year() > kLastCalendarYear) {
    return absl::InvalidArgumentError(absl::StrCat(
        "audit year ", audit_year, " ends after the year ", kLastCalendarYear));
  }
  v1::ExternalAuditPlan out;
  out.set_name(absl::StrCat(name_, "/externalAuditPlans/", audit_year));
  out.set_audit_year(audit_year);
  *out.mutable_audit_period() = IntervalOf(plan.period, rules_->zone());
  out.set_cycle_years(plan.cycle_years);
  out.set_cycle_position(plan.cycle_position);
  for (const PlannedObjective& planned : plan.objectives) {
    v1::PlannedObjective* objective = out.add_objectives();
    objective->set_objective_id(planned.objective->id());
    objective->set_tier(planned.objective->tier());
    objective->set_title(TitleOf(*planned.objective));
    for (const v1::InclusionReason reason : planned.reasons) {
      objective->add_reasons(reason);
    }
    for (const int area : planned.objective->critical_areas()) {
      objective->add_critical_areas(AreaName(area));
    }
    for (const std::string& source : planned.incident_sources) {
      objective->add_incident_ids(source);
    }
    for (const std::string& source : planned.finding_sources) {
      objective->add_internal_audit_reports(source);
    }
  }
  // Its objectives are final once the previous year, whose incidents and
  // findings it takes in, is over: when its own period starts.
  out.set_provisional(now < RangeOf(plan.period, rules_->zone()).start);
  out.set_rules_version(rules_->version());
  *out.mutable_compute_time() = ToTimestamp(now);
  return out;
}

absl::StatusOr<ServiceAudit::Rotation> ServiceAudit::PlanRotation(
    absl::Time now) const {
  Rotation rotation;
  InternalAuditHistory history;
  // Per objective, the latest audit: by the period's end, then by when it
  // was recorded.
  absl::flat_hash_map<std::string, const v1::InternalAuditReport*> latest;
  const auto later = [](const v1::InternalAuditReport& a,
                        const v1::InternalAuditReport& b) {
    const absl::Time a_end = FromTimestamp(a.audit_period().end_time());
    const absl::Time b_end = FromTimestamp(b.audit_period().end_time());
    if (a_end != b_end) return a_end > b_end;
    return FromTimestamp(a.create_time()) > FromTimestamp(b.create_time());
  };
  for (const v1::InternalAuditReport& report : reports_) {
    const absl::CivilDay last_day =
        LastDayBefore(report.audit_period().end_time(), rules_->zone());
    for (const std::string& id : report.audited_objectives()) {
      history[id].push_back(last_day);
      const v1::InternalAuditReport*& found = latest[id];
      if (found == nullptr || later(report, *found)) found = &report;
    }
  }
  const RotationDates dates{
      registration_, std::max(registration_, DayOf(now, rules_->zone()))};
  ASSIGN_OR_RETURN(rotation.plan, rules_->rotation_planner().Plan(
                                      scope_->objectives(), history, dates));
  rotation.last_report = std::move(latest);
  return rotation;
}

absl::StatusOr<v1::InternalAuditPlan> ServiceAudit::InternalPlan(
    absl::Time now) const {
  ASSIGN_OR_RETURN(const Rotation rotation, PlanRotation(now));
  v1::InternalAuditPlan out;
  out.set_name(absl::StrCat(name_, "/internalAuditPlan"));
  out.set_rotation_years(rules_->policy().internal_audit_rotation_years());
  out.set_current_audit_year(rotation.plan.years.front().audit_year);
  for (const InternalAuditPlanYear& year : rotation.plan.years) {
    v1::InternalAuditPlanYear* out_year = out.add_years();
    out_year->set_audit_year(year.audit_year);
    *out_year->mutable_period() = IntervalOf(year.period, rules_->zone());
    for (const v1::ControlObjective* objective : year.objectives) {
      out_year->add_objectives(objective->id());
    }
  }
  out.set_reports_considered(static_cast<int32_t>(reports_.size()));
  out.set_rules_version(rules_->version());
  *out.mutable_compute_time() = ToTimestamp(now);
  return out;
}

absl::StatusOr<v1::Coverage> ServiceAudit::Coverage(absl::Time now) const {
  ASSIGN_OR_RETURN(const Rotation rotation, PlanRotation(now));
  v1::Coverage out;
  out.set_name(absl::StrCat(name_, "/coverage"));
  int counts[4] = {0, 0, 0, 0};
  for (const ObjectiveCoverage& coverage : rotation.plan.coverage) {
    v1::ObjectiveCoverage* objective = out.add_objectives();
    objective->set_objective_id(coverage.objective->id());
    objective->set_tier(coverage.objective->tier());
    objective->set_title(TitleOf(*coverage.objective));
    const auto last = rotation.last_report.find(coverage.objective->id());
    if (last != rotation.last_report.end()) {
      *objective->mutable_last_audit_time() =
          last->second->audit_period().end_time();
      objective->set_last_report(last->second->name());
    }
    *objective->mutable_next_due_time() =
        ToTimestamp(StartOfDay(coverage.next_due + 1, rules_->zone()));
    objective->set_status(coverage.status);
    objective->set_planned_audit_year(coverage.planned_audit_year);
    ++counts[coverage.status];
  }
  out.set_covered_count(counts[v1::COVERAGE_STATUS_COVERED]);
  out.set_due_this_year_count(counts[v1::COVERAGE_STATUS_DUE_THIS_YEAR]);
  out.set_overdue_count(counts[v1::COVERAGE_STATUS_OVERDUE]);
  out.set_rules_version(rules_->version());
  *out.mutable_compute_time() = ToTimestamp(now);
  return out;
}

}  // namespace ismap::liu::audit
