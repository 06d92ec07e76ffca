// The registration lifecycle over gRPC against the real all-in-one server and
// SQLite: IPA registers, holds and rejects genuinely eligible
// pre-applications, suspends a service at once over an incident and lifts the
// suspension; CSPs read only their own services; every refused call leaves
// the database and the audit trail as they were.
#include <algorithm>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/audit/audit_testing.h"

namespace ismap::liu {
namespace {

using testing::AuditPlanningTest;
using ::testing::ElementsAre;
using testing::Excluding;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using testing::TimeOf;
using testing::Tokyo;
using testing::ViolatedFields;

using RegistrationServiceTest = AuditPlanningTest;

TEST_F(RegistrationServiceTest, IpaRegistersAnEligiblePreApplication) {
  const std::string pre_application = EligiblePreApplication();
  const int events = AuditEventCount();
  v1::CloudService service;
  const absl::Time before = absl::Now();
  ASSERT_TRUE(
      Register(pre_application, Excluding({"14.2.7", "9.2.1"}), &service).ok());
  EXPECT_THAT(service.name(), HasSubstr("services/"));
  EXPECT_EQ(service.pre_application(), pre_application);
  EXPECT_EQ(service.csp(), "csps/example-saas");
  EXPECT_EQ(service.service_name(), "クラウド名刺サービス");
  EXPECT_EQ(service.service_description(), "名刺とアカウントを管理する SaaS");
  EXPECT_EQ(service.state(), v1::CloudService::STATE_REGISTERED);
  EXPECT_GE(TimeOf(service.registration_time()), before);
  EXPECT_FALSE(service.etag().empty());
  EXPECT_EQ(service.rules_version(), server_->server().rules().version());
  const v1::StatementScope& scope = service.statement_scope();
  ASSERT_EQ(scope.excluded_objectives_size(), 2);
  EXPECT_EQ(scope.excluded_objectives(0).objective_id(), "9.2.1");
  EXPECT_EQ(scope.excluded_objectives(1).objective_id(), "14.2.7");
  // 9.2.1's basic-statement control goes with it.
  EXPECT_THAT(scope.excluded_detailed_controls(), ElementsAre("9.2.1.6.PB"));
  EXPECT_EQ(scope.objectives_in_scope(), 146);
  ASSERT_EQ(service.decisions_size(), 1);
  EXPECT_EQ(service.decisions(0).kind(),
            v1::RegistrationDecision::KIND_REGISTER);
  EXPECT_EQ(service.decisions(0).decided_by().role(), v1::CALLER_ROLE_IPA);
  EXPECT_EQ(service.decisions(0).decided_by().organisation(), "ipa");
  // One state change, one audit-trail event.
  EXPECT_EQ(AuditEventCount(), events + 1);

  // The owner reads it in full; it survives a restart.
  v1::CloudService read;
  ASSERT_TRUE(Get(service.name(), Csp(), &read).ok());
  EXPECT_EQ(read.SerializeAsString(), service.SerializeAsString());
  ASSERT_TRUE(server_->Restart().ok());
  audit_ = server_->Stub<v1::AuditPlanningService>();
  ASSERT_TRUE(Get(service.name(), Ipa(), &read).ok());
  EXPECT_EQ(read.SerializeAsString(), service.SerializeAsString());

  // The public list shows it to every role.
  for (const std::string& token : {Csp(), OtherCsp(), Ministry(), Ipa()}) {
    v1::ListRegisteredServicesResponse list;
    ASSERT_TRUE(
        audit_
            ->ListRegisteredServices(As(token).get(),
                                     v1::ListRegisteredServicesRequest(), &list)
            .ok());
    ASSERT_EQ(list.services_size(), 1);
    EXPECT_EQ(list.services(0).service(), service.name());
    EXPECT_EQ(list.services(0).state(), v1::CloudService::STATE_REGISTERED);
    EXPECT_EQ(list.services(0).service_name(), "クラウド名刺サービス");
    EXPECT_EQ(list.services(0).csp(), "csps/example-saas");
  }
}

TEST_F(RegistrationServiceTest, ARetriedRegisterAnswersTheSameService) {
  const std::string pre_application = EligiblePreApplication();
  v1::RegisterServiceRequest request;
  request.set_pre_application(pre_application);
  *request.mutable_statement_scope() = Excluding({"14.2.7"});
  request.set_request_id("6b1f3c9e-register-once");
  v1::CloudService first;
  ASSERT_TRUE(audit_->RegisterService(As(Ipa()).get(), request, &first).ok());
  const std::string after_first = server_->DumpAllTables();
  v1::CloudService retried;
  ASSERT_TRUE(audit_->RegisterService(As(Ipa()).get(), request, &retried).ok());
  EXPECT_EQ(retried.name(), first.name());
  EXPECT_EQ(retried.etag(), first.etag());
  EXPECT_EQ(server_->DumpAllTables(), after_first);

  // The same request id with another body is refused, naming it.
  *request.mutable_statement_scope() = Excluding({});
  ExpectRefusedWithoutChange(
      grpc::StatusCode::INVALID_ARGUMENT,
      [&] {
        v1::CloudService out;
        const grpc::Status status =
            audit_->RegisterService(As(Ipa()).get(), request, &out);
        EXPECT_THAT(ViolatedFields(status), ElementsAre("request_id"));
        return status;
      },
      "reused request id");
  // A new decision on the same pre-application is ALREADY_EXISTS.
  ExpectRefusedWithoutChange(
      grpc::StatusCode::ALREADY_EXISTS,
      [&] {
        v1::CloudService out;
        return Register(pre_application, Excluding({}), &out);
      },
      "second registration");
  ExpectRefusedWithoutChange(
      grpc::StatusCode::ALREADY_EXISTS,
      [&] {
        v1::CloudService out;
        return Hold(pre_application, &out);
      },
      "hold of a registered pre-application");

  v1::ListServicesRequest list_request;
  list_request.set_pre_application(pre_application);
  v1::ListServicesResponse list;
  ASSERT_TRUE(audit_->ListServices(As(Ipa()).get(), list_request, &list).ok());
  EXPECT_EQ(list.services_size(), 1);
}

TEST_F(RegistrationServiceTest, ConcurrentDecisionsMakeExactlyOneService) {
  const std::string pre_application = EligiblePreApplication();
  const std::string ipa = Ipa();
  constexpr int kCallers = 6;
  std::vector<grpc::StatusCode> codes(kCallers);
  std::vector<std::thread> callers;
  for (int i = 0; i < kCallers; ++i) {
    callers.emplace_back([&, i] {
      v1::CloudService out;
      if (i % 2 == 0) {
        v1::RegisterServiceRequest request;
        request.set_pre_application(pre_application);
        *request.mutable_statement_scope() = Excluding({});
        request.set_request_id(absl::StrCat("concurrent-", i));
        codes[i] =
            audit_->RegisterService(As(ipa).get(), request, &out).error_code();
      } else {
        v1::HoldServiceRequest request;
        request.set_pre_application(pre_application);
        *request.mutable_statement_scope() = Excluding({});
        request.set_reason("再監査");
        request.set_request_id(absl::StrCat("concurrent-", i));
        codes[i] =
            audit_->HoldService(As(ipa).get(), request, &out).error_code();
      }
    });
  }
  for (std::thread& caller : callers) caller.join();
  EXPECT_EQ(std::count(codes.begin(), codes.end(), grpc::StatusCode::OK), 1);
  EXPECT_EQ(
      std::count(codes.begin(), codes.end(), grpc::StatusCode::ALREADY_EXISTS),
      kCallers - 1);
  v1::ListServicesRequest request;
  request.set_pre_application(pre_application);
  v1::ListServicesResponse list;
  ASSERT_TRUE(audit_->ListServices(As(ipa).get(), request, &list).ok());
  EXPECT_EQ(list.services_size(), 1);
}

TEST_F(RegistrationServiceTest, BadRequestsNameEveryOffendingField) {
  v1::RegisterServiceRequest request;
  request.set_pre_application("preApplication/x");
  v1::StatementScope& scope = *request.mutable_statement_scope();
  for (const auto& [id, reason] :
       std::vector<std::pair<std::string, std::string>>{
           {"3.1.1", "ガバナンスは除外できない"},
           {"4.6.3", "マネジメントも除外できない"},
           {"99.1.1", "存在しない"},
           {"14.2.7", ""},
           {"14.2.7", "二重"},
           {"15.1.1", std::string(5000, 'y')}}) {
    v1::ObjectiveExclusion* exclusion = scope.add_excluded_objectives();
    exclusion->set_objective_id(id);
    exclusion->set_reason(reason);
  }
  request.set_reason(std::string(5000, 'x'));
  ExpectRefusedWithoutChange(
      grpc::StatusCode::INVALID_ARGUMENT,
      [&] {
        v1::CloudService out;
        const grpc::Status status =
            audit_->RegisterService(As(Ipa()).get(), request, &out);
        EXPECT_THAT(
            ViolatedFields(status),
            ElementsAre("reason", "pre_application",
                        "statement_scope.excluded_objectives[5].reason",
                        "statement_scope.excluded_objectives[0].objective_id",
                        "statement_scope.excluded_objectives[1].objective_id",
                        "statement_scope.excluded_objectives[2].objective_id",
                        "statement_scope.excluded_objectives[3].reason",
                        "statement_scope.excluded_objectives[4].objective_id",
                        "request_id"));
        return status;
      },
      "bad register");

  // Text that is not UTF-8 is named too (the request is refused before it
  // is even parsed).
  v1::RegisterServiceRequest not_utf8;
  not_utf8.set_pre_application("preApplications/abc");
  *not_utf8.mutable_statement_scope() = Excluding({"14.2.7", "15.1.1"});
  not_utf8.mutable_statement_scope()
      ->mutable_excluded_objectives(1)
      ->set_reason(std::string("\xff\xfe", 2));
  not_utf8.set_request_id("r");
  ExpectRefusedWithoutChange(
      grpc::StatusCode::INVALID_ARGUMENT,
      [&] {
        v1::CloudService out;
        const grpc::Status status =
            audit_->RegisterService(As(Ipa()).get(), not_utf8, &out);
        EXPECT_THAT(
            ViolatedFields(status),
            ElementsAre("statement_scope.excluded_objectives[1].reason"));
        return status;
      },
      "register with a reason that is not UTF-8");
  ExpectRefusedWithoutChange(
      grpc::StatusCode::INVALID_ARGUMENT,
      [&] {
        v1::CloudService out;
        return audit_->RegisterService(As(Ipa()).get(),
                                       v1::RegisterServiceRequest(), &out);
      },
      "register without a target");
  ExpectRefusedWithoutChange(
      grpc::StatusCode::INVALID_ARGUMENT,
      [&] {
        v1::RegisterServiceRequest by_service;
        by_service.set_service("services/UPPER");
        v1::CloudService out;
        const grpc::Status status =
            audit_->RegisterService(As(Ipa()).get(), by_service, &out);
        EXPECT_THAT(ViolatedFields(status), ElementsAre("service", "etag"));
        return status;
      },
      "register of a malformed service without etag");
  ExpectRefusedWithoutChange(
      grpc::StatusCode::INVALID_ARGUMENT,
      [&] {
        v1::HoldServiceRequest hold;
        hold.set_pre_application("preApplications/abc");
        v1::CloudService out;
        const grpc::Status status =
            audit_->HoldService(As(Ipa()).get(), hold, &out);
        EXPECT_THAT(ViolatedFields(status),
                    ElementsAre("statement_scope", "reason", "request_id"));
        return status;
      },
      "hold without scope, reason or request id");
  ExpectRefusedWithoutChange(
      grpc::StatusCode::INVALID_ARGUMENT,
      [&] {
        v1::RejectServiceRequest reject;
        reject.set_pre_application("preApplications/abc");
        reject.set_request_id("r");
        v1::CloudService out;
        const grpc::Status status =
            audit_->RejectService(As(Ipa()).get(), reject, &out);
        EXPECT_THAT(ViolatedFields(status), ElementsAre("reason"));
        return status;
      },
      "reject without a reason");
}

TEST_F(RegistrationServiceTest, OnlyAnEligiblePreApplicationCanBeRegistered) {
  ExpectRefusedWithoutChange(
      grpc::StatusCode::NOT_FOUND,
      [&] {
        v1::CloudService out;
        return Register("preApplications/does-not-exist", Excluding({}), &out);
      },
      "unknown pre-application");

  // Filed, but MLIT has not assessed it: WAITING_FOR_ASSESSMENT.
  const v1::PreApplication waiting = File(Csp(), "評価待ちサービス");
  ASSERT_EQ(waiting.judgement().overall_outcome(),
            v1::ELIGIBILITY_OUTCOME_WAITING_FOR_ASSESSMENT);
  ExpectRefusedWithoutChange(
      grpc::StatusCode::FAILED_PRECONDITION,
      [&] {
        v1::CloudService out;
        const grpc::Status status =
            Register(waiting.name(), Excluding({}), &out);
        EXPECT_THAT(status.error_message(),
                    HasSubstr("ELIGIBILITY_OUTCOME_WAITING_FOR_ASSESSMENT"));
        return status;
      },
      "register of a waiting pre-application");
  ExpectRefusedWithoutChange(
      grpc::StatusCode::FAILED_PRECONDITION,
      [&] {
        v1::CloudService out;
        return Hold(waiting.name(), &out);
      },
      "hold of a waiting pre-application");

  // Eligible, then withdrawn by the CSP.
  const std::string eligible = EligiblePreApplication(Csp(), "取下げサービス");
  v1::GetPreApplicationRequest get;
  get.set_name(eligible);
  v1::PreApplication current;
  ASSERT_TRUE(
      eligibility_->GetPreApplication(As(Csp()).get(), get, &current).ok());
  v1::WithdrawPreApplicationRequest withdraw;
  withdraw.set_name(eligible);
  withdraw.set_etag(current.etag());
  withdraw.set_reason("サービス提供を中止する");
  v1::PreApplication withdrawn;
  ASSERT_TRUE(
      eligibility_
          ->WithdrawPreApplication(As(Csp()).get(), withdraw, &withdrawn)
          .ok());
  ExpectRefusedWithoutChange(
      grpc::StatusCode::FAILED_PRECONDITION,
      [&] {
        v1::CloudService out;
        const grpc::Status status = Register(eligible, Excluding({}), &out);
        EXPECT_THAT(status.error_message(), HasSubstr("withdrawn"));
        return status;
      },
      "register of a withdrawn pre-application");
}

TEST_F(RegistrationServiceTest, AHoldGivesAMonthsGraceThenIpaDecides) {
  const std::string pre_application = EligiblePreApplication();
  v1::CloudService held;
  const absl::Time before = absl::Now();
  ASSERT_TRUE(Hold(pre_application, &held).ok());
  EXPECT_EQ(held.state(), v1::CloudService::STATE_HELD);
  EXPECT_FALSE(held.has_registration_time());
  EXPECT_FALSE(held.hold_expired());
  // The grace ends at midnight, Tokyo time, of the day a month after the
  // hold day (rules/audit_policy.textproto: one month).
  const absl::CivilDay hold_day = absl::ToCivilDay(before, Tokyo());
  const absl::CivilMonth next_month = absl::CivilMonth(hold_day) + 1;
  absl::CivilDay expected(next_month.year(), next_month.month(),
                          hold_day.day());
  if (absl::CivilMonth(expected) != next_month) {
    expected = absl::CivilDay(next_month + 1);
  }
  const absl::Time deadline = TimeOf(held.hold_deadline());
  if (absl::ToCivilDay(absl::Now(), Tokyo()) == hold_day) {
    EXPECT_EQ(deadline, absl::FromCivil(expected, Tokyo()));
  }
  EXPECT_EQ(absl::ToCivilSecond(deadline, Tokyo()),
            absl::CivilSecond(absl::ToCivilDay(deadline, Tokyo())));
  // Not on the public list while held; not plannable either.
  v1::ListRegisteredServicesResponse public_list;
  ASSERT_TRUE(audit_
                  ->ListRegisteredServices(As(Ministry()).get(),
                                           v1::ListRegisteredServicesRequest(),
                                           &public_list)
                  .ok());
  EXPECT_THAT(public_list.services(), IsEmpty());
  v1::GetExternalAuditPlanRequest plan_request;
  plan_request.set_name(held.name() + "/externalAuditPlans/1");
  v1::ExternalAuditPlan plan;
  EXPECT_EQ(audit_->GetExternalAuditPlan(As(Csp()).get(), plan_request, &plan)
                .error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);

  // Registration after the re-audit needs the current etag.
  v1::RegisterServiceRequest request;
  request.set_service(held.name());
  request.set_etag("stale");
  request.set_reason("再監査で指摘事項の是正を確認した");
  ExpectRefusedWithoutChange(
      grpc::StatusCode::ABORTED,
      [&] {
        v1::CloudService out;
        return audit_->RegisterService(As(Ipa()).get(), request, &out);
      },
      "register with a stale etag");
  request.set_etag(held.etag());
  v1::CloudService registered;
  ASSERT_TRUE(
      audit_->RegisterService(As(Ipa()).get(), request, &registered).ok());
  EXPECT_EQ(registered.name(), held.name());
  EXPECT_EQ(registered.state(), v1::CloudService::STATE_REGISTERED);
  EXPECT_FALSE(registered.has_hold_deadline());
  EXPECT_GE(TimeOf(registered.registration_time()), before);
  // The scope fixed at the hold stays.
  EXPECT_EQ(registered.statement_scope().excluded_objectives(0).objective_id(),
            "14.2.7");
  ASSERT_EQ(registered.decisions_size(), 2);
  EXPECT_EQ(registered.decisions(0).kind(),
            v1::RegistrationDecision::KIND_HOLD);
  EXPECT_EQ(registered.decisions(1).reason(),
            "再監査で指摘事項の是正を確認した");
  // Not HELD any more: neither registered nor rejected again.
  request.set_etag(registered.etag());
  ExpectRefusedWithoutChange(
      grpc::StatusCode::FAILED_PRECONDITION,
      [&] {
        v1::CloudService out;
        return audit_->RegisterService(As(Ipa()).get(), request, &out);
      },
      "register of a registered service");
  ExpectRefusedWithoutChange(
      grpc::StatusCode::FAILED_PRECONDITION,
      [&] {
        v1::RejectServiceRequest reject;
        reject.set_service(registered.name());
        reject.set_etag(registered.etag());
        reject.set_reason("却下");
        v1::CloudService out;
        return audit_->RejectService(As(Ipa()).get(), reject, &out);
      },
      "reject of a registered service");
}

TEST_F(RegistrationServiceTest, RejectionEndsADecisionAndTheCspMayReapply) {
  const std::string pre_application = EligiblePreApplication();
  v1::CloudService held;
  ASSERT_TRUE(Hold(pre_application, &held).ok());
  v1::RejectServiceRequest reject;
  reject.set_service(held.name());
  reject.set_etag(held.etag());
  reject.set_reason("猶予期間内に再監査で是正が確認できなかった");
  v1::CloudService rejected;
  ASSERT_TRUE(audit_->RejectService(As(Ipa()).get(), reject, &rejected).ok());
  EXPECT_EQ(rejected.state(), v1::CloudService::STATE_REJECTED);
  EXPECT_EQ(rejected.decisions(1).kind(),
            v1::RegistrationDecision::KIND_REJECT);

  // Re-application (再申請): a new decision makes a new service.
  v1::CloudService again;
  ASSERT_TRUE(Register(pre_application, Excluding({}), &again).ok());
  EXPECT_NE(again.name(), rejected.name());

  // A first decision can also be a rejection, which plans nothing.
  const std::string other = EligiblePreApplication(Csp(), "別のサービス");
  v1::RejectServiceRequest first;
  first.set_pre_application(other);
  first.set_reason("登録が不適切");
  first.set_request_id("reject-first");
  v1::CloudService rejected_first;
  ASSERT_TRUE(
      audit_->RejectService(As(Ipa()).get(), first, &rejected_first).ok());
  EXPECT_EQ(rejected_first.state(), v1::CloudService::STATE_REJECTED);
  EXPECT_FALSE(rejected_first.has_registration_time());
  v1::GetCoverageRequest coverage_request;
  coverage_request.set_name(rejected_first.name() + "/coverage");
  v1::Coverage coverage;
  EXPECT_EQ(audit_->GetCoverage(As(Csp()).get(), coverage_request, &coverage)
                .error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  ExpectRefusedWithoutChange(
      grpc::StatusCode::FAILED_PRECONDITION,
      [&] {
        v1::InternalAuditReport out;
        return CreateReport(
            rejected_first.name(),
            Report(absl::Now() - absl::Hours(24 * 30), absl::Now(), {"5.1.1"}),
            &out);
      },
      "report on a service never registered");

  v1::ListServicesRequest by_state;
  by_state.set_state(v1::CloudService::STATE_REJECTED);
  v1::ListServicesResponse list;
  ASSERT_TRUE(audit_->ListServices(As(Csp()).get(), by_state, &list).ok());
  std::set<std::string> names;
  for (const v1::CloudService& service : list.services()) {
    names.insert(service.name());
  }
  EXPECT_EQ(names,
            (std::set<std::string>{rejected.name(), rejected_first.name()}));
}

TEST_F(RegistrationServiceTest, ASeriousIncidentSuspendsAtOnceUntilIpaLiftsIt) {
  const v1::CloudService service = Registered();
  v1::SuspendServiceRequest bad;
  bad.set_name(service.name());
  bad.set_etag(service.etag());
  *bad.mutable_incident() = Incident({"9.2.1", "99.1.1", "9.2.1"});
  *bad.mutable_incident()->mutable_occur_time() =
      testing::Timestamp(absl::Now() + absl::Hours(1));
  bad.mutable_incident()->clear_description();
  ExpectRefusedWithoutChange(
      grpc::StatusCode::INVALID_ARGUMENT,
      [&] {
        v1::CloudService out;
        const grpc::Status status =
            audit_->SuspendService(As(Ipa()).get(), bad, &out);
        EXPECT_THAT(
            ViolatedFields(status),
            ElementsAre("incident.occur_time", "incident.objectives[1]",
                        "incident.objectives[2]", "incident.description"));
        return status;
      },
      "bad incident");

  v1::CloudService suspended;
  ASSERT_TRUE(Suspend(service, {"9.2.1", "12.4.1"}, &suspended).ok());
  EXPECT_EQ(suspended.state(), v1::CloudService::STATE_SUSPENDED);
  EXPECT_TRUE(suspended.has_suspend_time());
  ASSERT_EQ(suspended.incidents_size(), 1);
  EXPECT_EQ(suspended.incidents(0).incident_id(), "1");
  EXPECT_THAT(suspended.incidents(0).objectives(),
              ElementsAre("9.2.1", "12.4.1"));
  EXPECT_EQ(suspended.incidents(0).recorded_by().role(), v1::CALLER_ROLE_IPA);
  EXPECT_EQ(suspended.decisions(1).kind(),
            v1::RegistrationDecision::KIND_SUSPEND);
  EXPECT_EQ(suspended.decisions(1).incident_id(), "1");
  // The public list marks it suspended at once.
  v1::ListRegisteredServicesResponse public_list;
  ASSERT_TRUE(audit_
                  ->ListRegisteredServices(As(OtherCsp()).get(),
                                           v1::ListRegisteredServicesRequest(),
                                           &public_list)
                  .ok());
  ASSERT_EQ(public_list.services_size(), 1);
  EXPECT_EQ(public_list.services(0).state(), v1::CloudService::STATE_SUSPENDED);
  EXPECT_EQ(public_list.services(0).suspend_time().SerializeAsString(),
            suspended.suspend_time().SerializeAsString());

  // It stays suspended: no second suspension, no stale lift, no lift by
  // anyone but IPA.
  ExpectRefusedWithoutChange(
      grpc::StatusCode::FAILED_PRECONDITION,
      [&] {
        v1::CloudService out;
        return Suspend(suspended, {"9.2.1"}, &out);
      },
      "second suspension");
  v1::LiftServiceSuspensionRequest lift;
  lift.set_name(suspended.name());
  lift.set_etag(service.etag());
  lift.set_reason("是正措置と再発防止策を確認した");
  ExpectRefusedWithoutChange(
      grpc::StatusCode::ABORTED,
      [&] {
        v1::CloudService out;
        return audit_->LiftServiceSuspension(As(Ipa()).get(), lift, &out);
      },
      "lift with a stale etag");
  lift.set_etag(suspended.etag());
  for (const std::string& token : {Csp(), Ministry()}) {
    ExpectRefusedWithoutChange(
        grpc::StatusCode::PERMISSION_DENIED,
        [&] {
          v1::CloudService out;
          return audit_->LiftServiceSuspension(As(token).get(), lift, &out);
        },
        "lift by a CSP or a ministry");
  }
  EXPECT_EQ(Read(service.name()).state(), v1::CloudService::STATE_SUSPENDED);

  v1::CloudService lifted;
  ASSERT_TRUE(
      audit_->LiftServiceSuspension(As(Ipa()).get(), lift, &lifted).ok());
  EXPECT_EQ(lifted.state(), v1::CloudService::STATE_REGISTERED);
  EXPECT_FALSE(lifted.has_suspend_time());
  EXPECT_TRUE(lifted.incidents(0).has_lift_time());
  EXPECT_EQ(lifted.decisions(2).kind(),
            v1::RegistrationDecision::KIND_LIFT_SUSPENSION);
  EXPECT_EQ(lifted.decisions(2).reason(), "是正措置と再発防止策を確認した");
  EXPECT_EQ(lifted.registration_time().SerializeAsString(),
            service.registration_time().SerializeAsString());
  lift.set_etag(lifted.etag());
  ExpectRefusedWithoutChange(
      grpc::StatusCode::FAILED_PRECONDITION,
      [&] {
        v1::CloudService out;
        return audit_->LiftServiceSuspension(As(Ipa()).get(), lift, &out);
      },
      "lift of a registered service");

  // The incident's objectives join the next external audit (year 2).
  v1::GetExternalAuditPlanRequest plan_request;
  plan_request.set_name(service.name() + "/externalAuditPlans/2");
  v1::ExternalAuditPlan plan;
  ASSERT_TRUE(
      audit_->GetExternalAuditPlan(As(Csp()).get(), plan_request, &plan).ok());
  std::set<std::string> pulled;
  for (const v1::PlannedObjective& objective : plan.objectives()) {
    for (const int reason : objective.reasons()) {
      if (reason == v1::INCLUSION_REASON_PULLED_IN_BY_INCIDENT) {
        pulled.insert(objective.objective_id());
        EXPECT_THAT(objective.incident_ids(), ElementsAre("1"));
      }
    }
  }
  EXPECT_EQ(pulled, (std::set<std::string>{"9.2.1", "12.4.1"}));
}

TEST_F(RegistrationServiceTest, OnlyIpaDecidesAndEachRefusalChangesNothing) {
  const std::string pre_application = EligiblePreApplication();
  for (const std::string& token : {Csp(), Ministry()}) {
    ExpectRefusedWithoutChange(
        grpc::StatusCode::PERMISSION_DENIED,
        [&] {
          v1::CloudService out;
          return Register(pre_application, Excluding({}), &out, token);
        },
        "register by a CSP or a ministry");
    ExpectRefusedWithoutChange(
        grpc::StatusCode::PERMISSION_DENIED,
        [&] {
          v1::CloudService out;
          return Hold(pre_application, &out, token);
        },
        "hold by a CSP or a ministry");
    ExpectRefusedWithoutChange(
        grpc::StatusCode::PERMISSION_DENIED,
        [&] {
          v1::RejectServiceRequest reject;
          reject.set_pre_application(pre_application);
          reject.set_reason("却下");
          reject.set_request_id("reject");
          v1::CloudService out;
          return audit_->RejectService(As(token).get(), reject, &out);
        },
        "reject by a CSP or a ministry");
  }
  v1::CloudService service;
  ASSERT_TRUE(Register(pre_application, Excluding({}), &service).ok());
  for (const std::string& token : {Csp(), Ministry()}) {
    ExpectRefusedWithoutChange(
        grpc::StatusCode::PERMISSION_DENIED,
        [&] {
          v1::CloudService out;
          return Suspend(service, {"9.2.1"}, &out, token);
        },
        "suspend by a CSP or a ministry");
  }

  // Another CSP learns nothing of the service: NOT_FOUND, as for a name
  // that does not exist.
  v1::CloudService out;
  EXPECT_EQ(Get(service.name(), OtherCsp(), &out).error_code(),
            grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(Get("services/does-not-exist", Csp(), &out).error_code(),
            grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(Get(service.name(), Ministry(), &out).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  v1::ListServicesResponse list;
  ASSERT_TRUE(
      audit_
          ->ListServices(As(OtherCsp()).get(), v1::ListServicesRequest(), &list)
          .ok());
  EXPECT_THAT(list.services(), IsEmpty());
  v1::ListServicesRequest theirs;
  theirs.set_csp("csps/example-saas");
  ASSERT_TRUE(audit_->ListServices(As(OtherCsp()).get(), theirs, &list).ok());
  EXPECT_THAT(list.services(), IsEmpty());
  ASSERT_TRUE(audit_->ListServices(As(Csp()).get(), theirs, &list).ok());
  EXPECT_EQ(list.services_size(), 1);
  EXPECT_EQ(
      audit_
          ->ListServices(As(Ministry()).get(), v1::ListServicesRequest(), &list)
          .error_code(),
      grpc::StatusCode::PERMISSION_DENIED);
  v1::ListServicesRequest bad_filter;
  bad_filter.set_csp("example-saas");
  bad_filter.set_page_size(-1);
  bad_filter.set_state(static_cast<v1::CloudService::State>(9));
  const grpc::Status bad =
      audit_->ListServices(As(Ipa()).get(), bad_filter, &list);
  EXPECT_THAT(ViolatedFields(bad), ElementsAre("page_size", "state", "csp"));
}

TEST_F(RegistrationServiceTest, ListsPageWithoutSkippingOrRepeating) {
  std::set<std::string> registered;
  for (int i = 0; i < 3; ++i) {
    v1::CloudService service;
    ASSERT_TRUE(
        Register(EligiblePreApplication(Csp(), absl::StrCat("サービス", i)),
                 Excluding({}), &service)
            .ok());
    registered.insert(service.name());
  }
  std::set<std::string> seen;
  v1::ListRegisteredServicesRequest request;
  request.set_page_size(2);
  int pages = 0;
  do {
    v1::ListRegisteredServicesResponse page;
    ASSERT_TRUE(
        audit_->ListRegisteredServices(As(Ministry()).get(), request, &page)
            .ok());
    ++pages;
    for (const v1::RegisteredServiceEntry& entry : page.services()) {
      EXPECT_TRUE(seen.insert(entry.service()).second) << entry.service();
    }
    request.set_page_token(page.next_page_token());
  } while (!request.page_token().empty());
  EXPECT_EQ(pages, 2);
  EXPECT_EQ(seen, registered);

  v1::ListServicesRequest list;
  list.set_page_size(1);
  seen.clear();
  do {
    v1::ListServicesResponse page;
    ASSERT_TRUE(audit_->ListServices(As(Csp()).get(), list, &page).ok());
    for (const v1::CloudService& service : page.services()) {
      EXPECT_TRUE(seen.insert(service.name()).second);
    }
    list.set_page_token(page.next_page_token());
  } while (!list.page_token().empty());
  EXPECT_EQ(seen, registered);
  // A token belongs to its query.
  list.set_page_size(1);
  v1::ListServicesResponse first;
  ASSERT_TRUE(audit_->ListServices(As(Csp()).get(), list, &first).ok());
  list.set_page_token(first.next_page_token());
  list.set_state(v1::CloudService::STATE_REGISTERED);
  EXPECT_THAT(
      ViolatedFields(audit_->ListServices(As(Csp()).get(), list, &first)),
      ElementsAre("page_token"));
}

}  // namespace
}  // namespace ismap::liu
