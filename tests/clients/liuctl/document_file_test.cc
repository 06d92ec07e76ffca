// Tests of reading liuctl's YAML and JSON input documents into API messages.
#include "clients/liuctl/document_file.h"

#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/time_util.h"
#include "gtest/gtest.h"
#include "ismap/liu/v1/audit_planning.pb.h"
#include "ismap/liu/v1/eligibility.pb.h"

namespace ismap::liu {
namespace {

using ::google::protobuf::util::TimeUtil;
using ::ismap::liu::v1::FINDING_SEVERITY_MINOR;
using ::ismap::liu::v1::InternalAuditReport;
using ::ismap::liu::v1::IsmapRegisteredPlatform;
using ::ismap::liu::v1::PreApplication;
using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::StartsWith;

// A file named `name` with `content` in the test's temporary directory.
std::string WriteFile(const std::string& name, const std::string& content) {
  const std::string path = absl::StrCat(
      ::testing::TempDir(), "/",
      ::testing::UnitTest::GetInstance()->current_test_info()->name(), "-",
      name);
  std::ofstream(path, std::ios::binary | std::ios::trunc) << content;
  return path;
}

TEST(ReadDocumentFileTest, YamlWithCommentsAnchorsAndJapanese) {
  const std::string path = WriteFile("pre-application.yaml", R"yaml(
# 事前申請 (pre-application), as a CSP writes it.
serviceName: 情報共有サービス  # a trailing comment
service_description: |
  複数行の
  説明。「引用」
platform:
  ismap_registered:
    kind: KIND_IAAS
    serviceName: 基盤クラウド
    ismapRegistrationId: "C22-0001-1"
businesses:
  - businessId: hr
    profile:
      title: 人事
      informationKinds: &kinds [personal, internal]
    ministries: &ministries
      - ministries/mic
      - ministries/digital
  - business_id: payroll
    profile:
      title: 給与
      information_kinds: *kinds
    ministries: *ministries
)yaml");
  PreApplication pre_application;
  ASSERT_TRUE(ReadDocumentFile(path, &pre_application).ok());
  EXPECT_EQ(pre_application.service_name(), "情報共有サービス");
  EXPECT_EQ(pre_application.service_description(),
            "複数行の\n説明。「引用」\n");
  const IsmapRegisteredPlatform& platform =
      pre_application.platform().ismap_registered();
  EXPECT_EQ(platform.kind(), IsmapRegisteredPlatform::KIND_IAAS);
  EXPECT_EQ(platform.service_name(), "基盤クラウド");
  EXPECT_EQ(platform.ismap_registration_id(), "C22-0001-1");
  ASSERT_EQ(pre_application.businesses_size(), 2);
  for (const auto& business : pre_application.businesses()) {
    EXPECT_THAT(business.profile().information_kinds(),
                ElementsAre("personal", "internal"));
    EXPECT_THAT(business.ministries(),
                ElementsAre("ministries/mic", "ministries/digital"));
  }
  EXPECT_EQ(pre_application.businesses(0).business_id(), "hr");
  EXPECT_EQ(pre_application.businesses(1).business_id(), "payroll");
  EXPECT_EQ(pre_application.businesses(1).profile().title(), "給与");
}

TEST(ReadDocumentFileTest, JsonFileWithTimestamps) {
  const std::string path = WriteFile("report.json", R"json({
	"auditPeriod": {
		"startTime": "2024-04-01T00:00:00+09:00",
		"end_time": "2025-03-31T15:00:00Z"
	},
	"auditedObjectives": ["5.1.1", "6.2"],
	"findings": [
		{"objectiveId": "5.1.1", "severity": "FINDING_SEVERITY_MINOR",
		 "description": "記録の不備\u3002"}
	],
	"summary": "概ね適切"
}
)json");
  InternalAuditReport report;
  ASSERT_TRUE(ReadDocumentFile(path, &report).ok());
  EXPECT_EQ(TimeUtil::ToString(report.audit_period().start_time()),
            "2024-03-31T15:00:00Z");
  EXPECT_EQ(TimeUtil::ToString(report.audit_period().end_time()),
            "2025-03-31T15:00:00Z");
  EXPECT_THAT(report.audited_objectives(), ElementsAre("5.1.1", "6.2"));
  ASSERT_EQ(report.findings_size(), 1);
  EXPECT_EQ(report.findings(0).severity(), FINDING_SEVERITY_MINOR);
  EXPECT_EQ(report.findings(0).description(), "記録の不備。");
  EXPECT_EQ(report.summary(), "概ね適切");
}

TEST(ReadDocumentFileTest, PlainYamlTimestampsAreRfc3339Strings) {
  InternalAuditReport report;
  ASSERT_TRUE(ParseDocument("auditPeriod:\n"
                            "  startTime: 2024-04-01T00:00:00Z\n"
                            "  endTime: 2025-04-01T00:00:00.5+09:00\n",
                            "report.yaml", &report)
                  .ok());
  EXPECT_EQ(TimeUtil::ToString(report.audit_period().start_time()),
            "2024-04-01T00:00:00Z");
  EXPECT_EQ(TimeUtil::ToString(report.audit_period().end_time()),
            "2025-03-31T15:00:00.500Z");
}

TEST(ReadDocumentFileTest, MissingFileIsNotFoundNamingThePath) {
  const std::string path = ::testing::TempDir() + "/no-such-file.yaml";
  PreApplication pre_application;
  const absl::Status status = ReadDocumentFile(path, &pre_application);
  EXPECT_EQ(status.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(status.message()), HasSubstr(path));
}

TEST(ReadDocumentFileTest, UnreadableFileIsPermissionDeniedNamingThePath) {
  if (geteuid() == 0) GTEST_SKIP() << "root reads any file";
  const std::string path = WriteFile("secret.yaml", "serviceName: x\n");
  ASSERT_EQ(chmod(path.c_str(), 0), 0);
  PreApplication pre_application;
  const absl::Status status = ReadDocumentFile(path, &pre_application);
  EXPECT_EQ(status.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(std::string(status.message()), HasSubstr(path));
}

TEST(ReadDocumentFileTest, DirectoryIsAnErrorNamingThePath) {
  PreApplication pre_application;
  const absl::Status status =
      ReadDocumentFile(::testing::TempDir(), &pre_application);
  EXPECT_FALSE(status.ok());
  EXPECT_THAT(std::string(status.message()), HasSubstr(::testing::TempDir()));
}

TEST(ReadDocumentFileTest, EmptyFileIsInvalid) {
  const std::string path = WriteFile("empty.yaml", "");
  PreApplication pre_application;
  const absl::Status status = ReadDocumentFile(path, &pre_application);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(), absl::StrCat(path, ": empty"));
}

TEST(ParseDocumentTest, NothingButCommentsOrNullIsEmpty) {
  for (const char* text : {"", "   \n\n", "# just a comment\n", "---\n", "~\n",
                           "null", "--- # c\n...\n"}) {
    PreApplication pre_application;
    const absl::Status status =
        ParseDocument(text, "doc.yaml", &pre_application);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << text;
    EXPECT_EQ(status.message(), "doc.yaml: empty") << text;
  }
}

TEST(ParseDocumentTest, UnknownFieldIsInvalidNamingTheField) {
  PreApplication pre_application;
  const absl::Status status =
      ParseDocument("serviceName: x\nplatform:\n  own:\n    descripton: typo\n",
                    "doc.yaml", &pre_application);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()),
              AllOf(StartsWith("doc.yaml: "), HasSubstr("descripton")));
}

TEST(ParseDocumentTest, BadEnumValueIsInvalidNamingTheValue) {
  PreApplication pre_application;
  const absl::Status status =
      ParseDocument("platform: {ismapRegistered: {kind: KIND_SAAS}}",
                    "doc.yaml", &pre_application);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()),
              AllOf(StartsWith("doc.yaml: "), HasSubstr("KIND_SAAS")));
}

TEST(ParseDocumentTest, BadTimestampIsInvalid) {
  InternalAuditReport report;
  const absl::Status status = ParseDocument(
      "auditPeriod: {startTime: 2024-04-01}", "doc.yaml", &report);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()), StartsWith("doc.yaml: "));
}

TEST(ParseDocumentTest, YamlSyntaxErrorNamesTheLine) {
  PreApplication pre_application;
  const absl::Status status =
      ParseDocument("serviceName: x\nplatform: {}\nname: a: b\netag: x\n",
                    "doc.yaml", &pre_application);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()), StartsWith("doc.yaml:3:"));
}

TEST(ParseDocumentTest, DuplicateKeysAreInvalid) {
  PreApplication pre_application;
  absl::Status status = ParseDocument("serviceName: a\nserviceName: b\n",
                                      "doc.yaml", &pre_application);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(), "doc.yaml:2:1: duplicate key \"serviceName\"");

  status = ParseDocument(
      "businesses:\n  - {businessId: a, profile: {}, businessId: b}\n",
      "doc.yaml", &pre_application);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()),
              StartsWith("doc.yaml:2:34: duplicate key \"businessId\""));
}

TEST(ParseDocumentTest, SameKeyInDifferentMappingsIsFine) {
  PreApplication pre_application;
  EXPECT_TRUE(ParseDocument("serviceName: a\n"
                            "platform: {ismapRegistered: {serviceName: b}}\n",
                            "doc.yaml", &pre_application)
                  .ok());
}

TEST(ParseDocumentTest, MultipleDocumentsAreInvalid) {
  PreApplication pre_application;
  const absl::Status status = ParseDocument(
      "serviceName: a\n---\nserviceName: b\n", "doc.yaml", &pre_application);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()),
              AllOf(StartsWith("doc.yaml:2:"), HasSubstr("more than one")));
}

TEST(ParseDocumentTest, TopLevelMustBeAMapping) {
  for (const char* text : {"- a\n- b\n", "just text", "123", "[]"}) {
    PreApplication pre_application;
    const absl::Status status =
        ParseDocument(text, "doc.yaml", &pre_application);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << text;
    EXPECT_THAT(std::string(status.message()), HasSubstr("must be a mapping"))
        << text;
  }
}

TEST(ParseDocumentTest, QuotedNumbersAreStringsPlainOnesNumbers) {
  PreApplication pre_application;
  ASSERT_TRUE(ParseDocument("serviceName: \"123\"\n"
                            "service_description: '0x1F'\n"
                            "judgement: {listVersion: 123}\n",
                            "doc.yaml", &pre_application)
                  .ok());
  EXPECT_EQ(pre_application.service_name(), "123");
  EXPECT_EQ(pre_application.service_description(), "0x1F");
  EXPECT_EQ(pre_application.judgement().list_version(), 123);

  // int64 fields take strings too, in the JSON mapping.
  ASSERT_TRUE(ParseDocument("judgement: {listVersion: \"9007199254740993\"}",
                            "doc.yaml", &pre_application)
                  .ok());
  EXPECT_EQ(pre_application.judgement().list_version(), 9007199254740993);

  // Integers keep all their digits.
  ASSERT_TRUE(ParseDocument("judgement: {listVersion: 9007199254740993}",
                            "doc.yaml", &pre_application)
                  .ok());
  EXPECT_EQ(pre_application.judgement().list_version(), 9007199254740993);

  // A plain number is not a string: a string field rejects it.
  const absl::Status status =
      ParseDocument("serviceName: 123\n", "doc.yaml", &pre_application);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()), HasSubstr("service_name"));
}

TEST(ParseDocumentTest, CoreSchemaIntegers) {
  PreApplication pre_application;
  for (const auto& [text, value] : {std::pair<const char*, int64_t>{"0x1F", 31},
                                    {"0o17", 15},
                                    {"-42", -42},
                                    {"+7", 7},
                                    {"007", 7}}) {
    ASSERT_TRUE(
        ParseDocument(absl::StrCat("judgement: {listVersion: ", text, "}"),
                      "doc.yaml", &pre_application)
            .ok())
        << text;
    EXPECT_EQ(pre_application.judgement().list_version(), value) << text;
  }
}

TEST(ParseDocumentTest, Booleans) {
  PreApplication pre_application;
  for (const char* text : {"true", "True", "TRUE"}) {
    ASSERT_TRUE(ParseDocument(absl::StrCat("judgement:\n  businesses:\n"
                                           "    - claimedItemMatched: ",
                                           text, "\n"),
                              "doc.yaml", &pre_application)
                    .ok())
        << text;
    EXPECT_TRUE(
        pre_application.judgement().businesses(0).claimed_item_matched())
        << text;
  }
  ASSERT_TRUE(
      ParseDocument("judgement: {businesses: [{claimedItemMatched: false}]}",
                    "doc.yaml", &pre_application)
          .ok());
  EXPECT_FALSE(
      pre_application.judgement().businesses(0).claimed_item_matched());

  // Quoted, it is a string.
  ASSERT_TRUE(
      ParseDocument("serviceName: 'true'", "doc.yaml", &pre_application).ok());
  EXPECT_EQ(pre_application.service_name(), "true");
  // YAML 1.1's yes/no are strings in YAML 1.2.
  ASSERT_TRUE(
      ParseDocument("serviceName: yes", "doc.yaml", &pre_application).ok());
  EXPECT_EQ(pre_application.service_name(), "yes");
}

TEST(ParseDocumentTest, NullLeavesAFieldUnset) {
  PreApplication pre_application;
  ASSERT_TRUE(ParseDocument("serviceName: ~\nserviceDescription:\n"
                            "platform: null\nname: 'null'\n",
                            "doc.yaml", &pre_application)
                  .ok());
  EXPECT_EQ(pre_application.service_name(), "");
  EXPECT_EQ(pre_application.service_description(), "");
  EXPECT_FALSE(pre_application.has_platform());
  EXPECT_EQ(pre_application.name(), "null");
}

TEST(ParseDocumentTest, ExplicitStringTagMakesAString) {
  PreApplication pre_application;
  ASSERT_TRUE(
      ParseDocument("serviceName: !!str 2024\n", "doc.yaml", &pre_application)
          .ok());
  EXPECT_EQ(pre_application.service_name(), "2024");
}

TEST(ParseDocumentTest, ClearsTheMessageFirstAndOnError) {
  PreApplication pre_application;
  pre_application.set_csp("csps/old");
  ASSERT_TRUE(
      ParseDocument("serviceName: new", "doc.yaml", &pre_application).ok());
  EXPECT_EQ(pre_application.csp(), "");
  EXPECT_EQ(pre_application.service_name(), "new");

  EXPECT_FALSE(ParseDocument("serviceName: x\nunknownField: 1\n", "doc.yaml",
                             &pre_application)
                   .ok());
  EXPECT_EQ(pre_application.ByteSizeLong(), 0u);
}

TEST(ParseDocumentTest, KeysMustBeScalars) {
  PreApplication pre_application;
  for (const char* text : {"? [a, b]\n: c\n", "{a: 1}: x\n", "~: x\n",
                           "a: &k serviceName\n*k : x\n"}) {
    const absl::Status status =
        ParseDocument(text, "doc.yaml", &pre_application);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << text;
    EXPECT_THAT(std::string(status.message()), StartsWith("doc.yaml:")) << text;
  }
}

TEST(ParseDocumentTest, RecursiveAliasIsInvalid) {
  PreApplication pre_application;
  const absl::Status status =
      ParseDocument("a: &x [1, *x]\n", "doc.yaml", &pre_application);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()), StartsWith("doc.yaml:1:"));
}

TEST(ParseDocumentTest, AliasExpansionIsBounded) {
  // "Billion laughs": ten levels of ten aliases each.
  std::string text = "a0: &a0 [\"lol\"]\n";
  for (int level = 1; level <= 10; ++level) {
    absl::StrAppend(&text, "a", level, ": &a", level, " [");
    for (int i = 0; i < 10; ++i) {
      absl::StrAppend(&text, i > 0 ? ", " : "", "*a", level - 1);
    }
    absl::StrAppend(&text, "]\n");
  }
  PreApplication pre_application;
  const absl::Status status = ParseDocument(text, "doc.yaml", &pre_application);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()), HasSubstr("aliases expand"));
}

TEST(ParseDocumentTest, InvalidUtf8IsInvalid) {
  PreApplication pre_application;
  const absl::Status status =
      ParseDocument("serviceName: \"a\xff\"\n", "doc.yaml", &pre_application);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()), StartsWith("doc.yaml: "));
}

TEST(ParseDocumentTest, NeverCrashesOnOddInput) {
  const std::string deep_sequence(5000, '[');
  const std::string deep_mapping = [] {
    std::string text;
    for (int i = 0; i < 3000; ++i) absl::StrAppend(&text, "{a: ");
    return text;
  }();
  const std::string nested_ok = [] {
    std::string text = "serviceName: x\nz: ";
    for (int i = 0; i < 200; ++i) text += "[";
    for (int i = 0; i < 200; ++i) text += "]";
    return text;
  }();
  for (const std::string& text :
       {deep_sequence,
        deep_mapping,
        nested_ok,
        std::string("\0\0\0", 3),
        std::string("\xff\xfe\x00s\x00", 5),
        std::string("{"),
        std::string("}"),
        std::string("&"),
        std::string("*x"),
        std::string("a: *unknown"),
        std::string("!<tag:x> {a: 1}"),
        std::string("%YAML 9.9\n---\na: 1"),
        std::string(": :"),
        std::string("\t- a"),
        std::string("'unterminated"),
        std::string("a: |\n  x\n b: c"),
        std::string("judgement: {listVersion: 1e999}"),
        std::string("judgement: {listVersion: 99999999999999999999999}"),
        std::string("judgement: {listVersion: .inf}"),
        std::string("judgement: {listVersion: 0x1FFFFFFFFFFFFFFFFF}")}) {
    PreApplication pre_application;
    EXPECT_FALSE(ParseDocument(text, "doc.yaml", &pre_application).ok())
        << text;
  }
}

}  // namespace
}  // namespace ismap::liu
