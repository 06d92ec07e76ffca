// Audit planner benchmark: the plans of a fleet of registered services.
//
// For 100, 1,000 and 10,000 registered services, each with random exclusions
// from its statement scope, a random internal-audit history and a few
// incidents and findings, one iteration plans every service: its statement
// scope, its external-audit plan for the current audit year and its
// internal-audit rotation. The baseline, in the same run, makes a naive copy
// of each service's scope (the statement and its in-scope objectives). After
// the runs it prints, per size, the ratio of planning time to the baseline's
// and the peak resident set size (getrusage ru_maxrss) after that size.
//
//   build/release/bench/audit_planner_bench [--benchmark_min_time=2]
#include <sys/resource.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "benchmark/benchmark.h"
#include "google/protobuf/text_format.h"
#include "ismap/liu/v1/rules.pb.h"
#include "services/audit/domain/control_scope.h"
#include "services/audit/domain/external_audit_planner.h"
#include "services/audit/domain/internal_audit_planner.h"
#include "services/common/file_contents.h"

namespace ismap::liu::audit {
namespace {

constexpr int kSizes[] = {100, 1'000, 10'000};
// "Today" for every plan.
const absl::CivilDay kToday(2027, 6, 1);

template <typename Rules>
Rules LoadRules(const std::string& file) {
  const std::string path = std::string(LIU_SOURCE_DIR) + "/rules/" + file;
  const absl::StatusOr<std::string> text = ReadFileContents(path);
  Rules rules;
  if (!text.ok() ||
      !google::protobuf::TextFormat::ParseFromString(*text, &rules)) {
    std::fprintf(stderr, "benchmark setup failed: cannot load %s\n",
                 path.c_str());
    std::abort();
  }
  return rules;
}

// The repository's rules, loaded and indexed once.
struct Rules {
  v1::ControlCatalog catalog =
      LoadRules<v1::ControlCatalog>("control_catalog.textproto");
  v1::AuditPolicy policy = LoadRules<v1::AuditPolicy>("audit_policy.textproto");
  ControlCriteria criteria = *ControlCriteria::Create(catalog);
};

const Rules& TheRules() {
  static const Rules* const rules = new Rules();
  return *rules;
}

// What the store would hold for one registered service.
struct RegisteredService {
  absl::CivilDay registration;
  v1::StatementScope statement;
  InternalAuditHistory history;
  std::vector<AuditTrigger> incidents;
  std::vector<AuditTrigger> findings;
};

std::vector<AuditTrigger> RandomTriggers(std::mt19937_64& rng,
                                         const std::string& source,
                                         absl::CivilDay from) {
  const std::vector<const v1::ControlObjective*>& all =
      TheRules().criteria.objectives();
  std::uniform_int_distribution<int> count(0, 2);
  std::uniform_int_distribution<size_t> pick(0, all.size() - 1);
  std::vector<AuditTrigger> triggers(count(rng));
  for (size_t t = 0; t < triggers.size(); ++t) {
    triggers[t].source = absl::StrCat(source, t + 1);
    triggers[t].date = from + std::uniform_int_distribution<int>(
                                  0, static_cast<int>(kToday - from))(rng);
    triggers[t].objective_ids = {all[pick(rng)]->id(), all[pick(rng)]->id()};
  }
  return triggers;
}

// `size` services, generated once per size with a fixed seed.
const std::vector<RegisteredService>& Fleet(int size) {
  static auto* const fleets =
      new std::map<int, std::vector<RegisteredService>>();
  std::vector<RegisteredService>& fleet = (*fleets)[size];
  if (!fleet.empty()) return fleet;
  std::mt19937_64 rng(size);
  const std::vector<const v1::ControlObjective*>& all =
      TheRules().criteria.objectives();
  std::uniform_real_distribution<double> chance(0.0, 1.0);
  fleet.resize(size);
  for (RegisteredService& service : fleet) {
    service.registration = absl::CivilDay(2020, 1, 1) +
                           std::uniform_int_distribution<int>(0, 6 * 365)(rng);
    const double excluded = chance(rng) * 0.3;
    const double audited = chance(rng);
    for (const v1::ControlObjective* objective : all) {
      if (objective->tier() == v1::CONTROL_TIER_CONTROLS &&
          chance(rng) < excluded) {
        v1::ObjectiveExclusion* exclusion =
            service.statement.add_excluded_objectives();
        exclusion->set_objective_id(objective->id());
        exclusion->set_reason("当該サービスでは該当する資産がない");
        continue;
      }
      if (chance(rng) < audited) {
        std::vector<absl::CivilDay>& days = service.history[objective->id()];
        for (int k = std::uniform_int_distribution<int>(1, 3)(rng); k > 0;
             --k) {
          days.push_back(
              service.registration +
              std::uniform_int_distribution<int>(
                  0, static_cast<int>(kToday - service.registration))(rng));
        }
      }
    }
    service.incidents = RandomTriggers(rng, "incident-", service.registration);
    service.findings = RandomTriggers(rng, "report-", service.registration);
  }
  return fleet;
}

// Baseline: a naive copy of each service's scope.
void BM_ScopeCopy(benchmark::State& state, int size) {
  const std::vector<RegisteredService>& fleet = Fleet(size);
  const Rules& rules = TheRules();
  for (auto _ : state) {
    for (const RegisteredService& service : fleet) {
      v1::StatementScope statement = service.statement;
      std::set<std::string> excluded;
      for (const v1::ObjectiveExclusion& exclusion :
           statement.excluded_objectives()) {
        excluded.insert(exclusion.objective_id());
      }
      std::vector<const v1::ControlObjective*> in_scope;
      for (const v1::ControlObjective& objective : rules.catalog.objectives()) {
        if (excluded.count(objective.id()) == 0) in_scope.push_back(&objective);
      }
      benchmark::DoNotOptimize(in_scope.data());
    }
  }
  state.SetItemsProcessed(state.iterations() * size);
}

// Every service's scope, external-audit plan for the current audit year, and
// internal-audit rotation.
void BM_Plans(benchmark::State& state, int size) {
  const std::vector<RegisteredService>& fleet = Fleet(size);
  const Rules& rules = TheRules();
  const InternalAuditRotationPlanner rotation =
      *InternalAuditRotationPlanner::Create(rules.policy);
  const int period_months = rules.policy.external_audit_period_max_months();
  size_t planned = 0;
  for (auto _ : state) {
    for (const RegisteredService& service : fleet) {
      const absl::StatusOr<ControlScope> scope =
          ControlScope::Create(rules.criteria, service.statement);
      const absl::StatusOr<ExternalAuditPlanner> external =
          ExternalAuditPlanner::Create(*scope, service.registration,
                                       rules.policy);
      const int year =
          *AuditYearOf(service.registration, kToday, period_months);
      const absl::StatusOr<ExternalAuditPlan> plan =
          external->Plan(year, service.incidents, service.findings);
      const absl::StatusOr<InternalAuditRotationPlan> internal = rotation.Plan(
          scope->objectives(), service.history, {service.registration, kToday});
      if (!plan.ok() || !internal.ok()) {
        std::fprintf(stderr, "planning failed: %s %s\n",
                     plan.status().ToString().c_str(),
                     internal.status().ToString().c_str());
        std::abort();
      }
      planned += plan->objectives.size() + internal->coverage.size();
    }
  }
  benchmark::DoNotOptimize(planned);
  state.SetItemsProcessed(state.iterations() * size);
}

// Prints the runs as usual, notes the peak RSS after each size, then prints
// each Plans/ScopeCopy ratio and the peaks.
class RatioReporter final : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run& run : runs) {
      if (run.run_type == Run::RT_Iteration && run.iterations > 0) {
        seconds_per_op_[run.run_name.function_name] = run.GetAdjustedRealTime();
      }
    }
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    peak_kib_after_.emplace_back(
        runs.empty() ? "" : runs[0].run_name.function_name,
        int64_t{usage.ru_maxrss});
  }
  void PrintSummary() const {
    for (const int size : kSizes) {
      const std::string plans = absl::StrCat("BM_Plans/", size);
      const std::string baseline = absl::StrCat("BM_ScopeCopy/", size);
      const auto p = seconds_per_op_.find(plans);
      const auto b = seconds_per_op_.find(baseline);
      if (p == seconds_per_op_.end() || b == seconds_per_op_.end()) continue;
      std::printf("ratio %s / %s = %.3f (%.2f us per service)\n", plans.c_str(),
                  baseline.c_str(), p->second / b->second,
                  p->second * 1e3 / size);
    }
    for (const auto& [name, kib] : peak_kib_after_) {
      std::printf("peak RSS after %s: %.1f MiB\n", name.c_str(),
                  static_cast<double>(kib) / 1024.0);
    }
  }

 private:
  std::map<std::string, double> seconds_per_op_;  // Time per operation.
  // (benchmark, ru_maxrss in KiB after it), in run order.
  std::vector<std::pair<std::string, int64_t>> peak_kib_after_;
};

}  // namespace
}  // namespace ismap::liu::audit

int main(int argc, char** argv) {
  using ismap::liu::audit::BM_Plans;
  using ismap::liu::audit::BM_ScopeCopy;
  benchmark::Initialize(&argc, argv);
  for (const int size : ismap::liu::audit::kSizes) {
    benchmark::RegisterBenchmark(absl::StrCat("BM_ScopeCopy/", size).c_str(),
                                 BM_ScopeCopy, size)
        ->Unit(benchmark::kMillisecond)
        ->UseRealTime();
    benchmark::RegisterBenchmark(absl::StrCat("BM_Plans/", size).c_str(),
                                 BM_Plans, size)
        ->Unit(benchmark::kMillisecond)
        ->UseRealTime();
  }
  ismap::liu::audit::RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  reporter.PrintSummary();
  benchmark::Shutdown();
  return 0;
}
