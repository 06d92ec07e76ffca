// Shared fixture of the AuditPlanningService integration tests: a real
// all-in-one server with SQLite, the callers of each role, and the way to a
// genuinely ELIGIBLE pre-application (a CSP files it for a business on the
// target list, the ministry it names submits a LOW impact assessment through
// ImpactAssessmentService, and the eligibility service judges it ELIGIBLE).
#ifndef ISMAP_LIU_TESTS_AUDIT_AUDIT_TESTING_H_
#define ISMAP_LIU_TESTS_AUDIT_AUDIT_TESTING_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "google/protobuf/util/time_util.h"
#include "gtest/gtest.h"
#include "ismap/liu/v1/audit_planning.grpc.pb.h"
#include "ismap/liu/v1/audit_trail.grpc.pb.h"
#include "ismap/liu/v1/eligibility.grpc.pb.h"
#include "ismap/liu/v1/impact_assessment.grpc.pb.h"
#include "tests/eligibility/eligibility_testing.h"
#include "tests/harness/assessment_builder.h"
#include "tests/harness/test_server.h"

namespace ismap::liu::testing {

inline google::protobuf::Timestamp Timestamp(absl::Time time) {
  return google::protobuf::util::TimeUtil::NanosecondsToTimestamp(
      absl::ToUnixNanos(time));
}

inline absl::Time TimeOf(const google::protobuf::Timestamp& timestamp) {
  return absl::FromUnixNanos(
      google::protobuf::util::TimeUtil::TimestampToNanoseconds(timestamp));
}

// The programme's calendar (rules/audit_policy.textproto).
inline absl::TimeZone Tokyo() {
  absl::TimeZone zone;
  EXPECT_TRUE(absl::LoadTimeZone("Asia/Tokyo", &zone));
  return zone;
}

// A statement scope excluding `ids`, each with a reason.
inline v1::StatementScope Excluding(const std::vector<std::string>& ids) {
  v1::StatementScope scope;
  for (const std::string& id : ids) {
    v1::ObjectiveExclusion* exclusion = scope.add_excluded_objectives();
    exclusion->set_objective_id(id);
    exclusion->set_reason("当該サービスには該当する業務・資産がない");
  }
  return scope;
}

class AuditPlanningTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto server = TestServer::Start();
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    audit_ = server_->Stub<v1::AuditPlanningService>();
    eligibility_ = server_->Stub<v1::EligibilityService>();
    impact_ = server_->Stub<v1::ImpactAssessmentService>();
  }

  std::string Ipa() { return server_->Token(Role::kIpa, "ipa"); }
  std::string Csp() { return server_->Token(Role::kCsp, "example-saas"); }
  std::string OtherCsp() { return server_->Token(Role::kCsp, "other-saas"); }
  std::string Ministry() { return server_->Token(Role::kMinistry, "mlit"); }
  static std::unique_ptr<grpc::ClientContext> As(const std::string& token) {
    return TestServer::Context(token);
  }

  // Files a pre-application as `csp_token` for the business-card business
  // (target-list item 3) used by MLIT; returns it as filed (waiting for
  // MLIT's assessment).
  v1::PreApplication File(const std::string& csp_token,
                          const std::string& service_name) {
    v1::CreatePreApplicationRequest request;
    *request.mutable_pre_application() = PreApplication(
        {Business("cards", ProfilesMeetingEachItem()[2], {"mlit"})},
        service_name);
    request.set_request_id(absl::StrCat("file-", ++request_counter_));
    v1::PreApplication created;
    const grpc::Status status = eligibility_->CreatePreApplication(
        As(csp_token).get(), request, &created);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return created;
  }

  // A pre-application of `csp_token` that the eligibility service has judged
  // ELIGIBLE after MLIT's LOW assessment.
  std::string EligiblePreApplication(const std::string& csp_token,
                                     const std::string& service_name) {
    const v1::PreApplication filed = File(csp_token, service_name);
    SubmitLowAssessment(filed.name(), "cards");
    return AwaitOutcome(filed.name(), v1::ELIGIBILITY_OUTCOME_ELIGIBLE).name();
  }
  std::string EligiblePreApplication() {
    return EligiblePreApplication(Csp(), "クラウド名刺サービス");
  }

  // MLIT rates every kind of information of the business-card business LOW,
  // with answers that imply nothing higher.
  void SubmitLowAssessment(const std::string& pre_application,
                           const std::string& business_id) {
    v1::CreateImpactAssessmentRequest request;
    const v1::BusinessProfile cards = ProfilesMeetingEachItem()[2];
    v1::ImpactAssessment& assessment = *request.mutable_impact_assessment();
    assessment = LowAssessment(
        {cards.information_kinds().begin(), cards.information_kinds().end()});
    assessment.mutable_pre_application_business()->set_pre_application(
        pre_application);
    assessment.mutable_pre_application_business()->set_business_id(business_id);
    request.set_request_id(absl::StrCat("assess-", ++request_counter_));
    v1::ImpactAssessment created;
    const grpc::Status status = impact_->CreateImpactAssessment(
        As(Ministry()).get(), request, &created);
    EXPECT_TRUE(status.ok()) << status.error_message();
  }

  // Reads the pre-application until its latest judgement is `outcome` (or
  // 15 s pass): judgements follow assessments through the impact feed.
  v1::PreApplication AwaitOutcome(const std::string& name,
                                  v1::EligibilityOutcome outcome) {
    v1::PreApplication pre;
    const absl::Time deadline = absl::Now() + absl::Seconds(15);
    while (absl::Now() < deadline) {
      v1::GetPreApplicationRequest request;
      request.set_name(name);
      const grpc::Status status =
          eligibility_->GetPreApplication(As(Ipa()).get(), request, &pre);
      EXPECT_TRUE(status.ok()) << status.error_message();
      if (pre.judgement().overall_outcome() == outcome) return pre;
      absl::SleepFor(absl::Milliseconds(20));
    }
    ADD_FAILURE() << "timed out waiting for " << name << " to be "
                  << v1::EligibilityOutcome_Name(outcome)
                  << "; last judgement: " << pre.judgement().DebugString();
    return pre;
  }

  // ---- AuditPlanningService calls ----

  grpc::Status Register(const std::string& pre_application,
                        const v1::StatementScope& scope, v1::CloudService* out,
                        const std::string& token = "") {
    v1::RegisterServiceRequest request;
    request.set_pre_application(pre_application);
    *request.mutable_statement_scope() = scope;
    request.set_request_id(absl::StrCat("register-", ++request_counter_));
    request.set_reason("外部監査の結果、登録要件を満たす");
    return audit_->RegisterService(As(token.empty() ? Ipa() : token).get(),
                                   request, out);
  }

  // Registers an eligible pre-application of example-saas excluding
  // `excluded`; fails the test if it cannot.
  v1::CloudService Registered(const std::vector<std::string>& excluded = {}) {
    v1::CloudService service;
    const grpc::Status status =
        Register(EligiblePreApplication(), Excluding(excluded), &service);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return service;
  }

  grpc::Status Hold(const std::string& pre_application, v1::CloudService* out,
                    const std::string& token = "") {
    v1::HoldServiceRequest request;
    request.set_pre_application(pre_application);
    *request.mutable_statement_scope() = Excluding({"14.2.7"});
    request.set_reason("発見事項が軽微でないため再監査を求める");
    request.set_request_id(absl::StrCat("hold-", ++request_counter_));
    return audit_->HoldService(As(token.empty() ? Ipa() : token).get(), request,
                               out);
  }

  grpc::Status Get(const std::string& name, const std::string& token,
                   v1::CloudService* out) {
    v1::GetServiceRequest request;
    request.set_name(name);
    return audit_->GetService(As(token).get(), request, out);
  }

  // The service as IPA reads it now.
  v1::CloudService Read(const std::string& name) {
    v1::CloudService service;
    const grpc::Status status = Get(name, Ipa(), &service);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return service;
  }

  v1::Incident Incident(const std::vector<std::string>& objectives) {
    v1::Incident incident;
    *incident.mutable_occur_time() = Timestamp(absl::Now() - absl::Minutes(30));
    incident.set_description(
        "認証基盤の設定誤りにより他の利用者の名刺情報が閲覧可能になった");
    for (const std::string& id : objectives) incident.add_objectives(id);
    return incident;
  }

  grpc::Status Suspend(const v1::CloudService& service,
                       const std::vector<std::string>& objectives,
                       v1::CloudService* out, const std::string& token = "") {
    v1::SuspendServiceRequest request;
    request.set_name(service.name());
    request.set_etag(service.etag());
    *request.mutable_incident() = Incident(objectives);
    return audit_->SuspendService(As(token.empty() ? Ipa() : token).get(),
                                  request, out);
  }

  // An internal-audit report over [start, end) of `objectives`.
  static v1::InternalAuditReport Report(
      absl::Time start, absl::Time end,
      const std::vector<std::string>& objectives) {
    v1::InternalAuditReport report;
    *report.mutable_audit_period()->mutable_start_time() = Timestamp(start);
    *report.mutable_audit_period()->mutable_end_time() = Timestamp(end);
    for (const std::string& id : objectives) report.add_audited_objectives(id);
    report.set_summary("内部監査の結果、重大な不備はなかった");
    return report;
  }

  grpc::Status CreateReport(const std::string& service,
                            const v1::InternalAuditReport& report,
                            v1::InternalAuditReport* out,
                            const std::string& token = "",
                            const std::string& request_id = "") {
    v1::CreateInternalAuditReportRequest request;
    request.set_parent(service);
    *request.mutable_internal_audit_report() = report;
    request.set_request_id(request_id.empty()
                               ? absl::StrCat("report-", ++request_counter_)
                               : request_id);
    return audit_->CreateInternalAuditReport(
        As(token.empty() ? Csp() : token).get(), request, out);
  }

  // How many audit-trail events there are, as IPA reads them.
  int AuditEventCount() {
    int count = 0;
    v1::ListAuditEventsRequest request;
    request.set_page_size(500);
    auto trail = server_->Stub<v1::AuditTrailService>();
    do {
      v1::ListAuditEventsResponse response;
      const grpc::Status status =
          trail->ListAuditEvents(As(Ipa()).get(), request, &response);
      EXPECT_TRUE(status.ok()) << status.error_message();
      if (!status.ok()) return -1;
      count += response.audit_events_size();
      request.set_page_token(response.next_page_token());
    } while (!request.page_token().empty());
    return count;
  }

  // Runs `refused`, which must fail with `code`, and checks that the
  // database is byte for byte what it was and the audit trail no longer.
  void ExpectRefusedWithoutChange(grpc::StatusCode code,
                                  const std::function<grpc::Status()>& refused,
                                  const std::string& what) {
    const std::string before = server_->DumpAllTables();
    const int events = AuditEventCount();
    const grpc::Status status = refused();
    EXPECT_EQ(status.error_code(), code)
        << what << ": " << status.error_message();
    EXPECT_EQ(server_->DumpAllTables(), before) << what;
    EXPECT_EQ(AuditEventCount(), events) << what;
  }

  std::unique_ptr<TestServer> server_;
  std::unique_ptr<v1::AuditPlanningService::Stub> audit_;
  std::unique_ptr<v1::EligibilityService::Stub> eligibility_;
  std::unique_ptr<v1::ImpactAssessmentService::Stub> impact_;
  int request_counter_ = 0;
};

}  // namespace ismap::liu::testing

#endif  // ISMAP_LIU_TESTS_AUDIT_AUDIT_TESTING_H_
