// Internal-audit rotation: earliest-deadline-first dealing into years whose
// loads are as even as the deadlines allow.
#include "services/audit/domain/internal_audit_planner.h"

#include <algorithm>
#include <numeric>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "services/audit/domain/control_scope.h"
#include "services/common/status_macros.h"

namespace ismap::liu::audit {
namespace {

constexpr int kAuditYearMonths = 12;

// One objective while it is planned.
struct Entry {
  const v1::ControlObjective* objective;
  int rank;  // Position in ObjectiveLess order.
  std::optional<absl::CivilDay> last_audited;
  absl::CivilDay next_due;
  int deadline_year;  // 1..rotation_years, or rotation_years + 1 if later.
  int planned_year;   // 1..rotation_years.
};

// Ceiling of `need` / `years` for a positive `years`; 0 for `need` <= 0.
int CeilingShare(int need, int years) {
  return need <= 0 ? 0 : (need + years - 1) / years;
}

}  // namespace

absl::StatusOr<InternalAuditRotationPlanner>
InternalAuditRotationPlanner::Create(const v1::AuditPolicy& policy) {
  if (policy.internal_audit_rotation_years() < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("internal_audit_rotation_years: must be at least 1, is ",
                     policy.internal_audit_rotation_years()));
  }
  return InternalAuditRotationPlanner(policy.internal_audit_rotation_years());
}

absl::StatusOr<InternalAuditRotationPlan> InternalAuditRotationPlanner::Plan(
    absl::Span<const v1::ControlObjective* const> objectives,
    const InternalAuditHistory& history, const RotationDates& dates) const {
  if (dates.plan_start < dates.registration) {
    return absl::InvalidArgumentError(
        absl::StrCat("the plan start ", absl::FormatCivilTime(dates.plan_start),
                     " is before the registration ",
                     absl::FormatCivilTime(dates.registration)));
  }
  for (size_t i = 0; i < objectives.size(); ++i) {
    if (objectives[i] == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat("objectives[", i, "] is null"));
    }
  }
  // Position of each objective in ObjectiveLess order (its rank), so that
  // the sorts below compare numbers. Scopes come sorted and free of
  // duplicates already, which one pass confirms.
  const auto less = [&](int a, int b) {
    return ObjectiveLess(*objectives[a], *objectives[b]);
  };
  std::vector<int> by_rank(objectives.size());
  std::iota(by_rank.begin(), by_rank.end(), 0);
  size_t ordered = 1;
  while (ordered < by_rank.size() &&
         less(by_rank[ordered - 1], by_rank[ordered])) {
    ++ordered;
  }
  if (ordered < by_rank.size()) {
    std::sort(by_rank.begin(), by_rank.end(), less);
    for (size_t r = 1; r < by_rank.size(); ++r) {
      if (!less(by_rank[r - 1], by_rank[r])) {
        return absl::InvalidArgumentError(
            absl::StrCat("objectives[", by_rank[r], "]: \"",
                         objectives[by_rank[r]]->id(), "\" is listed twice"));
      }
    }
  }

  const int rotation = rotation_years_;
  ASSIGN_OR_RETURN(
      const int first_year,
      AuditYearOf(dates.registration, dates.plan_start, kAuditYearMonths));
  InternalAuditRotationPlan plan;
  for (int j = 0; j < rotation; ++j) {
    InternalAuditPlanYear year;
    year.audit_year = first_year + j;
    ASSIGN_OR_RETURN(
        year.period,
        AuditPeriodOf(dates.registration, year.audit_year, kAuditYearMonths));
    plan.years.push_back(std::move(year));
  }

  std::vector<Entry> entries;
  entries.reserve(objectives.size());
  for (int rank = 0; rank < static_cast<int>(by_rank.size()); ++rank) {
    const v1::ControlObjective* objective = objectives[by_rank[rank]];
    Entry entry{objective,        rank,         std::nullopt,
                absl::CivilDay(), rotation + 1, 0};
    const auto audits = history.find(objective->id());
    if (audits != history.end() && !audits->second.empty()) {
      entry.last_audited =
          *std::max_element(audits->second.begin(), audits->second.end());
    }
    entry.next_due =
        MonthsLater(entry.last_audited.value_or(dates.registration),
                    int64_t{kAuditYearMonths} * rotation) -
        1;
    if (entry.next_due < dates.plan_start) {
      entry.deadline_year = 1;
    } else {
      for (int j = 0; j < rotation; ++j) {
        if (entry.next_due <= plan.years[j].period.last_day) {
          entry.deadline_year = j + 1;
          break;
        }
      }
    }
    entries.push_back(entry);
  }
  std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
    if (a.next_due != b.next_due) return a.next_due < b.next_due;
    return a.rank < b.rank;
  });

  // forced[k]: objectives that must be audited in year k or earlier.
  const int total = static_cast<int>(entries.size());
  std::vector<int> forced(rotation + 2, 0);
  for (const Entry& entry : entries) ++forced[entry.deadline_year];
  for (int k = 1; k <= rotation; ++k) forced[k] += forced[k - 1];
  forced[rotation] = total;

  int placed = 0;
  for (int j = 1; j <= rotation; ++j) {
    int load = 0;
    for (int k = j; k <= rotation; ++k) {
      load = std::max(load, CeilingShare(forced[k] - placed, k - j + 1));
    }
    InternalAuditPlanYear& year = plan.years[j - 1];
    for (int n = placed; n < placed + load; ++n) {
      entries[n].planned_year = year.audit_year;
      year.objectives.push_back(entries[n].objective);
    }
    placed += load;
  }

  const absl::CivilDay first_year_end = plan.years.front().period.last_day;
  plan.coverage.resize(entries.size());
  for (const Entry& entry : entries) {
    ObjectiveCoverage& coverage = plan.coverage[entry.rank];
    coverage.objective = entry.objective;
    coverage.last_audited = entry.last_audited;
    coverage.next_due = entry.next_due;
    coverage.status =
        entry.next_due < dates.plan_start  ? v1::COVERAGE_STATUS_OVERDUE
        : entry.next_due <= first_year_end ? v1::COVERAGE_STATUS_DUE_THIS_YEAR
                                           : v1::COVERAGE_STATUS_COVERED;
    coverage.planned_audit_year = entry.planned_year;
  }
  return plan;
}

}  // namespace ismap::liu::audit
