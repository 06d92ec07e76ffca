// Every AuditPlanningService RPC whose grant is limited to the caller's own
// services, tried by another CSP on a real registered service with a real
// report: each is refused without a word about the service (NOT_FOUND, or a
// list without its items), and storage is unchanged. A coverage check holds
// the cases against the access policy, so that an RPC granted OWN without a
// case here fails the suite.
#include <functional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "ismap/liu/v1/rules.pb.h"
#include "tests/audit/audit_testing.h"

namespace ismap::liu {
namespace {

using testing::AuditPlanningTest;

// One RPC tried by the other CSP: whether the service stayed hidden.
struct Intrusion {
  std::string method;  // e.g. "GetService".
  std::function<bool()> hidden;
};

class OwnershipServiceTest : public AuditPlanningTest {
 protected:
  void SetUp() override {
    AuditPlanningTest::SetUp();
    if (HasFatalFailure()) return;
    service_ = Registered();
    const absl::Time now = absl::Now();
    ASSERT_TRUE(CreateReport(service_.name(),
                             Report(now - absl::Hours(24 * 30),
                                    now - absl::Hours(1), {"5.1.1"}),
                             &report_)
                    .ok());
  }

  static bool NotFound(const grpc::Status& status) {
    return status.error_code() == grpc::StatusCode::NOT_FOUND;
  }

  std::vector<Intrusion> Intrusions() {
    const std::string name = service_.name();
    return {
        {"GetService",
         [this, name] {
           v1::CloudService out;
           return NotFound(Get(name, OtherCsp(), &out));
         }},
        {"ListServices",
         [this] {
           v1::ListServicesRequest request;
           request.set_csp("csps/example-saas");
           v1::ListServicesResponse out;
           const grpc::Status status =
               audit_->ListServices(As(OtherCsp()).get(), request, &out);
           return status.ok() && out.services().empty();
         }},
        {"GetExternalAuditPlan",
         [this, name] {
           v1::GetExternalAuditPlanRequest request;
           request.set_name(name + "/externalAuditPlans/1");
           v1::ExternalAuditPlan out;
           return NotFound(audit_->GetExternalAuditPlan(As(OtherCsp()).get(),
                                                        request, &out));
         }},
        {"ListExternalAuditPlans",
         [this, name] {
           v1::ListExternalAuditPlansRequest request;
           request.set_parent(name);
           v1::ListExternalAuditPlansResponse out;
           return NotFound(audit_->ListExternalAuditPlans(As(OtherCsp()).get(),
                                                          request, &out));
         }},
        {"GetInternalAuditPlan",
         [this, name] {
           v1::GetInternalAuditPlanRequest request;
           request.set_name(name + "/internalAuditPlan");
           v1::InternalAuditPlan out;
           return NotFound(audit_->GetInternalAuditPlan(As(OtherCsp()).get(),
                                                        request, &out));
         }},
        {"CreateInternalAuditReport",
         [this, name] {
           const absl::Time now = absl::Now();
           v1::InternalAuditReport out;
           return NotFound(CreateReport(
               name,
               Report(now - absl::Hours(48), now - absl::Hours(24), {"5.1.1"}),
               &out, OtherCsp()));
         }},
        {"GetInternalAuditReport",
         [this] {
           v1::GetInternalAuditReportRequest request;
           request.set_name(report_.name());
           v1::InternalAuditReport out;
           return NotFound(audit_->GetInternalAuditReport(As(OtherCsp()).get(),
                                                          request, &out));
         }},
        {"ListInternalAuditReports",
         [this, name] {
           v1::ListInternalAuditReportsRequest request;
           request.set_parent(name);
           v1::ListInternalAuditReportsResponse out;
           if (!NotFound(audit_->ListInternalAuditReports(As(OtherCsp()).get(),
                                                          request, &out))) {
             return false;
           }
           request.set_parent("services/-");
           const grpc::Status every = audit_->ListInternalAuditReports(
               As(OtherCsp()).get(), request, &out);
           return every.ok() && out.internal_audit_reports().empty();
         }},
        {"GetCoverage",
         [this, name] {
           v1::GetCoverageRequest request;
           request.set_name(name + "/coverage");
           v1::Coverage out;
           return NotFound(
               audit_->GetCoverage(As(OtherCsp()).get(), request, &out));
         }},
    };
  }

  v1::CloudService service_;
  v1::InternalAuditReport report_;
};

TEST_F(OwnershipServiceTest, AnotherCspReachesNothingAndChangesNothing) {
  for (const Intrusion& intrusion : Intrusions()) {
    const std::string before = server_->DumpAllTables();
    EXPECT_TRUE(intrusion.hidden()) << intrusion.method;
    EXPECT_EQ(server_->DumpAllTables(), before)
        << intrusion.method << " changed storage";
  }
  // The owner still reads everything.
  v1::CloudService read;
  ASSERT_TRUE(Get(service_.name(), Csp(), &read).ok());
  EXPECT_EQ(read.etag(), service_.etag());
}

TEST_F(OwnershipServiceTest, EveryOwnGrantOfTheServiceHasACase) {
  std::set<std::string> covered;
  for (const Intrusion& intrusion : Intrusions()) {
    covered.insert(absl::StrCat(v1::AuditPlanningService::service_full_name(),
                                "/", intrusion.method));
  }
  const v1::AccessPolicy& policy =
      **server_->server().rules().Require<v1::AccessPolicy>();
  int limited = 0;
  for (const v1::MethodAccess& entry : policy.methods()) {
    if (!absl::StartsWith(entry.method(),
                          "ismap.liu.v1.AuditPlanningService/")) {
      continue;
    }
    for (const v1::RoleGrant& grant : entry.grants()) {
      if (grant.scope() == v1::ACCESS_SCOPE_ALL) continue;
      ++limited;
      // Only CSPs hold limited grants on this service.
      EXPECT_EQ(grant.role(), v1::CALLER_ROLE_CSP) << entry.method();
      EXPECT_TRUE(covered.count(entry.method()))
          << entry.method() << " grants a limited scope but has no case here";
    }
  }
  EXPECT_EQ(limited, static_cast<int>(covered.size()));
}

}  // namespace
}  // namespace ismap::liu
