// Request parsing that names every string field holding invalid UTF-8.
#include "services/common/request_parser.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "ismap/liu/v1/impact_assessment.pb.h"
#include "services/common/field_violations.h"

namespace ismap::liu {
namespace {

using ::testing::ElementsAre;

// A request whose serialization is edited byte by byte: every text field
// holds a marker that the test replaces with invalid UTF-8.
v1::CreateImpactAssessmentRequest Marked() {
  v1::CreateImpactAssessmentRequest request;
  request.set_request_id("req-1");
  v1::ImpactAssessment* assessment = request.mutable_impact_assessment();
  assessment->set_review_case("reviewCases/@@");
  for (int i = 0; i < 3; ++i) {
    v1::CriterionAnswer* answer = assessment->add_answers();
    answer->set_question_id("c1_confidentiality_class");
    answer->set_answer_id("class_2");
    answer->set_comment(i == 1 ? "補足@@" : "補足");
  }
  assessment->set_justification("根拠@@");
  return request;
}

// `bytes` with every "@@" replaced by a lone continuation byte and a byte
// that never occurs in UTF-8 (same length, so lengths stay valid).
std::string Broken(std::string bytes) {
  for (size_t at = bytes.find("@@"); at != std::string::npos;
       at = bytes.find("@@", at)) {
    bytes[at] = '\x80';
    bytes[at + 1] = '\xff';
  }
  return bytes;
}

TEST(RequestParserTest, NamesEveryStringFieldWithInvalidUtf8) {
  const std::string bytes = Broken(Marked().SerializeAsString());
  EXPECT_THAT(InvalidUtf8Fields(
                  *v1::CreateImpactAssessmentRequest::descriptor(), bytes),
              ElementsAre("impact_assessment.review_case",
                          "impact_assessment.answers[1].comment",
                          "impact_assessment.justification"));

  v1::CreateImpactAssessmentRequest parsed;
  const absl::Status status = ParseRequest(bytes, parsed);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  std::vector<std::string> fields;
  for (const v1::FieldViolation& violation : FieldViolationsOf(status)) {
    EXPECT_EQ(violation.description(), "is not valid UTF-8");
    fields.push_back(violation.field());
  }
  EXPECT_THAT(fields, ElementsAre("impact_assessment.review_case",
                                  "impact_assessment.answers[1].comment",
                                  "impact_assessment.justification"));
}

TEST(RequestParserTest, ParsesValidRequestsByteForByte) {
  const v1::CreateImpactAssessmentRequest request = Marked();
  v1::CreateImpactAssessmentRequest parsed;
  parsed.set_request_id("replaced");
  ASSERT_TRUE(ParseRequest(request.SerializeAsString(), parsed).ok());
  EXPECT_EQ(parsed.SerializeAsString(), request.SerializeAsString());
  EXPECT_TRUE(
      InvalidUtf8Fields(*v1::CreateImpactAssessmentRequest::descriptor(),
                        request.SerializeAsString())
          .empty());
}

TEST(RequestParserTest, BytesThatAreNoMessageAreRefusedWithoutViolations) {
  v1::CreateImpactAssessmentRequest parsed;
  // Field 1, length-delimited, claiming 100 bytes that are not there.
  const absl::Status status =
      ParseRequest(std::string("\x0a\x64zz", 4), parsed);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(FieldViolationsOf(status).empty());
  EXPECT_THAT(std::string(status.message()),
              ::testing::HasSubstr("CreateImpactAssessmentRequest"));
}

}  // namespace
}  // namespace ismap::liu
