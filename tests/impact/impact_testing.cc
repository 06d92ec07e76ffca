// The ImpactAssessmentService test fixture.
#include "tests/impact/impact_testing.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "ismap/liu/v1/rules.pb.h"
#include "services/common/field_violations.h"
#include "services/common/grpc_status.h"
#include "services/common/rules/rule_set.h"

namespace ismap::liu::testing {

std::vector<std::string> Violations(const grpc::Status& status) {
  std::vector<std::string> violations;
  for (const v1::FieldViolation& violation :
       FieldViolationsOf(FromGrpcStatus(status))) {
    violations.push_back(
        absl::StrCat(violation.field(), ": ", violation.description()));
  }
  return violations;
}

void ImpactServiceTest::SetUp() {
  auto server = TestServer::Start();
  ASSERT_TRUE(server.ok()) << server.status();
  server_ = *std::move(server);
  impact_ = server_->Stub<v1::ImpactAssessmentService>();
  eligibility_ = server_->Stub<v1::EligibilityService>();
  review_ = server_->Stub<v1::ReviewService>();
  audit_ = server_->Stub<v1::AuditTrailService>();
}

v1::PreApplication ImpactServiceTest::File(const v1::PreApplication& pre,
                                           const std::string& csp_org) {
  v1::CreatePreApplicationRequest request;
  *request.mutable_pre_application() = pre;
  v1::PreApplication created;
  const grpc::Status status = eligibility_->CreatePreApplication(
      TestServer::Context(Csp(csp_org)).get(), request, &created);
  EXPECT_TRUE(status.ok()) << status.error_message();
  return created;
}

grpc::Status ImpactServiceTest::Create(const std::string& ministry,
                                       v1::ImpactAssessment assessment,
                                       const std::string& subject,
                                       const std::string& business_id,
                                       v1::ImpactAssessment* out,
                                       const std::string& request_id) {
  if (business_id.empty()) {
    assessment.set_review_case(subject);
  } else {
    assessment.mutable_pre_application_business()->set_pre_application(subject);
    assessment.mutable_pre_application_business()->set_business_id(business_id);
  }
  v1::CreateImpactAssessmentRequest request;
  *request.mutable_impact_assessment() = std::move(assessment);
  request.set_request_id(request_id);
  return impact_->CreateImpactAssessment(
      TestServer::Context(Ministry(ministry)).get(), request, out);
}

v1::ImpactAssessment ImpactServiceTest::Submit(const std::string& ministry,
                                               v1::ImpactAssessment assessment,
                                               const std::string& subject,
                                               const std::string& business_id) {
  v1::ImpactAssessment created;
  const grpc::Status status =
      Create(ministry, std::move(assessment), subject, business_id, &created);
  EXPECT_TRUE(status.ok()) << status.error_message();
  return created;
}

grpc::Status ImpactServiceTest::Get(const std::string& token,
                                    const std::string& name,
                                    v1::ImpactAssessment* out) {
  v1::GetImpactAssessmentRequest request;
  request.set_name(name);
  return impact_->GetImpactAssessment(TestServer::Context(token).get(), request,
                                      out);
}

grpc::Status ImpactServiceTest::Revise(const std::string& token,
                                       const std::string& name,
                                       const std::string& etag,
                                       const v1::ImpactAssessment& content,
                                       v1::ImpactAssessment* out) {
  v1::ReviseImpactAssessmentRequest request;
  request.set_name(name);
  request.set_etag(etag);
  *request.mutable_impact_assessment() = content;
  return impact_->ReviseImpactAssessment(TestServer::Context(token).get(),
                                         request, out);
}

grpc::Status ImpactServiceTest::Withdraw(const std::string& token,
                                         const std::string& name,
                                         const std::string& etag,
                                         const std::string& reason,
                                         v1::ImpactAssessment* out) {
  v1::WithdrawImpactAssessmentRequest request;
  request.set_name(name);
  request.set_etag(etag);
  request.set_reason(reason);
  return impact_->WithdrawImpactAssessment(TestServer::Context(token).get(),
                                           request, out);
}

grpc::Status ImpactServiceTest::List(
    const std::string& token, const v1::ListImpactAssessmentsRequest& request,
    v1::ListImpactAssessmentsResponse* out) {
  return impact_->ListImpactAssessments(TestServer::Context(token).get(),
                                        request, out);
}

grpc::Status ImpactServiceTest::GetRevision(const std::string& token,
                                            const std::string& name,
                                            v1::ImpactAssessmentRevision* out) {
  v1::GetImpactAssessmentRevisionRequest request;
  request.set_name(name);
  return impact_->GetImpactAssessmentRevision(TestServer::Context(token).get(),
                                              request, out);
}

grpc::Status ImpactServiceTest::ListRevisions(
    const std::string& token, const std::string& parent,
    v1::ListImpactAssessmentRevisionsResponse* out) {
  v1::ListImpactAssessmentRevisionsRequest request;
  request.set_parent(parent);
  return impact_->ListImpactAssessmentRevisions(
      TestServer::Context(token).get(), request, out);
}

std::vector<std::string> ImpactServiceTest::ListedNames(
    const std::string& token, v1::ListImpactAssessmentsRequest request) {
  std::vector<std::string> names;
  do {
    v1::ListImpactAssessmentsResponse page;
    const grpc::Status status = List(token, request, &page);
    EXPECT_TRUE(status.ok()) << status.error_message();
    if (!status.ok()) break;
    for (const v1::ImpactAssessment& assessment : page.impact_assessments()) {
      names.push_back(assessment.name());
    }
    request.set_page_token(page.next_page_token());
  } while (!request.page_token().empty());
  return names;
}

int64_t ImpactServiceTest::AuditTrailLength() {
  v1::ListAuditEventsRequest request;
  request.set_page_size(500);
  int64_t length = 0;
  do {
    v1::ListAuditEventsResponse page;
    const grpc::Status status = audit_->ListAuditEvents(
        TestServer::Context(Ipa()).get(), request, &page);
    EXPECT_TRUE(status.ok()) << status.error_message();
    if (!status.ok()) return -1;
    length += page.audit_events_size();
    request.set_page_token(page.next_page_token());
  } while (!request.page_token().empty());
  return length;
}

std::string ImpactServiceTest::SettledStorage() {
  std::string last;
  const absl::Time deadline = absl::Now() + absl::Seconds(10);
  while (absl::Now() < deadline) {
    const std::string now =
        absl::StrCat("audit trail length ", AuditTrailLength(), "\n",
                     server_->DumpAllTables());
    if (now == last) return now;
    last = now;
    absl::SleepFor(absl::Milliseconds(150));
  }
  ADD_FAILURE() << "storage did not settle";
  return last;
}

}  // namespace ismap::liu::testing
