// Status mapping and field violations.
#include "services/common/grpc_status.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace ismap::liu {
namespace {

using ::testing::HasSubstr;

TEST(FieldViolationsTest, EmptyIsOk) {
  FieldViolations violations;
  EXPECT_TRUE(violations.empty());
  EXPECT_TRUE(violations.ToStatus().ok());
}

TEST(FieldViolationsTest, ListsEveryFieldInMessageAndPayload) {
  FieldViolations violations;
  violations.Add("title", "must not be empty");
  violations.Add("businesses[1].ministries", "must name at least one ministry");
  const absl::Status status = violations.ToStatus();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()),
              HasSubstr("title: must not be empty"));
  EXPECT_THAT(std::string(status.message()),
              HasSubstr("businesses[1].ministries: must name"));
  const auto fields = FieldViolationsOf(status);
  ASSERT_EQ(fields.size(), 2u);
  EXPECT_EQ(fields[0].field(), "title");
  EXPECT_EQ(fields[1].field(), "businesses[1].ministries");
}

TEST(FieldViolationsTest, MergePrefixesNestedViolations) {
  FieldViolations inner;
  inner.Add("title", "too long");
  FieldViolations outer;
  outer.Merge("profile", inner.ToStatus());
  outer.Merge("ignored", absl::OkStatus());
  outer.Merge("platform", absl::NotFoundError("no such IaaS"));
  const auto fields = FieldViolationsOf(outer.ToStatus());
  ASSERT_EQ(fields.size(), 2u);
  EXPECT_EQ(fields[0].field(), "profile.title");
  EXPECT_EQ(fields[1].field(), "platform");
  EXPECT_EQ(fields[1].description(), "no such IaaS");
}

TEST(GrpcStatusTest, CodesMapOneToOne) {
  for (int code = 1; code <= 16; ++code) {
    const absl::Status status(static_cast<absl::StatusCode>(code), "why");
    const grpc::Status wire = ToGrpcStatus(status);
    EXPECT_EQ(static_cast<int>(wire.error_code()), code);
    EXPECT_EQ(wire.error_message(), "why");
    EXPECT_EQ(FromGrpcStatus(wire), status);
  }
  EXPECT_TRUE(ToGrpcStatus(absl::OkStatus()).ok());
  EXPECT_TRUE(FromGrpcStatus(grpc::Status::OK).ok());
}

TEST(GrpcStatusTest, ViolationsTravelAsStandardStatusDetails) {
  FieldViolations violations;
  violations.Add("justification", "is required by question c3");
  const grpc::Status wire = ToGrpcStatus(violations.ToStatus());

  // The trailer parses as google.rpc.Status carrying a google.rpc.BadRequest.
  v1::StatusDetails details;
  ASSERT_TRUE(details.ParseFromString(wire.error_details()));
  EXPECT_EQ(details.code(), 3);
  ASSERT_EQ(details.details_size(), 1);
  EXPECT_EQ(details.details(0).type_url(),
            "type.googleapis.com/google.rpc.BadRequest");
  v1::BadRequest bad_request;
  ASSERT_TRUE(bad_request.ParseFromString(details.details(0).value()));
  EXPECT_EQ(bad_request.field_violations(0).field(), "justification");

  const auto back = FieldViolationsOf(FromGrpcStatus(wire));
  ASSERT_EQ(back.size(), 1u);
  EXPECT_EQ(back[0].description(), "is required by question c3");
}

TEST(GrpcStatusTest, MalformedDetailsAreDropped) {
  const grpc::Status wire(grpc::StatusCode::INVALID_ARGUMENT, "bad",
                          "\xff\x01garbage");
  const absl::Status status = FromGrpcStatus(wire);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(FieldViolationsOf(status).empty());
}

}  // namespace
}  // namespace ismap::liu
