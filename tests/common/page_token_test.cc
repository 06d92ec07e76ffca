// Page sizes and tokens.
#include "services/common/page_token.h"

#include "gtest/gtest.h"

namespace ismap::liu {
namespace {

TEST(PageTokenTest, SizesDefaultAndCap) {
  FieldViolations violations;
  EXPECT_EQ(ParsePage(0, "", "q", violations).size, kDefaultPageSize);
  EXPECT_EQ(ParsePage(7, "", "q", violations).size, 7);
  EXPECT_EQ(ParsePage(100000, "", "q", violations).size, kMaxPageSize);
  EXPECT_TRUE(violations.empty());
  ParsePage(-1, "", "q", violations);
  EXPECT_FALSE(violations.empty());
}

TEST(PageTokenTest, TokenRoundTripsForTheSameQueryOnly) {
  FieldViolations none;
  const Page first = ParsePage(10, "", "state=OPEN", none);
  EXPECT_TRUE(first.after_key.empty());
  EXPECT_EQ(NextPageToken("reviewCases/9", /*more_follow=*/false, "state=OPEN"),
            "");
  const std::string token =
      NextPageToken("reviewCases/9\n:x", /*more_follow=*/true, "state=OPEN");
  const Page second = ParsePage(10, token, "state=OPEN", none);
  EXPECT_TRUE(none.empty());
  EXPECT_EQ(second.after_key, "reviewCases/9\n:x");

  FieldViolations other_query;
  ParsePage(10, token, "state=CONFIRMED", other_query);
  EXPECT_FALSE(other_query.empty());
  FieldViolations garbage;
  ParsePage(10, "not a token", "state=OPEN", garbage);
  EXPECT_EQ(FieldViolationsOf(garbage.ToStatus())[0].field(), "page_token");
}

}  // namespace
}  // namespace ismap::liu
