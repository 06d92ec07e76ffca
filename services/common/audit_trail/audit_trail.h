// The append-only, hash-chained audit trail (監査証跡) kept beside each
// component's data.
//
// A store appends one event per state change in the transaction of that
// change. Each event's hash covers its fields and the previous event's hash,
// and a one-row chain head records the last sequence and hash, so that an
// edited, deleted (even the last), reordered or inserted event breaks the
// chain where Verify() finds it.
#ifndef ISMAP_LIU_SERVICES_COMMON_AUDIT_TRAIL_AUDIT_TRAIL_H_
#define ISMAP_LIU_SERVICES_COMMON_AUDIT_TRAIL_AUDIT_TRAIL_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "ismap/liu/v1/audit_trail.pb.h"
#include "services/common/page_token.h"
#include "services/common/storage/database.h"
#include "services/common/storage/migrations.h"

namespace ismap::liu {

// What a change reports about itself.
struct AuditRecord {
  std::string actor;          // DescribeCaller(caller), or "system".
  std::string action;         // The RPC, or the server's action.
  std::string resource;       // The resource name.
  std::string before_sha256;  // Of the stored state before; "" if created.
  std::string after_sha256;   // Of the stored state after.
};

// The hash an event must carry: SHA-256 over its sequence, time, actor,
// action, resource, state hashes and previous_hash (each length-prefixed).
// Pure; `hash` itself is ignored.
std::string AuditEventHash(const v1::AuditEvent& event);

// Stateless: every function works inside a caller's transaction.
class AuditTrail {
 public:
  static constexpr absl::string_view kComponent = "audit_trail";
  static absl::Span<const storage::Migration> Migrations();

  // Appends `record` as the next event, committed or rolled back with `tx`,
  // which must be a read-write transaction.
  static absl::Status Append(storage::Transaction& tx,
                             const AuditRecord& record, absl::Time time);

  // Recomputes the chain within `tx` (a consistent snapshot) and reports the
  // first event that does not verify. Reads the events in batches.
  static absl::StatusOr<v1::AuditTrailVerification> Verify(
      storage::Transaction& tx);

  // Events in sequence order: up to page.size + 1 after the sequence in
  // page.after_key. INVALID_ARGUMENT (page_token) for a malformed key.
  static absl::StatusOr<std::vector<v1::AuditEvent>> List(
      storage::Transaction& tx, const Page& page);
};

}  // namespace ismap::liu

#endif  // ISMAP_LIU_SERVICES_COMMON_AUDIT_TRAIL_AUDIT_TRAIL_H_
