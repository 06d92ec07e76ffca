// Registration decisions, suspension and their checks.
#include "services/audit/domain/registration.h"

#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "services/audit/domain/audit_calendar.h"
#include "services/common/field_violations.h"
#include "services/common/status_macros.h"

namespace ismap::liu::audit {
namespace {

absl::string_view StateName(v1::CloudService::State state) {
  switch (state) {
    case v1::CloudService::STATE_REGISTERED:
      return "REGISTERED";
    case v1::CloudService::STATE_HELD:
      return "HELD";
    case v1::CloudService::STATE_REJECTED:
      return "REJECTED";
    case v1::CloudService::STATE_SUSPENDED:
      return "SUSPENDED";
    default:
      return "in no state";
  }
}

absl::Status RequireState(const v1::CloudService& service,
                          v1::CloudService::State required,
                          absl::string_view action) {
  if (service.state() == required) return absl::OkStatus();
  return absl::FailedPreconditionError(absl::StrCat(
      service.name(), " is ", StateName(service.state()), "; only a ",
      StateName(required), " service can be ", action));
}

// Appends the decision of `kind` and stamps the service as changed.
void Record(v1::CloudService& service, v1::RegistrationDecision::Kind kind,
            const DecisionFacts& facts, const std::string& incident_id) {
  v1::RegistrationDecision* decision = service.add_decisions();
  decision->set_kind(kind);
  *decision->mutable_decided_by() = facts.decided_by;
  *decision->mutable_decide_time() = ToTimestamp(facts.time);
  decision->set_reason(facts.reason);
  decision->set_incident_id(incident_id);
  service.set_rules_version(facts.rules_version);
  *service.mutable_update_time() = ToTimestamp(facts.time);
}

}  // namespace

absl::Time HoldDeadline(absl::Time held, absl::TimeZone zone,
                        int grace_months) {
  return StartOfDay(MonthsLater(DayOf(held, zone), grace_months), zone);
}

v1::StatementScope StatementScopeOf(const ControlScope& scope) {
  v1::StatementScope statement;
  for (const v1::ObjectiveExclusion& exclusion : scope.exclusions()) {
    *statement.add_excluded_objectives() = exclusion;
  }
  for (const v1::DetailedControl* control :
       scope.excluded_detailed_controls()) {
    statement.add_excluded_detailed_controls(control->id());
  }
  statement.set_objectives_in_scope(
      static_cast<int32_t>(scope.objectives().size()));
  return statement;
}

v1::CloudService DecideFirst(FirstDecision decision, const std::string& name,
                             const PreApplicationSummary& pre_application,
                             const ControlScope* scope,
                             const DecisionFacts& facts,
                             absl::Time hold_deadline) {
  v1::CloudService service;
  service.set_name(name);
  service.set_pre_application(pre_application.name);
  service.set_csp(pre_application.csp);
  service.set_service_name(pre_application.service_name);
  service.set_service_description(pre_application.service_description);
  *service.mutable_create_time() = ToTimestamp(facts.time);
  v1::RegistrationDecision::Kind kind = v1::RegistrationDecision::KIND_REJECT;
  switch (decision) {
    case FirstDecision::kRegister:
      kind = v1::RegistrationDecision::KIND_REGISTER;
      service.set_state(v1::CloudService::STATE_REGISTERED);
      *service.mutable_statement_scope() = StatementScopeOf(*scope);
      *service.mutable_registration_time() = ToTimestamp(facts.time);
      break;
    case FirstDecision::kHold:
      kind = v1::RegistrationDecision::KIND_HOLD;
      service.set_state(v1::CloudService::STATE_HELD);
      *service.mutable_statement_scope() = StatementScopeOf(*scope);
      *service.mutable_hold_deadline() = ToTimestamp(hold_deadline);
      break;
    case FirstDecision::kReject:
      service.set_state(v1::CloudService::STATE_REJECTED);
      break;
  }
  Record(service, kind, facts, "");
  return service;
}

absl::Status RegisterHeld(v1::CloudService& service, const ControlScope* scope,
                          const DecisionFacts& facts) {
  RETURN_IF_ERROR(RequireState(service, v1::CloudService::STATE_HELD,
                               "registered after its re-audit"));
  service.set_state(v1::CloudService::STATE_REGISTERED);
  if (scope != nullptr) {
    *service.mutable_statement_scope() = StatementScopeOf(*scope);
  }
  service.clear_hold_deadline();
  *service.mutable_registration_time() = ToTimestamp(facts.time);
  Record(service, v1::RegistrationDecision::KIND_REGISTER, facts, "");
  return absl::OkStatus();
}

absl::Status RejectHeld(v1::CloudService& service, const DecisionFacts& facts) {
  RETURN_IF_ERROR(
      RequireState(service, v1::CloudService::STATE_HELD, "rejected"));
  service.set_state(v1::CloudService::STATE_REJECTED);
  service.clear_hold_deadline();
  Record(service, v1::RegistrationDecision::KIND_REJECT, facts, "");
  return absl::OkStatus();
}

absl::Status ValidateIncident(const v1::Incident& incident,
                              const ControlCriteria& criteria, absl::Time now) {
  FieldViolations violations;
  if (!incident.has_occur_time()) {
    violations.Add("occur_time", "is required: when the incident occurred");
  } else if (!IsValidTimestamp(incident.occur_time())) {
    violations.Add("occur_time", "is not a valid timestamp");
  } else if (FromTimestamp(incident.occur_time()) > now) {
    violations.Add("occur_time", "is in the future");
  }
  if (incident.objectives().empty()) {
    violations.Add("objectives",
                   "name at least one control objective the incident touches");
  }
  std::set<std::string> seen;
  for (int i = 0; i < incident.objectives_size(); ++i) {
    const std::string& id = incident.objectives(i);
    const std::string field = absl::StrCat("objectives[", i, "]");
    if (criteria.IndexOf(id) < 0) {
      violations.Add(field,
                     absl::StrCat("\"", id, "\" is not a control objective"));
    } else if (!seen.insert(id).second) {
      violations.Add(field, absl::StrCat("\"", id, "\" is listed twice"));
    }
  }
  return violations.ToStatus();
}

absl::Status Suspend(v1::CloudService& service, const v1::Incident& incident,
                     const DecisionFacts& facts) {
  RETURN_IF_ERROR(
      RequireState(service, v1::CloudService::STATE_REGISTERED, "suspended"));
  v1::Incident* recorded = service.add_incidents();
  recorded->set_incident_id(absl::StrCat(service.incidents_size()));
  *recorded->mutable_occur_time() = incident.occur_time();
  recorded->set_description(incident.description());
  *recorded->mutable_objectives() = incident.objectives();
  *recorded->mutable_record_time() = ToTimestamp(facts.time);
  *recorded->mutable_recorded_by() = facts.decided_by;
  service.set_state(v1::CloudService::STATE_SUSPENDED);
  *service.mutable_suspend_time() = ToTimestamp(facts.time);
  Record(service, v1::RegistrationDecision::KIND_SUSPEND, facts,
         recorded->incident_id());
  return absl::OkStatus();
}

absl::Status LiftSuspension(v1::CloudService& service,
                            const DecisionFacts& facts) {
  RETURN_IF_ERROR(RequireState(service, v1::CloudService::STATE_SUSPENDED,
                               "lifted from suspension"));
  // A service is only ever suspended over an incident, the last one.
  if (service.incidents().empty()) {
    return absl::InternalError(
        absl::StrCat(service.name(), " is SUSPENDED but records no incident"));
  }
  v1::Incident* cause = service.mutable_incidents(service.incidents_size() - 1);
  *cause->mutable_lift_time() = ToTimestamp(facts.time);
  service.set_state(v1::CloudService::STATE_REGISTERED);
  service.clear_suspend_time();
  Record(service, v1::RegistrationDecision::KIND_LIFT_SUSPENSION, facts,
         cause->incident_id());
  return absl::OkStatus();
}

bool HoldExpired(const v1::CloudService& service, absl::Time now) {
  return service.state() == v1::CloudService::STATE_HELD &&
         service.has_hold_deadline() &&
         FromTimestamp(service.hold_deadline()) <= now;
}

bool EverRegistered(const v1::CloudService& service) {
  return service.has_registration_time();
}

}  // namespace ismap::liu::audit
