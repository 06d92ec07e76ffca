// External- and internal-audit planning over gRPC against the real
// all-in-one server and SQLite: the yearly external plans of a registered
// service, internal-audit reports and the rotation and coverage computed from
// them, and IPA's list of overdue objectives across services.
#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "ismap/liu/v1/rules.pb.h"
#include "tests/audit/audit_testing.h"

namespace ismap::liu {
namespace {

using testing::AuditPlanningTest;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Not;
using testing::TimeOf;
using testing::Tokyo;
using testing::ViolatedFields;

constexpr absl::Duration kDay = absl::Hours(24);

class AuditPlansServiceTest : public AuditPlanningTest {
 protected:
  const v1::ControlCatalog& Catalog() {
    return **server_->server().rules().Require<v1::ControlCatalog>();
  }

  std::vector<v1::ExternalAuditPlan> ListPlans(
      const std::string& service, const std::string& token,
      v1::ListExternalAuditPlansRequest request = {}) {
    request.set_parent(service);
    std::vector<v1::ExternalAuditPlan> plans;
    do {
      v1::ListExternalAuditPlansResponse page;
      const grpc::Status status =
          audit_->ListExternalAuditPlans(As(token).get(), request, &page);
      EXPECT_TRUE(status.ok()) << status.error_message();
      if (!status.ok()) break;
      plans.insert(plans.end(), page.external_audit_plans().begin(),
                   page.external_audit_plans().end());
      request.set_page_token(page.next_page_token());
    } while (!request.page_token().empty());
    return plans;
  }

  v1::Coverage CoverageOf(const std::string& service,
                          const std::string& token) {
    v1::GetCoverageRequest request;
    request.set_name(service + "/coverage");
    v1::Coverage coverage;
    const grpc::Status status =
        audit_->GetCoverage(As(token).get(), request, &coverage);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return coverage;
  }

  v1::InternalAuditReport MustReport(const std::string& service,
                                     const v1::InternalAuditReport& report,
                                     const std::string& token = "") {
    v1::InternalAuditReport created;
    const grpc::Status status = CreateReport(service, report, &created, token);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return created;
  }

  std::vector<std::string> ListReportNames(
      v1::ListInternalAuditReportsRequest request, const std::string& token) {
    std::vector<std::string> names;
    do {
      v1::ListInternalAuditReportsResponse page;
      const grpc::Status status =
          audit_->ListInternalAuditReports(As(token).get(), request, &page);
      EXPECT_TRUE(status.ok()) << status.error_message();
      if (!status.ok()) break;
      for (const v1::InternalAuditReport& report :
           page.internal_audit_reports()) {
        names.push_back(report.name());
      }
      request.set_page_token(page.next_page_token());
    } while (!request.page_token().empty());
    return names;
  }
};

TEST_F(AuditPlansServiceTest, ExternalPlansAuditEverythingRequiredEachYear) {
  // Two critical controls excluded.
  const v1::CloudService service = Registered({"9.2.1", "14.2.7"});
  std::set<std::string> every_year;
  std::set<std::string> critical;
  for (const v1::ControlObjective& objective : Catalog().objectives()) {
    if (objective.tier() != v1::CONTROL_TIER_CONTROLS) {
      every_year.insert(objective.id());
    } else if (!objective.critical_areas().empty() &&
               objective.id() != "9.2.1" && objective.id() != "14.2.7") {
      critical.insert(objective.id());
    }
  }
  ASSERT_EQ(every_year.size(), 27u);
  ASSERT_EQ(critical.size(), 63u);

  // Default range: audit year 1 to the current one plus one cycle (3).
  const std::vector<v1::ExternalAuditPlan> plans =
      ListPlans(service.name(), Csp());
  ASSERT_EQ(plans.size(), 4u);
  const absl::CivilDay registration_day =
      absl::ToCivilDay(TimeOf(service.registration_time()), Tokyo());
  std::map<std::string, int> critical_turns;
  std::vector<std::set<std::string>> critical_by_year;
  for (size_t i = 0; i < plans.size(); ++i) {
    const v1::ExternalAuditPlan& plan = plans[i];
    const int year = static_cast<int>(i) + 1;
    EXPECT_EQ(plan.name(),
              absl::StrCat(service.name(), "/externalAuditPlans/", year));
    EXPECT_EQ(plan.audit_year(), year);
    EXPECT_EQ(plan.cycle_years(), 3);
    EXPECT_EQ(plan.cycle_position(), (year - 1) % 3 + 1);
    EXPECT_EQ(plan.provisional(), year > 1);
    EXPECT_EQ(plan.rules_version(), server_->server().rules().version());
    // Back to back from midnight (Tokyo) of the registration day, none
    // longer than a year.
    const absl::Time start = TimeOf(plan.audit_period().start_time());
    const absl::Time end = TimeOf(plan.audit_period().end_time());
    if (i == 0) {
      EXPECT_EQ(start, absl::FromCivil(registration_day, Tokyo()));
    } else {
      EXPECT_EQ(start, TimeOf(plans[i - 1].audit_period().end_time()));
    }
    EXPECT_GT(end, start);
    EXPECT_LE(end - start, 366 * kDay);

    std::set<std::string> planned_every_year;
    std::set<std::string> planned_critical;
    for (const v1::PlannedObjective& objective : plan.objectives()) {
      EXPECT_NE(objective.objective_id(), "9.2.1");
      EXPECT_NE(objective.objective_id(), "14.2.7");
      if (every_year.count(objective.objective_id()) > 0) {
        planned_every_year.insert(objective.objective_id());
        EXPECT_THAT(
            objective.reasons(),
            ElementsAre(v1::INCLUSION_REASON_GOVERNANCE_MANAGEMENT_EVERY_YEAR));
      } else {
        // Nothing pulled anything in: only the critical rotation.
        EXPECT_EQ(critical.count(objective.objective_id()), 1u)
            << objective.objective_id();
        EXPECT_THAT(objective.reasons(),
                    ElementsAre(v1::INCLUSION_REASON_CRITICAL_ROTATION));
        EXPECT_THAT(objective.critical_areas(), Not(IsEmpty()));
        planned_critical.insert(objective.objective_id());
        if (year <= 3) ++critical_turns[objective.objective_id()];
      }
    }
    EXPECT_EQ(planned_every_year, every_year) << "year " << year;
    critical_by_year.push_back(planned_critical);
  }
  // Each critical objective once per cycle; yearly counts within one.
  EXPECT_EQ(critical_turns.size(), critical.size());
  for (const auto& [id, turns] : critical_turns) EXPECT_EQ(turns, 1) << id;
  std::vector<size_t> counts;
  for (int y = 0; y < 3; ++y) counts.push_back(critical_by_year[y].size());
  EXPECT_LE(*std::max_element(counts.begin(), counts.end()) -
                *std::min_element(counts.begin(), counts.end()),
            1u);
  EXPECT_EQ(critical_by_year[3], critical_by_year[0]);

  // One plan by name, for the owner, a ministry and IPA; nobody else.
  v1::GetExternalAuditPlanRequest get;
  get.set_name(service.name() + "/externalAuditPlans/2");
  for (const std::string& token : {Csp(), Ministry(), Ipa()}) {
    v1::ExternalAuditPlan plan;
    ASSERT_TRUE(audit_->GetExternalAuditPlan(As(token).get(), get, &plan).ok());
    plan.clear_compute_time();
    v1::ExternalAuditPlan listed = plans[1];
    listed.clear_compute_time();
    EXPECT_EQ(plan.SerializeAsString(), listed.SerializeAsString());
  }
  v1::ExternalAuditPlan plan;
  EXPECT_EQ(audit_->GetExternalAuditPlan(As(OtherCsp()).get(), get, &plan)
                .error_code(),
            grpc::StatusCode::NOT_FOUND);
  // A range, paged.
  v1::ListExternalAuditPlansRequest range;
  range.set_start_audit_year(5);
  range.set_end_audit_year(9);
  range.set_page_size(2);
  const std::vector<v1::ExternalAuditPlan> later =
      ListPlans(service.name(), Ipa(), range);
  ASSERT_EQ(later.size(), 5u);
  EXPECT_EQ(later.front().audit_year(), 5);
  EXPECT_EQ(later.back().audit_year(), 9);

  for (const std::string& name :
       {service.name() + "/externalAuditPlans/0",
        service.name() + "/externalAuditPlans/01",
        service.name() + "/externalAuditPlans/-1",
        service.name() + "/externalAuditPlans/",
        std::string("services/x/externalAuditPlans/1/extra")}) {
    get.set_name(name);
    const grpc::Status status =
        audit_->GetExternalAuditPlan(As(Ipa()).get(), get, &plan);
    EXPECT_THAT(ViolatedFields(status), ElementsAre("name")) << name;
  }
  v1::ListExternalAuditPlansRequest bad;
  bad.set_parent(service.name());
  bad.set_start_audit_year(4);
  bad.set_end_audit_year(2);
  v1::ListExternalAuditPlansResponse response;
  EXPECT_THAT(ViolatedFields(audit_->ListExternalAuditPlans(As(Ipa()).get(),
                                                            bad, &response)),
              ElementsAre("end_audit_year"));
  bad.set_start_audit_year(-1);
  bad.set_end_audit_year(-1);
  bad.set_page_size(-1);
  EXPECT_THAT(ViolatedFields(audit_->ListExternalAuditPlans(As(Ipa()).get(),
                                                            bad, &response)),
              ElementsAre("page_size", "start_audit_year", "end_audit_year"));
}

TEST_F(AuditPlansServiceTest, ReportsDriveTheRotationTheCoverageAndFindings) {
  const v1::CloudService service = Registered({"14.2.7"});
  const absl::Time now = absl::Now();
  // Audits before the registration count as history.
  const v1::InternalAuditReport old =
      MustReport(service.name(),
                 Report(now - 4 * 365 * kDay, now - 3 * 365 * kDay - 60 * kDay,
                        {"5.1.1", "6.1.1", "3.1.1"}));
  const v1::InternalAuditReport mid = MustReport(
      service.name(), Report(now - 2 * 365 * kDay - 240 * kDay,
                             now - 2 * 365 * kDay - 180 * kDay, {"5.1.2"}));
  v1::InternalAuditReport with_findings =
      Report(now - 30 * kDay, now - kDay, {"6.1.1", "9.4.1"});
  v1::Finding* moderate = with_findings.add_findings();
  moderate->set_objective_id("9.4.1");
  moderate->set_severity(v1::FINDING_SEVERITY_MODERATE);
  moderate->set_description("特権IDの棚卸しが四半期ごとに行われていない");
  v1::Finding* minor = with_findings.add_findings();
  minor->set_objective_id("6.1.1");
  minor->set_severity(v1::FINDING_SEVERITY_MINOR);
  minor->set_description("役割分担表の版数表記の誤り");
  const v1::InternalAuditReport recent =
      MustReport(service.name(), with_findings);
  EXPECT_EQ(recent.csp(), "csps/example-saas");
  EXPECT_EQ(recent.submitted_by().role(), v1::CALLER_ROLE_CSP);
  EXPECT_EQ(recent.submitted_by().organisation(), "csps/example-saas");
  EXPECT_EQ(recent.findings(0).description(),
            "特権IDの棚卸しが四半期ごとに行われていない");

  // Coverage: every objective in scope, with its status.
  const v1::Coverage coverage = CoverageOf(service.name(), Csp());
  ASSERT_EQ(coverage.objectives_size(), 147);
  EXPECT_EQ(coverage.overdue_count(), 2);
  EXPECT_EQ(coverage.due_this_year_count(), 1);
  EXPECT_EQ(coverage.covered_count(), 144);
  std::map<std::string, v1::ObjectiveCoverage> by_id;
  for (const v1::ObjectiveCoverage& objective : coverage.objectives()) {
    by_id[objective.objective_id()] = objective;
  }
  EXPECT_EQ(by_id.count("14.2.7"), 0u);
  EXPECT_EQ(by_id["5.1.1"].status(), v1::COVERAGE_STATUS_OVERDUE);
  EXPECT_EQ(by_id["5.1.1"].last_report(), old.name());
  EXPECT_EQ(by_id["5.1.1"].last_audit_time().SerializeAsString(),
            old.audit_period().end_time().SerializeAsString());
  EXPECT_LT(TimeOf(by_id["5.1.1"].next_due_time()), now);
  EXPECT_EQ(by_id["3.1.1"].status(), v1::COVERAGE_STATUS_OVERDUE);
  EXPECT_EQ(by_id["3.1.1"].tier(), v1::CONTROL_TIER_GOVERNANCE);
  EXPECT_EQ(by_id["5.1.2"].status(), v1::COVERAGE_STATUS_DUE_THIS_YEAR);
  EXPECT_GT(TimeOf(by_id["5.1.2"].next_due_time()), now);
  EXPECT_EQ(by_id["6.1.1"].status(), v1::COVERAGE_STATUS_COVERED);
  EXPECT_EQ(by_id["6.1.1"].last_report(), recent.name());
  EXPECT_EQ(by_id["4.6.3"].status(), v1::COVERAGE_STATUS_COVERED);
  EXPECT_FALSE(by_id["4.6.3"].has_last_audit_time());
  // Never audited: due three years after registration.
  EXPECT_GT(TimeOf(by_id["4.6.3"].next_due_time()), now + 2 * 365 * kDay);
  EXPECT_EQ(by_id["5.1.1"].planned_audit_year(), 1);
  EXPECT_EQ(by_id["5.1.2"].planned_audit_year(), 1);
  // A ministry and IPA read it too; another CSP does not.
  EXPECT_EQ(CoverageOf(service.name(), Ministry()).overdue_count(), 2);
  v1::GetCoverageRequest coverage_request;
  coverage_request.set_name(service.name() + "/coverage");
  v1::Coverage hidden;
  EXPECT_EQ(audit_->GetCoverage(As(OtherCsp()).get(), coverage_request, &hidden)
                .error_code(),
            grpc::StatusCode::NOT_FOUND);

  // The rotation: every objective once within three years, the overdue
  // ones first.
  v1::GetInternalAuditPlanRequest plan_request;
  plan_request.set_name(service.name() + "/internalAuditPlan");
  v1::InternalAuditPlan plan;
  ASSERT_TRUE(
      audit_->GetInternalAuditPlan(As(Csp()).get(), plan_request, &plan).ok());
  EXPECT_EQ(plan.rotation_years(), 3);
  EXPECT_EQ(plan.current_audit_year(), 1);
  EXPECT_EQ(plan.reports_considered(), 3);
  ASSERT_EQ(plan.years_size(), 3);
  std::multiset<std::string> planned;
  for (const v1::InternalAuditPlanYear& year : plan.years()) {
    planned.insert(year.objectives().begin(), year.objectives().end());
  }
  EXPECT_EQ(planned.size(), 147u);
  EXPECT_EQ(std::set<std::string>(planned.begin(), planned.end()).size(), 147u);
  EXPECT_THAT(std::vector<std::string>(plan.years(0).objectives().begin(),
                                       plan.years(0).objectives().begin() + 3),
              ElementsAre("3.1.1", "5.1.1", "5.1.2"));

  // The moderate finding joins the next external audit; the minor one not.
  v1::GetExternalAuditPlanRequest next;
  next.set_name(service.name() + "/externalAuditPlans/2");
  v1::ExternalAuditPlan external;
  ASSERT_TRUE(
      audit_->GetExternalAuditPlan(As(Csp()).get(), next, &external).ok());
  bool pulled = false;
  for (const v1::PlannedObjective& objective : external.objectives()) {
    EXPECT_NE(objective.objective_id(), "6.1.1");
    if (objective.objective_id() == "9.4.1") {
      EXPECT_THAT(objective.reasons(),
                  Contains(v1::INCLUSION_REASON_PULLED_IN_BY_FINDING));
      EXPECT_THAT(objective.internal_audit_reports(),
                  ElementsAre(recent.name()));
      pulled = true;
    }
  }
  EXPECT_TRUE(pulled);

  // Reports, newest audit period first, filtered.
  v1::ListInternalAuditReportsRequest list;
  list.set_parent(service.name());
  list.set_page_size(2);
  EXPECT_THAT(ListReportNames(list, Csp()),
              ElementsAre(recent.name(), mid.name(), old.name()));
  list.set_objective_id("5.1.1");
  EXPECT_THAT(ListReportNames(list, Ipa()), ElementsAre(old.name()));
  list.clear_objective_id();
  list.set_with_findings(true);
  EXPECT_THAT(ListReportNames(list, Csp()), ElementsAre(recent.name()));
  list.set_parent("services/-");
  list.set_with_findings(false);
  EXPECT_EQ(ListReportNames(list, Csp()).size(), 3u);
  EXPECT_THAT(ListReportNames(list, OtherCsp()), IsEmpty());
  list.set_objective_id("99.1.1");
  v1::ListInternalAuditReportsResponse response;
  EXPECT_THAT(ViolatedFields(audit_->ListInternalAuditReports(As(Csp()).get(),
                                                              list, &response)),
              ElementsAre("objective_id"));
  list.set_parent(service.name());
  list.clear_objective_id();
  EXPECT_EQ(
      audit_->ListInternalAuditReports(As(OtherCsp()).get(), list, &response)
          .error_code(),
      grpc::StatusCode::NOT_FOUND);

  v1::GetInternalAuditReportRequest get;
  get.set_name(recent.name());
  v1::InternalAuditReport read;
  ASSERT_TRUE(audit_->GetInternalAuditReport(As(Csp()).get(), get, &read).ok());
  EXPECT_EQ(read.SerializeAsString(), recent.SerializeAsString());
  ASSERT_TRUE(audit_->GetInternalAuditReport(As(Ipa()).get(), get, &read).ok());
  EXPECT_EQ(audit_->GetInternalAuditReport(As(OtherCsp()).get(), get, &read)
                .error_code(),
            grpc::StatusCode::NOT_FOUND);
  get.set_name(service.name() + "/internalAuditReports/nope");
  EXPECT_EQ(
      audit_->GetInternalAuditReport(As(Csp()).get(), get, &read).error_code(),
      grpc::StatusCode::NOT_FOUND);
}

TEST_F(AuditPlansServiceTest,
       OnlyTheOwnerReportsAndEveryRefusalChangesNothing) {
  const v1::CloudService service = Registered({"14.2.7"});
  const absl::Time now = absl::Now();
  const v1::InternalAuditReport good =
      Report(now - 90 * kDay, now - kDay, {"5.1.1"});
  ExpectRefusedWithoutChange(
      grpc::StatusCode::PERMISSION_DENIED,
      [&] {
        v1::InternalAuditReport out;
        return CreateReport(service.name(), good, &out, Ipa());
      },
      "report by IPA");
  ExpectRefusedWithoutChange(
      grpc::StatusCode::PERMISSION_DENIED,
      [&] {
        v1::InternalAuditReport out;
        return CreateReport(service.name(), good, &out, Ministry());
      },
      "report by a ministry");
  ExpectRefusedWithoutChange(
      grpc::StatusCode::NOT_FOUND,
      [&] {
        v1::InternalAuditReport out;
        return CreateReport(service.name(), good, &out, OtherCsp());
      },
      "report by another CSP");
  ExpectRefusedWithoutChange(
      grpc::StatusCode::PERMISSION_DENIED,
      [&] {
        v1::ListOverdueObjectivesResponse out;
        return audit_->ListOverdueObjectives(
            As(Csp()).get(), v1::ListOverdueObjectivesRequest(), &out);
      },
      "overdue list by a CSP");

  v1::InternalAuditReport bad =
      Report(now - 400 * kDay, now + kDay, {"5.1.1", "14.2.7", "99.1.1"});
  v1::Finding* finding = bad.add_findings();
  finding->set_objective_id("6.1.1");
  bad.set_summary(std::string(70 * 1024, 'x'));
  ExpectRefusedWithoutChange(
      grpc::StatusCode::INVALID_ARGUMENT,
      [&] {
        v1::InternalAuditReport out;
        const grpc::Status status = CreateReport(service.name(), bad, &out);
        EXPECT_THAT(
            ViolatedFields(status),
            ElementsAre("internal_audit_report.audit_period.end_time",
                        "internal_audit_report.audit_period",
                        "internal_audit_report.audited_objectives[1]",
                        "internal_audit_report.audited_objectives[2]",
                        "internal_audit_report.findings[0].objective_id",
                        "internal_audit_report.findings[0].severity",
                        "internal_audit_report.findings[0].description",
                        "internal_audit_report.summary"));
        return status;
      },
      "bad report");
  ExpectRefusedWithoutChange(
      grpc::StatusCode::INVALID_ARGUMENT,
      [&] {
        v1::CreateInternalAuditReportRequest request;
        request.set_parent("services");
        v1::InternalAuditReport out;
        const grpc::Status status =
            audit_->CreateInternalAuditReport(As(Csp()).get(), request, &out);
        EXPECT_THAT(
            ViolatedFields(status),
            ElementsAre("parent", "request_id", "internal_audit_report"));
        return status;
      },
      "empty report request");

  // A retried report answers the first; a changed body under the same
  // request id is refused.
  v1::InternalAuditReport first;
  ASSERT_TRUE(
      CreateReport(service.name(), good, &first, Csp(), "report-once").ok());
  const std::string after_first = server_->DumpAllTables();
  v1::InternalAuditReport retried;
  ASSERT_TRUE(
      CreateReport(service.name(), good, &retried, Csp(), "report-once").ok());
  EXPECT_EQ(retried.SerializeAsString(), first.SerializeAsString());
  EXPECT_EQ(server_->DumpAllTables(), after_first);
  v1::InternalAuditReport changed = good;
  changed.add_audited_objectives("5.1.2");
  ExpectRefusedWithoutChange(
      grpc::StatusCode::INVALID_ARGUMENT,
      [&] {
        v1::InternalAuditReport out;
        const grpc::Status status =
            CreateReport(service.name(), changed, &out, Csp(), "report-once");
        EXPECT_THAT(ViolatedFields(status), ElementsAre("request_id"));
        return status;
      },
      "request id reused with another report");
}

TEST_F(AuditPlansServiceTest, IpaListsOverdueObjectivesAcrossServices) {
  const absl::Time now = absl::Now();
  const v1::CloudService ours = Registered({});
  v1::CloudService theirs;
  ASSERT_TRUE(Register(EligiblePreApplication(OtherCsp(), "他社サービス"),
                       testing::Excluding({"5.1.2"}), &theirs)
                  .ok());
  // Overdue: ours 3.1.1 and 5.1.1 (audited over four years ago), theirs
  // 5.1.1 (a little later, so less overdue).
  MustReport(ours.name(),
             Report(now - 4 * 365 * kDay, now - 3 * 365 * kDay - 100 * kDay,
                    {"3.1.1", "5.1.1"}));
  MustReport(theirs.name(),
             Report(now - 4 * 365 * kDay, now - 3 * 365 * kDay - 50 * kDay,
                    {"5.1.1", "6.1.1"}),
             OtherCsp());
  // Recent audits of theirs cover 6.1.1 again.
  MustReport(theirs.name(), Report(now - 60 * kDay, now - kDay, {"6.1.1"}),
             OtherCsp());
  // A suspended service stays on the list.
  v1::CloudService suspended;
  ASSERT_TRUE(Suspend(Read(theirs.name()), {"9.2.1"}, &suspended).ok());

  const auto list = [&](v1::ListOverdueObjectivesRequest request) {
    std::vector<std::string> items;
    do {
      v1::ListOverdueObjectivesResponse page;
      const grpc::Status status =
          audit_->ListOverdueObjectives(As(Ipa()).get(), request, &page);
      EXPECT_TRUE(status.ok()) << status.error_message();
      if (!status.ok()) break;
      EXPECT_EQ(page.rules_version(), server_->server().rules().version());
      for (const v1::OverdueObjective& item : page.overdue_objectives()) {
        EXPECT_LT(TimeOf(item.next_due_time()), now);
        EXPECT_TRUE(item.has_last_audit_time());
        items.push_back(absl::StrCat(item.service(), " ", item.objective_id()));
      }
      request.set_page_token(page.next_page_token());
    } while (!request.page_token().empty());
    return items;
  };
  const std::string our_3 = ours.name() + " 3.1.1";
  const std::string our_5 = ours.name() + " 5.1.1";
  const std::string their_5 = theirs.name() + " 5.1.1";
  v1::ListOverdueObjectivesRequest request;
  std::vector<std::string> all = list(request);
  ASSERT_EQ(all.size(), 3u);
  // Most overdue first: ours (due earlier), then theirs.
  EXPECT_EQ(all[2], their_5);
  EXPECT_EQ(std::set<std::string>(all.begin(), all.begin() + 2),
            (std::set<std::string>{our_3, our_5}));
  request.set_page_size(1);
  EXPECT_EQ(list(request), all);
  request.set_csp("csps/other-saas");
  EXPECT_THAT(list(request), ElementsAre(their_5));
  request.clear_csp();
  request.set_service(ours.name());
  request.set_tier(v1::CONTROL_TIER_CONTROLS);
  EXPECT_THAT(list(request), ElementsAre(our_5));
  request.set_tier(v1::CONTROL_TIER_GOVERNANCE);
  EXPECT_THAT(list(request), ElementsAre(our_3));

  v1::ListOverdueObjectivesRequest bad;
  bad.set_csp("other-saas");
  bad.set_service("services/");
  bad.set_tier(static_cast<v1::ControlTier>(7));
  bad.set_page_token("not-a-token");
  v1::ListOverdueObjectivesResponse response;
  EXPECT_THAT(ViolatedFields(audit_->ListOverdueObjectives(As(Ipa()).get(), bad,
                                                           &response)),
              ElementsAre("page_token", "csp", "service", "tier"));
}

}  // namespace
}  // namespace ismap::liu
