// RETURN_IF_ERROR and ASSIGN_OR_RETURN.
#include "services/common/status_macros.h"

#include <memory>

#include "gtest/gtest.h"

namespace ismap::liu {
namespace {

absl::StatusOr<int> Half(int value) {
  if (value % 2 != 0) return absl::InvalidArgumentError("odd");
  return value / 2;
}

absl::StatusOr<int> Quarter(int value) {
  ASSIGN_OR_RETURN(const int half, Half(value));
  ASSIGN_OR_RETURN(int quarter, Half(half));
  return quarter;
}

absl::Status CheckEven(int value, int* calls) {
  ++*calls;
  RETURN_IF_ERROR(Half(value).status());
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<int>> MoveOnly(bool ok) {
  if (!ok) return absl::NotFoundError("none");
  return std::make_unique<int>(7);
}

absl::StatusOr<int> UseMoveOnly(bool ok) {
  std::unique_ptr<int> value;
  ASSIGN_OR_RETURN(value, MoveOnly(ok));
  return *value;
}

TEST(StatusMacrosTest, AssignOrReturnPassesValuesAndErrors) {
  EXPECT_EQ(*Quarter(8), 2);
  EXPECT_EQ(Quarter(6).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Quarter(3).status().message(), "odd");
}

TEST(StatusMacrosTest, ReturnIfErrorEvaluatesOnce) {
  int calls = 0;
  EXPECT_TRUE(CheckEven(4, &calls).ok());
  EXPECT_EQ(CheckEven(5, &calls).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(calls, 2);
}

TEST(StatusMacrosTest, AssignOrReturnMovesIntoExistingVariables) {
  EXPECT_EQ(*UseMoveOnly(true), 7);
  EXPECT_EQ(UseMoveOnly(false).status().code(), absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace ismap::liu
