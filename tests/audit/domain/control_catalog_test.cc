// The control catalog in rules/: it loads with the repository's rules, holds
// every objective and detailed control of the shared CSVs, and the loader's
// checks refuse malformed catalogs with the file, line and reason.
#include <map>
#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "ismap/liu/v1/rules.pb.h"
#include "services/audit/domain/control_scope.h"
#include "services/common/rules/rule_checks.h"
#include "services/common/rules/rule_set.h"
#include "tests/audit/domain/audit_domain_testing.h"
#include "tests/harness/temp_dir.h"
#include "tests/harness/test_server.h"

namespace ismap::liu::audit {
namespace {

using ::testing::HasSubstr;
using testing::RepositoryCatalog;

TEST(ControlCatalogTest, RepositoryRulesLoadWithTheWholeCatalog) {
  // LIU_SOURCE_DIR "/rules"; taken from the harness, which links the server,
  // so that the access policy's check finds every service of the API.
  const auto rules = RuleSet::LoadFromDirectory(liu::testing::SourceRulesDir());
  ASSERT_TRUE(rules.ok()) << rules.status();
  const absl::StatusOr<const v1::ControlCatalog*> catalog =
      (*rules)->Require<v1::ControlCatalog>();
  ASSERT_TRUE(catalog.ok()) << catalog.status();
  EXPECT_EQ((*catalog)->objectives_size(), 148);
  EXPECT_EQ((*catalog)->detailed_controls_size(), 31);

  std::map<v1::ControlTier, int> per_tier;
  int cloud_specific = 0;
  int critical = 0;
  for (const v1::ControlObjective& objective : (*catalog)->objectives()) {
    ++per_tier[objective.tier()];
    cloud_specific += objective.cloud_specific() ? 1 : 0;
    critical += IsCriticalControl(objective) ? 1 : 0;
  }
  EXPECT_EQ(per_tier[v1::CONTROL_TIER_GOVERNANCE], 6);
  EXPECT_EQ(per_tier[v1::CONTROL_TIER_MANAGEMENT], 21);
  EXPECT_EQ(per_tier[v1::CONTROL_TIER_CONTROLS], 121);
  EXPECT_EQ(cloud_specific, 7);
  EXPECT_GT(critical, 0);
  EXPECT_TRUE(ControlCriteria::Create(**catalog).ok());
}

TEST(ControlCatalogTest, KeepsTheCsvMappingOfAnObjective) {
  const ControlCriteria& criteria = testing::RepositoryCriteria();
  const int index = criteria.IndexOf("14.2.7");
  ASSERT_GE(index, 0);
  const v1::ControlObjective& outsourced = *criteria.objectives()[index];
  EXPECT_EQ(outsourced.tier(), v1::CONTROL_TIER_CONTROLS);
  EXPECT_EQ(outsourced.domain_id(), "14");
  EXPECT_EQ(outsourced.category_id(), "14.2");
  EXPECT_EQ(outsourced.title().en(), "Outsourced development");
  EXPECT_THAT(outsourced.critical_areas(),
              ::testing::ElementsAre(v1::CRITICAL_AREA_DEVELOPMENT_AND_CHANGE,
                                     v1::CRITICAL_AREA_OUTSOURCER));
  const int cloud = criteria.IndexOf("6.3.1.P");
  ASSERT_GE(cloud, 0);
  EXPECT_TRUE(criteria.objectives()[cloud]->cloud_specific());
  ASSERT_EQ(criteria.DetailedControlsOf(cloud).size(), 1u);
  EXPECT_EQ(criteria.DetailedControlsOf(cloud)[0]->id(), "6.3.1.1.PB");
}

// A small valid catalog; tests break one thing in it at a time.
v1::ControlCatalog SmallCatalog() {
  v1::ControlCatalog catalog;
  const auto add = [&](v1::ControlTier tier, const std::string& id,
                       const std::string& domain, const std::string& category) {
    v1::ControlObjective* objective = catalog.add_objectives();
    objective->set_tier(tier);
    objective->set_id(id);
    objective->set_domain_id(domain);
    objective->set_category_id(category);
    objective->mutable_title()->set_en("Title of " + id);
    objective->set_cloud_specific(id.size() > 2 &&
                                  id.substr(id.size() - 2) == ".P");
    return objective;
  };
  add(v1::CONTROL_TIER_GOVERNANCE, "3.1.1", "3", "3.1");
  add(v1::CONTROL_TIER_MANAGEMENT, "4.4.1", "4", "4.4");
  add(v1::CONTROL_TIER_CONTROLS, "9.2.1", "9", "9.2")
      ->add_critical_areas(v1::CRITICAL_AREA_ACCESS);
  add(v1::CONTROL_TIER_CONTROLS, "9.5.2.P", "9", "9.5");
  v1::DetailedControl* control = catalog.add_detailed_controls();
  control->set_id("9.2.1.6.PB");
  control->set_objective_id("9.2.1");
  control->set_suffix(v1::DETAILED_CONTROL_SUFFIX_PB);
  return catalog;
}

TEST(ControlCatalogTest, SmallCatalogIsValid) {
  EXPECT_TRUE(CheckRules(SmallCatalog()).ok()) << CheckRules(SmallCatalog());
}

struct BrokenCatalog {
  std::string name;
  void (*breaks)(v1::ControlCatalog&);
  std::string expected;  // Substring of the error.
};

void PrintTo(const BrokenCatalog& broken, std::ostream* out) {
  *out << broken.name;
}

class BrokenCatalogTest : public ::testing::TestWithParam<BrokenCatalog> {};

TEST_P(BrokenCatalogTest, IsRefusedNamingTheField) {
  v1::ControlCatalog catalog = SmallCatalog();
  GetParam().breaks(catalog);
  const absl::Status status = CheckRules(catalog);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()), HasSubstr(GetParam().expected));
}

INSTANTIATE_TEST_SUITE_P(
    Checks, BrokenCatalogTest,
    ::testing::Values(
        BrokenCatalog{"DuplicateObjective",
                      [](v1::ControlCatalog& c) {
                        *c.add_objectives() = c.objectives(2);
                      },
                      "objectives[4].id: \"9.2.1\" is the id of objectives[2]"},
        BrokenCatalog{"MalformedObjectiveId",
                      [](v1::ControlCatalog& c) {
                        c.mutable_objectives(2)->set_id("9.2");
                      },
                      "objectives[2].id: \"9.2\" is not an objective id"},
        BrokenCatalog{"LeadingZero",
                      [](v1::ControlCatalog& c) {
                        c.mutable_objectives(2)->set_id("9.02.1");
                      },
                      "objectives[2].id"},
        BrokenCatalog{"WrongDomain",
                      [](v1::ControlCatalog& c) {
                        c.mutable_objectives(2)->set_domain_id("8");
                      },
                      "objectives[2].domain_id: must be \"9\""},
        BrokenCatalog{"WrongCategory",
                      [](v1::ControlCatalog& c) {
                        c.mutable_objectives(2)->set_category_id("9.1");
                      },
                      "objectives[2].category_id: must be \"9.2\""},
        BrokenCatalog{"PFlagWithoutSuffix",
                      [](v1::ControlCatalog& c) {
                        c.mutable_objectives(2)->set_cloud_specific(true);
                      },
                      "objectives[2].cloud_specific: must be false"},
        BrokenCatalog{"SuffixWithoutPFlag",
                      [](v1::ControlCatalog& c) {
                        c.mutable_objectives(3)->set_cloud_specific(false);
                      },
                      "objectives[3].cloud_specific: must be true"},
        BrokenCatalog{"TierUnset",
                      [](v1::ControlCatalog& c) {
                        c.mutable_objectives(3)->clear_tier();
                      },
                      "objectives[3].tier: must be set"},
        BrokenCatalog{"NoTitle",
                      [](v1::ControlCatalog& c) {
                        c.mutable_objectives(3)->clear_title();
                      },
                      "objectives[3].title"},
        BrokenCatalog{"GovernanceWithCriticalArea",
                      [](v1::ControlCatalog& c) {
                        c.mutable_objectives(0)->add_critical_areas(
                            v1::CRITICAL_AREA_ACCESS);
                      },
                      "objectives[0].critical_areas: must be empty"},
        BrokenCatalog{"ManagementWithCriticalArea",
                      [](v1::ControlCatalog& c) {
                        c.mutable_objectives(1)->add_critical_areas(
                            v1::CRITICAL_AREA_OUTSOURCER);
                      },
                      "objectives[1].critical_areas: must be empty"},
        BrokenCatalog{"AreaTwice",
                      [](v1::ControlCatalog& c) {
                        c.mutable_objectives(2)->add_critical_areas(
                            v1::CRITICAL_AREA_ACCESS);
                      },
                      "objectives[2].critical_areas[1]: is listed twice"},
        BrokenCatalog{"AreaUnset",
                      [](v1::ControlCatalog& c) {
                        c.mutable_objectives(2)->add_critical_areas(
                            v1::CRITICAL_AREA_UNSPECIFIED);
                      },
                      "objectives[2].critical_areas[1]: must be set"},
        BrokenCatalog{"NoGovernanceObjective",
                      [](v1::ControlCatalog& c) {
                        c.mutable_objectives()->DeleteSubrange(0, 1);
                      },
                      "objectives: has no governance objective"},
        BrokenCatalog{"DetailedControlOfUnknownObjective",
                      [](v1::ControlCatalog& c) {
                        c.mutable_detailed_controls(0)->set_objective_id(
                            "9.2.9");
                      },
                      "detailed_controls[0].objective_id: \"9.2.9\" is not an "
                      "objective of the catalog"},
        BrokenCatalog{"DetailedControlOfOtherObjective",
                      [](v1::ControlCatalog& c) {
                        c.mutable_detailed_controls(0)->set_objective_id(
                            "9.5.2.P");
                      },
                      "detailed_controls[0].objective_id: \"9.5.2.P\" does "
                      "not match the id"},
        BrokenCatalog{"MalformedDetailedControl",
                      [](v1::ControlCatalog& c) {
                        c.mutable_detailed_controls(0)->set_id("9.2.1.PB");
                      },
                      "detailed_controls[0].id: \"9.2.1.PB\" is not a "
                      "detailed control id"},
        BrokenCatalog{"SuffixMismatch",
                      [](v1::ControlCatalog& c) {
                        c.mutable_detailed_controls(0)->set_suffix(
                            v1::DETAILED_CONTROL_SUFFIX_B);
                      },
                      "detailed_controls[0].suffix: must match the id's "
                      "suffix \".PB\""},
        BrokenCatalog{"SuffixUnset",
                      [](v1::ControlCatalog& c) {
                        c.mutable_detailed_controls(0)->clear_suffix();
                      },
                      "detailed_controls[0].suffix: must be set"},
        BrokenCatalog{"DuplicateDetailedControl",
                      [](v1::ControlCatalog& c) {
                        *c.add_detailed_controls() = c.detailed_controls(0);
                      },
                      "detailed_controls[1].id: \"9.2.1.6.PB\" is the id of "
                      "detailed_controls[0]"}),
    [](const ::testing::TestParamInfo<BrokenCatalog>& param_info) {
      return param_info.param.name;
    });

TEST(ControlCatalogTest, LoaderNamesFileAndLineOfABadEntry) {
  liu::testing::TempDir dir;
  dir.WriteFile(
      "control_catalog.textproto",
      "# proto-message: ismap.liu.v1.ControlCatalog\n"
      "objectives {\n"
      "  tier: CONTROL_TIER_GOVERNANCE id: \"3.1.1\" domain_id: \"3\"\n"
      "  category_id: \"3.1\" title { en: \"Overview\" }\n"
      "}\n"
      "objectives {\n"
      "  tier: CONTROL_TIER_MANAGEMENT id: \"4.4.1\" domain_id: \"4\"\n"
      "  category_id: \"4.4\" title { en: \"Roles\" }\n"
      "  critical_areas: CRITICAL_AREA_ACCESS\n"
      "}\n"
      "objectives {\n"
      "  tier: CONTROL_TIER_CONTROLS id: \"5.1.1\" domain_id: \"5\"\n"
      "  category_id: \"5.1\" title { en: \"Policies\" }\n"
      "}\n");
  const auto rules = RuleSet::LoadFromDirectory(dir.path());
  ASSERT_FALSE(rules.ok());
  EXPECT_THAT(std::string(rules.status().message()),
              HasSubstr(dir.Join("control_catalog.textproto") +
                        ":9:3: objectives[1].critical_areas: must be empty"));
}

TEST(ControlCriteriaTest, OrdersByTierThenNaturalId) {
  v1::ControlCatalog catalog;
  for (const auto& [tier, id] :
       {std::pair{v1::CONTROL_TIER_CONTROLS, "10.1.1"},
        std::pair{v1::CONTROL_TIER_CONTROLS, "9.5.1.P"},
        std::pair{v1::CONTROL_TIER_MANAGEMENT, "4.10.1"},
        std::pair{v1::CONTROL_TIER_CONTROLS, "9.4.5"},
        std::pair{v1::CONTROL_TIER_MANAGEMENT, "4.9.2"},
        std::pair{v1::CONTROL_TIER_GOVERNANCE, "3.1.6"}}) {
    v1::ControlObjective* objective = catalog.add_objectives();
    objective->set_tier(tier);
    objective->set_id(id);
  }
  const absl::StatusOr<ControlCriteria> criteria =
      ControlCriteria::Create(catalog);
  ASSERT_TRUE(criteria.ok()) << criteria.status();
  std::vector<std::string> ids;
  for (const v1::ControlObjective* objective : criteria->objectives()) {
    ids.push_back(objective->id());
  }
  EXPECT_THAT(ids, ::testing::ElementsAre("3.1.6", "4.9.2", "4.10.1", "9.4.5",
                                          "9.5.1.P", "10.1.1"));
  EXPECT_TRUE(ObjectiveIdLess("6.3.1", "6.3.1.P"));
  EXPECT_FALSE(ObjectiveIdLess("6.3.1.P", "6.3.1"));
  EXPECT_FALSE(ObjectiveIdLess("9.4.5", "9.4.5"));
}

TEST(ControlCriteriaTest, RefusesDuplicatesAndOrphanDetailedControls) {
  v1::ControlCatalog catalog = SmallCatalog();
  *catalog.add_objectives() = catalog.objectives(0);
  catalog.mutable_detailed_controls(0)->set_objective_id("9.9.9");
  const absl::StatusOr<ControlCriteria> criteria =
      ControlCriteria::Create(catalog);
  EXPECT_EQ(criteria.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(criteria.status().message()),
              HasSubstr("objective id \"3.1.1\" appears more than once"));
  EXPECT_THAT(std::string(criteria.status().message()),
              HasSubstr("\"9.2.1.6.PB\" belongs to objective \"9.9.9\""));
}

}  // namespace
}  // namespace ismap::liu::audit
