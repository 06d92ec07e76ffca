// The in-process test server.
#include "tests/harness/test_server.h"

#include <algorithm>
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "gtest/gtest.h"
#include "ismap/liu/v1/errors.pb.h"
#include "services/common/identity/dev_signing_key.h"
#include "services/common/status_macros.h"
#include "services/common/storage/database_url.h"
#include "tests/harness/test_database.h"

namespace ismap::liu::testing {

std::string SourceRulesDir() { return LIU_SOURCE_DIR "/rules"; }

void CopySourceRules(const TempDir& into) {
  for (const auto& entry :
       std::filesystem::directory_iterator(SourceRulesDir())) {
    std::filesystem::copy(entry.path(),
                          into.Join(entry.path().filename().string()));
  }
}

absl::StatusOr<std::unique_ptr<TestServer>> TestServer::Start(Options options) {
  std::unique_ptr<TestServer> test_server(new TestServer());
  test_server->options_ = std::move(options);
  if (test_server->options_.data_dir.empty()) {
    test_server->owned_data_dir_ = std::make_unique<TempDir>();
    test_server->data_dir_ = test_server->owned_data_dir_->path();
  } else {
    test_server->data_dir_ = test_server->options_.data_dir;
  }
  ASSIGN_OR_RETURN(test_server->database_url_,
                   DatabaseUrlFor(test_server->data_dir_));
  RETURN_IF_ERROR(test_server->StartServer());
  return test_server;
}

TestServer::~TestServer() {
  Stop();
  if (owned_data_dir_ != nullptr) {
    ReleaseDatabaseFor(data_dir_);
  }
}

absl::Status TestServer::StartServer() {
  LiuServerOptions options;
  options.data_dir = data_dir_;
  options.database_url = database_url_;
  options.rules_dir = options_.rules_dir;
  options.api.listen_address = "127.0.0.1:0";
  options.api.plaintext = true;
  options.api.shutdown_grace = absl::Seconds(5);
  options.worker_threads = 4;
  ASSIGN_OR_RETURN(server_, LiuServer::Start(options));
  channel_ = grpc::CreateChannel(absl::StrCat("127.0.0.1:", server_->port()),
                                 grpc::InsecureChannelCredentials());
  return absl::OkStatus();
}

void TestServer::Stop() {
  if (server_ != nullptr) server_->Shutdown();
  server_.reset();
}

absl::Status TestServer::Restart() {
  Stop();
  return StartServer();
}

std::vector<std::string> ViolatedFields(const grpc::Status& status) {
  std::vector<std::string> fields;
  v1::StatusDetails details;
  if (!details.ParseFromString(status.error_details())) return fields;
  for (const google::protobuf::Any& any : details.details()) {
    v1::BadRequest bad_request;
    if (any.type_url() != "type.googleapis.com/google.rpc.BadRequest" ||
        !bad_request.ParseFromString(any.value())) {
      continue;
    }
    for (const auto& violation : bad_request.field_violations()) {
      fields.push_back(violation.field());
    }
  }
  return fields;
}

absl::StatusOr<std::unique_ptr<storage::Database>> TestServer::OpenDatabase()
    const {
  return storage::OpenDatabase(database_url_, data_dir_ + "/liu.sqlite3",
                               /*readers=*/1);
}

namespace {

// The dump of one read-only transaction of `fn` on `server`'s database.
std::string Dump(
    const TestServer& server,
    absl::FunctionRef<absl::Status(storage::Transaction&,
                                   absl::string_view backend, std::string&)>
        fn) {
  auto database = server.OpenDatabase();
  EXPECT_TRUE(database.ok()) << database.status();
  if (!database.ok()) return "";
  std::string dump;
  const absl::Status status = (*database)->RunInTransaction(
      storage::Database::Access::kReadOnly, absl::InfiniteFuture(),
      [&](storage::Transaction& tx) {
        return fn(tx, (*database)->backend(), dump);
      });
  EXPECT_TRUE(status.ok()) << status;
  return dump;
}

}  // namespace

std::string TestServer::DumpAllTables() const {
  return Dump(
      *this,
      [](storage::Transaction& tx, absl::string_view backend,
         std::string& dump) -> absl::Status {
        ASSIGN_OR_RETURN(
            std::vector<storage::Row> tables,
            tx.Query(backend == "postgresql"
                         ? "SELECT CAST(table_name AS TEXT) FROM "
                           "information_schema.tables WHERE table_schema = "
                           "current_schema() AND table_type = 'BASE TABLE' "
                           "ORDER BY 1"
                         : "SELECT name FROM sqlite_master WHERE type "
                           "= 'table' ORDER BY name",
                     {}));
        for (const storage::Row& table : tables) {
          ASSIGN_OR_RETURN(std::string name, table.Text(0));
          absl::StrAppend(&dump, "== ", name, "\n");
          ASSIGN_OR_RETURN(std::vector<storage::Row> rows,
                           tx.Query(absl::StrCat("SELECT * FROM ", name), {}));
          // Sorted as text: the same order however the backend scans.
          std::vector<std::string> lines;
          for (const storage::Row& row : rows) {
            std::string line;
            for (size_t i = 0; i < row.size(); ++i) {
              const storage::Value& value = row.value(i);
              if (const auto* number = std::get_if<int64_t>(&value)) {
                absl::StrAppend(&line, *number, "|");
              } else if (const auto* text = std::get_if<std::string>(&value)) {
                absl::StrAppend(&line, *text, "|");
              } else if (const auto* bytes =
                             std::get_if<storage::Bytes>(&value)) {
                absl::StrAppend(&line, bytes->data, "|");
              } else {
                absl::StrAppend(&line, "NULL|");
              }
            }
            lines.push_back(std::move(line));
          }
          std::sort(lines.begin(), lines.end());
          for (const std::string& line : lines)
            absl::StrAppend(&dump, line, "\n");
        }
        return absl::OkStatus();
      });
}

std::string TestServer::DumpSchema() const {
  return Dump(*this,
              [](storage::Transaction& tx, absl::string_view backend,
                 std::string& dump) -> absl::Status {
                ASSIGN_OR_RETURN(dump, DescribeSchema(tx, backend));
                return absl::OkStatus();
              });
}

absl::Status TestServer::ExecuteSql(const std::string& script) const {
  ASSIGN_OR_RETURN(std::unique_ptr<storage::Database> database, OpenDatabase());
  return database->RunInTransaction(
      storage::Database::Access::kReadWrite, absl::InfiniteFuture(),
      [&](storage::Transaction& tx) { return tx.ExecuteScript(script); });
}

std::string TestServer::Token(Role role, const std::string& organisation,
                              const std::string& subject) const {
  absl::StatusOr<DevSigningKey> key =
      LoadDevSigningKey(server_->dev_signing_key_path());
  absl::StatusOr<std::string> token =
      key.ok() ? MintDevToken(*key, Caller{role, organisation, subject},
                              absl::Now(), absl::Hours(1))
               : key.status();
  if (!token.ok()) {
    // A test that expects a refusal must not pass because no token was sent.
    ADD_FAILURE() << "cannot mint a token for " << organisation << ": "
                  << token.status();
    return "unmintable-token";
  }
  return *token;
}

std::unique_ptr<grpc::ClientContext> TestServer::Context(
    const std::string& token) {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(10)));
  if (!token.empty()) context->AddMetadata("authorization", "Bearer " + token);
  return context;
}

}  // namespace ismap::liu::testing
