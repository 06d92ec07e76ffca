// Persistence of AuditPlanningService: cloud services with their decisions
// and incidents, internal-audit reports, and the request ids that make
// creates idempotent.
//
// Each service and report is stored whole (its serialized message) beside
// the columns its queries filter and order by. Every function works inside a
// caller's transaction, so a handler reads, checks and writes in one; every
// write appends its audit-trail event (audit_trail.h) in that same
// transaction, so no change is ever acknowledged without one.
#ifndef ISMAP_LIU_SERVICES_AUDIT_AUDIT_STORE_H_
#define ISMAP_LIU_SERVICES_AUDIT_AUDIT_STORE_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "google/protobuf/message.h"
#include "ismap/liu/v1/audit_planning.pb.h"
#include "services/common/page_token.h"
#include "services/common/storage/database.h"
#include "services/common/storage/migrations.h"

namespace ismap::liu {

// Stateless; thread-safe as far as its transactions are.
class AuditStore {
 public:
  // The component under which Migrations() are applied.
  static constexpr absl::string_view kComponent = "audit_planning";
  // The schema the store needs (besides the audit trail's).
  static absl::Span<const storage::Migration> Migrations();

  // Who makes a change, through which RPC, and when: what its audit-trail
  // event records.
  struct Change {
    std::string actor;   // DescribeCaller(caller).
    std::string action;  // The RPC, e.g. "RegisterService".
    absl::Time time;
  };

  // The id part of a resource name `services/{id}`.
  static std::string ServiceId(absl::string_view service_name);

  // SHA-256 (hex) of `message` serialized deterministically: how stored
  // states and request bodies are compared.
  static std::string ContentHash(const google::protobuf::Message& message);

  // ---- Services ----

  // The service `services/{service_id}` with its etag, or nullopt.
  static absl::StatusOr<std::optional<v1::CloudService>> GetService(
      storage::Transaction& tx, absl::string_view service_id);

  // Stores a new service and sets its etag. ALREADY_EXISTS if the id is
  // taken or, for a service that is not REJECTED, if its pre-application
  // already has a service that is not REJECTED: the schema refuses that
  // (a unique index), whichever check a caller made before. After an error
  // `tx` is unusable (database.h).
  static absl::Status InsertService(storage::Transaction& tx,
                                    v1::CloudService& service,
                                    const Change& change);

  // Replaces the stored service `after.name()`, which must be `before` as
  // read in `tx`, and sets the new etag of `after`.
  static absl::Status UpdateService(storage::Transaction& tx,
                                    const v1::CloudService& before,
                                    v1::CloudService& after,
                                    const Change& change);

  // Whether a service that is not REJECTED exists for `pre_application`.
  static absl::StatusOr<bool> HasLiveService(storage::Transaction& tx,
                                             absl::string_view pre_application);

  // Filters of ListServices; an empty field does not filter.
  struct ServiceFilter {
    v1::CloudService::State state = v1::CloudService::STATE_UNSPECIFIED;
    std::string csp;
    std::string pre_application;
  };
  // Services by creation, up to page.size + 1 after page.after_key.
  // INVALID_ARGUMENT (page_token) for a key ServiceKey() did not make.
  static absl::StatusOr<std::vector<v1::CloudService>> ListServices(
      storage::Transaction& tx, const ServiceFilter& filter, const Page& page);
  static std::string ServiceKey(const v1::CloudService& service);

  // REGISTERED and SUSPENDED services by registration time, up to
  // page.size + 1 after page.after_key.
  static absl::StatusOr<std::vector<v1::CloudService>> ListRegisteredServices(
      storage::Transaction& tx, const Page& page);
  static std::string RegisteredKey(const v1::CloudService& service);

  // Every REGISTERED and SUSPENDED service, of `csp` and with id
  // `service_id` when those are not empty, by id.
  static absl::StatusOr<std::vector<v1::CloudService>> ListServicesInForce(
      storage::Transaction& tx, absl::string_view csp,
      absl::string_view service_id);

  // ---- Internal-audit reports ----

  // Stores a new report of its service (`report.name()` names both) with an
  // audit-trail event.
  static absl::Status InsertReport(storage::Transaction& tx,
                                   const v1::InternalAuditReport& report,
                                   const Change& change);

  // The report `services/{service_id}/internalAuditReports/{report_id}`, or
  // nullopt.
  static absl::StatusOr<std::optional<v1::InternalAuditReport>> GetReport(
      storage::Transaction& tx, absl::string_view service_id,
      absl::string_view report_id);

  // Every report of the service, in no particular order.
  static absl::StatusOr<std::vector<v1::InternalAuditReport>> ReportsOf(
      storage::Transaction& tx, absl::string_view service_id);

  // Every report of the services ListServicesInForce(csp, service_id)
  // returns, grouped by service id.
  static absl::StatusOr<
      std::vector<std::pair<std::string, v1::InternalAuditReport>>>
  ReportsOfServicesInForce(storage::Transaction& tx, absl::string_view csp,
                           absl::string_view service_id);

  // Filters of ListInternalAuditReports; an empty field does not filter.
  struct ReportFilter {
    std::string service_id;
    std::string csp;  // Of the service.
    std::string objective_id;
    bool with_findings = false;
  };
  // Reports newest audit period first (then by service and report id), up
  // to page.size + 1 after page.after_key. INVALID_ARGUMENT (page_token) for
  // a key ReportKey() did not make.
  static absl::StatusOr<std::vector<v1::InternalAuditReport>> ListReports(
      storage::Transaction& tx, const ReportFilter& filter, const Page& page);
  static std::string ReportKey(const v1::InternalAuditReport& report);

  // ---- Request ids (idempotent creates) ----

  // A create request: the caller it is scoped to ("role:organisation"), the
  // RPC, the client's request id, and a hash of the request without it.
  struct Request {
    std::string caller;
    std::string method;
    std::string request_id;
    std::string body_sha256;
  };

  // The resource an earlier request with the same key created, or nullopt.
  // INVALID_ARGUMENT naming `request_id` if that request had another body.
  static absl::StatusOr<std::optional<std::string>> FindRequest(
      storage::Transaction& tx, const Request& request);

  // Remembers that `request` created `resource`.
  static absl::Status RememberRequest(storage::Transaction& tx,
                                      const Request& request,
                                      absl::string_view resource);
};

}  // namespace ismap::liu

#endif  // ISMAP_LIU_SERVICES_AUDIT_AUDIT_STORE_H_
