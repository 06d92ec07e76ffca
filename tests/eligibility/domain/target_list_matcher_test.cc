// The formal check against the repository's target-business list: each of
// the eight items matches its business; an extra kind of information, item
// 2's exception and item 8's retention condition keep businesses out; the
// reasons name what failed.
#include "services/eligibility/domain/target_list_matcher.h"

#include <memory>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/field_violations.h"
#include "services/common/rules/rule_set.h"
#include "tests/harness/test_server.h"

namespace ismap::liu::eligibility {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

v1::BusinessProfile Profile(std::vector<std::string> kinds,
                            std::vector<std::string> facts) {
  v1::BusinessProfile profile;
  profile.set_title("業務");
  for (const std::string& kind : kinds) profile.add_information_kinds(kind);
  for (const std::string& fact : facts) profile.add_facts(fact);
  return profile;
}

// A business meeting each item's criterion, by item number.
const std::vector<std::pair<int, v1::BusinessProfile>>& ItemBusinesses() {
  static const auto* businesses =
      new std::vector<std::pair<int, v1::BusinessProfile>>{
          {1, Profile({"public_policy_drafts", "business_card_information"},
                      {"works_with_private_sector", "publication_premised"})},
          {2, Profile({"staff_titles_and_names"}, {})},
          {3, Profile({"business_card_information", "user_account_information"},
                      {})},
          {4, Profile({"provider_supplied_information"},
                      {"provider_judged_low_risk"})},
          {5,
           Profile({"pre_publication_information"}, {"publication_decided"})},
          {6, Profile({"staff_safety_status", "staff_titles_and_names"},
                      {"disaster_response"})},
          {7, Profile({"training_content", "training_records"},
                      {"members_education"})},
          {8, Profile({"routine_correspondence"},
                      {"retention_under_one_year", "routine_work"})},
      };
  return *businesses;
}

class TargetListMatcherTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    rules_ = new std::shared_ptr<const RuleSet>(
        *RuleSet::LoadFromDirectory(testing::SourceRulesDir()));
  }
  static void TearDownTestSuite() { delete rules_; }

  static const v1::InformationVocabulary* Vocabulary() {
    return *(*rules_)->Require<v1::InformationVocabulary>();
  }
  static const v1::TargetBusinessList& List() {
    return **(*rules_)->Require<v1::TargetBusinessList>();
  }
  static TargetListMatcher Matcher() {
    return *TargetListMatcher::Create(ItemsOf(List()), Vocabulary());
  }

  static const v1::ItemEvaluation& Item(const ListEvaluation& evaluation,
                                        int number) {
    return evaluation.items.at(number - 1);
  }

  static std::shared_ptr<const RuleSet>* rules_;
};

std::shared_ptr<const RuleSet>* TargetListMatcherTest::rules_ = nullptr;

TEST_F(TargetListMatcherTest, TheListHasTheEightProgrammeItems) {
  ASSERT_EQ(List().items_size(), 8);
  for (int i = 0; i < 8; ++i) {
    EXPECT_EQ(List().items(i).item_number(), i + 1);
    EXPECT_FALSE(List().items(i).criterion().ja().empty());
    EXPECT_FALSE(List().items(i).examples().empty());
  }
}

TEST_F(TargetListMatcherTest, EachItemsBusinessMatchesThatItem) {
  const TargetListMatcher matcher = Matcher();
  for (const auto& [number, profile] : ItemBusinesses()) {
    ASSERT_TRUE(matcher.ValidateProfile(profile).ok()) << number;
    const ListEvaluation evaluation = matcher.Evaluate(profile);
    ASSERT_TRUE(evaluation.matched_item.has_value()) << "item " << number;
    EXPECT_EQ(*evaluation.matched_item, number);
    EXPECT_TRUE(Item(evaluation, number).matched());
    EXPECT_TRUE(Item(evaluation, number).failures().empty());
    ASSERT_EQ(evaluation.items.size(), 8u);
  }
}

TEST_F(TargetListMatcherTest, OneMoreKindThatNoItemCoversMatchesNothing) {
  const TargetListMatcher matcher = Matcher();
  for (const auto& [number, profile] : ItemBusinesses()) {
    v1::BusinessProfile extended = profile;
    extended.add_information_kinds("citizen_personal_information");
    const ListEvaluation evaluation = matcher.Evaluate(extended);
    EXPECT_FALSE(evaluation.matched_item.has_value()) << "item " << number;
    const v1::ItemEvaluation& own = Item(evaluation, number);
    EXPECT_FALSE(own.matched());
    ASSERT_EQ(own.failures_size(), 1) << "item " << number;
    EXPECT_EQ(own.failures(0).kind(),
              v1::ConditionFailure::KIND_INFORMATION_KIND_OUTSIDE_SET);
    EXPECT_THAT(own.failures(0).information_kinds(),
                ElementsAre("citizen_personal_information"));
    EXPECT_THAT(own.failures(0).text().ja(), HasSubstr("国民の個人情報"));
    EXPECT_THAT(own.failures(0).text().en(),
                HasSubstr("Personal information of citizens"));
  }
}

TEST_F(TargetListMatcherTest, ItemTwoDoesNotMatchWhenStrictSecrecyIsRequired) {
  const ListEvaluation evaluation = Matcher().Evaluate(
      Profile({"staff_titles_and_names"}, {"strict_secrecy_required"}));
  EXPECT_FALSE(evaluation.matched_item.has_value());
  const v1::ItemEvaluation& item2 = Item(evaluation, 2);
  ASSERT_EQ(item2.failures_size(), 1);
  EXPECT_EQ(item2.failures(0).kind(), v1::ConditionFailure::KIND_EXCLUSION_MET);
  EXPECT_EQ(item2.failures(0).fact(), "strict_secrecy_required");
  EXPECT_EQ(item2.failures(0).path(), "all_of[2].none_of[0]");
  EXPECT_THAT(item2.failures(0).text().ja(), HasSubstr("厳格な秘匿"));
  EXPECT_THAT(item2.failures(0).text().en(), HasSubstr("strict secrecy"));
}

TEST_F(TargetListMatcherTest, ItemEightNeedsRetentionUnderOneYear) {
  const ListEvaluation evaluation =
      Matcher().Evaluate(Profile({"routine_correspondence"}, {"routine_work"}));
  EXPECT_FALSE(evaluation.matched_item.has_value());
  const v1::ItemEvaluation& item8 = Item(evaluation, 8);
  ASSERT_EQ(item8.failures_size(), 1);
  EXPECT_EQ(item8.failures(0).kind(), v1::ConditionFailure::KIND_FACT_ABSENT);
  EXPECT_EQ(item8.failures(0).fact(), "retention_under_one_year");
  EXPECT_THAT(item8.failures(0).text().ja(), HasSubstr("保存期間1年未満"));
}

TEST_F(TargetListMatcherTest, ItemFiveAcceptsEitherAlternativeAndExplainsBoth) {
  const TargetListMatcher matcher = Matcher();
  EXPECT_EQ(matcher
                .Evaluate(Profile({"open_public_information"},
                                  {"exceptional_confidentiality"}))
                .matched_item,
            5);
  const ListEvaluation undecided =
      matcher.Evaluate(Profile({"pre_publication_information"}, {}));
  EXPECT_FALSE(undecided.matched_item.has_value());
  const v1::ItemEvaluation& item5 = Item(undecided, 5);
  ASSERT_GE(item5.failures_size(), 2);
  EXPECT_EQ(item5.failures(0).kind(),
            v1::ConditionFailure::KIND_NO_ALTERNATIVE_MET);
  EXPECT_EQ(item5.failures(0).path(), "all_of[0]");
  bool decision_named = false;
  for (const v1::ConditionFailure& failure : item5.failures()) {
    decision_named = decision_named || failure.fact() == "publication_decided";
  }
  EXPECT_TRUE(decision_named);
}

TEST_F(TargetListMatcherTest, EveryFailedPartIsReportedForEveryOtherItem) {
  const ListEvaluation evaluation =
      Matcher().Evaluate(ItemBusinesses()[2].second);
  const v1::ItemEvaluation& item1 = Item(evaluation, 1);
  std::vector<std::string> paths;
  for (const v1::ConditionFailure& failure : item1.failures()) {
    paths.push_back(failure.path());
  }
  // Drafts absent, both facts absent, user accounts... are within item 1's
  // set, so the set holds.
  EXPECT_THAT(paths, ElementsAre("all_of[0]", "all_of[1]", "all_of[2]"));
  EXPECT_EQ(item1.failures(0).kind(),
            v1::ConditionFailure::KIND_INFORMATION_KIND_ABSENT);
  EXPECT_EQ(item1.failures(1).kind(), v1::ConditionFailure::KIND_FACT_ABSENT);
}

TEST_F(TargetListMatcherTest, ExamplesAreNeverCriteria) {
  v1::TargetBusinessList without_examples = List();
  for (v1::TargetBusinessItem& item : *without_examples.mutable_items()) {
    item.clear_examples();
  }
  const TargetListMatcher bare =
      *TargetListMatcher::Create(ItemsOf(without_examples), Vocabulary());
  const TargetListMatcher matcher = Matcher();
  for (const auto& [number, profile] : ItemBusinesses()) {
    EXPECT_EQ(bare.Evaluate(profile).matched_item,
              matcher.Evaluate(profile).matched_item);
  }
  // A business described in an example's very words, declaring nothing the
  // criterion asks for, is not matched.
  v1::BusinessProfile worded = Profile({"citizen_personal_information"}, {});
  worded.set_title(List().items(6).examples(0).ja());
  worded.set_description(List().items(6).examples(0).en());
  EXPECT_FALSE(matcher.Evaluate(worded).matched_item.has_value());
}

TEST_F(TargetListMatcherTest, ProfilesOutsideTheVocabularyAreRefused) {
  const absl::Status status = Matcher().ValidateProfile(Profile(
      {"business_card_information", "secrets", "business_card_information"},
      {"routine_work", "made_up_fact"}));
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  std::vector<std::string> fields;
  for (const v1::FieldViolation& violation : FieldViolationsOf(status)) {
    fields.push_back(violation.field());
  }
  EXPECT_THAT(fields, ElementsAre("information_kinds[1]",
                                  "information_kinds[2]", "facts[1]"));
  EXPECT_FALSE(Matcher().ValidateProfile(Profile({}, {})).ok());
}

TEST_F(TargetListMatcherTest, MalformedConditionsAreRefusedNamingItemAndPath) {
  v1::TargetBusinessList broken = List();
  broken.mutable_items(1)
      ->mutable_condition()
      ->mutable_all_of()
      ->mutable_conditions(2)
      ->mutable_none_of()
      ->mutable_conditions(0)
      ->set_has_fact("no_such_fact");
  const auto matcher = TargetListMatcher::Create(ItemsOf(broken), Vocabulary());
  EXPECT_EQ(matcher.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(
      std::string(matcher.status().message()),
      HasSubstr("target-business item 2: all_of[2].none_of[0]: unknown fact "
                "no_such_fact"));
  broken = List();
  broken.mutable_items(0)->clear_condition();
  EXPECT_EQ(
      TargetListMatcher::Create(ItemsOf(broken), Vocabulary()).status().code(),
      absl::StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace ismap::liu::eligibility
