// SQL and hashing behind the audit trail.
#include "services/common/audit_trail/audit_trail.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/util/time_util.h"
#include "services/common/digest.h"
#include "services/common/field_violations.h"
#include "services/common/status_macros.h"

namespace ismap::liu {
namespace {

using google::protobuf::util::TimeUtil;
using storage::Row;
using storage::Transaction;

constexpr int64_t kVerifyBatch = 1000;
const std::string kGenesisHash(64, '0');

constexpr storage::Migration kMigrations[] = {
    {1, "create the audit trail", R"sql(
CREATE TABLE audit_events (
  sequence      BIGINT NOT NULL PRIMARY KEY,
  event_time_us BIGINT NOT NULL,
  actor         TEXT   NOT NULL,
  action        TEXT   NOT NULL,
  resource      TEXT   NOT NULL,
  before_sha256 TEXT   NOT NULL,
  after_sha256  TEXT   NOT NULL,
  previous_hash TEXT   NOT NULL,
  hash          TEXT   NOT NULL
);
CREATE TABLE audit_chain_head (
  id            BIGINT NOT NULL PRIMARY KEY CHECK (id = 1),
  last_sequence BIGINT NOT NULL,
  last_hash     TEXT   NOT NULL
);
)sql"},
};

constexpr char kSelectEvents[] =
    "SELECT sequence, event_time_us, actor, action, resource, before_sha256, "
    "after_sha256, previous_hash, hash FROM audit_events ";

absl::StatusOr<v1::AuditEvent> EventOf(const Row& row) {
  v1::AuditEvent event;
  ASSIGN_OR_RETURN(const int64_t sequence, row.Int(0));
  ASSIGN_OR_RETURN(const int64_t time_us, row.Int(1));
  event.set_sequence(sequence);
  *event.mutable_event_time() = TimeUtil::MicrosecondsToTimestamp(time_us);
  ASSIGN_OR_RETURN(*event.mutable_actor(), row.Text(2));
  ASSIGN_OR_RETURN(*event.mutable_action(), row.Text(3));
  ASSIGN_OR_RETURN(*event.mutable_resource(), row.Text(4));
  ASSIGN_OR_RETURN(*event.mutable_before_sha256(), row.Text(5));
  ASSIGN_OR_RETURN(*event.mutable_after_sha256(), row.Text(6));
  ASSIGN_OR_RETURN(*event.mutable_previous_hash(), row.Text(7));
  ASSIGN_OR_RETURN(*event.mutable_hash(), row.Text(8));
  return event;
}

struct ChainHead {
  int64_t last_sequence = 0;
  std::string last_hash = kGenesisHash;
  bool recorded = false;
};

absl::StatusOr<ChainHead> ReadHead(Transaction& tx) {
  ASSIGN_OR_RETURN(
      std::vector<Row> rows,
      tx.Query(
          "SELECT last_sequence, last_hash FROM audit_chain_head WHERE id = 1",
          {}));
  ChainHead head;
  if (rows.empty()) return head;
  ASSIGN_OR_RETURN(head.last_sequence, rows[0].Int(0));
  ASSIGN_OR_RETURN(head.last_hash, rows[0].Text(1));
  head.recorded = true;
  return head;
}

v1::AuditTrailVerification Broken(int64_t checked, int64_t sequence,
                                  std::string reason) {
  v1::AuditTrailVerification result;
  result.set_intact(false);
  result.set_events_checked(checked);
  result.set_first_broken_sequence(sequence);
  result.set_reason(std::move(reason));
  return result;
}

}  // namespace

std::string AuditEventHash(const v1::AuditEvent& event) {
  std::string canonical =
      absl::StrCat(event.sequence(), "\n",
                   TimeUtil::TimestampToMicroseconds(event.event_time()), "\n");
  for (const std::string* field :
       {&event.actor(), &event.action(), &event.resource(),
        &event.before_sha256(), &event.after_sha256(),
        &event.previous_hash()}) {
    absl::StrAppend(&canonical, field->size(), ":", *field, "\n");
  }
  return Sha256Hex(canonical);
}

absl::Span<const storage::Migration> AuditTrail::Migrations() {
  return kMigrations;
}

absl::Status AuditTrail::Append(Transaction& tx, const AuditRecord& record,
                                absl::Time time) {
  ASSIGN_OR_RETURN(const ChainHead head, ReadHead(tx));
  v1::AuditEvent event;
  event.set_sequence(head.last_sequence + 1);
  *event.mutable_event_time() =
      TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(time));
  event.set_actor(record.actor);
  event.set_action(record.action);
  event.set_resource(record.resource);
  event.set_before_sha256(record.before_sha256);
  event.set_after_sha256(record.after_sha256);
  event.set_previous_hash(head.last_hash);
  event.set_hash(AuditEventHash(event));
  RETURN_IF_ERROR(
      tx.Execute(
            "INSERT INTO audit_events (sequence, event_time_us, actor, action, "
            "resource, before_sha256, after_sha256, previous_hash, hash) "
            "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            {event.sequence(), absl::ToUnixMicros(time), event.actor(),
             event.action(), event.resource(), event.before_sha256(),
             event.after_sha256(), event.previous_hash(), event.hash()})
          .status());
  return tx
      .Execute(
          "INSERT INTO audit_chain_head (id, last_sequence, last_hash) "
          "VALUES (1, $1, $2) ON CONFLICT (id) DO UPDATE SET "
          "last_sequence = excluded.last_sequence, last_hash = "
          "excluded.last_hash",
          {event.sequence(), event.hash()})
      .status();
}

absl::StatusOr<v1::AuditTrailVerification> AuditTrail::Verify(Transaction& tx) {
  int64_t expected_sequence = 1;
  std::string expected_previous = kGenesisHash;
  while (true) {
    ASSIGN_OR_RETURN(
        std::vector<Row> rows,
        tx.Query(
            absl::StrCat(kSelectEvents,
                         "WHERE sequence >= $1 ORDER BY sequence LIMIT $2"),
            {expected_sequence, kVerifyBatch}));
    for (const Row& row : rows) {
      ASSIGN_OR_RETURN(const v1::AuditEvent event, EventOf(row));
      const int64_t checked = expected_sequence - 1;
      if (event.sequence() != expected_sequence) {
        return Broken(checked, expected_sequence,
                      absl::StrCat("event ", expected_sequence,
                                   " is missing (the next stored event is ",
                                   event.sequence(), ")"));
      }
      if (event.previous_hash() != expected_previous) {
        return Broken(
            checked, event.sequence(),
            absl::StrCat("event ", event.sequence(), " does not follow event ",
                         event.sequence() - 1,
                         ": it was moved, replaced or inserted"));
      }
      if (AuditEventHash(event) != event.hash()) {
        return Broken(
            checked, event.sequence(),
            absl::StrCat("event ", event.sequence(),
                         " was altered: its content does not match its hash"));
      }
      expected_previous = event.hash();
      ++expected_sequence;
    }
    if (static_cast<int64_t>(rows.size()) < kVerifyBatch) break;
  }

  const int64_t checked = expected_sequence - 1;
  ASSIGN_OR_RETURN(const ChainHead head, ReadHead(tx));
  if (checked > 0 && !head.recorded) {
    return Broken(checked, checked, "the chain head is missing");
  }
  if (head.last_sequence > checked) {
    return Broken(
        checked, checked + 1,
        absl::StrCat("events ", checked + 1, " to ", head.last_sequence,
                     " are missing (the last recorded event is ",
                     head.last_sequence, ")"));
  }
  if (head.last_sequence != checked || head.last_hash != expected_previous) {
    return Broken(
        checked, checked,
        absl::StrCat("event ", checked,
                     " is not the last event the chain head recorded"));
  }
  v1::AuditTrailVerification result;
  result.set_intact(true);
  result.set_events_checked(checked);
  return result;
}

absl::StatusOr<std::vector<v1::AuditEvent>> AuditTrail::List(Transaction& tx,
                                                             const Page& page) {
  int64_t after_sequence = 0;
  if (!page.after_key.empty() &&
      !absl::SimpleAtoi(page.after_key, &after_sequence)) {
    FieldViolations violations;
    violations.Add("page_token", "is not a token this server issued");
    return violations.ToStatus();
  }
  ASSIGN_OR_RETURN(
      std::vector<Row> rows,
      tx.Query(absl::StrCat(kSelectEvents,
                            "WHERE sequence > $1 ORDER BY sequence LIMIT $2"),
               {after_sequence, static_cast<int64_t>(page.size) + 1}));
  std::vector<v1::AuditEvent> events;
  events.reserve(rows.size());
  for (const Row& row : rows) {
    ASSIGN_OR_RETURN(v1::AuditEvent event, EventOf(row));
    events.push_back(std::move(event));
  }
  return events;
}

}  // namespace ismap::liu
