// Where AuditPlanningService learns what it needs of a pre-application
// (事前申請) before a registration decision: who filed it, for which SaaS,
// whether it is withdrawn, and its latest eligibility judgement.
//
// The pre-applications belong to EligibilityService; this interface is the
// audit service's only view of them (grpc_pre_application_directory.h asks
// EligibilityService over its gRPC API).
#ifndef ISMAP_LIU_SERVICES_AUDIT_PRE_APPLICATION_DIRECTORY_H_
#define ISMAP_LIU_SERVICES_AUDIT_PRE_APPLICATION_DIRECTORY_H_

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "ismap/liu/v1/eligibility.pb.h"

namespace ismap::liu {

// Implementations are thread-safe.
class PreApplicationDirectory {
 public:
  virtual ~PreApplicationDirectory() = default;

  // The pre-application `name` (`preApplications/{pre_application}`) as it
  // stands now, with its latest judgement. NOT_FOUND if there is none;
  // UNAVAILABLE, DEADLINE_EXCEEDED or RESOURCE_EXHAUSTED when it cannot be
  // learnt by `deadline` (the caller may retry); INTERNAL when the answer
  // makes no sense.
  virtual absl::StatusOr<v1::PreApplication> Lookup(absl::string_view name,
                                                    absl::Time deadline) = 0;
};

}  // namespace ismap::liu

#endif  // ISMAP_LIU_SERVICES_AUDIT_PRE_APPLICATION_DIRECTORY_H_
