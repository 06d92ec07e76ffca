// Shared fixture of the ImpactAssessmentService integration tests: the real
// all-in-one server over SQLite, pre-applications filed by a CSP through
// EligibilityService, assessments built from the criteria in rules/, and a
// settled snapshot of the storage to show that a refused call changed
// nothing.
#ifndef ISMAP_LIU_TESTS_IMPACT_IMPACT_TESTING_H_
#define ISMAP_LIU_TESTS_IMPACT_IMPACT_TESTING_H_

#include <memory>
#include <string>
#include <vector>

#include "grpcpp/support/status.h"
#include "gtest/gtest.h"
#include "ismap/liu/v1/audit_trail.grpc.pb.h"
#include "ismap/liu/v1/eligibility.grpc.pb.h"
#include "ismap/liu/v1/impact_assessment.grpc.pb.h"
#include "ismap/liu/v1/review.grpc.pb.h"
#include "tests/harness/assessment_builder.h"
#include "tests/harness/test_server.h"

namespace ismap::liu::testing {

// "field: description" for every field violation of `status`.
std::vector<std::string> Violations(const grpc::Status& status);

class ImpactServiceTest : public ::testing::Test {
 protected:
  void SetUp() override;

  std::string Csp(const std::string& org = "example-saas") const {
    return server_->Token(Role::kCsp, org);
  }
  std::string Ministry(const std::string& org) const {
    return server_->Token(Role::kMinistry, org);
  }
  std::string Ipa() const { return server_->Token(Role::kIpa, "ipa"); }

  // Files `pre` as the CSP `csp_org`; fails the test unless it is accepted.
  v1::PreApplication File(const v1::PreApplication& pre,
                          const std::string& csp_org = "example-saas");

  // CreateImpactAssessment as `ministry` of `assessment` for the business
  // `business_id` of `pre_application` (or, with an empty business id, for
  // the review case `pre_application`).
  grpc::Status Create(const std::string& ministry,
                      v1::ImpactAssessment assessment,
                      const std::string& subject,
                      const std::string& business_id, v1::ImpactAssessment* out,
                      const std::string& request_id = "");
  // The same, failing the test unless it is accepted.
  v1::ImpactAssessment Submit(const std::string& ministry,
                              v1::ImpactAssessment assessment,
                              const std::string& subject,
                              const std::string& business_id = "");

  grpc::Status Get(const std::string& token, const std::string& name,
                   v1::ImpactAssessment* out);
  grpc::Status Revise(const std::string& token, const std::string& name,
                      const std::string& etag,
                      const v1::ImpactAssessment& content,
                      v1::ImpactAssessment* out);
  grpc::Status Withdraw(const std::string& token, const std::string& name,
                        const std::string& etag, const std::string& reason,
                        v1::ImpactAssessment* out);
  grpc::Status List(const std::string& token,
                    const v1::ListImpactAssessmentsRequest& request,
                    v1::ListImpactAssessmentsResponse* out);
  grpc::Status GetRevision(const std::string& token, const std::string& name,
                           v1::ImpactAssessmentRevision* out);
  grpc::Status ListRevisions(const std::string& token,
                             const std::string& parent,
                             v1::ListImpactAssessmentRevisionsResponse* out);

  // Names of the assessments `token` lists with `request` (every page).
  std::vector<std::string> ListedNames(
      const std::string& token, v1::ListImpactAssessmentsRequest request);

  // The number of audit-trail events, read as IPA through
  // AuditTrailService.ListAuditEvents.
  int64_t AuditTrailLength();

  // What storage holds once the server has settled (the eligibility
  // service follows the feed asynchronously): the audit-trail length read
  // through the API, and every table.
  std::string SettledStorage();

  std::unique_ptr<TestServer> server_;
  std::unique_ptr<v1::ImpactAssessmentService::Stub> impact_;
  std::unique_ptr<v1::EligibilityService::Stub> eligibility_;
  std::unique_ptr<v1::ReviewService::Stub> review_;
  std::unique_ptr<v1::AuditTrailService::Stub> audit_;
};

}  // namespace ismap::liu::testing

#endif  // ISMAP_LIU_TESTS_IMPACT_IMPACT_TESTING_H_
