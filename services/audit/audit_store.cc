// SQL behind AuditStore.
#include "services/audit/audit_store.h"

#include <cstdint>
#include <limits>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "google/protobuf/util/time_util.h"
#include "services/common/audit_trail/audit_trail.h"
#include "services/common/digest.h"
#include "services/common/field_violations.h"
#include "services/common/status_macros.h"
#include "services/common/storage/stored_message.h"

namespace ismap::liu {
namespace {

using google::protobuf::util::TimeUtil;
using storage::Bytes;
using storage::Row;
using storage::Transaction;
using storage::Value;

constexpr storage::Migration kMigrations[] = {
    {1, "create cloud services, internal-audit reports and request ids",
     R"sql(
CREATE TABLE audit_services (
  id              TEXT   NOT NULL PRIMARY KEY,
  pre_application TEXT   NOT NULL,
  csp             TEXT   NOT NULL,
  state           BIGINT NOT NULL,
  registration_us BIGINT,
  create_us       BIGINT NOT NULL,
  body            BYTEA  NOT NULL
);
CREATE INDEX audit_services_by_creation ON audit_services (create_us, id);
CREATE INDEX audit_services_by_registration
  ON audit_services (registration_us, id);
CREATE INDEX audit_services_by_pre_application
  ON audit_services (pre_application);
CREATE INDEX audit_services_by_csp ON audit_services (csp, create_us, id);
CREATE TABLE audit_reports (
  service_id    TEXT   NOT NULL REFERENCES audit_services (id),
  id            TEXT   NOT NULL,
  period_end_us BIGINT NOT NULL,
  has_findings  BIGINT NOT NULL,
  body          BYTEA  NOT NULL,
  PRIMARY KEY (service_id, id)
);
CREATE INDEX audit_reports_by_period
  ON audit_reports (period_end_us, service_id, id);
CREATE TABLE audit_report_objectives (
  service_id   TEXT NOT NULL,
  report_id    TEXT NOT NULL,
  objective_id TEXT NOT NULL,
  PRIMARY KEY (service_id, report_id, objective_id),
  FOREIGN KEY (service_id, report_id) REFERENCES audit_reports (service_id, id)
);
CREATE INDEX audit_report_objectives_by_objective
  ON audit_report_objectives (objective_id);
CREATE TABLE audit_request_ids (
  caller      TEXT NOT NULL,
  method      TEXT NOT NULL,
  request_id  TEXT NOT NULL,
  body_sha256 TEXT NOT NULL,
  resource    TEXT NOT NULL,
  PRIMARY KEY (caller, method, request_id)
);
)sql"},
    // A backstop to the check RegisterService makes: whatever writes the
    // table, a pre-application never has two services that are not
    // REJECTED. 3 is STATE_REJECTED (see the static_assert below).
    {2, "at most one service that is not rejected per pre-application",
     R"sql(
CREATE UNIQUE INDEX audit_services_one_live_per_pre_application
  ON audit_services (pre_application) WHERE state <> 3;
)sql"},
};
static_assert(v1::CloudService::STATE_REJECTED == 3,
              "migration 2 stores the value of STATE_REJECTED");

constexpr absl::string_view kServicePrefix = "services/";
constexpr absl::string_view kReportsInfix = "/internalAuditReports/";
constexpr int64_t kRegistered = v1::CloudService::STATE_REGISTERED;
constexpr int64_t kSuspended = v1::CloudService::STATE_SUSPENDED;
constexpr int64_t kRejected = v1::CloudService::STATE_REJECTED;

// The stored form of a service: everything but its etag, which is derived.
std::string StoredBody(const v1::CloudService& service) {
  v1::CloudService stored = service;
  stored.clear_etag();
  stored.clear_hold_expired();  // Depends on when it is read.
  return storage::DeterministicBytes(stored);
}

std::string EtagOf(absl::string_view body_sha256) {
  return std::string(body_sha256.substr(0, 32));
}

absl::StatusOr<v1::CloudService> ServiceOf(const Row& row, size_t column) {
  ASSIGN_OR_RETURN(const std::string body, row.Blob(column));
  v1::CloudService service;
  if (!service.ParseFromString(body)) {
    return absl::InternalError("a stored service does not parse");
  }
  service.set_etag(EtagOf(Sha256Hex(body)));
  return service;
}

absl::StatusOr<v1::InternalAuditReport> ReportOf(const Row& row,
                                                 size_t column) {
  ASSIGN_OR_RETURN(const std::string body, row.Blob(column));
  v1::InternalAuditReport report;
  if (!report.ParseFromString(body)) {
    return absl::InternalError("a stored internal-audit report does not parse");
  }
  return report;
}

absl::StatusOr<std::vector<v1::CloudService>> ServicesOf(
    const std::vector<Row>& rows) {
  std::vector<v1::CloudService> services;
  services.reserve(rows.size());
  for (const Row& row : rows) {
    ASSIGN_OR_RETURN(v1::CloudService service, ServiceOf(row, 0));
    services.push_back(std::move(service));
  }
  return services;
}

int64_t Micros(const google::protobuf::Timestamp& timestamp) {
  return TimeUtil::TimestampToMicroseconds(timestamp);
}

Value RegistrationMicros(const v1::CloudService& service) {
  if (!service.has_registration_time()) return std::monostate();
  return Micros(service.registration_time());
}

absl::Status BadPageToken() {
  FieldViolations violations;
  violations.Add("page_token", "is not a token this server issued");
  return violations.ToStatus();
}

// Splits a keyset key "<micros>:<id>[:<id>]" into its micros and `ids`
// parts.
absl::Status ParseKey(absl::string_view key, size_t ids, int64_t& micros,
                      std::vector<std::string>& parts) {
  parts = absl::StrSplit(key, ':');
  if (parts.size() != ids + 1 || !absl::SimpleAtoi(parts[0], &micros)) {
    return BadPageToken();
  }
  parts.erase(parts.begin());
  return absl::OkStatus();
}

}  // namespace

absl::Span<const storage::Migration> AuditStore::Migrations() {
  return kMigrations;
}

std::string AuditStore::ContentHash(const google::protobuf::Message& message) {
  return Sha256Hex(storage::DeterministicBytes(message));
}

std::string AuditStore::ServiceId(absl::string_view service_name) {
  absl::ConsumePrefix(&service_name, kServicePrefix);
  return std::string(service_name);
}

absl::StatusOr<std::optional<v1::CloudService>> AuditStore::GetService(
    Transaction& tx, absl::string_view service_id) {
  ASSIGN_OR_RETURN(std::vector<Row> rows,
                   tx.Query("SELECT body FROM audit_services WHERE id = $1",
                            {std::string(service_id)}));
  if (rows.empty()) return std::nullopt;
  return ServiceOf(rows[0], 0);
}

absl::Status AuditStore::InsertService(Transaction& tx,
                                       v1::CloudService& service,
                                       const Change& change) {
  const std::string body = StoredBody(service);
  const std::string sha256 = Sha256Hex(body);
  const absl::Status inserted =
      tx.Execute(
            "INSERT INTO audit_services (id, pre_application, csp, "
            "state, registration_us, create_us, body) "
            "VALUES ($1, $2, $3, $4, $5, $6, $7)",
            {ServiceId(service.name()), service.pre_application(),
             service.csp(), static_cast<int64_t>(service.state()),
             RegistrationMicros(service), Micros(service.create_time()),
             Bytes{body}})
          .status();
  // A unique violation: the primary key, or for a service that is not
  // REJECTED, the one-live-service index too (migration 2). The backends
  // do not say which in a portable way; the message names both.
  if (absl::IsAlreadyExists(inserted)) {
    return absl::AlreadyExistsError(
        service.state() == v1::CloudService::STATE_REJECTED
            ? absl::StrCat(service.name(), " already exists")
            : absl::StrCat("a service that is not REJECTED already exists "
                           "for ",
                           service.pre_application(), ", or ", service.name(),
                           " does"));
  }
  RETURN_IF_ERROR(inserted);
  RETURN_IF_ERROR(AuditTrail::Append(
      tx, {change.actor, change.action, service.name(), "", sha256},
      change.time));
  service.set_etag(EtagOf(sha256));
  return absl::OkStatus();
}

absl::Status AuditStore::UpdateService(Transaction& tx,
                                       const v1::CloudService& before,
                                       v1::CloudService& after,
                                       const Change& change) {
  const std::string body = StoredBody(after);
  const std::string sha256 = Sha256Hex(body);
  ASSIGN_OR_RETURN(
      const int64_t updated,
      tx.Execute("UPDATE audit_services SET state = $2, registration_us = $3, "
                 "body = $4 WHERE id = $1",
                 {ServiceId(after.name()), static_cast<int64_t>(after.state()),
                  RegistrationMicros(after), Bytes{body}}));
  if (updated != 1) {
    return absl::InternalError(
        absl::StrCat(after.name(), " vanished while it was updated"));
  }
  RETURN_IF_ERROR(AuditTrail::Append(tx,
                                     {change.actor, change.action, after.name(),
                                      Sha256Hex(StoredBody(before)), sha256},
                                     change.time));
  after.set_etag(EtagOf(sha256));
  return absl::OkStatus();
}

absl::StatusOr<bool> AuditStore::HasLiveService(
    Transaction& tx, absl::string_view pre_application) {
  ASSIGN_OR_RETURN(std::vector<Row> rows,
                   tx.Query("SELECT id FROM audit_services WHERE "
                            "pre_application = $1 AND state <> $2 LIMIT 1",
                            {std::string(pre_application), kRejected}));
  return !rows.empty();
}

std::string AuditStore::ServiceKey(const v1::CloudService& service) {
  return absl::StrCat(Micros(service.create_time()), ":",
                      ServiceId(service.name()));
}

absl::StatusOr<std::vector<v1::CloudService>> AuditStore::ListServices(
    Transaction& tx, const ServiceFilter& filter, const Page& page) {
  int64_t after_us = std::numeric_limits<int64_t>::min();
  std::string after_id;
  if (!page.after_key.empty()) {
    std::vector<std::string> parts;
    RETURN_IF_ERROR(ParseKey(page.after_key, 1, after_us, parts));
    after_id = parts[0];
  }
  // An empty filter value matches everything.
  ASSIGN_OR_RETURN(
      std::vector<Row> rows,
      tx.Query(
          "SELECT body FROM audit_services "
          "WHERE (create_us > $1 OR (create_us = $1 AND id > $2)) "
          "AND ($3 = 0 OR state = $3) AND ($4 = '' OR csp = $4) "
          "AND ($5 = '' OR pre_application = $5) "
          "ORDER BY create_us, id LIMIT $6",
          {after_us, after_id, static_cast<int64_t>(filter.state), filter.csp,
           filter.pre_application, static_cast<int64_t>(page.size) + 1}));
  return ServicesOf(rows);
}

std::string AuditStore::RegisteredKey(const v1::CloudService& service) {
  return absl::StrCat(Micros(service.registration_time()), ":",
                      ServiceId(service.name()));
}

absl::StatusOr<std::vector<v1::CloudService>>
AuditStore::ListRegisteredServices(Transaction& tx, const Page& page) {
  int64_t after_us = std::numeric_limits<int64_t>::min();
  std::string after_id;
  if (!page.after_key.empty()) {
    std::vector<std::string> parts;
    RETURN_IF_ERROR(ParseKey(page.after_key, 1, after_us, parts));
    after_id = parts[0];
  }
  ASSIGN_OR_RETURN(
      std::vector<Row> rows,
      tx.Query("SELECT body FROM audit_services "
               "WHERE state IN ($1, $2) AND (registration_us > $3 OR "
               "(registration_us = $3 AND id > $4)) "
               "ORDER BY registration_us, id LIMIT $5",
               {kRegistered, kSuspended, after_us, after_id,
                static_cast<int64_t>(page.size) + 1}));
  return ServicesOf(rows);
}

absl::StatusOr<std::vector<v1::CloudService>> AuditStore::ListServicesInForce(
    Transaction& tx, absl::string_view csp, absl::string_view service_id) {
  ASSIGN_OR_RETURN(
      std::vector<Row> rows,
      tx.Query("SELECT body FROM audit_services WHERE state IN ($1, $2) "
               "AND ($3 = '' OR csp = $3) AND ($4 = '' OR id = $4) "
               "ORDER BY id",
               {kRegistered, kSuspended, std::string(csp),
                std::string(service_id)}));
  return ServicesOf(rows);
}

absl::Status AuditStore::InsertReport(Transaction& tx,
                                      const v1::InternalAuditReport& report,
                                      const Change& change) {
  absl::string_view name = report.name();
  const size_t infix = name.find(kReportsInfix);
  if (!absl::ConsumePrefix(&name, kServicePrefix) ||
      infix == absl::string_view::npos) {
    return absl::InternalError(
        absl::StrCat("malformed report name ", report.name()));
  }
  const std::string service_id(name.substr(0, infix - kServicePrefix.size()));
  const std::string report_id(
      name.substr(infix - kServicePrefix.size() + kReportsInfix.size()));
  const std::string body = storage::DeterministicBytes(report);
  RETURN_IF_ERROR(
      tx.Execute(
            "INSERT INTO audit_reports (service_id, id, period_end_us, "
            "has_findings, body) VALUES ($1, $2, $3, $4, $5)",
            {service_id, report_id, Micros(report.audit_period().end_time()),
             static_cast<int64_t>(report.findings().empty() ? 0 : 1),
             Bytes{body}})
          .status());
  for (const std::string& objective : report.audited_objectives()) {
    RETURN_IF_ERROR(
        tx.Execute("INSERT INTO audit_report_objectives (service_id, "
                   "report_id, objective_id) VALUES ($1, $2, $3)",
                   {service_id, report_id, objective})
            .status());
  }
  return AuditTrail::Append(
      tx, {change.actor, change.action, report.name(), "", Sha256Hex(body)},
      change.time);
}

absl::StatusOr<std::optional<v1::InternalAuditReport>> AuditStore::GetReport(
    Transaction& tx, absl::string_view service_id,
    absl::string_view report_id) {
  ASSIGN_OR_RETURN(std::vector<Row> rows,
                   tx.Query("SELECT body FROM audit_reports "
                            "WHERE service_id = $1 AND id = $2",
                            {std::string(service_id), std::string(report_id)}));
  if (rows.empty()) return std::nullopt;
  return ReportOf(rows[0], 0);
}

absl::StatusOr<std::vector<v1::InternalAuditReport>> AuditStore::ReportsOf(
    Transaction& tx, absl::string_view service_id) {
  ASSIGN_OR_RETURN(
      std::vector<Row> rows,
      tx.Query("SELECT body FROM audit_reports WHERE service_id = $1",
               {std::string(service_id)}));
  std::vector<v1::InternalAuditReport> reports;
  reports.reserve(rows.size());
  for (const Row& row : rows) {
    ASSIGN_OR_RETURN(v1::InternalAuditReport report, ReportOf(row, 0));
    reports.push_back(std::move(report));
  }
  return reports;
}

absl::StatusOr<std::vector<std::pair<std::string, v1::InternalAuditReport>>>
AuditStore::ReportsOfServicesInForce(Transaction& tx, absl::string_view csp,
                                     absl::string_view service_id) {
  ASSIGN_OR_RETURN(
      std::vector<Row> rows,
      tx.Query("SELECT r.service_id, r.body FROM audit_reports r "
               "JOIN audit_services s ON s.id = r.service_id "
               "WHERE s.state IN ($1, $2) AND ($3 = '' OR s.csp = $3) "
               "AND ($4 = '' OR s.id = $4) ORDER BY r.service_id",
               {kRegistered, kSuspended, std::string(csp),
                std::string(service_id)}));
  std::vector<std::pair<std::string, v1::InternalAuditReport>> reports;
  reports.reserve(rows.size());
  for (const Row& row : rows) {
    ASSIGN_OR_RETURN(std::string id, row.Text(0));
    ASSIGN_OR_RETURN(v1::InternalAuditReport report, ReportOf(row, 1));
    reports.emplace_back(std::move(id), std::move(report));
  }
  return reports;
}

std::string AuditStore::ReportKey(const v1::InternalAuditReport& report) {
  absl::string_view name = report.name();
  absl::ConsumePrefix(&name, kServicePrefix);
  const size_t infix = name.find(kReportsInfix);
  return absl::StrCat(Micros(report.audit_period().end_time()), ":",
                      name.substr(0, infix), ":",
                      name.substr(infix + kReportsInfix.size()));
}

absl::StatusOr<std::vector<v1::InternalAuditReport>> AuditStore::ListReports(
    Transaction& tx, const ReportFilter& filter, const Page& page) {
  // Newest period first: after (end, service, report) come earlier ends, or
  // the same end with a later (service, report).
  int64_t after_us = std::numeric_limits<int64_t>::max();
  std::string after_service;
  std::string after_report;
  if (!page.after_key.empty()) {
    std::vector<std::string> parts;
    RETURN_IF_ERROR(ParseKey(page.after_key, 2, after_us, parts));
    after_service = parts[0];
    after_report = parts[1];
  }
  ASSIGN_OR_RETURN(
      std::vector<Row> rows,
      tx.Query(
          "SELECT r.body FROM audit_reports r "
          "JOIN audit_services s ON s.id = r.service_id "
          "WHERE (r.period_end_us < $1 OR (r.period_end_us = $1 AND "
          "(r.service_id > $2 OR (r.service_id = $2 AND r.id > $3)))) "
          "AND ($4 = '' OR r.service_id = $4) AND ($5 = '' OR s.csp = $5) "
          "AND ($6 = 0 OR r.has_findings = 1) "
          "AND ($7 = '' OR EXISTS (SELECT 1 FROM audit_report_objectives o "
          "WHERE o.service_id = r.service_id AND o.report_id = r.id "
          "AND o.objective_id = $7)) "
          "ORDER BY r.period_end_us DESC, r.service_id, r.id LIMIT $8",
          {after_us, after_service, after_report, filter.service_id, filter.csp,
           static_cast<int64_t>(filter.with_findings ? 1 : 0),
           filter.objective_id, static_cast<int64_t>(page.size) + 1}));
  std::vector<v1::InternalAuditReport> reports;
  reports.reserve(rows.size());
  for (const Row& row : rows) {
    ASSIGN_OR_RETURN(v1::InternalAuditReport report, ReportOf(row, 0));
    reports.push_back(std::move(report));
  }
  return reports;
}

absl::StatusOr<std::optional<std::string>> AuditStore::FindRequest(
    Transaction& tx, const Request& request) {
  ASSIGN_OR_RETURN(
      std::vector<Row> rows,
      tx.Query("SELECT body_sha256, resource FROM audit_request_ids "
               "WHERE caller = $1 AND method = $2 AND request_id = $3",
               {request.caller, request.method, request.request_id}));
  if (rows.empty()) return std::nullopt;
  ASSIGN_OR_RETURN(const std::string body_sha256, rows[0].Text(0));
  if (body_sha256 != request.body_sha256) {
    FieldViolations violations;
    violations.Add("request_id",
                   "was used before for a request with another body; use a "
                   "new request_id for a new request");
    return violations.ToStatus();
  }
  ASSIGN_OR_RETURN(std::string resource, rows[0].Text(1));
  return resource;
}

absl::Status AuditStore::RememberRequest(Transaction& tx,
                                         const Request& request,
                                         absl::string_view resource) {
  return tx
      .Execute(
          "INSERT INTO audit_request_ids (caller, method, request_id, "
          "body_sha256, resource) VALUES ($1, $2, $3, $4, $5)",
          {request.caller, request.method, request.request_id,
           request.body_sha256, std::string(resource)})
      .status();
}

}  // namespace ismap::liu
