// The in-process test server.
#include "tests/harness/test_server.h"

#include <filesystem>

#include "absl/strings/str_cat.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "gtest/gtest.h"
#include "ismap/liu/v1/errors.pb.h"
#include "services/common/identity/dev_signing_key.h"
#include "services/common/status_macros.h"
#include "services/common/storage/sqlite_database.h"

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
  RETURN_IF_ERROR(test_server->StartServer());
  return test_server;
}

absl::Status TestServer::StartServer() {
  LiuServerOptions options;
  options.data_dir = data_dir_;
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

std::string TestServer::DumpAllTables() const {
  auto database = storage::SqliteDatabase::Open(data_dir_ + "/liu.sqlite3", {});
  EXPECT_TRUE(database.ok()) << database.status();
  if (!database.ok()) return "";
  std::string dump;
  const absl::Status status = (*database)->RunInTransaction(
      storage::Database::Access::kReadOnly, absl::InfiniteFuture(),
      [&](storage::Transaction& tx) -> absl::Status {
        ASSIGN_OR_RETURN(std::vector<storage::Row> tables,
                         tx.Query("SELECT name FROM sqlite_master WHERE type "
                                  "= 'table' ORDER BY name",
                                  {}));
        for (const storage::Row& table : tables) {
          ASSIGN_OR_RETURN(std::string name, table.Text(0));
          absl::StrAppend(&dump, "== ", name, "\n");
          ASSIGN_OR_RETURN(
              std::vector<storage::Row> rows,
              tx.Query(absl::StrCat("SELECT * FROM ", name, " ORDER BY 1"),
                       {}));
          for (const storage::Row& row : rows) {
            for (size_t i = 0; i < row.size(); ++i) {
              const storage::Value& value = row.value(i);
              if (const auto* number = std::get_if<int64_t>(&value)) {
                absl::StrAppend(&dump, *number, "|");
              } else if (const auto* text = std::get_if<std::string>(&value)) {
                absl::StrAppend(&dump, *text, "|");
              } else if (const auto* bytes =
                             std::get_if<storage::Bytes>(&value)) {
                absl::StrAppend(&dump, bytes->data, "|");
              } else {
                absl::StrAppend(&dump, "NULL|");
              }
            }
            absl::StrAppend(&dump, "\n");
          }
        }
        return absl::OkStatus();
      });
  EXPECT_TRUE(status.ok()) << status;
  return dump;
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
