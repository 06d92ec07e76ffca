// Semantic checks of rules files, beyond what their schemas can say.
//
// Each check is pure: it inspects one parsed file and reports every problem
// as a field violation whose field is a path into the message (e.g.
// `external_audit_cycle_years` or `items[2].criterion`), which the loader turns
// into a line number.
#ifndef ISMAP_LIU_SERVICES_COMMON_RULES_RULE_CHECKS_H_
#define ISMAP_LIU_SERVICES_COMMON_RULES_RULE_CHECKS_H_

#include "absl/status/status.h"
#include "google/protobuf/message.h"

namespace ismap::liu {

// OK if `rules` is valid; INVALID_ARGUMENT with every violation otherwise.
// Types without checks are valid as parsed.
absl::Status CheckRules(const google::protobuf::Message& rules);

}  // namespace ismap::liu

#endif  // ISMAP_LIU_SERVICES_COMMON_RULES_RULE_CHECKS_H_
