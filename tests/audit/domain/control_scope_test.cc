// Statement scopes: exclusions take their detailed controls with them, and
// governance and management objectives can never be excluded.
#include "services/audit/domain/control_scope.h"

#include <algorithm>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/field_violations.h"
#include "tests/audit/domain/audit_domain_testing.h"

namespace ismap::liu::audit {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::RepositoryCriteria;

v1::StatementScope Excluding(const std::vector<std::string>& ids) {
  v1::StatementScope statement;
  for (const std::string& id : ids) {
    v1::ObjectiveExclusion* exclusion = statement.add_excluded_objectives();
    exclusion->set_objective_id(id);
    exclusion->set_reason("not used by this service (当該サービスで未使用)");
  }
  return statement;
}

std::vector<std::string> IdsOf(
    const std::vector<const v1::DetailedControl*>& controls) {
  std::vector<std::string> ids;
  for (const v1::DetailedControl* control : controls)
    ids.push_back(control->id());
  return ids;
}

TEST(ControlScopeTest, NoExclusionKeepsEveryObjective) {
  const absl::StatusOr<ControlScope> scope =
      ControlScope::Create(RepositoryCriteria(), v1::StatementScope());
  ASSERT_TRUE(scope.ok()) << scope.status();
  EXPECT_EQ(scope->objectives().size(), 148u);
  EXPECT_TRUE(scope->exclusions().empty());
  EXPECT_TRUE(scope->excluded_detailed_controls().empty());
}

TEST(ControlScopeTest, ExclusionTakesItsBasicStatementControlsWithIt) {
  const absl::StatusOr<ControlScope> scope = ControlScope::Create(
      RepositoryCriteria(), Excluding({"15.1.1", "6.3.1.P", "5.1.2"}));
  ASSERT_TRUE(scope.ok()) << scope.status();
  EXPECT_EQ(scope->objectives().size(), 145u);
  ASSERT_EQ(scope->exclusions().size(), 3u);
  EXPECT_EQ(scope->exclusions()[0].objective_id(), "5.1.2");
  EXPECT_EQ(scope->exclusions()[1].objective_id(), "6.3.1.P");
  EXPECT_EQ(scope->exclusions()[2].objective_id(), "15.1.1");
  EXPECT_THAT(IdsOf(scope->excluded_detailed_controls()),
              ElementsAre("6.3.1.1.PB", "15.1.1.14.B", "15.1.1.16.B"));
  for (const v1::ControlObjective* objective : scope->objectives()) {
    EXPECT_NE(objective->id(), "15.1.1");
  }
}

TEST(ControlScopeTest, GovernanceAndManagementCannotBeExcluded) {
  const absl::StatusOr<ControlScope> scope = ControlScope::Create(
      RepositoryCriteria(), Excluding({"9.1.1", "3.1.2", "4.6.3"}));
  ASSERT_EQ(scope.status().code(), absl::StatusCode::kInvalidArgument);
  const std::string message(scope.status().message());
  EXPECT_THAT(message, HasSubstr("excluded_objectives[1].objective_id: "
                                 "\"3.1.2\" is a governance objective"));
  EXPECT_THAT(message, HasSubstr("excluded_objectives[2].objective_id: "
                                 "\"4.6.3\" is a management objective"));
  EXPECT_THAT(message, ::testing::Not(HasSubstr("9.1.1")));
}

TEST(ControlScopeTest, ListsEveryProblemAtOnce) {
  v1::StatementScope statement = Excluding({"9.1.1", "99.1.1", "9.1.1"});
  statement.mutable_excluded_objectives(0)->clear_reason();
  const absl::StatusOr<ControlScope> scope =
      ControlScope::Create(RepositoryCriteria(), statement);
  ASSERT_EQ(scope.status().code(), absl::StatusCode::kInvalidArgument);
  const std::string message(scope.status().message());
  EXPECT_THAT(message, HasSubstr("excluded_objectives[0].reason"));
  EXPECT_THAT(message, HasSubstr("excluded_objectives[1].objective_id: "
                                 "\"99.1.1\" is not a control objective"));
  EXPECT_THAT(message, HasSubstr("excluded_objectives[2].objective_id: "
                                 "\"9.1.1\" is excluded more than once"));
  std::vector<std::string> fields;
  for (const v1::FieldViolation& violation :
       FieldViolationsOf(scope.status())) {
    fields.push_back(violation.field());
  }
  EXPECT_THAT(fields,
              ::testing::ElementsAre("excluded_objectives[0].reason",
                                     "excluded_objectives[1].objective_id",
                                     "excluded_objectives[2].objective_id"));
}

// Over random exclusions: the scope is the catalog minus the exclusions, the
// excluded detailed controls are exactly those of excluded objectives, and
// the order of the exclusions does not matter.
TEST(ControlScopeTest, PropertyScopeIsCatalogMinusExclusions) {
  const ControlCriteria& criteria = RepositoryCriteria();
  std::vector<std::string> controls;
  for (const v1::ControlObjective* objective : criteria.objectives()) {
    if (objective->tier() == v1::CONTROL_TIER_CONTROLS) {
      controls.push_back(objective->id());
    }
  }
  std::mt19937_64 rng(20260501);
  for (int run = 0; run < 2'000; ++run) {
    std::vector<std::string> excluded;
    const double p = testing::Uniform(rng, 0, 4) / 4.0;
    for (const std::string& id : controls) {
      if (testing::Chance(rng, p)) excluded.push_back(id);
    }
    std::shuffle(excluded.begin(), excluded.end(), rng);
    const absl::StatusOr<ControlScope> scope =
        ControlScope::Create(criteria, Excluding(excluded));
    ASSERT_TRUE(scope.ok()) << scope.status();
    const std::set<std::string> out(excluded.begin(), excluded.end());
    ASSERT_EQ(scope->objectives().size(), 148 - out.size());
    for (const v1::ControlObjective* objective : scope->objectives()) {
      ASSERT_EQ(out.count(objective->id()), 0u);
    }
    ASSERT_TRUE(std::is_sorted(
        scope->objectives().begin(), scope->objectives().end(),
        [](const v1::ControlObjective* a, const v1::ControlObjective* b) {
          return ObjectiveLess(*a, *b);
        }));
    std::set<std::string> expected_controls;
    for (const v1::DetailedControl& control :
         testing::RepositoryCatalog().detailed_controls()) {
      if (out.count(control.objective_id()) > 0) {
        expected_controls.insert(control.id());
      }
    }
    const std::vector<std::string> reported =
        IdsOf(scope->excluded_detailed_controls());
    ASSERT_EQ(std::set<std::string>(reported.begin(), reported.end()),
              expected_controls);
    ASSERT_EQ(reported.size(), expected_controls.size());

    std::shuffle(excluded.begin(), excluded.end(), rng);
    const absl::StatusOr<ControlScope> again =
        ControlScope::Create(criteria, Excluding(excluded));
    ASSERT_TRUE(again.ok());
    ASSERT_EQ(again->objectives(), scope->objectives());
    ASSERT_EQ(again->excluded_detailed_controls(),
              scope->excluded_detailed_controls());
  }
}

}  // namespace
}  // namespace ismap::liu::audit
