// SQL of the eligibility component (portable: SQLite and PostgreSQL).
#include "services/eligibility/eligibility_store.h"

#include <utility>

#include "absl/container/btree_map.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/util/time_util.h"
#include "services/common/digest.h"
#include "services/common/status_macros.h"
#include "services/common/storage/stored_message.h"

namespace ismap::liu::eligibility {
namespace {

using google::protobuf::util::TimeUtil;
using storage::Bytes;
using storage::Row;
using storage::Transaction;
using storage::Value;

constexpr storage::Migration kMigrations[] = {
    {1,
     "create the target list, pre-applications, judgements, "
     "notifications and review cases",
     R"sql(
CREATE TABLE eligibility_list_versions (
  list_version BIGINT PRIMARY KEY,
  create_time_us BIGINT NOT NULL
);
CREATE TABLE eligibility_target_items (
  item_number BIGINT PRIMARY KEY,
  list_version BIGINT NOT NULL REFERENCES eligibility_list_versions,
  body BYTEA NOT NULL
);
CREATE TABLE eligibility_pre_applications (
  id TEXT PRIMARY KEY,
  csp TEXT NOT NULL,
  state BIGINT NOT NULL,
  outcome BIGINT NOT NULL,
  create_time_us BIGINT NOT NULL,
  request_id TEXT,
  request_hash TEXT,
  body BYTEA NOT NULL,
  UNIQUE (csp, request_id)
);
CREATE INDEX eligibility_pre_applications_order
  ON eligibility_pre_applications (create_time_us, id);
CREATE TABLE eligibility_pre_application_ministries (
  pre_application TEXT NOT NULL,
  ministry TEXT NOT NULL,
  waiting BIGINT NOT NULL,
  PRIMARY KEY (pre_application, ministry)
);
CREATE INDEX eligibility_ministry_pre_applications
  ON eligibility_pre_application_ministries (ministry);
CREATE TABLE eligibility_judgements (
  pre_application TEXT NOT NULL,
  number BIGINT NOT NULL,
  body BYTEA NOT NULL,
  PRIMARY KEY (pre_application, number)
);
CREATE TABLE eligibility_notifications (
  sequence BIGINT PRIMARY KEY,
  pre_application TEXT NOT NULL,
  number BIGINT NOT NULL,
  csp TEXT NOT NULL,
  body BYTEA NOT NULL,
  UNIQUE (pre_application, number)
);
CREATE INDEX eligibility_csp_notifications
  ON eligibility_notifications (csp, sequence);
CREATE TABLE eligibility_review_cases (
  id TEXT PRIMARY KEY,
  business_key TEXT NOT NULL UNIQUE,
  state BIGINT NOT NULL,
  due_time_us BIGINT NOT NULL,
  body BYTEA NOT NULL
);
CREATE TABLE eligibility_case_links (
  review_case TEXT NOT NULL,
  pre_application TEXT NOT NULL,
  csp TEXT NOT NULL,
  PRIMARY KEY (review_case, pre_application)
);
CREATE INDEX eligibility_pre_application_cases
  ON eligibility_case_links (pre_application);
CREATE TABLE eligibility_feed_cursors (
  feed TEXT PRIMARY KEY,
  sequence BIGINT NOT NULL
);
)sql"},
    {2, "one ACTIVE pre-application per CSP and service name",
     R"sql(
ALTER TABLE eligibility_pre_applications ADD COLUMN service_name TEXT;
CREATE UNIQUE INDEX eligibility_one_active_per_service
  ON eligibility_pre_applications (csp, service_name) WHERE state = 1;
)sql"},
};
static_assert(v1::PreApplication::STATE_ACTIVE == 1,
              "migration 2's index names the ACTIVE state by its number");

template <typename Message>
absl::StatusOr<Message> Parse(const Row& row, size_t column) {
  ASSIGN_OR_RETURN(std::string bytes, row.Blob(column));
  Message message;
  if (!message.ParseFromString(bytes)) {
    return absl::InternalError(absl::StrCat(
        "stored ", Message::descriptor()->name(), " does not parse"));
  }
  return message;
}

template <typename Message>
absl::StatusOr<std::vector<Message>> ParseAll(const std::vector<Row>& rows) {
  std::vector<Message> messages;
  messages.reserve(rows.size());
  for (const Row& row : rows) {
    ASSIGN_OR_RETURN(Message message, Parse<Message>(row, 0));
    messages.push_back(std::move(message));
  }
  return messages;
}

std::string IdOf(absl::string_view name) {
  const size_t slash = name.find('/');
  return std::string(slash == absl::string_view::npos ? name
                                                      : name.substr(slash + 1));
}

int64_t Micros(const google::protobuf::Timestamp& time) {
  return TimeUtil::TimestampToMicroseconds(time);
}

// Splits a "<micros>:<id>" page key. Empty key: the very start.
absl::Status SplitKey(absl::string_view key, int64_t& micros, std::string& id) {
  micros = -1;
  id.clear();
  if (key.empty()) return absl::OkStatus();
  std::pair<std::string, std::string> parts = absl::StrSplit(key, ':');
  if (!absl::SimpleAtoi(parts.first, &micros)) {
    return absl::InvalidArgumentError("page_token: malformed");
  }
  id = parts.second;
  return absl::OkStatus();
}

absl::Status WritePreApplicationMinistries(Transaction& tx,
                                           const v1::PreApplication& pre) {
  const std::string id = IdOf(pre.name());
  RETURN_IF_ERROR(
      tx.Execute("DELETE FROM eligibility_pre_application_ministries "
                 "WHERE pre_application = $1",
                 {Value(id)})
          .status());
  absl::btree_map<std::string, bool> waiting;
  for (const v1::PreApplicationBusiness& business : pre.businesses()) {
    for (const std::string& ministry : business.ministries()) {
      waiting.try_emplace(ministry, false);
    }
  }
  for (const v1::BusinessJudgement& judged : pre.judgement().businesses()) {
    for (const std::string& ministry : judged.waiting_for_ministries()) {
      waiting[ministry] = true;
    }
  }
  for (const auto& [ministry, is_waiting] : waiting) {
    RETURN_IF_ERROR(
        tx.Execute(
              "INSERT INTO eligibility_pre_application_ministries "
              "(pre_application, ministry, waiting) VALUES ($1, $2, $3)",
              {Value(id), Value(ministry), Value(int64_t{is_waiting ? 1 : 0})})
            .status());
  }
  return absl::OkStatus();
}

}  // namespace

std::string MessageHash(const google::protobuf::Message& message) {
  return Sha256Hex(storage::DeterministicBytes(message));
}

absl::Span<const storage::Migration> EligibilityStore::Migrations() {
  return kMigrations;
}

// ---- The target-business list ----

absl::StatusOr<int64_t> EligibilityStore::CurrentListVersion(Transaction& tx) {
  ASSIGN_OR_RETURN(std::vector<Row> rows,
                   tx.Query("SELECT COALESCE(MAX(list_version), 0) "
                            "FROM eligibility_list_versions",
                            {}));
  return rows.at(0).Int(0);
}

absl::StatusOr<std::vector<v1::TargetBusiness>> EligibilityStore::ListItems(
    Transaction& tx, int64_t version) {
  ASSIGN_OR_RETURN(std::vector<Row> rows,
                   tx.Query("SELECT body FROM eligibility_target_items "
                            "WHERE list_version <= $1 ORDER BY item_number",
                            {Value(version)}));
  return ParseAll<v1::TargetBusiness>(rows);
}

absl::Status EligibilityStore::AddListVersion(
    Transaction& tx, int64_t version,
    absl::Span<const v1::TargetBusiness> items, absl::Time now) {
  ASSIGN_OR_RETURN(int64_t current, CurrentListVersion(tx));
  if (version != current + 1) {
    return absl::AlreadyExistsError(
        absl::StrCat("list version ", version, " follows ", current));
  }
  RETURN_IF_ERROR(tx.Execute("INSERT INTO eligibility_list_versions "
                             "(list_version, create_time_us) VALUES ($1, $2)",
                             {Value(version), Value(absl::ToUnixMicros(now))})
                      .status());
  for (const v1::TargetBusiness& item : items) {
    RETURN_IF_ERROR(
        tx.Execute("INSERT INTO eligibility_target_items "
                   "(item_number, list_version, body) VALUES ($1, $2, $3)",
                   {Value(int64_t{item.item_number()}), Value(version),
                    Value(Bytes{storage::DeterministicBytes(item)})})
            .status());
  }
  return absl::OkStatus();
}

// ---- Pre-applications ----

absl::StatusOr<v1::PreApplication> EligibilityStore::GetPreApplication(
    Transaction& tx, absl::string_view id) {
  ASSIGN_OR_RETURN(
      std::vector<Row> rows,
      tx.Query("SELECT body FROM eligibility_pre_applications WHERE id = $1",
               {Value(std::string(id))}));
  if (rows.empty()) {
    return absl::NotFoundError(absl::StrCat("preApplications/", id));
  }
  return Parse<v1::PreApplication>(rows[0], 0);
}

absl::StatusOr<std::optional<EligibilityStore::RequestRecord>>
EligibilityStore::FindRequest(Transaction& tx, absl::string_view csp,
                              absl::string_view request_id) {
  ASSIGN_OR_RETURN(
      std::vector<Row> rows,
      tx.Query("SELECT id, request_hash FROM "
               "eligibility_pre_applications "
               "WHERE csp = $1 AND request_id = $2",
               {Value(std::string(csp)), Value(std::string(request_id))}));
  if (rows.empty()) return std::nullopt;
  RequestRecord record;
  ASSIGN_OR_RETURN(record.id, rows[0].Text(0));
  ASSIGN_OR_RETURN(record.request_hash, rows[0].Text(1));
  return record;
}

absl::Status EligibilityStore::InsertPreApplication(
    Transaction& tx, const v1::PreApplication& pre,
    absl::string_view request_id, absl::string_view request_hash) {
  RETURN_IF_ERROR(
      tx.Execute(
            "INSERT INTO eligibility_pre_applications (id, csp, state, "
            "outcome, create_time_us, request_id, request_hash, body, "
            "service_name) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            {Value(IdOf(pre.name())), Value(pre.csp()),
             Value(int64_t{pre.state()}),
             Value(int64_t{pre.judgement().overall_outcome()}),
             Value(Micros(pre.create_time())),
             request_id.empty() ? Value() : Value(std::string(request_id)),
             request_id.empty() ? Value() : Value(std::string(request_hash)),
             Value(Bytes{storage::DeterministicBytes(pre)}),
             Value(pre.service_name())})
          .status());
  return WritePreApplicationMinistries(tx, pre);
}

absl::StatusOr<std::optional<std::string>>
EligibilityStore::FindActiveByServiceName(Transaction& tx,
                                          absl::string_view csp,
                                          absl::string_view service_name) {
  ASSIGN_OR_RETURN(
      std::vector<Row> rows,
      tx.Query("SELECT id FROM eligibility_pre_applications "
               "WHERE csp = $1 AND service_name = $2 AND state = $3",
               {Value(std::string(csp)), Value(std::string(service_name)),
                Value(int64_t{v1::PreApplication::STATE_ACTIVE})}));
  if (rows.empty()) return std::nullopt;
  ASSIGN_OR_RETURN(std::string id, rows[0].Text(0));
  return absl::StrCat("preApplications/", id);
}

absl::Status EligibilityStore::UpdatePreApplication(
    Transaction& tx, const v1::PreApplication& pre) {
  ASSIGN_OR_RETURN(
      int64_t changed,
      tx.Execute("UPDATE eligibility_pre_applications SET state = $2, "
                 "outcome = $3, body = $4 WHERE id = $1",
                 {Value(IdOf(pre.name())), Value(int64_t{pre.state()}),
                  Value(int64_t{pre.judgement().overall_outcome()}),
                  Value(Bytes{storage::DeterministicBytes(pre)})}));
  if (changed != 1) return absl::NotFoundError(pre.name());
  return WritePreApplicationMinistries(tx, pre);
}

std::string EligibilityStore::PreApplicationKey(const v1::PreApplication& pre) {
  return absl::StrCat(Micros(pre.create_time()), ":", IdOf(pre.name()));
}

absl::StatusOr<std::vector<v1::PreApplication>>
EligibilityStore::ListPreApplications(Transaction& tx,
                                      const PreApplicationFilter& filter,
                                      const Page& page) {
  int64_t after_micros;
  std::string after_id;
  RETURN_IF_ERROR(SplitKey(page.after_key, after_micros, after_id));
  std::string sql =
      "SELECT p.body FROM eligibility_pre_applications p WHERE "
      "(p.create_time_us > $1 OR (p.create_time_us = $1 AND p.id > $2))";
  std::vector<Value> params = {Value(after_micros), Value(after_id)};
  auto bind = [&params](Value value) {
    params.push_back(std::move(value));
    return absl::StrCat("$", params.size());
  };
  if (!filter.csp.empty()) {
    absl::StrAppend(&sql, " AND p.csp = ", bind(Value(filter.csp)));
  }
  if (!filter.ministry.empty()) {
    absl::StrAppend(&sql,
                    " AND EXISTS (SELECT 1 FROM "
                    "eligibility_pre_application_ministries m WHERE "
                    "m.pre_application = p.id AND m.ministry = ",
                    bind(Value(filter.ministry)), ")");
  }
  if (!filter.waiting_for_ministry.empty()) {
    absl::StrAppend(&sql,
                    " AND EXISTS (SELECT 1 FROM "
                    "eligibility_pre_application_ministries w WHERE "
                    "w.pre_application = p.id AND w.waiting = 1 AND "
                    "w.ministry = ",
                    bind(Value(filter.waiting_for_ministry)), ")");
  }
  if (!filter.review_case.empty()) {
    absl::StrAppend(&sql,
                    " AND EXISTS (SELECT 1 FROM eligibility_case_links l "
                    "WHERE l.pre_application = p.id AND l.review_case = ",
                    bind(Value(IdOf(filter.review_case))), ")");
  }
  if (filter.state != v1::PreApplication::STATE_UNSPECIFIED) {
    absl::StrAppend(&sql,
                    " AND p.state = ", bind(Value(int64_t{filter.state})));
  }
  if (filter.outcome != v1::ELIGIBILITY_OUTCOME_UNSPECIFIED) {
    absl::StrAppend(&sql,
                    " AND p.outcome = ", bind(Value(int64_t{filter.outcome})));
  }
  absl::StrAppend(&sql, " ORDER BY p.create_time_us, p.id LIMIT ",
                  bind(Value(int64_t{page.size} + 1)));
  ASSIGN_OR_RETURN(std::vector<Row> rows, tx.Query(sql, params));
  return ParseAll<v1::PreApplication>(rows);
}

// ---- Judgements and notifications ----

absl::StatusOr<int64_t> EligibilityStore::NextJudgementNumber(
    Transaction& tx, absl::string_view pre_application_id) {
  ASSIGN_OR_RETURN(std::vector<Row> rows,
                   tx.Query("SELECT COALESCE(MAX(number), 0) + 1 FROM "
                            "eligibility_judgements WHERE pre_application = $1",
                            {Value(std::string(pre_application_id))}));
  return rows.at(0).Int(0);
}

absl::Status EligibilityStore::InsertJudgement(
    Transaction& tx, absl::string_view pre_application_id, int64_t number,
    const v1::Judgement& judgement) {
  return tx
      .Execute(
          "INSERT INTO eligibility_judgements (pre_application, number, "
          "body) VALUES ($1, $2, $3)",
          {Value(std::string(pre_application_id)), Value(number),
           Value(Bytes{storage::DeterministicBytes(judgement)})})
      .status();
}

absl::StatusOr<v1::Judgement> EligibilityStore::GetJudgement(
    Transaction& tx, absl::string_view pre_application_id, int64_t number) {
  ASSIGN_OR_RETURN(
      std::vector<Row> rows,
      tx.Query("SELECT body FROM eligibility_judgements WHERE "
               "pre_application = $1 AND number = $2",
               {Value(std::string(pre_application_id)), Value(number)}));
  if (rows.empty()) {
    return absl::NotFoundError(absl::StrCat(
        "preApplications/", pre_application_id, "/judgements/", number));
  }
  return Parse<v1::Judgement>(rows[0], 0);
}

absl::StatusOr<std::vector<v1::Judgement>> EligibilityStore::ListJudgements(
    Transaction& tx, absl::string_view pre_application_id, const Page& page) {
  int64_t after = 0;
  if (!page.after_key.empty() && !absl::SimpleAtoi(page.after_key, &after)) {
    return absl::InvalidArgumentError("page_token: malformed");
  }
  ASSIGN_OR_RETURN(
      std::vector<Row> rows,
      tx.Query("SELECT body FROM eligibility_judgements WHERE "
               "pre_application = $1 AND number > $2 ORDER BY number LIMIT $3",
               {Value(std::string(pre_application_id)), Value(after),
                Value(int64_t{page.size} + 1)}));
  return ParseAll<v1::Judgement>(rows);
}

absl::Status EligibilityStore::AppendNotification(
    Transaction& tx, absl::string_view pre_application_id,
    absl::string_view csp, v1::Notification& notification) {
  ASSIGN_OR_RETURN(
      std::vector<Row> rows,
      tx.Query("SELECT (SELECT COALESCE(MAX(sequence), 0) + 1 FROM "
               "eligibility_notifications), (SELECT COALESCE(MAX(number), 0) "
               "+ 1 FROM eligibility_notifications WHERE pre_application = $1)",
               {Value(std::string(pre_application_id))}));
  ASSIGN_OR_RETURN(int64_t sequence, rows.at(0).Int(0));
  ASSIGN_OR_RETURN(int64_t number, rows.at(0).Int(1));
  notification.set_sequence(sequence);
  notification.set_name(absl::StrCat("preApplications/", pre_application_id,
                                     "/notifications/", number));
  return tx
      .Execute(
          "INSERT INTO eligibility_notifications (sequence, "
          "pre_application, number, csp, body) VALUES ($1, $2, $3, $4, "
          "$5)",
          {Value(sequence), Value(std::string(pre_application_id)),
           Value(number), Value(std::string(csp)),
           Value(Bytes{storage::DeterministicBytes(notification)})})
      .status();
}

absl::StatusOr<v1::Notification> EligibilityStore::GetNotification(
    Transaction& tx, absl::string_view pre_application_id, int64_t number) {
  ASSIGN_OR_RETURN(
      std::vector<Row> rows,
      tx.Query("SELECT body FROM eligibility_notifications WHERE "
               "pre_application = $1 AND number = $2",
               {Value(std::string(pre_application_id)), Value(number)}));
  if (rows.empty()) {
    return absl::NotFoundError(absl::StrCat(
        "preApplications/", pre_application_id, "/notifications/", number));
  }
  return Parse<v1::Notification>(rows[0], 0);
}

absl::StatusOr<std::vector<v1::Notification>>
EligibilityStore::ListNotifications(Transaction& tx,
                                    absl::string_view pre_application_id,
                                    absl::string_view csp,
                                    int64_t after_sequence, int limit) {
  std::string sql =
      "SELECT body FROM eligibility_notifications WHERE sequence > $1";
  std::vector<Value> params = {Value(after_sequence)};
  if (!pre_application_id.empty()) {
    params.push_back(Value(std::string(pre_application_id)));
    absl::StrAppend(&sql, " AND pre_application = $", params.size());
  }
  if (!csp.empty()) {
    params.push_back(Value(std::string(csp)));
    absl::StrAppend(&sql, " AND csp = $", params.size());
  }
  params.push_back(Value(int64_t{limit}));
  absl::StrAppend(&sql, " ORDER BY sequence LIMIT $", params.size());
  ASSIGN_OR_RETURN(std::vector<Row> rows, tx.Query(sql, params));
  return ParseAll<v1::Notification>(rows);
}

// ---- Review cases ----

absl::StatusOr<v1::ReviewCase> EligibilityStore::GetReviewCase(
    Transaction& tx, absl::string_view id) {
  ASSIGN_OR_RETURN(
      std::vector<Row> rows,
      tx.Query("SELECT body FROM eligibility_review_cases WHERE id = $1",
               {Value(std::string(id))}));
  if (rows.empty())
    return absl::NotFoundError(absl::StrCat("reviewCases/", id));
  return Parse<v1::ReviewCase>(rows[0], 0);
}

absl::StatusOr<std::optional<v1::ReviewCase>>
EligibilityStore::FindReviewCaseByKey(Transaction& tx,
                                      absl::string_view business_key) {
  ASSIGN_OR_RETURN(std::vector<Row> rows,
                   tx.Query("SELECT body FROM eligibility_review_cases "
                            "WHERE business_key = $1",
                            {Value(std::string(business_key))}));
  if (rows.empty()) return std::nullopt;
  return Parse<v1::ReviewCase>(rows[0], 0);
}

absl::Status EligibilityStore::InsertReviewCase(
    Transaction& tx, const v1::ReviewCase& review_case) {
  return tx
      .Execute(
          "INSERT INTO eligibility_review_cases (id, business_key, "
          "state, due_time_us, body) VALUES ($1, $2, $3, $4, $5)",
          {Value(IdOf(review_case.name())), Value(review_case.business_key()),
           Value(int64_t{review_case.state()}),
           Value(Micros(review_case.due_time())),
           Value(Bytes{storage::DeterministicBytes(review_case)})})
      .status();
}

absl::Status EligibilityStore::UpdateReviewCase(
    Transaction& tx, const v1::ReviewCase& review_case) {
  ASSIGN_OR_RETURN(
      int64_t changed,
      tx.Execute(
          "UPDATE eligibility_review_cases SET state = "
          "$2, body = $3 WHERE id = $1",
          {Value(IdOf(review_case.name())), Value(int64_t{review_case.state()}),
           Value(Bytes{storage::DeterministicBytes(review_case)})}));
  if (changed != 1) return absl::NotFoundError(review_case.name());
  return absl::OkStatus();
}

std::string EligibilityStore::ReviewCaseKey(const v1::ReviewCase& review_case) {
  return absl::StrCat(Micros(review_case.due_time()), ":",
                      IdOf(review_case.name()));
}

absl::StatusOr<std::vector<v1::ReviewCase>> EligibilityStore::ListReviewCases(
    Transaction& tx, const ReviewCaseFilter& filter, const Page& page) {
  int64_t after_micros;
  std::string after_id;
  RETURN_IF_ERROR(SplitKey(page.after_key, after_micros, after_id));
  std::string sql =
      "SELECT c.body FROM eligibility_review_cases c WHERE "
      "(c.due_time_us > $1 OR (c.due_time_us = $1 AND c.id > $2))";
  std::vector<Value> params = {Value(after_micros), Value(after_id)};
  auto bind = [&params](Value value) {
    params.push_back(std::move(value));
    return absl::StrCat("$", params.size());
  };
  if (filter.state != v1::ReviewCase::STATE_UNSPECIFIED) {
    absl::StrAppend(&sql,
                    " AND c.state = ", bind(Value(int64_t{filter.state})));
  }
  if (filter.overdue.has_value()) {
    const std::string open = bind(Value(int64_t{v1::ReviewCase::STATE_OPEN}));
    const std::string now = bind(Value(absl::ToUnixMicros(filter.now)));
    absl::StrAppend(&sql, *filter.overdue ? " AND " : " AND NOT ",
                    "(c.state = ", open, " AND c.due_time_us < ", now, ")");
  }
  if (!filter.pre_application.empty()) {
    absl::StrAppend(&sql,
                    " AND EXISTS (SELECT 1 FROM eligibility_case_links l "
                    "WHERE l.review_case = c.id AND l.pre_application = ",
                    bind(Value(IdOf(filter.pre_application))), ")");
  }
  if (!filter.csp.empty()) {
    absl::StrAppend(&sql,
                    " AND EXISTS (SELECT 1 FROM eligibility_case_links k "
                    "WHERE k.review_case = c.id AND k.csp = ",
                    bind(Value(filter.csp)), ")");
  }
  absl::StrAppend(&sql, " ORDER BY c.due_time_us, c.id LIMIT ",
                  bind(Value(int64_t{page.size} + 1)));
  ASSIGN_OR_RETURN(std::vector<Row> rows, tx.Query(sql, params));
  return ParseAll<v1::ReviewCase>(rows);
}

absl::Status EligibilityStore::LinkCase(Transaction& tx,
                                        absl::string_view case_id,
                                        absl::string_view pre_application_id,
                                        absl::string_view csp) {
  return tx
      .Execute(
          "INSERT INTO eligibility_case_links (review_case, "
          "pre_application, csp) VALUES ($1, $2, $3) ON CONFLICT "
          "(review_case, pre_application) DO NOTHING",
          {Value(std::string(case_id)), Value(std::string(pre_application_id)),
           Value(std::string(csp))})
      .status();
}

absl::Status EligibilityStore::UnlinkPreApplication(
    Transaction& tx, absl::string_view pre_application_id) {
  return tx
      .Execute("DELETE FROM eligibility_case_links WHERE pre_application = $1",
               {Value(std::string(pre_application_id))})
      .status();
}

absl::StatusOr<std::vector<std::string>>
EligibilityStore::LinkedPreApplications(Transaction& tx,
                                        absl::string_view case_id,
                                        absl::string_view csp) {
  ASSIGN_OR_RETURN(
      std::vector<Row> rows,
      tx.Query("SELECT pre_application FROM "
               "eligibility_case_links WHERE review_case = $1 "
               "AND ($2 = '' OR csp = $2) ORDER BY "
               "pre_application",
               {Value(std::string(case_id)), Value(std::string(csp))}));
  std::vector<std::string> ids;
  for (const Row& row : rows) {
    ASSIGN_OR_RETURN(std::string id, row.Text(0));
    ids.push_back(std::move(id));
  }
  return ids;
}

// ---- Feed cursor ----

absl::StatusOr<int64_t> EligibilityStore::FeedCursor(Transaction& tx,
                                                     absl::string_view feed) {
  ASSIGN_OR_RETURN(std::vector<Row> rows,
                   tx.Query("SELECT sequence FROM eligibility_feed_cursors "
                            "WHERE feed = $1",
                            {Value(std::string(feed))}));
  if (rows.empty()) return 0;
  return rows[0].Int(0);
}

absl::Status EligibilityStore::AdvanceFeedCursor(Transaction& tx,
                                                 absl::string_view feed,
                                                 int64_t sequence) {
  return tx
      .Execute(
          "INSERT INTO eligibility_feed_cursors (feed, sequence) VALUES "
          "($1, $2) ON CONFLICT (feed) DO UPDATE SET sequence = "
          "excluded.sequence WHERE eligibility_feed_cursors.sequence < "
          "excluded.sequence",
          {Value(std::string(feed)), Value(sequence)})
      .status();
}

}  // namespace ismap::liu::eligibility
