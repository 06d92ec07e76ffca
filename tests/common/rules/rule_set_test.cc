// Loading rules files: the repository's set, and every way a file can be bad.
#include "services/common/rules/rule_set.h"

#include <filesystem>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "ismap/liu/v1/rules.pb.h"
#include "tests/harness/temp_dir.h"
#include "tests/harness/test_server.h"

namespace ismap::liu {
namespace {

using ::testing::HasSubstr;

constexpr char kGoodAuditPolicy[] =
    "# proto-message: ismap.liu.v1.AuditPolicy\n"
    "external_audit_cycle_years: 3\n"
    "external_audit_period_max_months: 12\n"
    "internal_audit_rotation_years: 3\n"
    "registration_hold_grace_months: 1\n"
    "calendar_time_zone: \"Asia/Tokyo\"\n"
    "external_audit_finding_min_severity: FINDING_SEVERITY_MODERATE\n"
    "internal_audit_report_period_max_months: 12\n";

// Loads a directory holding one file, `audit_policy.textproto`, of `content`.
absl::StatusOr<std::shared_ptr<const RuleSet>> LoadOne(
    const testing::TempDir& dir, const std::string& content) {
  dir.WriteFile("audit_policy.textproto", content);
  return RuleSet::LoadFromDirectory(dir.path());
}

TEST(RuleSetTest, TheRepositoryRulesLoadWithAStableVersion) {
  const auto first = RuleSet::LoadFromDirectory(testing::SourceRulesDir());
  ASSERT_TRUE(first.ok()) << first.status();
  const auto second = RuleSet::LoadFromDirectory(testing::SourceRulesDir());
  EXPECT_EQ((*first)->version(), (*second)->version());
  EXPECT_EQ((*first)->version().size(), 64u);
  const absl::StatusOr<const v1::AuditPolicy*> policy =
      (*first)->Require<v1::AuditPolicy>();
  ASSERT_TRUE(policy.ok());
  EXPECT_EQ((*policy)->internal_audit_rotation_years(), 3);
  ASSERT_TRUE((*first)->Require<v1::ReviewPolicy>().ok());
  EXPECT_EQ(
      (*(*first)->Require<v1::ReviewPolicy>())->required_distinct_ministries(),
      2);
}

TEST(RuleSetTest, VersionFollowsContentAndIgnoresOtherFiles) {
  testing::TempDir dir;
  const std::string before = (*LoadOne(dir, kGoodAuditPolicy))->version();
  dir.WriteFile("README.md", "not a rules file");
  EXPECT_EQ((*RuleSet::LoadFromDirectory(dir.path()))->version(), before);
  const std::string after =
      (*LoadOne(dir, std::string(kGoodAuditPolicy) + "# a comment\n"))
          ->version();
  EXPECT_NE(after, before);
}

TEST(RuleSetTest, MissingTypeIsAFailedPreconditionNamingIt) {
  testing::TempDir dir;
  const auto rules = LoadOne(dir, kGoodAuditPolicy);
  const auto review = (*rules)->Require<v1::ReviewPolicy>();
  EXPECT_EQ(review.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(review.status().message()),
              HasSubstr("ismap.liu.v1.ReviewPolicy"));
}

struct BadFile {
  std::string name;
  std::string content;
  std::string expected;  // Substring of the error after the file path.
};

void PrintTo(const BadFile& file, std::ostream* out) { *out << file.name; }

class BadRulesFileTest : public ::testing::TestWithParam<BadFile> {};

TEST_P(BadRulesFileTest, NamesFileLineAndReason) {
  testing::TempDir dir;
  const auto rules = LoadOne(dir, GetParam().content);
  ASSERT_FALSE(rules.ok());
  EXPECT_EQ(rules.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(rules.status().message()),
              HasSubstr(dir.Join("audit_policy.textproto") + ":" +
                        GetParam().expected));
}

INSTANTIATE_TEST_SUITE_P(
    Files, BadRulesFileTest,
    ::testing::Values(
        BadFile{"WrongValueType",
                "# proto-message: ismap.liu.v1.AuditPolicy\n"
                "external_audit_cycle_years: 3\n"
                "internal_audit_rotation_years: \"three\"\n",
                "3:"},
        BadFile{"UnknownField",
                "# proto-message: ismap.liu.v1.AuditPolicy\n\n"
                "external_audit_cycle_years: 3\n"
                "internal_audit_rotation_yrs: 3\n",
                "4:28: Message type \"ismap.liu.v1.AuditPolicy\" has no field "
                "named "
                "\"internal_audit_rotation_yrs\""},
        BadFile{"RepeatedScalar",
                "# proto-message: ismap.liu.v1.AuditPolicy\n"
                "external_audit_cycle_years: 3\n"
                "external_audit_cycle_years: 4\n",
                "3:"},
        BadFile{"SemanticCheck",
                "# proto-message: ismap.liu.v1.AuditPolicy\n"
                "external_audit_cycle_years: 3\n"
                "external_audit_period_max_months: 12\n"
                "internal_audit_rotation_years: 0\n"
                "registration_hold_grace_months: 1\n",
                "4:1: internal_audit_rotation_years: must be at least 1, is 0"},
        BadFile{
            "UnknownTimeZone",
            "# proto-message: ismap.liu.v1.AuditPolicy\n"
            "external_audit_cycle_years: 3\n"
            "external_audit_period_max_months: 12\n"
            "internal_audit_rotation_years: 3\n"
            "registration_hold_grace_months: 1\n"
            "calendar_time_zone: \"Asia/Atlantis\"\n"
            "external_audit_finding_min_severity: FINDING_SEVERITY_SERIOUS\n"
            "internal_audit_report_period_max_months: 12\n",
            "6:1: calendar_time_zone: \"Asia/Atlantis\" is not a time zone"},
        BadFile{"FindingSeverityAndReportPeriodLeftOut",
                "# proto-message: ismap.liu.v1.AuditPolicy\n"
                "external_audit_cycle_years: 3\n"
                "external_audit_period_max_months: 12\n"
                "internal_audit_rotation_years: 3\n"
                "registration_hold_grace_months: 1\n"
                "calendar_time_zone: \"Asia/Tokyo\"\n",
                "1:1: external_audit_finding_min_severity: must be "
                "FINDING_SEVERITY_MINOR, _MODERATE or _SERIOUS"},
        BadFile{"SemanticCheckOfAnOmittedField",
                "# proto-message: ismap.liu.v1.AuditPolicy\n"
                "external_audit_cycle_years: 3\n",
                "1:1: internal_audit_rotation_years: must be at least 1, is 0"},
        BadFile{"MissingHeader", "external_audit_cycle_years: 3\n",
                "1:1: missing header line"},
        BadFile{"UnknownType",
                "# A policy.\n# proto-message: ismap.liu.v1.NoSuchPolicy\n",
                "2:1: \"ismap.liu.v1.NoSuchPolicy\" is not a rules type"},
        BadFile{"ApiTypeIsNotARulesType",
                "# proto-message: ismap.liu.v1.RuleSet\nversion: \"x\"\n",
                "1:1: \"ismap.liu.v1.RuleSet\" is not a rules type"},
        BadFile{"PolicyForAnRpcThatDoesNotExist",
                "# proto-message: ismap.liu.v1.AccessPolicy\n"
                "methods {\n"
                "  method: \"ismap.liu.v1.ReviewService/DeleteEverything\"\n"
                "  grants { role: CALLER_ROLE_IPA scope: ACCESS_SCOPE_ALL }\n"
                "}\n",
                "3:3: methods[0].method: "
                "\"ismap.liu.v1.ReviewService/DeleteEverything\" "
                "is not an RPC"},
        BadFile{"PolicyGrantWithoutScope",
                "# proto-message: ismap.liu.v1.AccessPolicy\n"
                "methods {\n"
                "  method: \"ismap.liu.v1.ReviewService/RejectReviewCase\"\n"
                "  grants { role: CALLER_ROLE_IPA scope: ACCESS_SCOPE_ALL }\n"
                "  grants { role: CALLER_ROLE_IPA }\n"
                "}\n",
                "5:12: methods[0].grants[1].role: is granted twice"},
        BadFile{"UnclosedMessage",
                "# proto-message: ismap.liu.v1.AuditPolicy\n"
                "external_audit_cycle_years: 3 {\n",
                "2:"}),
    [](const ::testing::TestParamInfo<BadFile>& param_info) {
      return param_info.param.name;
    });

TEST(RuleSetTest, TwoFilesOfOneTypeAreRefused) {
  testing::TempDir dir;
  dir.WriteFile("audit_policy.textproto", kGoodAuditPolicy);
  dir.WriteFile("zz_second.textproto", kGoodAuditPolicy);
  const auto rules = RuleSet::LoadFromDirectory(dir.path());
  EXPECT_EQ(rules.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(rules.status().message()),
              HasSubstr("zz_second.textproto:1:1"));
  EXPECT_THAT(std::string(rules.status().message()),
              HasSubstr("audit_policy.textproto"));
}

TEST(RuleSetTest, MissingDirectoryIsNotFound) {
  EXPECT_EQ(RuleSet::LoadFromDirectory("/nonexistent/rules").status().code(),
            absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace ismap::liu
