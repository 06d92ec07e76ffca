// One registered service's audit side: the checks of an internal-audit
// report, and the external plan, internal rotation and coverage as the API
// returns them, in the calendar of the rules' time zone.
#include "services/audit/domain/service_audit.h"

#include <set>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/audit/domain/audit_time.h"
#include "services/audit/domain/registration.h"
#include "services/common/field_violations.h"
#include "tests/audit/domain/audit_domain_testing.h"

namespace ismap::liu::audit {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Not;
using testing::RepositoryCatalog;

v1::AuditPolicy Policy() {
  v1::AuditPolicy policy;
  policy.set_external_audit_cycle_years(3);
  policy.set_external_audit_period_max_months(12);
  policy.set_internal_audit_rotation_years(3);
  policy.set_registration_hold_grace_months(1);
  policy.set_calendar_time_zone("Asia/Tokyo");
  policy.set_external_audit_finding_min_severity(v1::FINDING_SEVERITY_MODERATE);
  policy.set_internal_audit_report_period_max_months(12);
  return policy;
}

class ServiceAuditTest : public ::testing::Test {
 protected:
  ServiceAuditTest()
      : policy_(Policy()),
        rules_(*AuditRules::Create(RepositoryCatalog(), policy_, "rules-v1")) {}

  absl::Time At(int year, int month, int day, int hour = 0) const {
    return absl::FromCivil(absl::CivilHour(year, month, day, hour),
                           rules_.zone());
  }

  // A service registered at 10:00 Tokyo time on 1 April 2025, with
  // 14.2.7 excluded.
  v1::CloudService Registered() const {
    v1::StatementScope statement;
    v1::ObjectiveExclusion* exclusion = statement.add_excluded_objectives();
    exclusion->set_objective_id("14.2.7");
    exclusion->set_reason("開発を行わない");
    const ControlScope scope =
        *ControlScope::Create(rules_.criteria(), statement);
    v1::Actor ipa;
    ipa.set_role(v1::CALLER_ROLE_IPA);
    return DecideFirst(FirstDecision::kRegister, "services/s1",
                       {"preApplications/p1", "csps/example-saas", "SaaS", ""},
                       &scope, {ipa, At(2025, 4, 1, 10), "", "rules-v1"},
                       absl::Time());
  }

  v1::InternalAuditReport Report(const std::string& id, absl::Time start,
                                 absl::Time end, absl::Time recorded,
                                 const std::vector<std::string>& objectives) {
    v1::InternalAuditReport report;
    report.set_name("services/s1/internalAuditReports/" + id);
    *report.mutable_audit_period()->mutable_start_time() = ToTimestamp(start);
    *report.mutable_audit_period()->mutable_end_time() = ToTimestamp(end);
    for (const std::string& objective : objectives) {
      report.add_audited_objectives(objective);
    }
    *report.mutable_create_time() = ToTimestamp(recorded);
    return report;
  }

  std::vector<std::string> Fields(const absl::Status& status) {
    std::vector<std::string> fields;
    for (const v1::FieldViolation& violation : FieldViolationsOf(status)) {
      fields.push_back(violation.field());
    }
    return fields;
  }

  const v1::PlannedObjective* Find(const v1::ExternalAuditPlan& plan,
                                   const std::string& id) {
    for (const v1::PlannedObjective& objective : plan.objectives()) {
      if (objective.objective_id() == id) return &objective;
    }
    return nullptr;
  }

  v1::AuditPolicy policy_;
  AuditRules rules_;
};

TEST_F(ServiceAuditTest, RulesRefuseAnUnknownTimeZoneAndUnsetSeverity) {
  v1::AuditPolicy policy = Policy();
  policy.set_calendar_time_zone("Asia/Atlantis");
  policy.clear_external_audit_finding_min_severity();
  const absl::StatusOr<AuditRules> rules =
      AuditRules::Create(RepositoryCatalog(), policy, "v");
  EXPECT_THAT(Fields(rules.status()),
              ElementsAre("audit_policy.external_audit_finding_min_severity",
                          "audit_policy.calendar_time_zone"));
}

TEST_F(ServiceAuditTest, AGoodReportPassesAndABadOneIsRefusedInFull) {
  const v1::CloudService service = Registered();
  const ControlScope scope =
      *ControlScope::Create(rules_.criteria(), service.statement_scope());
  const absl::Time now = At(2025, 6, 1, 12);

  v1::InternalAuditReport good =
      Report("r", At(2024, 4, 1), At(2025, 4, 1), now, {"5.1.1", "9.2.1"});
  v1::Finding* finding = good.add_findings();
  finding->set_objective_id("9.2.1");
  finding->set_severity(v1::FINDING_SEVERITY_MINOR);
  finding->set_description("権限見直しの記録が一部欠落");
  EXPECT_TRUE(ValidateInternalAuditReport(good, scope, rules_, now).ok());
  // Exactly twelve months of days is the longest period.
  v1::InternalAuditReport longest =
      Report("r", At(2024, 4, 1, 9), At(2025, 4, 1), now, {"5.1.1"});
  EXPECT_TRUE(ValidateInternalAuditReport(longest, scope, rules_, now).ok());
  *longest.mutable_audit_period()->mutable_end_time() =
      ToTimestamp(At(2025, 4, 1, 1));
  EXPECT_THAT(Fields(ValidateInternalAuditReport(longest, scope, rules_, now)),
              ElementsAre("audit_period"));

  v1::InternalAuditReport bad = Report("r", At(2025, 5, 1), At(2025, 6, 2), now,
                                       {"5.1.1", "14.2.7", "99.1.1", "5.1.1"});
  v1::Finding* outside = bad.add_findings();
  outside->set_objective_id("9.2.1");
  outside->set_severity(v1::FINDING_SEVERITY_UNSPECIFIED);
  bad.add_findings()->set_objective_id("5.1.1");
  bad.mutable_findings(1)->set_severity(v1::FINDING_SEVERITY_SERIOUS);
  const absl::Status status =
      ValidateInternalAuditReport(bad, scope, rules_, now);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Fields(status),
              ElementsAre("audit_period.end_time", "audited_objectives[1]",
                          "audited_objectives[2]", "audited_objectives[3]",
                          "findings[0].objective_id", "findings[0].severity"));

  v1::InternalAuditReport reversed =
      Report("r", At(2025, 5, 1), At(2025, 4, 1), now, {});
  EXPECT_THAT(Fields(ValidateInternalAuditReport(reversed, scope, rules_, now)),
              ElementsAre("audit_period.end_time", "audited_objectives"));
  v1::InternalAuditReport missing;
  missing.add_audited_objectives("5.1.1");
  EXPECT_THAT(Fields(ValidateInternalAuditReport(missing, scope, rules_, now)),
              ElementsAre("audit_period"));
  missing.mutable_audit_period()->mutable_start_time()->set_seconds(int64_t{1}
                                                                    << 40);
  EXPECT_THAT(Fields(ValidateInternalAuditReport(missing, scope, rules_, now)),
              ElementsAre("audit_period.start_time", "audit_period.end_time"));
}

TEST_F(ServiceAuditTest, PlansNeedARegistration) {
  v1::CloudService held = Registered();
  held.clear_registration_time();
  held.set_state(v1::CloudService::STATE_HELD);
  EXPECT_EQ(ServiceAudit::Create(rules_, held, {}).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST_F(ServiceAuditTest, ExternalPlansFollowTheCalendarAndPullInTriggers) {
  v1::CloudService service = Registered();
  // An incident recorded in audit year 1 (which ends 31 March 2026).
  v1::Incident* incident = service.add_incidents();
  incident->set_incident_id("1");
  incident->add_objectives("5.1.1");
  incident->add_objectives("14.2.7");  // Excluded: never planned.
  *incident->mutable_record_time() = ToTimestamp(At(2026, 3, 31, 23));
  // Findings recorded in year 1: a moderate one pulls 6.1.1 in, a minor one
  // does not pull 6.1.2 in.
  v1::InternalAuditReport report = Report("r1", At(2025, 1, 1), At(2025, 7, 1),
                                          At(2025, 8, 1), {"6.1.1", "6.1.2"});
  v1::Finding* moderate = report.add_findings();
  moderate->set_objective_id("6.1.1");
  moderate->set_severity(v1::FINDING_SEVERITY_MODERATE);
  v1::Finding* minor = report.add_findings();
  minor->set_objective_id("6.1.2");
  minor->set_severity(v1::FINDING_SEVERITY_MINOR);
  const ServiceAudit service_audit =
      *ServiceAudit::Create(rules_, service, {report});

  const absl::Time now = At(2025, 9, 1);
  EXPECT_EQ(service_audit.AuditYearAt(now), 1);
  EXPECT_EQ(service_audit.AuditYearAt(At(2026, 4, 1)), 2);
  const v1::ExternalAuditPlan year1 = *service_audit.ExternalPlan(1, now);
  EXPECT_EQ(year1.name(), "services/s1/externalAuditPlans/1");
  EXPECT_EQ(FromTimestamp(year1.audit_period().start_time()), At(2025, 4, 1));
  EXPECT_EQ(FromTimestamp(year1.audit_period().end_time()), At(2026, 4, 1));
  EXPECT_FALSE(year1.provisional());
  EXPECT_EQ(year1.cycle_position(), 1);
  EXPECT_EQ(Find(year1, "5.1.1"), nullptr);
  EXPECT_EQ(year1.rules_version(), "rules-v1");
  EXPECT_EQ(FromTimestamp(year1.compute_time()), now);
  const v1::PlannedObjective* governance = Find(year1, "3.1.1");
  ASSERT_NE(governance, nullptr);
  EXPECT_EQ(governance->title(), "Overview");
  EXPECT_THAT(
      governance->reasons(),
      ElementsAre(v1::INCLUSION_REASON_GOVERNANCE_MANAGEMENT_EVERY_YEAR));
  const v1::PlannedObjective* critical = Find(year1, "8.3.2");
  ASSERT_NE(critical, nullptr);
  EXPECT_THAT(critical->critical_areas(), ElementsAre("system_operation"));

  const v1::ExternalAuditPlan year2 = *service_audit.ExternalPlan(2, now);
  EXPECT_TRUE(year2.provisional());
  EXPECT_EQ(FromTimestamp(year2.audit_period().start_time()), At(2026, 4, 1));
  const v1::PlannedObjective* pulled = Find(year2, "5.1.1");
  ASSERT_NE(pulled, nullptr);
  EXPECT_THAT(pulled->reasons(),
              ElementsAre(v1::INCLUSION_REASON_PULLED_IN_BY_INCIDENT));
  EXPECT_THAT(pulled->incident_ids(), ElementsAre("1"));
  const v1::PlannedObjective* found = Find(year2, "6.1.1");
  ASSERT_NE(found, nullptr);
  EXPECT_THAT(found->internal_audit_reports(),
              ElementsAre("services/s1/internalAuditReports/r1"));
  EXPECT_EQ(Find(year2, "6.1.2"), nullptr);
  EXPECT_EQ(Find(year2, "14.2.7"), nullptr);
  // Year 3 takes nothing recorded in year 1.
  const v1::ExternalAuditPlan year3 = *service_audit.ExternalPlan(3, now);
  EXPECT_EQ(Find(year3, "5.1.1"), nullptr);

  EXPECT_EQ(service_audit.ExternalPlan(0, now).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(service_audit.ExternalPlan(8000, now).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(ServiceAuditTest, CoverageAndRotationStartFromTheReports) {
  const v1::CloudService service = Registered();
  const absl::Time now = At(2025, 6, 1);
  // 5.1.1 last audited in a period ending at the start of 1 March 2022 (its
  // last day 28 February): due by 27 February 2025, overdue. 5.1.2 last
  // audited to 30 September 2022: due by 29 September 2025, in this audit
  // year. 6.1.1 audited twice; the later report counts.
  const std::vector<v1::InternalAuditReport> reports = {
      Report("old", At(2021, 3, 1), At(2022, 3, 1), At(2025, 4, 2),
             {"5.1.1", "6.1.1"}),
      Report("mid", At(2022, 4, 1), At(2022, 10, 1), At(2025, 4, 2), {"5.1.2"}),
      Report("new", At(2024, 4, 1), At(2025, 4, 1), At(2025, 4, 3), {"6.1.1"})};
  const ServiceAudit service_audit =
      *ServiceAudit::Create(rules_, service, reports);

  const v1::Coverage coverage = *service_audit.Coverage(now);
  EXPECT_EQ(coverage.name(), "services/s1/coverage");
  ASSERT_EQ(coverage.objectives_size(), 147);
  EXPECT_EQ(coverage.covered_count() + coverage.due_this_year_count() +
                coverage.overdue_count(),
            147);
  EXPECT_EQ(coverage.overdue_count(), 1);
  EXPECT_EQ(coverage.due_this_year_count(), 1);
  std::set<std::string> ids;
  for (const v1::ObjectiveCoverage& objective : coverage.objectives()) {
    ids.insert(objective.objective_id());
    if (objective.objective_id() == "5.1.1") {
      EXPECT_EQ(objective.status(), v1::COVERAGE_STATUS_OVERDUE);
      EXPECT_EQ(objective.last_report(),
                "services/s1/internalAuditReports/old");
      EXPECT_EQ(FromTimestamp(objective.last_audit_time()), At(2022, 3, 1));
      EXPECT_EQ(FromTimestamp(objective.next_due_time()), At(2025, 2, 28));
      EXPECT_EQ(objective.planned_audit_year(), 1);
    } else if (objective.objective_id() == "5.1.2") {
      EXPECT_EQ(objective.status(), v1::COVERAGE_STATUS_DUE_THIS_YEAR);
      EXPECT_EQ(FromTimestamp(objective.next_due_time()), At(2025, 9, 30));
      EXPECT_EQ(objective.planned_audit_year(), 1);
    } else if (objective.objective_id() == "6.1.1") {
      EXPECT_EQ(objective.status(), v1::COVERAGE_STATUS_COVERED);
      EXPECT_EQ(objective.last_report(),
                "services/s1/internalAuditReports/new");
      EXPECT_EQ(FromTimestamp(objective.next_due_time()), At(2028, 3, 31));
    } else if (objective.objective_id() == "3.1.1") {
      // Never audited: due three years after the registration day.
      EXPECT_EQ(objective.status(), v1::COVERAGE_STATUS_COVERED);
      EXPECT_FALSE(objective.has_last_audit_time());
      EXPECT_TRUE(objective.last_report().empty());
      EXPECT_EQ(FromTimestamp(objective.next_due_time()), At(2028, 4, 1));
    }
  }
  EXPECT_THAT(ids, Not(Contains("14.2.7")));

  const v1::InternalAuditPlan plan = *service_audit.InternalPlan(now);
  EXPECT_EQ(plan.name(), "services/s1/internalAuditPlan");
  EXPECT_EQ(plan.rotation_years(), 3);
  EXPECT_EQ(plan.current_audit_year(), 1);
  EXPECT_EQ(plan.reports_considered(), 3);
  ASSERT_EQ(plan.years_size(), 3);
  std::multiset<std::string> planned;
  for (int y = 0; y < 3; ++y) {
    EXPECT_EQ(plan.years(y).audit_year(), y + 1);
    EXPECT_EQ(FromTimestamp(plan.years(y).period().start_time()),
              At(2025 + y, 4, 1));
    planned.insert(plan.years(y).objectives().begin(),
                   plan.years(y).objectives().end());
    EXPECT_THAT(plan.years(y).objectives(), Not(IsEmpty()));
  }
  EXPECT_EQ(planned.size(), 147u);
  EXPECT_EQ(std::set<std::string>(planned.begin(), planned.end()).size(), 147u);
  // Longest unaudited first.
  EXPECT_EQ(plan.years(0).objectives(0), "5.1.1");
  EXPECT_EQ(plan.years(0).objectives(1), "5.1.2");
}

}  // namespace
}  // namespace ismap::liu::audit
