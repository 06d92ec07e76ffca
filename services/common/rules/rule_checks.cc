// Semantic checks, one function per rules type.
#include "services/common/rules/rule_checks.h"

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "google/protobuf/descriptor.h"
#include "ismap/liu/v1/rules.pb.h"
#include "services/common/field_violations.h"

namespace ismap::liu {
namespace {

void AtLeast(FieldViolations& violations, const std::string& field,
             int64_t value, int64_t minimum) {
  if (value < minimum) {
    violations.Add(field,
                   absl::StrCat("must be at least ", minimum, ", is ", value));
  }
}

void CheckAuditPolicy(const v1::AuditPolicy& policy,
                      FieldViolations& violations) {
  AtLeast(violations, "external_audit_cycle_years",
          policy.external_audit_cycle_years(), 1);
  AtLeast(violations, "internal_audit_rotation_years",
          policy.internal_audit_rotation_years(), 1);
  AtLeast(violations, "registration_hold_grace_months",
          policy.registration_hold_grace_months(), 1);
  for (const auto& [field, months] :
       {std::pair<const char*, int>{"external_audit_period_max_months",
                                    policy.external_audit_period_max_months()},
        {"internal_audit_report_period_max_months",
         policy.internal_audit_report_period_max_months()}}) {
    if (months < 1 || months > 12) {
      violations.Add(field,
                     absl::StrCat("must be between 1 and 12, is ", months));
    }
  }
  absl::TimeZone zone;
  if (policy.calendar_time_zone().empty()) {
    violations.Add("calendar_time_zone",
                   "must name a time zone, e.g. \"Asia/Tokyo\"");
  } else if (!absl::LoadTimeZone(policy.calendar_time_zone(), &zone)) {
    violations.Add(
        "calendar_time_zone",
        absl::StrCat("\"", policy.calendar_time_zone(),
                     "\" is not a time zone of the system's tzdata"));
  }
  if (policy.external_audit_finding_min_severity() ==
          v1::FINDING_SEVERITY_UNSPECIFIED ||
      !v1::FindingSeverity_IsValid(
          policy.external_audit_finding_min_severity())) {
    violations.Add("external_audit_finding_min_severity",
                   "must be FINDING_SEVERITY_MINOR, _MODERATE or _SERIOUS");
  }
}

void CheckReviewPolicy(const v1::ReviewPolicy& policy,
                       FieldViolations& violations) {
  AtLeast(violations, "processing_period_days", policy.processing_period_days(),
          1);
  AtLeast(violations, "required_distinct_ministries",
          policy.required_distinct_ministries(), 1);
}

void CheckAccessPolicy(const v1::AccessPolicy& policy,
                       FieldViolations& violations) {
  std::set<std::string> seen;
  for (int i = 0; i < policy.methods_size(); ++i) {
    const v1::MethodAccess& entry = policy.methods(i);
    const std::string field = absl::StrCat("methods[", i, "]");
    const std::vector<std::string> parts = absl::StrSplit(entry.method(), '/');
    const google::protobuf::ServiceDescriptor* service =
        parts.size() == 2 ? google::protobuf::DescriptorPool::generated_pool()
                                ->FindServiceByName(parts[0])
                          : nullptr;
    if (service == nullptr || service->FindMethodByName(parts[1]) == nullptr) {
      violations.Add(
          field + ".method",
          absl::StrCat(
              "\"", entry.method(),
              "\" is not an RPC of the API (<package>.<Service>/<Method>)"));
    } else if (!seen.insert(entry.method()).second) {
      violations.Add(field + ".method",
                     absl::StrCat(entry.method(), " has a second entry"));
    }
    if (entry.grants().empty()) {
      violations.Add(field,
                     "must grant at least one role (leave an RPC to nobody "
                     "by not serving it)");
    }
    std::set<int> roles;
    for (int g = 0; g < entry.grants_size(); ++g) {
      const v1::RoleGrant& grant = entry.grants(g);
      const std::string grant_field = absl::StrCat(field, ".grants[", g, "]");
      if (grant.role() == v1::CALLER_ROLE_UNSPECIFIED) {
        violations.Add(grant_field + ".role", "must be set");
      } else if (!roles.insert(grant.role()).second) {
        violations.Add(grant_field + ".role", "is granted twice for this RPC");
      }
      if (grant.scope() == v1::ACCESS_SCOPE_UNSPECIFIED) {
        violations.Add(grant_field + ".scope", "must be set");
      }
    }
  }
}

// True for a positive decimal number without leading zeros.
bool IsIdNumber(absl::string_view part) {
  if (part.empty() || part[0] == '0') return false;
  for (const char c : part) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

// The three numbers of a well-formed objective id ("9.4.2", "6.3.1.P"), or
// nothing.
std::vector<absl::string_view> ObjectiveIdNumbers(absl::string_view id) {
  std::vector<absl::string_view> parts = absl::StrSplit(id, '.');
  if (parts.size() == 4 && parts[3] == "P") parts.pop_back();
  if (parts.size() != 3) return {};
  for (const absl::string_view part : parts) {
    if (!IsIdNumber(part)) return {};
  }
  return parts;
}

void CheckControlObjective(const v1::ControlObjective& objective,
                           const std::string& field,
                           FieldViolations& violations) {
  if (objective.tier() == v1::CONTROL_TIER_UNSPECIFIED) {
    violations.Add(field + ".tier", "must be set");
  }
  const std::vector<absl::string_view> numbers =
      ObjectiveIdNumbers(objective.id());
  if (numbers.empty()) {
    violations.Add(field + ".id",
                   absl::StrCat("\"", objective.id(),
                                "\" is not an objective id (three numbers, "
                                "then \".P\" if cloud-specific, e.g. \"9.4.2\" "
                                "or \"6.3.1.P\")"));
  } else {
    if (objective.domain_id() != numbers[0]) {
      violations.Add(field + ".domain_id",
                     absl::StrCat("must be \"", numbers[0],
                                  "\", the first number of the id"));
    }
    const std::string category = absl::StrCat(numbers[0], ".", numbers[1]);
    if (objective.category_id() != category) {
      violations.Add(field + ".category_id",
                     absl::StrCat("must be \"", category,
                                  "\", the first two numbers of the id"));
    }
    const bool p_suffix = absl::EndsWith(objective.id(), ".P");
    if (objective.cloud_specific() != p_suffix) {
      violations.Add(field + ".cloud_specific",
                     absl::StrCat("must be ", p_suffix ? "true" : "false",
                                  ": true exactly when the id ends in \".P\""));
    }
  }
  if (objective.title().ja().empty() && objective.title().en().empty()) {
    violations.Add(field + ".title", "must have Japanese or English text");
  }
  if (objective.tier() != v1::CONTROL_TIER_CONTROLS &&
      !objective.critical_areas().empty()) {
    violations.Add(field + ".critical_areas",
                   "must be empty: governance and management objectives are "
                   "audited every year and belong to no critical area");
  }
  std::set<int> areas;
  for (int k = 0; k < objective.critical_areas_size(); ++k) {
    const std::string area_field =
        absl::StrCat(field, ".critical_areas[", k, "]");
    if (objective.critical_areas(k) == v1::CRITICAL_AREA_UNSPECIFIED) {
      violations.Add(area_field, "must be set");
    } else if (!areas.insert(objective.critical_areas(k)).second) {
      violations.Add(area_field, "is listed twice for this objective");
    }
  }
}

void CheckDetailedControl(const v1::DetailedControl& control,
                          const std::string& field,
                          const std::map<std::string, int>& objectives,
                          FieldViolations& violations) {
  const std::vector<absl::string_view> parts =
      absl::StrSplit(control.id(), '.');
  const bool numbers_ok = parts.size() == 5 && IsIdNumber(parts[0]) &&
                          IsIdNumber(parts[1]) && IsIdNumber(parts[2]) &&
                          IsIdNumber(parts[3]);
  const absl::string_view suffix = numbers_ok ? parts[4] : "";
  if (suffix != "B" && suffix != "PB") {
    violations.Add(field + ".id",
                   absl::StrCat("\"", control.id(),
                                "\" is not a detailed control id (four "
                                "numbers, then \".B\" or \".PB\", e.g. "
                                "\"9.2.1.6.PB\")"));
  }
  if (control.suffix() == v1::DETAILED_CONTROL_SUFFIX_UNSPECIFIED) {
    violations.Add(field + ".suffix", "must be set");
  } else if (!suffix.empty() &&
             (control.suffix() == v1::DETAILED_CONTROL_SUFFIX_B) !=
                 (suffix == "B")) {
    violations.Add(
        field + ".suffix",
        absl::StrCat("must match the id's suffix \".", suffix, "\""));
  }
  const auto objective = objectives.find(control.objective_id());
  if (objective == objectives.end()) {
    violations.Add(field + ".objective_id",
                   absl::StrCat("\"", control.objective_id(),
                                "\" is not an objective of the catalog"));
  } else if (numbers_ok) {
    const std::string expected =
        absl::StrJoin(ObjectiveIdNumbers(control.objective_id()), ".");
    const std::string prefix =
        absl::StrCat(parts[0], ".", parts[1], ".", parts[2]);
    if (prefix != expected) {
      violations.Add(field + ".objective_id",
                     absl::StrCat("\"", control.objective_id(),
                                  "\" does not match the id, whose objective "
                                  "numbers are \"",
                                  prefix, "\""));
    }
  }
}

void CheckControlCatalog(const v1::ControlCatalog& catalog,
                         FieldViolations& violations) {
  std::map<std::string, int> objectives;  // Id -> first index.
  std::set<int> tiers;
  for (int i = 0; i < catalog.objectives_size(); ++i) {
    const v1::ControlObjective& objective = catalog.objectives(i);
    const std::string field = absl::StrCat("objectives[", i, "]");
    CheckControlObjective(objective, field, violations);
    tiers.insert(objective.tier());
    const auto [first, inserted] = objectives.emplace(objective.id(), i);
    if (!inserted) {
      violations.Add(field + ".id", absl::StrCat("\"", objective.id(),
                                                 "\" is the id of objectives[",
                                                 first->second, "] too"));
    }
  }
  for (const auto& [tier, name] :
       {std::pair{v1::CONTROL_TIER_GOVERNANCE, "governance"},
        std::pair{v1::CONTROL_TIER_MANAGEMENT, "management"},
        std::pair{v1::CONTROL_TIER_CONTROLS, "controls"}}) {
    if (tiers.count(tier) == 0) {
      violations.Add(
          "objectives",
          absl::StrCat("has no ", name, " objective (at least one per tier)"));
    }
  }
  std::map<std::string, int> controls;  // Id -> first index.
  for (int j = 0; j < catalog.detailed_controls_size(); ++j) {
    const v1::DetailedControl& control = catalog.detailed_controls(j);
    const std::string field = absl::StrCat("detailed_controls[", j, "]");
    CheckDetailedControl(control, field, objectives, violations);
    const auto [first, inserted] = controls.emplace(control.id(), j);
    if (!inserted) {
      violations.Add(
          field + ".id",
          absl::StrCat("\"", control.id(), "\" is the id of detailed_controls[",
                       first->second, "] too"));
    }
  }
}

// Ids of vocabulary terms, questions and answers: lowercase snake_case.
bool IsTermId(const std::string& id) {
  if (id.empty() || id.size() > 64 || !absl::ascii_islower(id[0])) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return absl::ascii_islower(c) || absl::ascii_isdigit(c) || c == '_';
  });
}

void CheckTerms(
    const google::protobuf::RepeatedPtrField<v1::VocabularyTerm>& terms,
    const std::string& list, std::set<std::string>& seen,
    FieldViolations& violations) {
  for (int i = 0; i < terms.size(); ++i) {
    const std::string field = absl::StrCat(list, "[", i, "]");
    const v1::VocabularyTerm& term = terms[i];
    if (!IsTermId(term.id())) {
      violations.Add(field + ".id",
                     "must be lowercase snake_case, 1-64 characters");
    } else if (!seen.insert(term.id()).second) {
      violations.Add(field + ".id",
                     absl::StrCat(term.id(), " is defined twice"));
    }
    if (term.label().ja().empty() || term.label().en().empty()) {
      violations.Add(field + ".label", "needs Japanese and English");
    }
  }
}

void CheckInformationVocabulary(const v1::InformationVocabulary& vocabulary,
                                FieldViolations& violations) {
  std::set<std::string> seen;
  CheckTerms(vocabulary.information_kinds(), "information_kinds", seen,
             violations);
  CheckTerms(vocabulary.facts(), "facts", seen, violations);
  if (vocabulary.information_kinds().empty()) {
    violations.Add("information_kinds", "must define at least one kind");
  }
}

void CheckImpactCriteria(const v1::ImpactCriteria& criteria,
                         FieldViolations& violations) {
  std::map<std::string, std::set<std::string>> answers_of;
  for (int i = 0; i < criteria.questions_size(); ++i) {
    const v1::ImpactQuestion& question = criteria.questions(i);
    const std::string field = absl::StrCat("questions[", i, "]");
    if (!IsTermId(question.id())) {
      violations.Add(field + ".id",
                     "must be lowercase snake_case, 1-64 characters");
    } else if (answers_of.count(question.id()) > 0) {
      violations.Add(field + ".id",
                     absl::StrCat(question.id(), " is defined twice"));
    }
    std::set<std::string>& answers = answers_of[question.id()];
    if (question.objective() == v1::SECURITY_OBJECTIVE_UNSPECIFIED) {
      violations.Add(field + ".objective", "must be set");
    }
    if (question.scope() == v1::QUESTION_SCOPE_UNSPECIFIED) {
      violations.Add(field + ".scope", "must be set");
    }
    if (question.text().ja().empty() || question.text().en().empty()) {
      violations.Add(field + ".text", "needs Japanese and English");
    }
    if (question.answers_size() < 2) {
      violations.Add(field + ".answers",
                     "a question needs at least two answers");
    }
    bool some_low = false;
    for (int a = 0; a < question.answers_size(); ++a) {
      const v1::ImpactAnswer& answer = question.answers(a);
      const std::string answer_field = absl::StrCat(field, ".answers[", a, "]");
      if (!IsTermId(answer.id())) {
        violations.Add(answer_field + ".id", "must be lowercase snake_case");
      } else if (!answers.insert(answer.id()).second) {
        violations.Add(answer_field + ".id",
                       absl::StrCat(answer.id(), " is defined twice"));
      }
      if (answer.minimum_level() == v1::IMPACT_LEVEL_UNSPECIFIED) {
        violations.Add(answer_field + ".minimum_level", "must be set");
      }
      some_low = some_low || answer.minimum_level() == v1::IMPACT_LEVEL_LOW;
    }
    if (!some_low) {
      violations.Add(
          field + ".answers",
          "no answer allows LOW, so no business could be low impact");
    }
  }
  for (int e = 0; e < criteria.examples_size(); ++e) {
    const v1::ImpactExample& example = criteria.examples(e);
    for (int a = 0; a < example.answers_size(); ++a) {
      const v1::ExampleAnswer& answer = example.answers(a);
      const auto question = answers_of.find(answer.question_id());
      const std::string field =
          absl::StrCat("examples[", e, "].answers[", a, "]");
      if (question == answers_of.end()) {
        violations.Add(field + ".question_id",
                       absl::StrCat("unknown question ", answer.question_id()));
      } else if (question->second.count(answer.answer_id()) == 0) {
        violations.Add(field + ".answer_id",
                       absl::StrCat("unknown answer ", answer.answer_id()));
      }
    }
  }
}

void CheckTargetBusinessList(const v1::TargetBusinessList& list,
                             FieldViolations& violations) {
  if (list.items().empty())
    violations.Add("items", "must list at least one item");
  for (int i = 0; i < list.items_size(); ++i) {
    const v1::TargetBusinessItem& item = list.items(i);
    const std::string field = absl::StrCat("items[", i, "]");
    if (item.item_number() != i + 1) {
      violations.Add(field + ".item_number",
                     absl::StrCat("must be ", i + 1,
                                  " (items are numbered 1, 2, 3, ...)"));
    }
    if (item.criterion().ja().empty() || item.criterion().en().empty()) {
      violations.Add(field + ".criterion", "needs Japanese and English");
    }
    if (item.condition().kind_case() == v1::Condition::KIND_NOT_SET) {
      violations.Add(field + ".condition", "must encode the criterion");
    }
  }
}

}  // namespace

absl::Status CheckRules(const google::protobuf::Message& rules) {
  FieldViolations violations;
  if (const auto* p = dynamic_cast<const v1::AuditPolicy*>(&rules)) {
    CheckAuditPolicy(*p, violations);
  } else if (const auto* r = dynamic_cast<const v1::ReviewPolicy*>(&rules)) {
    CheckReviewPolicy(*r, violations);
  } else if (const auto* a = dynamic_cast<const v1::AccessPolicy*>(&rules)) {
    CheckAccessPolicy(*a, violations);
  } else if (const auto* v =
                 dynamic_cast<const v1::InformationVocabulary*>(&rules)) {
    CheckInformationVocabulary(*v, violations);
  } else if (const auto* criteria =
                 dynamic_cast<const v1::ImpactCriteria*>(&rules)) {
    CheckImpactCriteria(*criteria, violations);
  } else if (const auto* list =
                 dynamic_cast<const v1::TargetBusinessList*>(&rules)) {
    CheckTargetBusinessList(*list, violations);
  } else if (const auto* c = dynamic_cast<const v1::ControlCatalog*>(&rules)) {
    CheckControlCatalog(*c, violations);
  }
  return violations.ToStatus();
}

}  // namespace ismap::liu
