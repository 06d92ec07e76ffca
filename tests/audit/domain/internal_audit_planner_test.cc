// The internal-audit rotation: every objective at least once per rotation
// period, longest unaudited first, no due date passed when a plan can avoid
// it, yearly loads even whenever the due dates allow, the same plan for the
// same inputs.
#include "services/audit/domain/internal_audit_planner.h"

#include <algorithm>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/audit/domain/control_scope.h"
#include "tests/audit/domain/audit_domain_testing.h"

namespace ismap::liu::audit {
namespace {

using absl::CivilDay;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::RepositoryCriteria;

v1::AuditPolicy Policy(int rotation_years) {
  v1::AuditPolicy policy;
  policy.set_external_audit_cycle_years(3);
  policy.set_external_audit_period_max_months(12);
  policy.set_internal_audit_rotation_years(rotation_years);
  policy.set_registration_hold_grace_months(1);
  return policy;
}

const v1::ControlObjective* Objective(const std::string& id) {
  const int index = RepositoryCriteria().IndexOf(id);
  return index < 0 ? nullptr : RepositoryCriteria().objectives()[index];
}

std::vector<std::string> IdsOf(
    const std::vector<const v1::ControlObjective*>& objectives) {
  std::vector<std::string> ids;
  for (const v1::ControlObjective* objective : objectives) {
    ids.push_back(objective->id());
  }
  return ids;
}

InternalAuditRotationPlanner Planner(int rotation_years) {
  return *InternalAuditRotationPlanner::Create(Policy(rotation_years));
}

TEST(InternalAuditPlannerTest, NewServiceSpreadsEvenlyInIdOrder) {
  const std::vector<const v1::ControlObjective*> objectives = {
      Objective("9.1.2"),  Objective("3.1.1"),  Objective("9.1.1"),
      Objective("4.4.1"),  Objective("10.1.1"), Objective("5.1.1"),
      Objective("6.3.1.P")};
  const CivilDay registration(2025, 4, 1);
  const absl::StatusOr<InternalAuditRotationPlan> plan =
      Planner(3).Plan(objectives, {}, {registration, registration});
  ASSERT_TRUE(plan.ok()) << plan.status();
  ASSERT_EQ(plan->years.size(), 3u);
  EXPECT_EQ(plan->years[0].audit_year, 1);
  EXPECT_EQ(plan->years[0].period,
            (AuditPeriod{CivilDay(2025, 4, 1), CivilDay(2026, 3, 31)}));
  EXPECT_THAT(IdsOf(plan->years[0].objectives),
              ElementsAre("3.1.1", "4.4.1", "5.1.1"));
  EXPECT_THAT(IdsOf(plan->years[1].objectives),
              ElementsAre("6.3.1.P", "9.1.1"));
  EXPECT_THAT(IdsOf(plan->years[2].objectives), ElementsAre("9.1.2", "10.1.1"));
  for (const ObjectiveCoverage& coverage : plan->coverage) {
    EXPECT_FALSE(coverage.last_audited.has_value());
    EXPECT_EQ(coverage.next_due, CivilDay(2028, 3, 31));
    EXPECT_EQ(coverage.status, v1::COVERAGE_STATUS_COVERED);
  }
}

TEST(InternalAuditPlannerTest, OverdueAndLongestUnauditedComeFirst) {
  const CivilDay registration(2020, 4, 1);
  const std::vector<const v1::ControlObjective*> objectives = {
      Objective("5.1.1"), Objective("5.1.2"), Objective("6.1.1"),
      Objective("6.1.2")};
  const InternalAuditHistory history = {
      {"5.1.1", {CivilDay(2021, 3, 31), CivilDay(2022, 3, 31)}},
      {"5.1.2", {CivilDay(2023, 1, 15)}},
      {"6.1.1", {CivilDay(2024, 6, 30)}},
      {"18.2.3", {CivilDay(2024, 6, 30)}}};  // Not planned: ignored.
  const absl::StatusOr<InternalAuditRotationPlan> plan = Planner(3).Plan(
      objectives, history, {registration, CivilDay(2025, 5, 10)});
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_EQ(plan->years[0].audit_year, 6);
  // 6.1.2 (never audited, due 2023-03-31) and 5.1.1 (due 2025-03-30) are
  // overdue and 5.1.2 is due in year 6: three objectives must go in year 6,
  // so even loads are impossible and year 6 carries them.
  EXPECT_THAT(IdsOf(plan->years[0].objectives),
              ElementsAre("6.1.2", "5.1.1", "5.1.2"));
  EXPECT_THAT(IdsOf(plan->years[1].objectives), ElementsAre("6.1.1"));
  EXPECT_TRUE(plan->years[2].objectives.empty());
  ASSERT_EQ(plan->coverage.size(), 4u);
  EXPECT_EQ(plan->coverage[0].objective->id(), "5.1.1");
  EXPECT_EQ(plan->coverage[0].last_audited, CivilDay(2022, 3, 31));
  EXPECT_EQ(plan->coverage[0].next_due, CivilDay(2025, 3, 30));
  EXPECT_EQ(plan->coverage[0].status, v1::COVERAGE_STATUS_OVERDUE);
  EXPECT_EQ(plan->coverage[1].status, v1::COVERAGE_STATUS_DUE_THIS_YEAR);
  EXPECT_EQ(plan->coverage[1].next_due, CivilDay(2026, 1, 14));
  EXPECT_EQ(plan->coverage[2].status, v1::COVERAGE_STATUS_COVERED);
  EXPECT_EQ(plan->coverage[2].planned_audit_year, 7);
  EXPECT_EQ(plan->coverage[3].objective->id(), "6.1.2");
  EXPECT_EQ(plan->coverage[3].next_due, CivilDay(2023, 3, 31));
  EXPECT_EQ(plan->coverage[3].status, v1::COVERAGE_STATUS_OVERDUE);
}

TEST(InternalAuditPlannerTest, RefusesBadInputs) {
  EXPECT_EQ(InternalAuditRotationPlanner::Create(Policy(0)).status().code(),
            absl::StatusCode::kInvalidArgument);
  const CivilDay registration(2025, 4, 1);
  const auto early = Planner(3).Plan({Objective("5.1.1")}, {},
                                     {registration, registration - 1});
  EXPECT_EQ(early.status().code(), absl::StatusCode::kInvalidArgument);
  const auto twice = Planner(3).Plan({Objective("5.1.1"), Objective("5.1.1")},
                                     {}, {registration, registration});
  EXPECT_EQ(twice.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(twice.status().message()), HasSubstr("\"5.1.1\""));
  const auto null =
      Planner(3).Plan({nullptr}, {}, {registration, registration});
  EXPECT_EQ(null.status().code(), absl::StatusCode::kInvalidArgument);
}

bool SamePlan(const InternalAuditRotationPlan& a,
              const InternalAuditRotationPlan& b) {
  if (a.years.size() != b.years.size() ||
      a.coverage.size() != b.coverage.size()) {
    return false;
  }
  for (size_t j = 0; j < a.years.size(); ++j) {
    if (a.years[j].audit_year != b.years[j].audit_year ||
        !(a.years[j].period == b.years[j].period) ||
        a.years[j].objectives != b.years[j].objectives) {
      return false;
    }
  }
  for (size_t i = 0; i < a.coverage.size(); ++i) {
    const ObjectiveCoverage& x = a.coverage[i];
    const ObjectiveCoverage& y = b.coverage[i];
    if (x.objective != y.objective || x.last_audited != y.last_audited ||
        x.next_due != y.next_due || x.status != y.status ||
        x.planned_audit_year != y.planned_audit_year) {
      return false;
    }
  }
  return true;
}

// The smallest possible difference between the busiest and the lightest year
// over every assignment of objectives to years that meets each deadline
// (`deadlines[i]` in 1..years, or years + 1 for none), by exhaustion.
int BestSpreadByExhaustion(const std::vector<int>& deadlines, int years) {
  std::vector<int> assignment(deadlines.size(), 1);
  int best = static_cast<int>(deadlines.size()) + 1;
  while (true) {
    bool meets = true;
    std::vector<int> loads(years, 0);
    for (size_t i = 0; i < deadlines.size(); ++i) {
      meets = meets && assignment[i] <= deadlines[i];
      ++loads[assignment[i] - 1];
    }
    if (meets) {
      const auto [least, most] =
          std::minmax_element(loads.begin(), loads.end());
      best = std::min(best, *most - *least);
    }
    size_t i = 0;
    while (i < assignment.size() && assignment[i] == years) assignment[i++] = 1;
    if (i == assignment.size()) return best;
    ++assignment[i];
  }
}

// 10,000 generated services (random in-scope objectives, histories,
// registration days favouring month ends and leap days, plan starts, rotation
// periods of 1 to 5 years); every invariant of the rotation is checked against
// oracles, small cases against every possible assignment.
TEST(InternalAuditPlannerPropertyTest, InvariantsHoldOverGeneratedServices) {
  const std::vector<const v1::ControlObjective*>& all =
      RepositoryCriteria().objectives();
  std::mt19937_64 rng(20260504);
  int exhaustive_cases = 0;
  int uneven_cases = 0;
  for (int run = 0; run < 10'000; ++run) {
    const int rotation = static_cast<int>(testing::Uniform(rng, 1, 5));
    // A random subset in catalog order, as a statement scope gives it.
    int64_t wanted = testing::Chance(rng, 0.35)
                         ? testing::Uniform(rng, 0, 6)
                         : testing::Uniform(rng, 7, all.size());
    std::vector<const v1::ControlObjective*> objectives;
    for (size_t i = 0; i < all.size() && wanted > 0; ++i) {
      if (testing::Uniform(rng, 1, static_cast<int64_t>(all.size() - i)) <=
          wanted) {
        objectives.push_back(all[i]);
        --wanted;
      }
    }
    const CivilDay registration = testing::RandomDay(rng);
    const int64_t start_kind = testing::Uniform(rng, 0, 3);
    const CivilDay plan_start =
        start_kind == 0 ? registration
        : start_kind == 1
            ? AuditPeriodOf(registration,
                            static_cast<int>(testing::Uniform(rng, 1, 8)), 12)
                  ->first_day
            : registration + testing::Uniform(rng, 0, 8 * 366);
    InternalAuditHistory history;
    const double audited = testing::Uniform(rng, 0, 3) / 3.0;
    // Histories of the planned objectives, and of a few others (ignored).
    std::vector<const v1::ControlObjective*> with_history = objectives;
    for (int k = 0; k < 3; ++k) {
      with_history.push_back(all[testing::Uniform(rng, 0, all.size() - 1)]);
    }
    for (const v1::ControlObjective* objective : with_history) {
      if (!testing::Chance(rng, audited)) continue;
      std::vector<CivilDay>& days = history[objective->id()];
      for (int64_t k = testing::Uniform(rng, 1, 3); k > 0; --k) {
        days.push_back(registration - 3 * 366 +
                       testing::Uniform(
                           rng, 0, plan_start - registration + 3 * 366 + 200));
      }
    }
    const InternalAuditRotationPlanner planner = Planner(rotation);
    const absl::StatusOr<InternalAuditRotationPlan> plan =
        planner.Plan(objectives, history, {registration, plan_start});
    ASSERT_TRUE(plan.ok()) << plan.status();

    // The years: `rotation` consecutive audit years from the one holding the
    // plan start.
    ASSERT_EQ(static_cast<int>(plan->years.size()), rotation);
    const int first_year = *AuditYearOf(registration, plan_start, 12);
    for (int j = 0; j < rotation; ++j) {
      ASSERT_EQ(plan->years[j].audit_year, first_year + j);
      ASSERT_EQ(plan->years[j].period,
                *AuditPeriodOf(registration, first_year + j, 12));
    }
    const CivilDay first_year_end = plan->years[0].period.last_day;

    // Coverage against oracles; every objective planned exactly once.
    std::map<const v1::ControlObjective*, int> planned_in;
    for (const InternalAuditPlanYear& year : plan->years) {
      for (const v1::ControlObjective* objective : year.objectives) {
        ASSERT_TRUE(planned_in.emplace(objective, year.audit_year).second);
      }
    }
    ASSERT_EQ(planned_in.size(), objectives.size());
    ASSERT_EQ(plan->coverage.size(), objectives.size());
    std::vector<int> deadlines;  // Plan-year index 1..rotation (+1 if none).
    for (size_t i = 0; i < plan->coverage.size(); ++i) {
      const ObjectiveCoverage& coverage = plan->coverage[i];
      if (i > 0) {
        ASSERT_TRUE(ObjectiveLess(*plan->coverage[i - 1].objective,
                                  *coverage.objective));
      }
      ASSERT_EQ(planned_in.count(coverage.objective), 1u);
      ASSERT_EQ(coverage.planned_audit_year, planned_in[coverage.objective]);
      const auto audits = history.find(coverage.objective->id());
      std::optional<CivilDay> last;
      if (audits != history.end()) {
        last = *std::max_element(audits->second.begin(), audits->second.end());
      }
      ASSERT_EQ(coverage.last_audited, last);
      const CivilDay due = testing::OracleMonthsLater(
                               last.value_or(registration), 12 * rotation) -
                           1;
      ASSERT_EQ(coverage.next_due, due);
      ASSERT_EQ(coverage.status, due < plan_start ? v1::COVERAGE_STATUS_OVERDUE
                                 : due <= first_year_end
                                     ? v1::COVERAGE_STATUS_DUE_THIS_YEAR
                                     : v1::COVERAGE_STATUS_COVERED);
      // No due date passed: an overdue objective is planned in the first
      // year; any other in a year that starts on or before its due date, so
      // it is audited at least once per rotation period.
      const int planned_index = coverage.planned_audit_year - first_year + 1;
      const AuditPeriod& planned_period = plan->years[planned_index - 1].period;
      if (due < plan_start) {
        ASSERT_EQ(planned_index, 1);
        deadlines.push_back(1);
      } else {
        ASSERT_LE(planned_period.first_day, due);
        int deadline = rotation + 1;
        for (int j = 1; j <= rotation && deadline > rotation; ++j) {
          if (due <= plan->years[j - 1].period.last_day) deadline = j;
        }
        deadlines.push_back(deadline);
      }
    }

    // Longest unaudited (earliest due) first, across and within years.
    // (Coverage is in ObjectiveLess order, checked above, so ties go by it.)
    std::vector<const ObjectiveCoverage*> by_due;
    for (const ObjectiveCoverage& coverage : plan->coverage) {
      by_due.push_back(&coverage);
    }
    std::stable_sort(
        by_due.begin(), by_due.end(),
        [](const ObjectiveCoverage* a, const ObjectiveCoverage* b) {
          return a->next_due < b->next_due;
        });
    for (size_t i = 1; i < by_due.size(); ++i) {
      ASSERT_LE(by_due[i - 1]->planned_audit_year,
                by_due[i]->planned_audit_year);
    }
    std::vector<const v1::ControlObjective*> dealt;
    for (const InternalAuditPlanYear& year : plan->years) {
      dealt.insert(dealt.end(), year.objectives.begin(), year.objectives.end());
    }
    for (size_t i = 0; i < by_due.size(); ++i) {
      ASSERT_EQ(dealt[i], by_due[i]->objective);
    }

    // Even loads whenever some plan meeting every deadline is even: any even
    // plan has q or q+1 per year, so try every choice of the q+1 years.
    std::vector<int> loads;
    for (const InternalAuditPlanYear& year : plan->years) {
      loads.push_back(static_cast<int>(year.objectives.size()));
    }
    const int total = static_cast<int>(objectives.size());
    std::vector<int> forced(rotation + 1, 0);
    for (const int deadline : deadlines) {
      if (deadline <= rotation) ++forced[deadline];
    }
    for (int k = 1; k <= rotation; ++k) forced[k] += forced[k - 1];
    bool even_possible = false;
    for (int mask = 0; mask < (1 << rotation); ++mask) {
      if (__builtin_popcount(mask) != total % rotation) continue;
      bool meets = true;
      int prefix = 0;
      for (int k = 1; k <= rotation; ++k) {
        prefix += total / rotation + ((mask >> (k - 1)) & 1);
        meets = meets && prefix >= forced[k];
      }
      even_possible = even_possible || meets;
    }
    const auto [least, most] = std::minmax_element(loads.begin(), loads.end());
    if (even_possible) {
      ASSERT_LE(*most - *least, 1);
    } else {
      ++uneven_cases;
    }
    // The busiest year is as light as the deadlines allow.
    int lightest_peak = (total + rotation - 1) / rotation;
    for (int k = 1; k <= rotation; ++k) {
      lightest_peak = std::max(lightest_peak, (forced[k] + k - 1) / k);
    }
    ASSERT_EQ(*most, lightest_peak);
    if (total <= 6 && rotation <= 3) {
      ++exhaustive_cases;
      ASSERT_EQ(BestSpreadByExhaustion(deadlines, rotation) <= 1,
                *most - *least <= 1);
    }

    // The same inputs, in another order every fourth run: the same plan.
    if (run % 4 == 0) {
      std::shuffle(objectives.begin(), objectives.end(), rng);
      for (auto& [id, days] : history) {
        std::shuffle(days.begin(), days.end(), rng);
      }
    }
    const absl::StatusOr<InternalAuditRotationPlan> again =
        planner.Plan(objectives, history, {registration, plan_start});
    ASSERT_TRUE(again.ok());
    ASSERT_TRUE(SamePlan(*plan, *again));
  }
  EXPECT_GT(exhaustive_cases, 1'000);
  EXPECT_GT(uneven_cases, 0);
}

}  // namespace
}  // namespace ismap::liu::audit
