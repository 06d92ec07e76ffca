// The registration lifecycle: first decisions, the HELD re-audit, suspension
// and its lifting, each refused from the wrong state without a change, and
// the checks of an incident.
#include "services/audit/domain/registration.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/audit/domain/audit_time.h"
#include "services/common/field_violations.h"
#include "tests/audit/domain/audit_domain_testing.h"

namespace ismap::liu::audit {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::RepositoryCriteria;

absl::TimeZone Tokyo() {
  absl::TimeZone zone;
  EXPECT_TRUE(absl::LoadTimeZone("Asia/Tokyo", &zone));
  return zone;
}

absl::Time At(int year, int month, int day, int hour) {
  return absl::FromCivil(absl::CivilHour(year, month, day, hour), Tokyo());
}

DecisionFacts Facts(absl::Time time, std::string reason = "") {
  v1::Actor ipa;
  ipa.set_role(v1::CALLER_ROLE_IPA);
  ipa.set_organisation("ipa");
  ipa.set_subject("reviewer");
  return {ipa, time, std::move(reason), "rules-v1"};
}

const PreApplicationSummary kPreApplication{
    "preApplications/p1", "csps/example-saas", "名刺管理クラウド",
    "名刺情報を管理するSaaS"};

ControlScope Excluding(const std::vector<std::string>& ids) {
  v1::StatementScope statement;
  for (const std::string& id : ids) {
    v1::ObjectiveExclusion* exclusion = statement.add_excluded_objectives();
    exclusion->set_objective_id(id);
    exclusion->set_reason("該当する資産がない");
  }
  return *ControlScope::Create(RepositoryCriteria(), statement);
}

std::vector<std::string> FieldsOf(const absl::Status& status) {
  std::vector<std::string> fields;
  for (const v1::FieldViolation& violation : FieldViolationsOf(status)) {
    fields.push_back(violation.field());
  }
  return fields;
}

TEST(RegistrationTest, RegisterFixesTheScopeAndTheRegistrationTime) {
  const ControlScope scope = Excluding({"15.1.1", "9.2.1"});
  const absl::Time now = At(2025, 4, 1, 10);
  const v1::CloudService service =
      DecideFirst(FirstDecision::kRegister, "services/s1", kPreApplication,
                  &scope, Facts(now, "監査結果に問題なし"), absl::Time());
  EXPECT_EQ(service.name(), "services/s1");
  EXPECT_EQ(service.pre_application(), "preApplications/p1");
  EXPECT_EQ(service.csp(), "csps/example-saas");
  EXPECT_EQ(service.service_name(), "名刺管理クラウド");
  EXPECT_EQ(service.state(), v1::CloudService::STATE_REGISTERED);
  EXPECT_EQ(FromTimestamp(service.registration_time()), now);
  EXPECT_EQ(FromTimestamp(service.create_time()), now);
  EXPECT_EQ(FromTimestamp(service.update_time()), now);
  EXPECT_FALSE(service.has_hold_deadline());
  EXPECT_EQ(service.rules_version(), "rules-v1");
  // Exclusions by objective id, with the .B/.PB controls of both.
  const v1::StatementScope& statement = service.statement_scope();
  ASSERT_EQ(statement.excluded_objectives_size(), 2);
  EXPECT_EQ(statement.excluded_objectives(0).objective_id(), "9.2.1");
  EXPECT_EQ(statement.excluded_objectives(1).objective_id(), "15.1.1");
  EXPECT_THAT(statement.excluded_detailed_controls(),
              ElementsAre("9.2.1.6.PB", "15.1.1.14.B", "15.1.1.16.B"));
  EXPECT_EQ(statement.objectives_in_scope(), 146);
  ASSERT_EQ(service.decisions_size(), 1);
  EXPECT_EQ(service.decisions(0).kind(),
            v1::RegistrationDecision::KIND_REGISTER);
  EXPECT_EQ(service.decisions(0).reason(), "監査結果に問題なし");
  EXPECT_EQ(service.decisions(0).decided_by().subject(), "reviewer");
  EXPECT_TRUE(EverRegistered(service));
}

TEST(RegistrationTest, HoldGivesTheGraceToTheCorrespondingDayInTheCalendar) {
  const ControlScope scope = Excluding({});
  // Held in the afternoon of 31 January: February has no 31st, so a month
  // later is over at the start of 1 March, Tokyo time.
  const absl::Time held = At(2025, 1, 31, 15);
  const absl::Time deadline = HoldDeadline(held, Tokyo(), 1);
  EXPECT_EQ(deadline, At(2025, 3, 1, 0));
  // Held at 08:00 Tokyo on 1 April, which is still 31 March in UTC.
  EXPECT_EQ(HoldDeadline(At(2025, 4, 1, 8), Tokyo(), 1), At(2025, 5, 1, 0));

  const v1::CloudService service =
      DecideFirst(FirstDecision::kHold, "services/s1", kPreApplication, &scope,
                  Facts(held, "発見事項が軽微でない"), deadline);
  EXPECT_EQ(service.state(), v1::CloudService::STATE_HELD);
  EXPECT_EQ(FromTimestamp(service.hold_deadline()), deadline);
  EXPECT_FALSE(service.has_registration_time());
  EXPECT_FALSE(EverRegistered(service));
  EXPECT_EQ(service.statement_scope().objectives_in_scope(), 148);
  EXPECT_FALSE(HoldExpired(service, deadline - absl::Seconds(1)));
  EXPECT_TRUE(HoldExpired(service, deadline));
}

TEST(RegistrationTest, RejectAsAFirstDecisionKeepsNoScope) {
  const v1::CloudService service =
      DecideFirst(FirstDecision::kReject, "services/s1", kPreApplication,
                  nullptr, Facts(At(2025, 4, 1, 10), "不適切"), absl::Time());
  EXPECT_EQ(service.state(), v1::CloudService::STATE_REJECTED);
  EXPECT_FALSE(service.has_statement_scope());
  EXPECT_FALSE(service.has_registration_time());
  EXPECT_EQ(service.decisions(0).kind(), v1::RegistrationDecision::KIND_REJECT);
}

TEST(RegistrationTest, AHeldServiceIsRegisteredOrRejectedAfterItsReaudit) {
  const ControlScope at_hold = Excluding({"15.1.1"});
  const absl::Time held = At(2025, 1, 10, 9);
  const v1::CloudService service = DecideFirst(
      FirstDecision::kHold, "services/s1", kPreApplication, &at_hold,
      Facts(held, "再監査"), HoldDeadline(held, Tokyo(), 1));

  v1::CloudService kept = service;
  const absl::Time registered = At(2025, 2, 1, 9);
  ASSERT_TRUE(RegisterHeld(kept, nullptr, Facts(registered)).ok());
  EXPECT_EQ(kept.state(), v1::CloudService::STATE_REGISTERED);
  EXPECT_EQ(FromTimestamp(kept.registration_time()), registered);
  EXPECT_FALSE(kept.has_hold_deadline());
  EXPECT_EQ(kept.statement_scope().excluded_objectives(0).objective_id(),
            "15.1.1");
  EXPECT_EQ(FromTimestamp(kept.create_time()), held);
  ASSERT_EQ(kept.decisions_size(), 2);
  EXPECT_EQ(kept.decisions(1).kind(), v1::RegistrationDecision::KIND_REGISTER);

  v1::CloudService rescoped = service;
  const ControlScope narrower = Excluding({"15.1.1", "14.2.7"});
  ASSERT_TRUE(RegisterHeld(rescoped, &narrower, Facts(registered)).ok());
  EXPECT_EQ(rescoped.statement_scope().objectives_in_scope(), 146);

  v1::CloudService rejected = service;
  ASSERT_TRUE(RejectHeld(rejected, Facts(registered, "再監査不合格")).ok());
  EXPECT_EQ(rejected.state(), v1::CloudService::STATE_REJECTED);
  EXPECT_FALSE(rejected.has_hold_deadline());
  EXPECT_EQ(rejected.decisions(1).reason(), "再監査不合格");
}

TEST(RegistrationTest, DecisionsFromTheWrongStateChangeNothing) {
  const ControlScope scope = Excluding({});
  const absl::Time now = At(2025, 4, 1, 10);
  v1::Incident incident;
  *incident.mutable_occur_time() = ToTimestamp(now - absl::Hours(1));
  incident.set_description("不正アクセス");
  incident.add_objectives("9.2.1");
  for (const FirstDecision first :
       {FirstDecision::kRegister, FirstDecision::kReject}) {
    const v1::CloudService service = DecideFirst(
        first, "services/s1", kPreApplication, &scope, Facts(now), now);
    v1::CloudService copy = service;
    EXPECT_EQ(RegisterHeld(copy, nullptr, Facts(now)).code(),
              absl::StatusCode::kFailedPrecondition);
    EXPECT_EQ(RejectHeld(copy, Facts(now)).code(),
              absl::StatusCode::kFailedPrecondition);
    EXPECT_EQ(LiftSuspension(copy, Facts(now)).code(),
              absl::StatusCode::kFailedPrecondition);
    if (first == FirstDecision::kReject) {
      const absl::Status suspended = Suspend(copy, incident, Facts(now));
      EXPECT_EQ(suspended.code(), absl::StatusCode::kFailedPrecondition);
      EXPECT_THAT(std::string(suspended.message()),
                  HasSubstr("services/s1 is REJECTED"));
    }
    EXPECT_EQ(copy.SerializeAsString(), service.SerializeAsString());
  }
}

TEST(RegistrationTest, SuspensionRecordsTheIncidentAndOnlyIpaLiftsIt) {
  const ControlScope scope = Excluding({});
  const absl::Time registered = At(2025, 4, 1, 10);
  v1::CloudService service =
      DecideFirst(FirstDecision::kRegister, "services/s1", kPreApplication,
                  &scope, Facts(registered), absl::Time());
  v1::Incident incident;
  *incident.mutable_occur_time() = ToTimestamp(At(2025, 6, 1, 3));
  incident.set_description("認証基盤の障害で他社データが閲覧可能に");
  incident.add_objectives("9.2.1");
  incident.add_objectives("12.4.1");
  incident.set_incident_id("ignored");

  const absl::Time suspended = At(2025, 6, 1, 9);
  ASSERT_TRUE(Suspend(service, incident, Facts(suspended, "重大")).ok());
  EXPECT_EQ(service.state(), v1::CloudService::STATE_SUSPENDED);
  EXPECT_EQ(FromTimestamp(service.suspend_time()), suspended);
  ASSERT_EQ(service.incidents_size(), 1);
  EXPECT_EQ(service.incidents(0).incident_id(), "1");
  EXPECT_EQ(FromTimestamp(service.incidents(0).record_time()), suspended);
  EXPECT_THAT(service.incidents(0).objectives(),
              ElementsAre("9.2.1", "12.4.1"));
  EXPECT_FALSE(service.incidents(0).has_lift_time());
  EXPECT_EQ(service.decisions(1).kind(),
            v1::RegistrationDecision::KIND_SUSPEND);
  EXPECT_EQ(service.decisions(1).incident_id(), "1");
  // Suspended already: a second suspension is refused.
  v1::CloudService copy = service;
  EXPECT_EQ(Suspend(copy, incident, Facts(suspended)).code(),
            absl::StatusCode::kFailedPrecondition);

  const absl::Time lifted = At(2025, 7, 1, 9);
  ASSERT_TRUE(LiftSuspension(service, Facts(lifted, "是正を確認")).ok());
  EXPECT_EQ(service.state(), v1::CloudService::STATE_REGISTERED);
  EXPECT_FALSE(service.has_suspend_time());
  EXPECT_EQ(FromTimestamp(service.incidents(0).lift_time()), lifted);
  EXPECT_EQ(FromTimestamp(service.registration_time()), registered);
  EXPECT_EQ(service.decisions(2).kind(),
            v1::RegistrationDecision::KIND_LIFT_SUSPENSION);
  EXPECT_EQ(service.decisions(2).incident_id(), "1");

  ASSERT_TRUE(Suspend(service, incident, Facts(At(2025, 8, 1, 9))).ok());
  EXPECT_EQ(service.incidents(1).incident_id(), "2");
  EXPECT_EQ(service.decisions(3).incident_id(), "2");
}

TEST(RegistrationTest, ASuspendedServiceWithoutIncidentIsAnInternalError) {
  v1::CloudService service;
  service.set_name("services/s1");
  service.set_state(v1::CloudService::STATE_SUSPENDED);
  EXPECT_EQ(LiftSuspension(service, Facts(At(2025, 1, 1, 0))).code(),
            absl::StatusCode::kInternal);
}

TEST(RegistrationTest, AnIncidentIsCheckedInFull) {
  const absl::Time now = At(2025, 6, 1, 9);
  v1::Incident good;
  *good.mutable_occur_time() = ToTimestamp(now);
  good.set_description("障害");
  good.add_objectives("3.1.1");
  good.add_objectives("9.2.1");
  EXPECT_TRUE(ValidateIncident(good, RepositoryCriteria(), now).ok());

  v1::Incident bad;
  *bad.mutable_occur_time() = ToTimestamp(now + absl::Minutes(1));
  bad.add_objectives("9.2.1");
  bad.add_objectives("99.9.9");
  bad.add_objectives("9.2.1");
  absl::Status status = ValidateIncident(bad, RepositoryCriteria(), now);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(FieldsOf(status),
              ElementsAre("occur_time", "objectives[1]", "objectives[2]"));

  v1::Incident empty;
  empty.mutable_occur_time()->set_nanos(-1);
  status = ValidateIncident(empty, RepositoryCriteria(), now);
  EXPECT_THAT(FieldsOf(status), ElementsAre("occur_time", "objectives"));
  EXPECT_THAT(std::string(status.message()),
              HasSubstr("occur_time: is not a valid timestamp"));

  v1::Incident unset;
  unset.set_description("障害");
  unset.add_objectives("9.2.1");
  EXPECT_THAT(FieldsOf(ValidateIncident(unset, RepositoryCriteria(), now)),
              ElementsAre("occur_time"));
}

}  // namespace
}  // namespace ismap::liu::audit
