// The reduced annual external audit: governance and management every year,
// critical controls once per cycle with even yearly counts, incidents and
// findings pulled into the next year, excluded objectives never.
#include "services/audit/domain/external_audit_planner.h"

#include <algorithm>
#include <map>
#include <numeric>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/audit/domain/audit_domain_testing.h"

namespace ismap::liu::audit {
namespace {

using absl::CivilDay;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::RepositoryCriteria;

v1::AuditPolicy Policy(int cycle_years, int period_months) {
  v1::AuditPolicy policy;
  policy.set_external_audit_cycle_years(cycle_years);
  policy.set_external_audit_period_max_months(period_months);
  policy.set_internal_audit_rotation_years(3);
  policy.set_registration_hold_grace_months(1);
  return policy;
}

v1::StatementScope Excluding(const std::vector<std::string>& ids) {
  v1::StatementScope statement;
  for (const std::string& id : ids) {
    v1::ObjectiveExclusion* exclusion = statement.add_excluded_objectives();
    exclusion->set_objective_id(id);
    exclusion->set_reason("対象外 (out of scope)");
  }
  return statement;
}

const PlannedObjective* Find(const ExternalAuditPlan& plan,
                             const std::string& id) {
  for (const PlannedObjective& planned : plan.objectives) {
    if (planned.objective->id() == id) return &planned;
  }
  return nullptr;
}

int CountCritical(const ControlScope& scope) {
  return static_cast<int>(std::count_if(
      scope.objectives().begin(), scope.objectives().end(),
      [](const v1::ControlObjective* o) { return IsCriticalControl(*o); }));
}

class ExternalAuditPlannerTest : public ::testing::Test {
 protected:
  ControlScope Scope(const std::vector<std::string>& excluded = {}) {
    absl::StatusOr<ControlScope> scope =
        ControlScope::Create(RepositoryCriteria(), Excluding(excluded));
    EXPECT_TRUE(scope.ok()) << scope.status();
    return *std::move(scope);
  }
};

TEST_F(ExternalAuditPlannerTest, FirstCycleUnderTheDefaultPolicy) {
  const ControlScope scope = Scope();
  const auto planner =
      ExternalAuditPlanner::Create(scope, CivilDay(2025, 4, 1), Policy(3, 12));
  ASSERT_TRUE(planner.ok()) << planner.status();
  const int critical = CountCritical(scope);
  std::set<std::string> rotated;
  for (int year = 1; year <= 3; ++year) {
    const absl::StatusOr<ExternalAuditPlan> plan = planner->Plan(year, {}, {});
    ASSERT_TRUE(plan.ok()) << plan.status();
    EXPECT_EQ(plan->cycle_position, year);
    int every_year = 0;
    int rotation = 0;
    for (const PlannedObjective& planned : plan->objectives) {
      ASSERT_EQ(planned.reasons.size(), 1u);
      if (planned.reasons[0] ==
          v1::INCLUSION_REASON_GOVERNANCE_MANAGEMENT_EVERY_YEAR) {
        ++every_year;
      } else {
        EXPECT_EQ(planned.reasons[0], v1::INCLUSION_REASON_CRITICAL_ROTATION);
        ++rotation;
        EXPECT_TRUE(rotated.insert(planned.objective->id()).second);
      }
    }
    EXPECT_EQ(every_year, 27);
    EXPECT_GE(rotation, critical / 3);
    EXPECT_LE(rotation, (critical + 2) / 3);
  }
  EXPECT_EQ(static_cast<int>(rotated.size()), critical);

  const ExternalAuditPlan year1 = *planner->Plan(1, {}, {});
  EXPECT_EQ(year1.period,
            (AuditPeriod{CivilDay(2025, 4, 1), CivilDay(2026, 3, 31)}));
  // Critical controls in id order take turns: 8.3.2 first, then 9.1.1, ...
  EXPECT_NE(Find(year1, "8.3.2"), nullptr);
  EXPECT_NE(Find(*planner->Plan(2, {}, {}), "9.1.1"), nullptr);
  EXPECT_NE(Find(*planner->Plan(3, {}, {}), "9.1.2"), nullptr);
  EXPECT_NE(Find(*planner->Plan(4, {}, {}), "8.3.2"), nullptr);
  // A control outside the critical areas is not audited by rotation.
  EXPECT_EQ(Find(year1, "5.1.1"), nullptr);
}

TEST_F(ExternalAuditPlannerTest, IncidentJoinsTheNextYearOnly) {
  const ControlScope scope = Scope();
  const auto planner =
      ExternalAuditPlanner::Create(scope, CivilDay(2025, 4, 1), Policy(3, 12));
  const std::vector<AuditTrigger> incidents = {
      {"incidents/1", CivilDay(2025, 12, 24), {"5.1.1", "3.1.1", "5.1.1"}}};
  EXPECT_EQ(Find(*planner->Plan(1, incidents, {}), "5.1.1"), nullptr);
  const ExternalAuditPlan year2 = *planner->Plan(2, incidents, {});
  const PlannedObjective* policy = Find(year2, "5.1.1");
  ASSERT_NE(policy, nullptr);
  EXPECT_THAT(policy->reasons,
              ElementsAre(v1::INCLUSION_REASON_PULLED_IN_BY_INCIDENT));
  EXPECT_THAT(policy->incident_sources, ElementsAre("incidents/1"));
  const PlannedObjective* overview = Find(year2, "3.1.1");
  ASSERT_NE(overview, nullptr);
  EXPECT_THAT(overview->reasons,
              ElementsAre(v1::INCLUSION_REASON_GOVERNANCE_MANAGEMENT_EVERY_YEAR,
                          v1::INCLUSION_REASON_PULLED_IN_BY_INCIDENT));
  EXPECT_EQ(Find(*planner->Plan(3, incidents, {}), "5.1.1"), nullptr);
}

TEST_F(ExternalAuditPlannerTest, FindingCountsByThePeriodItIsDatedIn) {
  const ControlScope scope = Scope();
  const auto planner =
      ExternalAuditPlanner::Create(scope, CivilDay(2024, 2, 29), Policy(3, 12));
  const std::vector<AuditTrigger> findings = {
      {"services/s/internalAuditReports/a", CivilDay(2025, 2, 28), {"7.1.1"}},
      {"services/s/internalAuditReports/b", CivilDay(2025, 3, 1), {"7.1.2"}}};
  const ExternalAuditPlan year2 = *planner->Plan(2, {}, findings);
  ASSERT_NE(Find(year2, "7.1.1"), nullptr);
  EXPECT_THAT(Find(year2, "7.1.1")->finding_sources,
              ElementsAre("services/s/internalAuditReports/a"));
  EXPECT_THAT(Find(year2, "7.1.1")->reasons,
              ElementsAre(v1::INCLUSION_REASON_PULLED_IN_BY_FINDING));
  EXPECT_EQ(Find(year2, "7.1.2"), nullptr);
  EXPECT_NE(Find(*planner->Plan(3, {}, findings), "7.1.2"), nullptr);
}

TEST_F(ExternalAuditPlannerTest, ExcludedObjectivesNeverAppear) {
  const ControlScope scope = Scope({"8.3.2", "5.1.1"});
  const auto planner =
      ExternalAuditPlanner::Create(scope, CivilDay(2025, 4, 1), Policy(1, 12));
  const std::vector<AuditTrigger> incidents = {
      {"incidents/1", CivilDay(2025, 5, 1), {"8.3.2", "5.1.1"}}};
  for (int year = 1; year <= 3; ++year) {
    const ExternalAuditPlan plan = *planner->Plan(year, incidents, incidents);
    EXPECT_EQ(Find(plan, "8.3.2"), nullptr);
    EXPECT_EQ(Find(plan, "5.1.1"), nullptr);
    // A one-year cycle audits every in-scope critical control every year.
    EXPECT_NE(Find(plan, "9.1.1"), nullptr);
  }
}

TEST_F(ExternalAuditPlannerTest, RefusesBadPolicyYearsAndUnknownObjectives) {
  const ControlScope scope = Scope();
  const CivilDay registration(2025, 4, 1);
  const auto no_cycle =
      ExternalAuditPlanner::Create(scope, registration, Policy(0, 13));
  ASSERT_EQ(no_cycle.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(no_cycle.status().message()),
              HasSubstr("external_audit_cycle_years"));
  EXPECT_THAT(std::string(no_cycle.status().message()),
              HasSubstr("external_audit_period_max_months"));

  const auto planner =
      ExternalAuditPlanner::Create(scope, registration, Policy(3, 12));
  EXPECT_EQ(planner->Plan(0, {}, {}).status().code(),
            absl::StatusCode::kInvalidArgument);
  const std::vector<AuditTrigger> findings = {
      {"r", CivilDay(2020, 1, 1), {"5.1.1", "99.9.9"}}};
  const auto plan = planner->Plan(2, {}, findings);
  ASSERT_EQ(plan.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(plan.status().message()),
              HasSubstr("findings[0].objective_ids[1]: \"99.9.9\""));
}

bool SamePlan(const ExternalAuditPlan& a, const ExternalAuditPlan& b) {
  if (a.audit_year != b.audit_year || !(a.period == b.period) ||
      a.cycle_years != b.cycle_years || a.cycle_position != b.cycle_position ||
      a.objectives.size() != b.objectives.size()) {
    return false;
  }
  for (size_t i = 0; i < a.objectives.size(); ++i) {
    const PlannedObjective& x = a.objectives[i];
    const PlannedObjective& y = b.objectives[i];
    if (x.objective != y.objective || x.reasons != y.reasons ||
        x.incident_sources != y.incident_sources ||
        x.finding_sources != y.finding_sources) {
      return false;
    }
  }
  return true;
}

// What the triggers dated within `previous` should pull in: criteria
// position -> sources, each once, in input order. Excluded objectives never.
std::map<int, std::vector<std::string>> ExpectedPulls(
    const std::vector<AuditTrigger>& triggers,
    const std::optional<AuditPeriod>& previous,
    const std::vector<bool>& excluded) {
  std::map<int, std::vector<std::string>> pulls;
  if (!previous.has_value()) return pulls;
  for (const AuditTrigger& trigger : triggers) {
    if (trigger.date < previous->first_day ||
        trigger.date > previous->last_day) {
      continue;
    }
    for (const std::string& id : trigger.objective_ids) {
      const int index = RepositoryCriteria().IndexOf(id);
      if (excluded[index]) continue;
      std::vector<std::string>& sources = pulls[index];
      if (std::find(sources.begin(), sources.end(), trigger.source) ==
          sources.end()) {
        sources.push_back(trigger.source);
      }
    }
  }
  return pulls;
}

// The sources `pulls` expects for criteria position `index`.
const std::vector<std::string>& Expected(
    const std::map<int, std::vector<std::string>>& pulls, int index) {
  static const std::vector<std::string> kNone;
  const auto found = pulls.find(index);
  return found == pulls.end() ? kNone : found->second;
}

std::vector<AuditTrigger> RandomTriggers(std::mt19937_64& rng,
                                         const std::string& prefix,
                                         CivilDay from, CivilDay to) {
  const std::vector<const v1::ControlObjective*>& all =
      RepositoryCriteria().objectives();
  std::vector<AuditTrigger> triggers(testing::Uniform(rng, 0, 4));
  for (size_t t = 0; t < triggers.size(); ++t) {
    triggers[t].source = prefix + std::to_string(testing::Uniform(rng, 1, 3));
    triggers[t].date = from + testing::Uniform(rng, 0, to - from);
    for (int64_t k = testing::Uniform(rng, 1, 3); k > 0; --k) {
      triggers[t].objective_ids.push_back(
          all[testing::Uniform(rng, 0, static_cast<int64_t>(all.size()) - 1)]
              ->id());
    }
  }
  return triggers;
}

// 10,000 generated services (random exclusions, registration days favouring
// month ends and leap days, cycles of 1 to 5 years, periods of 1 to 12
// months, random incidents and findings), each planned for its first cycle
// and one year of a later cycle; every invariant of the external audit is
// checked.
TEST(ExternalAuditPlannerPropertyTest, InvariantsHoldOverGeneratedServices) {
  const ControlCriteria& criteria = RepositoryCriteria();
  const int size = static_cast<int>(criteria.objectives().size());
  std::vector<int> controls;  // Criteria positions of the controls tier.
  for (int index = 0; index < size; ++index) {
    if (criteria.objectives()[index]->tier() == v1::CONTROL_TIER_CONTROLS) {
      controls.push_back(index);
    }
  }
  std::mt19937_64 rng(20260503);
  int plans_checked = 0;
  for (int run = 0; run < 10'000; ++run) {
    std::vector<std::string> excluded_ids;
    std::vector<bool> excluded(size, false);
    const double p = testing::Uniform(rng, 0, 5) / 5.0;
    for (const int index : controls) {
      if (testing::Chance(rng, p)) {
        excluded_ids.push_back(criteria.objectives()[index]->id());
        excluded[index] = true;
      }
    }
    std::shuffle(excluded_ids.begin(), excluded_ids.end(), rng);
    const absl::StatusOr<ControlScope> scope =
        ControlScope::Create(criteria, Excluding(excluded_ids));
    ASSERT_TRUE(scope.ok()) << scope.status();
    const int cycle = static_cast<int>(testing::Uniform(rng, 1, 5));
    const int months = testing::Chance(rng, 0.6)
                           ? 12
                           : static_cast<int>(testing::Uniform(rng, 1, 12));
    const CivilDay registration = testing::RandomDay(rng);
    // The first cycle, then one year of a later cycle.
    std::vector<int> years(cycle);
    std::iota(years.begin(), years.end(), 1);
    years.push_back(cycle +
                    static_cast<int>(testing::Uniform(rng, 1, 3 * cycle)));
    const CivilDay horizon =
        AuditPeriodOf(registration, years.back(), months)->last_day;
    const std::vector<AuditTrigger> incidents =
        RandomTriggers(rng, "incidents/", registration - 200, horizon);
    const std::vector<AuditTrigger> findings =
        RandomTriggers(rng, "reports/", registration - 200, horizon);
    const absl::StatusOr<ExternalAuditPlanner> planner =
        ExternalAuditPlanner::Create(*scope, registration,
                                     Policy(cycle, months));
    ASSERT_TRUE(planner.ok()) << planner.status();
    const int check_again = years[testing::Uniform(rng, 0, cycle)];

    // Criteria positions audited by rotation, per cycle position.
    std::vector<std::vector<int>> rotated(cycle + 1);
    std::vector<int> times_rotated(size, 0);  // Within the first cycle.
    for (const int year : years) {
      const absl::StatusOr<ExternalAuditPlan> plan =
          planner->Plan(year, incidents, findings);
      ASSERT_TRUE(plan.ok()) << plan.status();
      ++plans_checked;
      ASSERT_EQ(plan->audit_year, year);
      ASSERT_EQ(plan->cycle_years, cycle);
      const int position = (year - 1) % cycle + 1;
      ASSERT_EQ(plan->cycle_position, position);
      ASSERT_EQ(plan->period, *AuditPeriodOf(registration, year, months));
      std::optional<AuditPeriod> previous;
      if (year > 1) previous = *AuditPeriodOf(registration, year - 1, months);

      const auto incident_pulls = ExpectedPulls(incidents, previous, excluded);
      const auto finding_pulls = ExpectedPulls(findings, previous, excluded);
      std::vector<bool> planned_in(size, false);
      std::vector<int> rotation;
      int index = 0;
      for (const PlannedObjective& planned : plan->objectives) {
        // Criteria positions follow ObjectiveLess (tier, then id): the plan
        // must walk them forward.
        while (index < size &&
               criteria.objectives()[index] != planned.objective) {
          ++index;
        }
        ASSERT_LT(index, size) << "out of order or not in the catalog";
        ASSERT_FALSE(excluded[index]) << planned.objective->id();
        planned_in[index] = true;
        unsigned reasons = 0;
        int last_reason = 0;
        for (const v1::InclusionReason reason : planned.reasons) {
          ASSERT_LT(last_reason, reason);  // Ascending, each once.
          last_reason = reason;
          reasons |= 1u << reason;
        }
        ASSERT_NE(reasons, 0u);
        const auto has = [&](v1::InclusionReason reason) {
          return (reasons & (1u << reason)) != 0;
        };
        ASSERT_EQ(has(v1::INCLUSION_REASON_GOVERNANCE_MANAGEMENT_EVERY_YEAR),
                  planned.objective->tier() != v1::CONTROL_TIER_CONTROLS);
        if (has(v1::INCLUSION_REASON_CRITICAL_ROTATION)) {
          ASSERT_TRUE(IsCriticalControl(*planned.objective));
          rotation.push_back(index);
          if (year <= cycle) ++times_rotated[index];
        }
        ASSERT_EQ(planned.incident_sources, Expected(incident_pulls, index));
        ASSERT_EQ(has(v1::INCLUSION_REASON_PULLED_IN_BY_INCIDENT),
                  !planned.incident_sources.empty());
        ASSERT_EQ(planned.finding_sources, Expected(finding_pulls, index));
        ASSERT_EQ(has(v1::INCLUSION_REASON_PULLED_IN_BY_FINDING),
                  !planned.finding_sources.empty());
        ++index;
      }
      // Every in-scope governance and management objective, every year; every
      // pulled-in objective in the year after its trigger.
      for (int i = 0; i < size; ++i) {
        if (criteria.objectives()[i]->tier() != v1::CONTROL_TIER_CONTROLS) {
          ASSERT_TRUE(planned_in[i]);
        }
      }
      for (const auto* pulls : {&incident_pulls, &finding_pulls}) {
        for (const auto& [pulled, sources] : *pulls) {
          ASSERT_TRUE(planned_in[pulled])
              << criteria.objectives()[pulled]->id();
        }
      }
      // A later cycle repeats the first one's turns.
      if (year <= cycle) {
        rotated[position] = rotation;
      } else {
        ASSERT_EQ(rotation, rotated[position]);
      }
      if (year == check_again) {
        // Same inputs, and the same exclusions in another order: same plan.
        std::shuffle(excluded_ids.begin(), excluded_ids.end(), rng);
        const ControlScope again_scope =
            *ControlScope::Create(criteria, Excluding(excluded_ids));
        const ExternalAuditPlan again =
            *ExternalAuditPlanner::Create(again_scope, registration,
                                          Policy(cycle, months))
                 ->Plan(year, incidents, findings);
        ASSERT_TRUE(SamePlan(*plan, again));
      }
    }
    // Every in-scope critical control exactly once in the cycle, nothing else
    // by rotation; yearly rotation counts differ by at most one.
    for (int index = 0; index < size; ++index) {
      const bool rotates =
          IsCriticalControl(*criteria.objectives()[index]) && !excluded[index];
      ASSERT_EQ(times_rotated[index], rotates ? 1 : 0)
          << criteria.objectives()[index]->id();
    }
    size_t least = rotated[1].size();
    size_t most = least;
    for (int position = 1; position <= cycle; ++position) {
      least = std::min(least, rotated[position].size());
      most = std::max(most, rotated[position].size());
    }
    ASSERT_LE(most - least, 1u);
  }
  EXPECT_GE(plans_checked, 10'000 * 2);
}

}  // namespace
}  // namespace ismap::liu::audit
