// The all-in-one server over gRPC on a loopback port with a real SQLite file:
// health, reflection, the authentication checkpoint on every RPC of the API,
// the rule-set service, and idempotent start-up.
#include "services/server/liu_server.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <map>
#include <set>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "clients/liuctl/server_probe.h"
#include "gmock/gmock.h"
#include "google/protobuf/descriptor.h"
#include "grpcpp/generic/generic_stub.h"
#include "gtest/gtest.h"
#include "ismap/liu/v1/audit_trail.grpc.pb.h"
#include "ismap/liu/v1/rule_set.grpc.pb.h"
#include "services/common/file_contents.h"
#include "services/common/identity/access_policy_table.h"
#include "services/common/identity/dev_signing_key.h"
#include "services/common/status_macros.h"
#include "services/common/storage/sqlite_database.h"
#include "tests/harness/temp_dir.h"
#include "tests/harness/test_server.h"

namespace ismap::liu {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;
using testing::TestServer;

const absl::Duration kTimeout = absl::Seconds(10);

std::unique_ptr<TestServer> StartOrDie(TestServer::Options options = {}) {
  absl::StatusOr<std::unique_ptr<TestServer>> server =
      TestServer::Start(options);
  EXPECT_TRUE(server.ok()) << server.status();
  return server.ok() ? *std::move(server) : nullptr;
}

// Calls `method` with an empty request through the generic stub, with the
// given authorization (none if empty); returns the call's status.
grpc::Status CallWithEmptyRequest(
    const std::shared_ptr<grpc::Channel>& channel,
    const google::protobuf::MethodDescriptor& method,
    const std::string& token) {
  const std::string path =
      absl::StrCat("/", method.service()->full_name(), "/", method.name());
  std::unique_ptr<grpc::ClientContext> context = TestServer::Context(token);
  grpc::GenericStub stub(channel);
  grpc::CompletionQueue queue;
  void* tag = nullptr;
  bool ok = false;
  grpc::Status status;
  grpc::Slice empty;
  if (!method.server_streaming()) {
    auto call = stub.PrepareUnaryCall(context.get(), path,
                                      grpc::ByteBuffer(&empty, 1), &queue);
    call->StartCall();
    grpc::ByteBuffer response;
    call->Finish(&response, &status, nullptr);
    queue.Next(&tag, &ok);
    return status;
  }
  // An admitted watch stays open: a second's deadline shows it was admitted.
  context->set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(1)));
  auto call = stub.PrepareCall(context.get(), path, &queue);
  call->StartCall(nullptr);
  queue.Next(&tag, &ok);
  call->Write(grpc::ByteBuffer(&empty, 1), nullptr);
  queue.Next(&tag, &ok);
  call->WritesDone(nullptr);
  queue.Next(&tag, &ok);
  grpc::ByteBuffer response;
  do {
    call->Read(&response, nullptr);
  } while (queue.Next(&tag, &ok) && ok);
  call->Finish(&status, nullptr);
  queue.Next(&tag, &ok);
  return status;
}

std::vector<const google::protobuf::MethodDescriptor*> MethodsOf(
    const std::string& service) {
  const google::protobuf::ServiceDescriptor* descriptor =
      google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(
          service);
  std::vector<const google::protobuf::MethodDescriptor*> methods;
  for (int i = 0; descriptor != nullptr && i < descriptor->method_count();
       ++i) {
    methods.push_back(descriptor->method(i));
  }
  return methods;
}

TEST(LiuServerTest, HealthReportsServingForTheServerAndEachService) {
  auto server = StartOrDie();
  ASSERT_NE(server, nullptr);
  std::vector<std::string> names = LiuServer::ServiceNames();
  names.push_back("");
  for (const std::string& name : names) {
    const absl::StatusOr<ServingStatus> status =
        CheckHealth(server->channel(), name, kTimeout);
    ASSERT_TRUE(status.ok()) << name << ": " << status.status();
    EXPECT_EQ(*status, ServingStatus::kServing) << name;
  }
  EXPECT_EQ(CheckHealth(server->channel(), "no.such.Service", kTimeout)
                .status()
                .code(),
            absl::StatusCode::kNotFound);
}

TEST(LiuServerTest, ReflectionListsTheFourApiServices) {
  auto server = StartOrDie();
  ASSERT_NE(server, nullptr);
  const auto services = ListServicesByReflection(server->channel(), kTimeout);
  ASSERT_TRUE(services.ok()) << services.status();
  for (const char* name :
       {"ismap.liu.v1.ImpactAssessmentService",
        "ismap.liu.v1.EligibilityService", "ismap.liu.v1.ReviewService",
        "ismap.liu.v1.AuditPlanningService", "ismap.liu.v1.RuleSetService",
        "grpc.health.v1.Health"}) {
    EXPECT_THAT(*services, Contains(name));
  }
}

// Everything a start-up writes: the schema, the migration records, the rule
// sets.
absl::StatusOr<std::string> DumpDatabase(const std::string& data_dir) {
  ASSIGN_OR_RETURN(auto database, storage::SqliteDatabase::Open(
                                      data_dir + "/liu.sqlite3", {}));
  std::string dump;
  RETURN_IF_ERROR(database->RunInTransaction(
      storage::Database::Access::kReadOnly, absl::InfiniteFuture(),
      [&](storage::Transaction& tx) -> absl::Status {
        for (const char* query :
             {"SELECT type || ' ' || name || ' ' || COALESCE(sql, '') FROM "
              "sqlite_master ORDER BY type, name",
              "SELECT component || '/' || version || ' ' || checksum || ' ' || "
              "applied_at FROM schema_migrations ORDER BY component, version",
              "SELECT version || ' ' || first_loaded_us FROM rule_sets ORDER "
              "BY version",
              "SELECT version || ' ' || path || ' ' || sha256 FROM "
              "rule_set_files "
              "ORDER BY version, path",
              "SELECT sequence || ' ' || hash FROM audit_events ORDER BY "
              "sequence"}) {
          ASSIGN_OR_RETURN(std::vector<storage::Row> rows, tx.Query(query, {}));
          for (const storage::Row& row : rows) {
            ASSIGN_OR_RETURN(std::string line, row.Text(0));
            absl::StrAppend(&dump, line, "\n");
          }
        }
        return absl::OkStatus();
      }));
  return dump;
}

// Tokens that must never get a call through, each made with the server's own
// development key where a signature is involved.
std::map<std::string, std::string> BadTokens(TestServer& server) {
  const DevSigningKey key =
      *LoadDevSigningKey(server.server().dev_signing_key_path());
  const Caller ipa{Role::kIpa, "ipa", "tester"};
  const absl::Time now = absl::Now();
  auto sign = [&](JwtClaims claims) {
    return *SignJwt(claims, JwtAlgorithm::kEs256, key.private_key.get(),
                    key.kid);
  };
  const JwtClaims valid{kDevTokenIssuer, kTokenAudience, ipa, now,
                        now + absl::Hours(1)};
  std::map<std::string, std::string> tokens;
  tokens["none"] = "";
  JwtClaims claims = valid;
  claims.not_before = now - absl::Hours(2);
  claims.expiry = now - absl::Hours(1);
  tokens["expired"] = sign(claims);
  claims = valid;
  claims.not_before = now + absl::Hours(1);
  claims.expiry = now + absl::Hours(2);
  tokens["not yet valid"] = sign(claims);
  claims = valid;
  claims.issuer = "https://someone-else.example";
  tokens["wrong issuer"] = sign(claims);
  claims = valid;
  claims.audience = "another-service";
  tokens["wrong audience"] = sign(claims);
  const std::string good = sign(valid);
  std::string forged = good;
  forged[forged.size() - 3] = forged[forged.size() - 3] == 'A' ? 'B' : 'A';
  tokens["forged signature"] = forged;
  testing::TempDir other;
  tokens["another key"] = *MintDevToken(
      *LoadOrCreateDevSigningKey(other.path()), ipa, now, absl::Hours(1));
  const std::string claims_part =
      good.substr(good.find('.') + 1, good.rfind('.') - good.find('.') - 1);
  tokens["alg none"] =
      absl::StrCat(absl::WebSafeBase64Escape(R"({"alg":"none","typ":"JWT"})"),
                   ".", claims_part, ".");
  const std::string hs_signed =
      absl::StrCat(absl::WebSafeBase64Escape(absl::StrCat(
                       R"({"alg":"HS256","kid":")", key.kid, R"("})")),
                   ".", claims_part);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_length = 0;
  HMAC(EVP_sha256(), key.jwks.data(), static_cast<int>(key.jwks.size()),
       reinterpret_cast<const unsigned char*>(hs_signed.data()),
       hs_signed.size(), mac, &mac_length);
  tokens["HS256 with the public key"] =
      absl::StrCat(hs_signed, ".",
                   absl::WebSafeBase64Escape(absl::string_view(
                       reinterpret_cast<char*>(mac), mac_length)));
  tokens["unknown kid"] = *SignJwt(valid, JwtAlgorithm::kEs256,
                                   key.private_key.get(), "no-such-key");
  tokens["malformed base64"] =
      "eyJ!!!.eyJ***." + good.substr(good.rfind('.') + 1);
  return tokens;
}

TEST(LiuServerTest, EveryRpcRefusesCallsWithoutAValidToken) {
  auto server = StartOrDie();
  ASSERT_NE(server, nullptr);
  const std::map<std::string, std::string> tokens = BadTokens(*server);
  const std::string before = *DumpDatabase(server->data_dir());
  int checked = 0;
  for (const std::string& service : LiuServer::ServiceNames()) {
    for (const auto* method : MethodsOf(service)) {
      for (const auto& [what, token] : tokens) {
        const grpc::Status status =
            CallWithEmptyRequest(server->channel(), *method, token);
        EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED)
            << method->full_name() << " with a token: " << what;
      }
      ++checked;
    }
  }
  EXPECT_EQ(checked, static_cast<int>(
                         (*server->server().rules().Require<v1::AccessPolicy>())
                             ->methods_size()));
  EXPECT_EQ(*DumpDatabase(server->data_dir()),
            before);  // Refusals change nothing.
}

TEST(LiuServerTest, EveryRpcAdmitsExactlyTheRolesThePolicyGrants) {
  auto server = StartOrDie();
  ASSERT_NE(server, nullptr);
  const v1::AccessPolicy& policy =
      **server->server().rules().Require<v1::AccessPolicy>();
  std::map<std::string, std::set<v1::CallerRole>> granted;
  for (const v1::MethodAccess& entry : policy.methods()) {
    for (const v1::RoleGrant& grant : entry.grants()) {
      granted[entry.method()].insert(grant.role());
    }
  }
  const std::map<Role, std::string> tokens = {
      {Role::kCsp, server->Token(Role::kCsp, "example-saas")},
      {Role::kMinistry, server->Token(Role::kMinistry, "mlit")},
      {Role::kIpa, server->Token(Role::kIpa, "ipa")}};
  const std::string before = *DumpDatabase(server->data_dir());
  int refused = 0;
  int calls = 0;
  for (const std::string& service : LiuServer::ServiceNames()) {
    for (const auto* method : MethodsOf(service)) {
      const std::string rpc = absl::StrCat(service, "/", method->name());
      ASSERT_EQ(granted.count(rpc), 1u) << rpc << " has no policy entry";
      for (const auto& [role, token] : tokens) {
        const grpc::Status status =
            CallWithEmptyRequest(server->channel(), *method, token);
        ++calls;
        if (granted[rpc].count(ToCallerRole(role)) == 0) {
          EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED)
              << rpc << " as " << RoleName(role);
          EXPECT_THAT(status.error_message(),
                      HasSubstr(absl::StrCat("the ", RoleName(role),
                                             " role may not call ", rpc)));
          ++refused;
        } else {
          EXPECT_NE(status.error_code(), grpc::StatusCode::PERMISSION_DENIED)
              << rpc;
          EXPECT_NE(status.error_code(), grpc::StatusCode::UNAUTHENTICATED)
              << rpc;
        }
      }
    }
  }
  EXPECT_EQ(calls, 3 * static_cast<int>(policy.methods_size()));
  EXPECT_EQ(*DumpDatabase(server->data_dir()), before);
  EXPECT_GT(refused, 0);
}

TEST(LiuServerTest, AServerWithoutAPolicyEntryForAnRpcDoesNotStart) {
  testing::TempDir rules;
  testing::CopySourceRules(rules);
  const std::string policy =
      *ReadFileContents(rules.Join("access_policy.textproto"));
  const std::string entry = "ismap.liu.v1.ReviewService/RejectReviewCase";
  const size_t at = policy.find(entry);
  ASSERT_NE(at, std::string::npos);
  const size_t begin = policy.rfind("methods {", at);
  const size_t end = policy.find("\n}\n", at) + 3;
  rules.WriteFile("access_policy.textproto",
                  policy.substr(0, begin) + policy.substr(end));
  const auto server = TestServer::Start({rules.path(), ""});
  EXPECT_EQ(server.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(server.status().message()), HasSubstr(entry));
}

TEST(LiuServerTest, RuleSetServiceReportsTheLoadedRules) {
  auto server = StartOrDie();
  ASSERT_NE(server, nullptr);
  auto stub = server->Stub<v1::RuleSetService>();
  const std::string token = server->Token(Role::kCsp, "example-saas");

  v1::GetRuleSetRequest request;
  request.set_name("ruleSets/current");
  v1::RuleSet current;
  grpc::Status status =
      stub->GetRuleSet(TestServer::Context(token).get(), request, &current);
  ASSERT_TRUE(status.ok()) << status.error_message();
  const RuleSet& loaded = server->server().rules();
  EXPECT_EQ(current.version(), loaded.version());
  EXPECT_EQ(current.name(), "ruleSets/" + loaded.version());
  EXPECT_TRUE(current.current());
  ASSERT_EQ(current.files_size(), static_cast<int>(loaded.files().size()));
  for (int i = 0; i < current.files_size(); ++i) {
    EXPECT_EQ(current.files(i).path(), loaded.files()[i].path);
    EXPECT_EQ(current.files(i).content(), loaded.files()[i].content);
    EXPECT_EQ(current.files(i).message_type(), loaded.files()[i].message_type);
  }

  request.set_name(current.name());
  v1::RuleSet by_version;
  ASSERT_TRUE(
      stub->GetRuleSet(TestServer::Context(token).get(), request, &by_version)
          .ok());
  EXPECT_EQ(by_version.SerializeAsString(), current.SerializeAsString());

  request.set_name("ruleSets/0000");
  EXPECT_EQ(
      stub->GetRuleSet(TestServer::Context(token).get(), request, &by_version)
          .error_code(),
      grpc::StatusCode::NOT_FOUND);
  request.set_name("targetBusinesses/1");
  status =
      stub->GetRuleSet(TestServer::Context(token).get(), request, &by_version);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("name: must be ruleSets/"));
  EXPECT_FALSE(status.error_details().empty());

  v1::ListRuleSetsRequest list_request;
  list_request.set_page_size(-1);
  v1::ListRuleSetsResponse list;
  status =
      stub->ListRuleSets(TestServer::Context(token).get(), list_request, &list);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("page_size"));
}

TEST(LiuServerTest, FirstStartBuildsTheSchemaAndASecondStartChangesNothing) {
  testing::TempDir data;
  const std::string data_dir = data.Join("fresh");  // Does not exist yet.
  auto server = StartOrDie({testing::SourceRulesDir(), data_dir});
  ASSERT_NE(server, nullptr);
  server->Stop();
  const std::string first = *DumpDatabase(data_dir);
  EXPECT_THAT(first, HasSubstr("table schema_migrations"));
  EXPECT_THAT(first, HasSubstr("table rule_sets"));
  EXPECT_THAT(first, HasSubstr("rules/1 "));

  ASSERT_TRUE(server->Restart().ok());
  server->Stop();
  EXPECT_EQ(*DumpDatabase(data_dir), first);
}

TEST(LiuServerTest, EveryRuleSetLoadedStaysReadableAfterTheRulesChange) {
  testing::TempDir rules;
  testing::CopySourceRules(rules);
  testing::TempDir data;
  auto server = StartOrDie({rules.path(), data.path()});
  ASSERT_NE(server, nullptr);
  const std::string old_version = server->server().rules().version();
  server->Stop();

  rules.WriteFile(
      "review_policy.textproto",
      "# proto-message: ismap.liu.v1.ReviewPolicy\n"
      "processing_period_days: 20\nrequired_distinct_ministries: 2\n");
  server = StartOrDie({rules.path(), data.path()});
  ASSERT_NE(server, nullptr);
  EXPECT_NE(server->server().rules().version(), old_version);

  auto stub = server->Stub<v1::RuleSetService>();
  v1::ListRuleSetsResponse list;
  ASSERT_TRUE(
      stub->ListRuleSets(
              TestServer::Context(server->Token(Role::kIpa, "ipa")).get(),
              v1::ListRuleSetsRequest(), &list)
          .ok());
  ASSERT_EQ(list.rule_sets_size(), 2);
  std::set<std::string> versions;
  for (const v1::RuleSet& rule_set : list.rule_sets()) {
    versions.insert(rule_set.version());
    EXPECT_EQ(rule_set.current(), rule_set.version() != old_version);
    EXPECT_TRUE(rule_set.files(0).content().empty());
  }
  EXPECT_TRUE(versions.count(old_version));

  v1::ListRuleSetsRequest paged;
  paged.set_page_size(1);
  v1::ListRuleSetsResponse page;
  const std::string token = server->Token(Role::kMinistry, "mlit");
  ASSERT_TRUE(
      stub->ListRuleSets(TestServer::Context(token).get(), paged, &page).ok());
  ASSERT_EQ(page.rule_sets_size(), 1);
  ASSERT_FALSE(page.next_page_token().empty());
  paged.set_page_token(page.next_page_token());
  v1::ListRuleSetsResponse last;
  ASSERT_TRUE(
      stub->ListRuleSets(TestServer::Context(token).get(), paged, &last).ok());
  ASSERT_EQ(last.rule_sets_size(), 1);
  EXPECT_TRUE(last.next_page_token().empty());
  EXPECT_NE(last.rule_sets(0).version(), page.rule_sets(0).version());
}

}  // namespace
}  // namespace ismap::liu
