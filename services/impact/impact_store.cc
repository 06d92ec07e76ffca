// SQL behind ImpactStore.
#include "services/impact/impact_store.h"

#include <limits>
#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/util/time_util.h"
#include "services/common/audit_trail/audit_trail.h"
#include "services/common/digest.h"
#include "services/common/field_checks.h"
#include "services/common/field_violations.h"
#include "services/common/identity/access_policy_table.h"
#include "services/common/status_macros.h"
#include "services/common/storage/stored_message.h"

namespace ismap::liu::impact {
namespace {

using google::protobuf::util::TimeUtil;
using storage::Bytes;
using storage::Database;
using storage::Row;
using storage::Transaction;
using storage::Value;

// `subject` is the key of what is assessed, one ACTIVE assessment per
// ministry and subject: `preApplications/{p}/businesses/{b}` or
// `reviewCases/{c}`. `content` columns hold serialized messages:
// ImpactAssessment (current state), ImpactAssessmentRevision,
// ImpactAssessmentEvent.
constexpr storage::Migration kMigrations[] = {
    {1, "create impact assessments, revisions, feed and request ids", R"sql(
CREATE TABLE impact_assessments (
  id              TEXT   NOT NULL PRIMARY KEY,
  ministry        TEXT   NOT NULL,
  subject         TEXT   NOT NULL,
  pre_application TEXT   NOT NULL,
  business_id     TEXT   NOT NULL,
  review_case     TEXT   NOT NULL,
  csp             TEXT   NOT NULL,
  state           BIGINT NOT NULL,
  update_us       BIGINT NOT NULL,
  content         BYTEA  NOT NULL
);
CREATE UNIQUE INDEX impact_assessments_one_active
  ON impact_assessments (ministry, subject) WHERE state = 1;
CREATE INDEX impact_assessments_by_update
  ON impact_assessments (update_us, id);
CREATE INDEX impact_assessments_by_ministry
  ON impact_assessments (ministry, update_us);
CREATE INDEX impact_assessments_by_pre_application
  ON impact_assessments (pre_application, update_us);
CREATE INDEX impact_assessments_by_review_case
  ON impact_assessments (review_case, update_us);
CREATE TABLE impact_assessment_revisions (
  assessment_id TEXT   NOT NULL REFERENCES impact_assessments (id),
  revision      BIGINT NOT NULL,
  content       BYTEA  NOT NULL,
  PRIMARY KEY (assessment_id, revision)
);
CREATE TABLE impact_requests (
  organisation  TEXT NOT NULL,
  request_id    TEXT NOT NULL,
  body_sha256   TEXT NOT NULL,
  assessment_id TEXT NOT NULL REFERENCES impact_assessments (id),
  PRIMARY KEY (organisation, request_id)
);
CREATE TABLE impact_events (
  sequence        BIGINT NOT NULL PRIMARY KEY,
  assessment_id   TEXT   NOT NULL REFERENCES impact_assessments (id),
  pre_application TEXT   NOT NULL,
  review_case     TEXT   NOT NULL,
  content         BYTEA  NOT NULL
);
CREATE INDEX impact_events_by_pre_application
  ON impact_events (pre_application, sequence);
CREATE INDEX impact_events_by_review_case
  ON impact_events (review_case, sequence);
CREATE TABLE impact_feed_head (
  id            BIGINT NOT NULL PRIMARY KEY CHECK (id = 1),
  last_sequence BIGINT NOT NULL
);
INSERT INTO impact_feed_head (id, last_sequence) VALUES (1, 0);
)sql"},
};

constexpr absl::string_view kAssessmentsPrefix = "/impactAssessments/";

template <typename Message>
absl::StatusOr<Message> ParseStored(const Row& row, size_t column) {
  ASSIGN_OR_RETURN(const std::string bytes, row.Blob(column));
  Message message;
  if (!message.ParseFromString(bytes)) {
    return absl::DataLossError(absl::StrCat(
        "a stored ", Message::descriptor()->name(), " does not parse"));
  }
  return message;
}

google::protobuf::Timestamp TimestampOf(absl::Time time) {
  return TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(time));
}

// An opaque tag of everything the assessment shows but the tag itself.
std::string EtagOf(const v1::ImpactAssessment& assessment) {
  v1::ImpactAssessment untagged = assessment;
  untagged.clear_etag();
  return Sha256Hex(storage::DeterministicBytes(untagged)).substr(0, 32);
}

std::string OrganisationName(const Caller& caller) {
  switch (caller.role) {
    case Role::kMinistry:
      return absl::StrCat("ministries/", caller.organisation);
    case Role::kCsp:
      return absl::StrCat("csps/", caller.organisation);
    case Role::kIpa:
      return "ipa";
  }
  return caller.organisation;
}

struct SubjectColumns {
  std::string subject;
  std::string pre_application;
  std::string business_id;
  std::string review_case;
};

SubjectColumns SubjectOf(const v1::ImpactAssessment& assessment) {
  SubjectColumns columns;
  if (assessment.has_pre_application_business()) {
    const v1::BusinessRef& ref = assessment.pre_application_business();
    columns.pre_application = ref.pre_application();
    columns.business_id = ref.business_id();
    columns.subject =
        absl::StrCat(ref.pre_application(), "/businesses/", ref.business_id());
  } else {
    columns.review_case = assessment.review_case();
    columns.subject = assessment.review_case();
  }
  return columns;
}

std::string IdOf(const v1::ImpactAssessment& assessment) {
  const std::string& name = assessment.name();
  return name.substr(name.rfind('/') + 1);
}

constexpr char kSelectStored[] =
    "SELECT content, csp FROM impact_assessments WHERE id = $1";

absl::StatusOr<ImpactStore::Stored> StoredOf(const Row& row) {
  ImpactStore::Stored stored;
  ASSIGN_OR_RETURN(stored.assessment,
                   ParseStored<v1::ImpactAssessment>(row, 0));
  ASSIGN_OR_RETURN(stored.csp, row.Text(1));
  return stored;
}

absl::StatusOr<std::optional<ImpactStore::Stored>> ReadStored(
    Transaction& tx, absl::string_view id) {
  ASSIGN_OR_RETURN(std::vector<Row> rows,
                   tx.Query(kSelectStored, {std::string(id)}));
  if (rows.empty()) return std::nullopt;
  ASSIGN_OR_RETURN(ImpactStore::Stored stored, StoredOf(rows[0]));
  return stored;
}

absl::Status NotFound(absl::string_view id) {
  return absl::NotFoundError(absl::StrCat("no impact assessment ", id));
}

// The request-id lookup shared by Replay and Create.
absl::StatusOr<std::optional<v1::ImpactAssessment>> ReplayIn(
    Transaction& tx, absl::string_view organisation,
    absl::string_view request_id, absl::string_view body_sha256) {
  ASSIGN_OR_RETURN(
      std::vector<Row> rows,
      tx.Query("SELECT body_sha256, assessment_id FROM impact_requests "
               "WHERE organisation = $1 AND request_id = $2",
               {std::string(organisation), std::string(request_id)}));
  if (rows.empty()) return std::nullopt;
  ASSIGN_OR_RETURN(const std::string recorded_body, rows[0].Text(0));
  if (recorded_body != body_sha256) {
    FieldViolations violations;
    violations.Add("request_id",
                   "was used before with a different request body; use a "
                   "new request_id for a new assessment");
    return violations.ToStatus();
  }
  ASSIGN_OR_RETURN(const std::string id, rows[0].Text(1));
  ASSIGN_OR_RETURN(std::optional<ImpactStore::Stored> stored,
                   ReadStored(tx, id));
  if (!stored.has_value()) {
    return absl::DataLossError(
        absl::StrCat("request id recorded for missing assessment ", id));
  }
  return std::move(stored->assessment);
}

// The next feed sequence: the counter row serialises every writer, so
// sequences commit in order.
absl::StatusOr<int64_t> NextSequence(Transaction& tx) {
  ASSIGN_OR_RETURN(const int64_t updated,
                   tx.Execute("UPDATE impact_feed_head SET last_sequence = "
                              "last_sequence + 1 WHERE id = 1",
                              {}));
  if (updated != 1) return absl::DataLossError("the feed counter is missing");
  ASSIGN_OR_RETURN(
      std::vector<Row> rows,
      tx.Query("SELECT last_sequence FROM impact_feed_head WHERE id = 1", {}));
  if (rows.empty()) return absl::DataLossError("the feed counter is missing");
  return rows[0].Int(0);
}

// Appends the feed event and the audit event of a change from `before`
// (empty when created) to `after`, whose current state is `after_bytes`.
absl::Status RecordChange(Transaction& tx, v1::ImpactAssessmentEvent::Kind kind,
                          absl::string_view action,
                          const std::string& before_bytes,
                          const v1::ImpactAssessment& after,
                          const std::string& after_bytes, const Caller& caller,
                          absl::Time now) {
  ASSIGN_OR_RETURN(const int64_t sequence, NextSequence(tx));
  v1::ImpactAssessmentEvent event;
  event.set_sequence(sequence);
  event.set_kind(kind);
  *event.mutable_impact_assessment() = after;
  *event.mutable_event_time() = TimestampOf(now);
  const SubjectColumns subject = SubjectOf(after);
  RETURN_IF_ERROR(
      tx.Execute(
            "INSERT INTO impact_events (sequence, assessment_id, "
            "pre_application, review_case, content) "
            "VALUES ($1, $2, $3, $4, $5)",
            {sequence, IdOf(after), subject.pre_application,
             subject.review_case, Bytes{storage::DeterministicBytes(event)}})
          .status());
  return AuditTrail::Append(
      tx,
      AuditRecord{DescribeCaller(caller), std::string(action), after.name(),
                  before_bytes.empty() ? "" : Sha256Hex(before_bytes),
                  Sha256Hex(after_bytes)},
      now);
}

// Records `assessment` (current state, with its revision number) as a
// revision by `caller` at `now`.
absl::Status InsertRevision(Transaction& tx,
                            const v1::ImpactAssessment& assessment,
                            const Caller& caller, absl::Time now) {
  v1::ImpactAssessmentRevision revision;
  revision.set_name(
      absl::StrCat(assessment.name(), "/revisions/", assessment.revision()));
  revision.set_revision(assessment.revision());
  *revision.mutable_snapshot() = assessment;
  revision.mutable_author()->set_role(ToCallerRole(caller.role));
  revision.mutable_author()->set_organisation(OrganisationName(caller));
  revision.mutable_author()->set_subject(caller.subject);
  *revision.mutable_create_time() = TimestampOf(now);
  return tx
      .Execute(
          "INSERT INTO impact_assessment_revisions "
          "(assessment_id, revision, content) VALUES ($1, $2, $3)",
          {IdOf(assessment), static_cast<int64_t>(assessment.revision()),
           Bytes{storage::DeterministicBytes(revision)}})
      .status();
}

// Loads assessment `id` for a change: NOT_FOUND, or as CheckChangeable.
absl::StatusOr<ImpactStore::Stored> LoadForChange(Transaction& tx,
                                                  absl::string_view id,
                                                  absl::string_view etag) {
  ASSIGN_OR_RETURN(std::optional<ImpactStore::Stored> stored,
                   ReadStored(tx, id));
  if (!stored.has_value()) return NotFound(id);
  RETURN_IF_ERROR(ImpactStore::CheckChangeable(stored->assessment, etag));
  return *std::move(stored);
}

// Stores the changed current state of an existing assessment and returns its
// bytes.
absl::StatusOr<std::string> UpdateCurrent(Transaction& tx,
                                          v1::ImpactAssessment& assessment,
                                          absl::Time now) {
  *assessment.mutable_update_time() = TimestampOf(now);
  assessment.set_etag(EtagOf(assessment));
  std::string bytes = storage::DeterministicBytes(assessment);
  RETURN_IF_ERROR(
      tx.Execute("UPDATE impact_assessments SET state = $2, update_us = $3, "
                 "content = $4 WHERE id = $1",
                 {IdOf(assessment), static_cast<int64_t>(assessment.state()),
                  absl::ToUnixMicros(now), Bytes{bytes}})
          .status());
  return bytes;
}

absl::Status BadPageToken() {
  FieldViolations violations;
  violations.Add("page_token", "is not a token this server issued");
  return violations.ToStatus();
}

}  // namespace

absl::Span<const storage::Migration> ImpactStore::Migrations() {
  return kMigrations;
}

absl::Status ImpactStore::CheckChangeable(const v1::ImpactAssessment& current,
                                          absl::string_view etag) {
  if (current.etag() != etag) {
    return absl::AbortedError(
        absl::StrCat(current.name(),
                     " changed since it was read (etag mismatch); read it "
                     "again and retry"));
  }
  if (current.state() == v1::ImpactAssessment::STATE_WITHDRAWN) {
    return absl::FailedPreconditionError(
        absl::StrCat(current.name(), " is withdrawn"));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::optional<v1::ImpactAssessment>> ImpactStore::Replay(
    absl::string_view organisation, absl::string_view request_id,
    absl::string_view body_sha256, absl::Time deadline) const {
  std::optional<v1::ImpactAssessment> result;
  RETURN_IF_ERROR(database_->RunInTransaction(
      Database::Access::kReadOnly, deadline,
      [&](Transaction& tx) -> absl::Status {
        ASSIGN_OR_RETURN(result,
                         ReplayIn(tx, organisation, request_id, body_sha256));
        return absl::OkStatus();
      }));
  return result;
}

absl::StatusOr<v1::ImpactAssessment> ImpactStore::Create(
    const NewAssessment& input, const Caller& caller, absl::Time now,
    absl::Time deadline) {
  const std::string id = NewResourceId();
  const std::string organisation = OrganisationName(caller);
  v1::ImpactAssessment result;
  RETURN_IF_ERROR(database_->RunInTransaction(
      Database::Access::kReadWrite, deadline,
      [&](Transaction& tx) -> absl::Status {
        ASSIGN_OR_RETURN(
            std::optional<v1::ImpactAssessment> replayed,
            ReplayIn(tx, organisation, input.request_id, input.body_sha256));
        if (replayed.has_value()) {
          result = *std::move(replayed);
          return absl::OkStatus();
        }
        v1::ImpactAssessment assessment = input.assessment;
        const SubjectColumns subject = SubjectOf(assessment);
        ASSIGN_OR_RETURN(
            std::vector<Row> active,
            tx.Query(
                "SELECT id FROM impact_assessments WHERE ministry = $1 "
                "AND subject = $2 AND state = $3",
                {assessment.ministry(), subject.subject,
                 static_cast<int64_t>(v1::ImpactAssessment::STATE_ACTIVE)}));
        if (!active.empty()) {
          ASSIGN_OR_RETURN(const std::string existing, active[0].Text(0));
          return absl::AlreadyExistsError(
              absl::StrCat(assessment.ministry(), kAssessmentsPrefix, existing,
                           " is already ACTIVE for ", subject.subject,
                           ": revise it instead"));
        }
        assessment.set_name(
            absl::StrCat(assessment.ministry(), kAssessmentsPrefix, id));
        assessment.set_state(v1::ImpactAssessment::STATE_ACTIVE);
        assessment.set_revision(1);
        *assessment.mutable_create_time() = TimestampOf(now);
        *assessment.mutable_update_time() = TimestampOf(now);
        assessment.set_etag(EtagOf(assessment));
        const std::string bytes = storage::DeterministicBytes(assessment);
        RETURN_IF_ERROR(
            tx.Execute("INSERT INTO impact_assessments (id, ministry, subject, "
                       "pre_application, business_id, review_case, csp, state, "
                       "update_us, content) "
                       "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                       {id, assessment.ministry(), subject.subject,
                        subject.pre_application, subject.business_id,
                        subject.review_case, input.csp,
                        static_cast<int64_t>(assessment.state()),
                        absl::ToUnixMicros(now), Bytes{bytes}})
                .status());
        if (!input.request_id.empty()) {
          RETURN_IF_ERROR(
              tx.Execute(
                    "INSERT INTO impact_requests (organisation, "
                    "request_id, body_sha256, assessment_id) "
                    "VALUES ($1, $2, $3, $4)",
                    {organisation, input.request_id, input.body_sha256, id})
                  .status());
        }
        RETURN_IF_ERROR(InsertRevision(tx, assessment, caller, now));
        RETURN_IF_ERROR(RecordChange(
            tx, v1::ImpactAssessmentEvent::KIND_CREATED,
            "CreateImpactAssessment", "", assessment, bytes, caller, now));
        result = std::move(assessment);
        return absl::OkStatus();
      }));
  return result;
}

absl::StatusOr<ImpactStore::Stored> ImpactStore::Get(
    absl::string_view id, absl::Time deadline) const {
  Stored result;
  RETURN_IF_ERROR(database_->RunInTransaction(
      Database::Access::kReadOnly, deadline,
      [&](Transaction& tx) -> absl::Status {
        ASSIGN_OR_RETURN(std::optional<Stored> stored, ReadStored(tx, id));
        if (!stored.has_value()) return NotFound(id);
        result = *std::move(stored);
        return absl::OkStatus();
      }));
  return result;
}

absl::StatusOr<v1::ImpactAssessment> ImpactStore::Revise(
    absl::string_view id, absl::string_view etag,
    const v1::ImpactAssessment& content, const Caller& caller, absl::Time now,
    absl::Time deadline) {
  v1::ImpactAssessment result;
  RETURN_IF_ERROR(database_->RunInTransaction(
      Database::Access::kReadWrite, deadline,
      [&](Transaction& tx) -> absl::Status {
        ASSIGN_OR_RETURN(Stored stored, LoadForChange(tx, id, etag));
        const std::string before =
            storage::DeterministicBytes(stored.assessment);
        v1::ImpactAssessment& assessment = stored.assessment;
        assessment.set_revision(assessment.revision() + 1);
        *assessment.mutable_information_ratings() =
            content.information_ratings();
        *assessment.mutable_answers() = content.answers();
        assessment.set_justification(content.justification());
        *assessment.mutable_implied_minimums() = content.implied_minimums();
        *assessment.mutable_high_water_mark() = content.high_water_mark();
        assessment.set_overall_level(content.overall_level());
        assessment.set_all_low(content.all_low());
        assessment.set_rules_version(content.rules_version());
        ASSIGN_OR_RETURN(const std::string after,
                         UpdateCurrent(tx, assessment, now));
        RETURN_IF_ERROR(InsertRevision(tx, assessment, caller, now));
        RETURN_IF_ERROR(RecordChange(
            tx, v1::ImpactAssessmentEvent::KIND_REVISED,
            "ReviseImpactAssessment", before, assessment, after, caller, now));
        result = std::move(assessment);
        return absl::OkStatus();
      }));
  return result;
}

absl::StatusOr<v1::ImpactAssessment> ImpactStore::Withdraw(
    absl::string_view id, absl::string_view etag, absl::string_view reason,
    const Caller& caller, absl::Time now, absl::Time deadline) {
  v1::ImpactAssessment result;
  RETURN_IF_ERROR(database_->RunInTransaction(
      Database::Access::kReadWrite, deadline,
      [&](Transaction& tx) -> absl::Status {
        ASSIGN_OR_RETURN(Stored stored, LoadForChange(tx, id, etag));
        const std::string before =
            storage::DeterministicBytes(stored.assessment);
        v1::ImpactAssessment& assessment = stored.assessment;
        assessment.set_state(v1::ImpactAssessment::STATE_WITHDRAWN);
        assessment.set_withdraw_reason(std::string(reason));
        *assessment.mutable_withdraw_time() = TimestampOf(now);
        ASSIGN_OR_RETURN(const std::string after,
                         UpdateCurrent(tx, assessment, now));
        RETURN_IF_ERROR(RecordChange(tx,
                                     v1::ImpactAssessmentEvent::KIND_WITHDRAWN,
                                     "WithdrawImpactAssessment", before,
                                     assessment, after, caller, now));
        result = std::move(assessment);
        return absl::OkStatus();
      }));
  return result;
}

absl::StatusOr<v1::ImpactAssessmentRevision> ImpactStore::GetRevision(
    absl::string_view id, int64_t revision, absl::Time deadline) const {
  v1::ImpactAssessmentRevision result;
  RETURN_IF_ERROR(database_->RunInTransaction(
      Database::Access::kReadOnly, deadline,
      [&](Transaction& tx) -> absl::Status {
        ASSIGN_OR_RETURN(
            std::vector<Row> rows,
            tx.Query("SELECT content FROM impact_assessment_revisions "
                     "WHERE assessment_id = $1 AND revision = $2",
                     {std::string(id), revision}));
        if (rows.empty()) {
          return absl::NotFoundError(absl::StrCat(
              "impact assessment ", id, " has no revision ", revision));
        }
        ASSIGN_OR_RETURN(result,
                         ParseStored<v1::ImpactAssessmentRevision>(rows[0], 0));
        return absl::OkStatus();
      }));
  return result;
}

std::string ImpactStore::RevisionSortKey(
    const v1::ImpactAssessmentRevision& revision) {
  return absl::StrCat(revision.revision());
}

absl::StatusOr<std::vector<v1::ImpactAssessmentRevision>>
ImpactStore::ListRevisions(absl::string_view id, const Page& page,
                           absl::Time deadline) const {
  int64_t after = 0;
  if (!page.after_key.empty() &&
      (!absl::SimpleAtoi(page.after_key, &after) || after < 1)) {
    return BadPageToken();
  }
  std::vector<v1::ImpactAssessmentRevision> result;
  RETURN_IF_ERROR(database_->RunInTransaction(
      Database::Access::kReadOnly, deadline,
      [&](Transaction& tx) -> absl::Status {
        result.clear();
        ASSIGN_OR_RETURN(
            std::vector<Row> rows,
            tx.Query(
                "SELECT content FROM impact_assessment_revisions "
                "WHERE assessment_id = $1 AND revision > $2 "
                "ORDER BY revision LIMIT $3",
                {std::string(id), after, static_cast<int64_t>(page.size) + 1}));
        for (const Row& row : rows) {
          ASSIGN_OR_RETURN(v1::ImpactAssessmentRevision revision,
                           ParseStored<v1::ImpactAssessmentRevision>(row, 0));
          result.push_back(std::move(revision));
        }
        return absl::OkStatus();
      }));
  return result;
}

std::string ImpactStore::SortKey(const v1::ImpactAssessment& assessment) {
  return absl::StrCat(
      TimeUtil::TimestampToMicroseconds(assessment.update_time()), ":",
      IdOf(assessment));
}

absl::StatusOr<std::vector<v1::ImpactAssessment>> ImpactStore::List(
    const Filter& filter, const Page& page, absl::Time deadline) const {
  // Latest update first: after (us, id) come older ones, or equally old ones
  // with a later id.
  std::vector<std::string> conditions;
  std::vector<Value> params;
  auto param = [&params](Value value) {
    params.push_back(std::move(value));
    return absl::StrCat("$", params.size());
  };
  if (!page.after_key.empty()) {
    const std::vector<std::string> parts =
        absl::StrSplit(page.after_key, absl::MaxSplits(':', 1));
    int64_t after_us = 0;
    if (parts.size() != 2 || !absl::SimpleAtoi(parts[0], &after_us)) {
      return BadPageToken();
    }
    const std::string us = param(after_us);
    conditions.push_back(absl::StrCat("(update_us < ", us, " OR (update_us = ",
                                      us, " AND id > ", param(parts[1]), "))"));
  }
  for (const auto& [column, value] :
       {std::pair<const char*, const std::string*>{"ministry",
                                                   &filter.ministry},
        {"pre_application", &filter.pre_application},
        {"business_id", &filter.business_id},
        {"review_case", &filter.review_case},
        {"csp", &filter.csp}}) {
    if (!value->empty()) {
      conditions.push_back(absl::StrCat(column, " = ", param(*value)));
    }
  }
  if (filter.state != v1::ImpactAssessment::STATE_UNSPECIFIED) {
    conditions.push_back(
        absl::StrCat("state = ", param(static_cast<int64_t>(filter.state))));
  }
  std::string sql = "SELECT content FROM impact_assessments";
  if (!conditions.empty()) {
    absl::StrAppend(&sql, " WHERE ", absl::StrJoin(conditions, " AND "));
  }
  absl::StrAppend(&sql, " ORDER BY update_us DESC, id LIMIT ",
                  param(static_cast<int64_t>(page.size) + 1));

  std::vector<v1::ImpactAssessment> result;
  RETURN_IF_ERROR(database_->RunInTransaction(
      Database::Access::kReadOnly, deadline,
      [&](Transaction& tx) -> absl::Status {
        result.clear();
        ASSIGN_OR_RETURN(std::vector<Row> rows, tx.Query(sql, params));
        for (const Row& row : rows) {
          ASSIGN_OR_RETURN(v1::ImpactAssessment assessment,
                           ParseStored<v1::ImpactAssessment>(row, 0));
          result.push_back(std::move(assessment));
        }
        return absl::OkStatus();
      }));
  return result;
}

absl::StatusOr<std::vector<v1::ImpactAssessmentEvent>> ImpactStore::ListEvents(
    int64_t after_sequence, const EventFilter& filter, int64_t limit,
    absl::Time deadline) const {
  std::string sql = "SELECT content FROM impact_events WHERE sequence > $1";
  std::vector<Value> params = {after_sequence};
  if (!filter.pre_application.empty()) {
    params.push_back(filter.pre_application);
    absl::StrAppend(&sql, " AND pre_application = $", params.size());
  }
  if (!filter.review_case.empty()) {
    params.push_back(filter.review_case);
    absl::StrAppend(&sql, " AND review_case = $", params.size());
  }
  params.push_back(limit);
  absl::StrAppend(&sql, " ORDER BY sequence LIMIT $", params.size());

  std::vector<v1::ImpactAssessmentEvent> result;
  RETURN_IF_ERROR(database_->RunInTransaction(
      Database::Access::kReadOnly, deadline,
      [&](Transaction& tx) -> absl::Status {
        result.clear();
        ASSIGN_OR_RETURN(std::vector<Row> rows, tx.Query(sql, params));
        for (const Row& row : rows) {
          ASSIGN_OR_RETURN(v1::ImpactAssessmentEvent event,
                           ParseStored<v1::ImpactAssessmentEvent>(row, 0));
          result.push_back(std::move(event));
        }
        return absl::OkStatus();
      }));
  return result;
}

}  // namespace ismap::liu::impact
