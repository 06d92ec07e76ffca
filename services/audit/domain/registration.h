// The registration lifecycle of an ISMAP-LIU cloud service (登録・登録留保・
// 却下・一時停止・解除) as transitions of a v1::CloudService, and the checks
// of what IPA supplies with a decision (reasons, incidents).
//
//   first decision on a pre-application: REGISTERED, HELD or REJECTED
//   HELD       --register--> REGISTERED      HELD --reject--> REJECTED
//   REGISTERED --suspend---> SUSPENDED  --lift--> REGISTERED
//
// Pure and deterministic: the caller supplies who decides, when and under
// which rules. No I/O, no clock. Every function is thread-safe.
#ifndef ISMAP_LIU_SERVICES_AUDIT_DOMAIN_REGISTRATION_H_
#define ISMAP_LIU_SERVICES_AUDIT_DOMAIN_REGISTRATION_H_

#include <string>

#include "absl/status/status.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "ismap/liu/v1/audit_planning.pb.h"
#include "ismap/liu/v1/common.pb.h"
#include "services/audit/domain/audit_time.h"
#include "services/audit/domain/control_scope.h"

namespace ismap::liu::audit {

// What registration takes over from the pre-application (事前申請).
struct PreApplicationSummary {
  std::string name;  // `preApplications/{pre_application}`.
  std::string csp;   // `csps/{csp}`, the CSP that filed it.
  std::string service_name;
  std::string service_description;
};

// Who decides, when, why, and under which rules.
struct DecisionFacts {
  v1::Actor decided_by;
  absl::Time time;
  std::string reason;  // May be empty where the decision needs none.
  std::string rules_version;
};

// The kinds of first decision on a pre-application.
enum class FirstDecision { kRegister, kHold, kReject };

// The end of the grace (猶予期限) of a registration held at `held`: the
// midnight, in `zone`, of the day on which a period of `grace_months` months
// starting on the hold day is over (MonthsLater).
absl::Time HoldDeadline(absl::Time held, absl::TimeZone zone, int grace_months);

// The statement scope as a service shows it: the exclusions by objective id,
// the .B/.PB detailed controls excluded with them and the number of
// objectives in scope.
v1::StatementScope StatementScopeOf(const ControlScope& scope);

// The service `name` (`services/{service}`) created by a first decision on
// `pre_application`. `scope` is the statement scope for kRegister and kHold
// and is not read for kReject (may be null); `hold_deadline` is read for
// kHold only. The decision is recorded with `facts`. Output: every
// output-only field but `etag`.
v1::CloudService DecideFirst(FirstDecision decision, const std::string& name,
                             const PreApplicationSummary& pre_application,
                             const ControlScope* scope,
                             const DecisionFacts& facts,
                             absl::Time hold_deadline);

// Registers a HELD service after its re-audit, with the new statement scope
// `scope`, or the one fixed at the hold when null. FAILED_PRECONDITION, with
// `service` unchanged, unless it is HELD.
absl::Status RegisterHeld(v1::CloudService& service, const ControlScope* scope,
                          const DecisionFacts& facts);

// Rejects a HELD service. FAILED_PRECONDITION, with `service` unchanged,
// unless it is HELD.
absl::Status RejectHeld(v1::CloudService& service, const DecisionFacts& facts);

// Checks an incident as IPA reports it: occur_time set, valid and not after
// `now`; at least one objective, each in `criteria` and listed once. Its
// description is free text, which the adapter checks like every text field
// (services/common/field_checks.h). Output-only fields are not read.
// INVALID_ARGUMENT naming every offending field (`occur_time`, `objectives`,
// `objectives[i]`).
absl::Status ValidateIncident(const v1::Incident& incident,
                              const ControlCriteria& criteria, absl::Time now);

// Suspends a REGISTERED service at once (即座に一時停止) over `incident`
// (already validated), which is recorded with the next incident id ("1",
// "2", ...), `facts.time` and `facts.decided_by`. FAILED_PRECONDITION, with
// `service` unchanged, unless it is REGISTERED.
absl::Status Suspend(v1::CloudService& service, const v1::Incident& incident,
                     const DecisionFacts& facts);

// Lifts the suspension of a SUSPENDED service (一時停止の解除): it is
// REGISTERED again and the incident that caused the suspension records the
// lift. FAILED_PRECONDITION, with `service` unchanged, unless it is
// SUSPENDED.
absl::Status LiftSuspension(v1::CloudService& service,
                            const DecisionFacts& facts);

// Whether `service` is HELD and its grace ended at or before `now`.
bool HoldExpired(const v1::CloudService& service, absl::Time now);

// Whether `service` was ever registered (it has a registration time).
bool EverRegistered(const v1::CloudService& service);

}  // namespace ismap::liu::audit

#endif  // ISMAP_LIU_SERVICES_AUDIT_DOMAIN_REGISTRATION_H_
