"""Typed access to every service of the API: one class per service, one method
per RPC, named after it in snake_case (ListRuleSets -> list_rule_sets).

Each method takes the RPC's request message and returns its response message
(server-streaming RPCs: an iterator of them, which also has `cancel()`), and
raises grpc.RpcError when the call fails (see errors.describe_error). What each
RPC does, who may call it and how it fails is documented in
proto/ismap/liu/v1/, which the messages are generated from.

`timeout` is the call's deadline in seconds; unary calls default to the
client's, server-streaming calls to none (a watch runs until cancelled or until
the server's own deadline ends it).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import grpc
from google.protobuf.descriptor import ServiceDescriptor
from google.protobuf.message import Message
from ismap.liu.v1 import audit_planning_pb2 as planning
from ismap.liu.v1 import audit_planning_pb2_grpc as planning_grpc
from ismap.liu.v1 import audit_trail_pb2 as audit_trail
from ismap.liu.v1 import audit_trail_pb2_grpc as audit_trail_grpc
from ismap.liu.v1 import eligibility_pb2 as eligibility
from ismap.liu.v1 import eligibility_pb2_grpc as eligibility_grpc
from ismap.liu.v1 import impact_assessment_pb2 as impact
from ismap.liu.v1 import impact_assessment_pb2_grpc as impact_grpc
from ismap.liu.v1 import review_pb2 as review
from ismap.liu.v1 import review_pb2_grpc as review_grpc
from ismap.liu.v1 import rule_set_pb2 as rule_set
from ismap.liu.v1 import rule_set_pb2_grpc as rule_set_grpc

# A call's deadline in seconds from now; None: the default.
Timeout = float | None

_Response = TypeVar("_Response", bound=Message)


class _Service:
    """One service's gRPC stub, with the client's default deadline."""

    DESCRIPTOR: ServiceDescriptor

    def __init__(self, stub: Any, timeout: Timeout) -> None:
        self._stub = stub
        self._timeout = timeout

    def _unary(self, method: Callable[..., _Response], request: Message,
               timeout: Timeout) -> _Response:
        return method(request, timeout=self._timeout if timeout is None else timeout)

    def _stream(self, method: Callable[..., Iterator[_Response]], request: Message,
                timeout: Timeout) -> Iterator[_Response]:
        return method(request, timeout=timeout)


class ImpactAssessmentService(_Service):
    """Ministries' impact assessments (業務・情報の影響度評価)."""

    DESCRIPTOR = impact.DESCRIPTOR.services_by_name["ImpactAssessmentService"]

    def __init__(self, channel: grpc.Channel, timeout: Timeout) -> None:
        super().__init__(impact_grpc.ImpactAssessmentServiceStub(channel), timeout)

    def create_impact_assessment(
            self, request: impact.CreateImpactAssessmentRequest, *,
            timeout: Timeout = None) -> impact.ImpactAssessment:
        return self._unary(self._stub.CreateImpactAssessment, request, timeout)

    def get_impact_assessment(
            self, request: impact.GetImpactAssessmentRequest, *,
            timeout: Timeout = None) -> impact.ImpactAssessment:
        return self._unary(self._stub.GetImpactAssessment, request, timeout)

    def list_impact_assessments(
            self, request: impact.ListImpactAssessmentsRequest, *,
            timeout: Timeout = None) -> impact.ListImpactAssessmentsResponse:
        return self._unary(self._stub.ListImpactAssessments, request, timeout)

    def revise_impact_assessment(
            self, request: impact.ReviseImpactAssessmentRequest, *,
            timeout: Timeout = None) -> impact.ImpactAssessment:
        return self._unary(self._stub.ReviseImpactAssessment, request, timeout)

    def withdraw_impact_assessment(
            self, request: impact.WithdrawImpactAssessmentRequest, *,
            timeout: Timeout = None) -> impact.ImpactAssessment:
        return self._unary(self._stub.WithdrawImpactAssessment, request, timeout)

    def get_impact_assessment_revision(
            self, request: impact.GetImpactAssessmentRevisionRequest, *,
            timeout: Timeout = None) -> impact.ImpactAssessmentRevision:
        return self._unary(self._stub.GetImpactAssessmentRevision, request, timeout)

    def list_impact_assessment_revisions(
            self, request: impact.ListImpactAssessmentRevisionsRequest, *,
            timeout: Timeout = None) -> impact.ListImpactAssessmentRevisionsResponse:
        return self._unary(self._stub.ListImpactAssessmentRevisions, request, timeout)

    def watch_impact_assessments(
            self, request: impact.WatchImpactAssessmentsRequest, *,
            timeout: Timeout = None) -> Iterator[impact.ImpactAssessmentEvent]:
        return self._stream(self._stub.WatchImpactAssessments, request, timeout)


class EligibilityService(_Service):
    """Pre-applications (事前申請), their judgements and notifications, and the
    target-business list (対象業務一覧)."""

    DESCRIPTOR = eligibility.DESCRIPTOR.services_by_name["EligibilityService"]

    def __init__(self, channel: grpc.Channel, timeout: Timeout) -> None:
        super().__init__(eligibility_grpc.EligibilityServiceStub(channel), timeout)

    def evaluate_business(
            self, request: eligibility.EvaluateBusinessRequest, *,
            timeout: Timeout = None) -> eligibility.EvaluateBusinessResponse:
        return self._unary(self._stub.EvaluateBusiness, request, timeout)

    def create_pre_application(
            self, request: eligibility.CreatePreApplicationRequest, *,
            timeout: Timeout = None) -> eligibility.PreApplication:
        return self._unary(self._stub.CreatePreApplication, request, timeout)

    def get_pre_application(
            self, request: eligibility.GetPreApplicationRequest, *,
            timeout: Timeout = None) -> eligibility.PreApplication:
        return self._unary(self._stub.GetPreApplication, request, timeout)

    def list_pre_applications(
            self, request: eligibility.ListPreApplicationsRequest, *,
            timeout: Timeout = None) -> eligibility.ListPreApplicationsResponse:
        return self._unary(self._stub.ListPreApplications, request, timeout)

    def reevaluate_pre_application(
            self, request: eligibility.ReevaluatePreApplicationRequest, *,
            timeout: Timeout = None) -> eligibility.PreApplication:
        return self._unary(self._stub.ReevaluatePreApplication, request, timeout)

    def withdraw_pre_application(
            self, request: eligibility.WithdrawPreApplicationRequest, *,
            timeout: Timeout = None) -> eligibility.PreApplication:
        return self._unary(self._stub.WithdrawPreApplication, request, timeout)

    def get_judgement(
            self, request: eligibility.GetJudgementRequest, *,
            timeout: Timeout = None) -> eligibility.Judgement:
        return self._unary(self._stub.GetJudgement, request, timeout)

    def list_judgements(
            self, request: eligibility.ListJudgementsRequest, *,
            timeout: Timeout = None) -> eligibility.ListJudgementsResponse:
        return self._unary(self._stub.ListJudgements, request, timeout)

    def get_notification(
            self, request: eligibility.GetNotificationRequest, *,
            timeout: Timeout = None) -> eligibility.Notification:
        return self._unary(self._stub.GetNotification, request, timeout)

    def list_notifications(
            self, request: eligibility.ListNotificationsRequest, *,
            timeout: Timeout = None) -> eligibility.ListNotificationsResponse:
        return self._unary(self._stub.ListNotifications, request, timeout)

    def watch_notifications(
            self, request: eligibility.WatchNotificationsRequest, *,
            timeout: Timeout = None) -> Iterator[eligibility.WatchNotificationsResponse]:
        return self._stream(self._stub.WatchNotifications, request, timeout)

    def get_target_business(
            self, request: eligibility.GetTargetBusinessRequest, *,
            timeout: Timeout = None) -> eligibility.TargetBusiness:
        return self._unary(self._stub.GetTargetBusiness, request, timeout)

    def list_target_businesses(
            self, request: eligibility.ListTargetBusinessesRequest, *,
            timeout: Timeout = None) -> eligibility.ListTargetBusinessesResponse:
        return self._unary(self._stub.ListTargetBusinesses, request, timeout)


class ReviewService(_Service):
    """Review cases (要検討業務): two ministries assess, IPA confirms or rejects."""

    DESCRIPTOR = review.DESCRIPTOR.services_by_name["ReviewService"]

    def __init__(self, channel: grpc.Channel, timeout: Timeout) -> None:
        super().__init__(review_grpc.ReviewServiceStub(channel), timeout)

    def get_review_case(
            self, request: review.GetReviewCaseRequest, *,
            timeout: Timeout = None) -> review.ReviewCase:
        return self._unary(self._stub.GetReviewCase, request, timeout)

    def list_review_cases(
            self, request: review.ListReviewCasesRequest, *,
            timeout: Timeout = None) -> review.ListReviewCasesResponse:
        return self._unary(self._stub.ListReviewCases, request, timeout)

    def confirm_review_case(
            self, request: review.ConfirmReviewCaseRequest, *,
            timeout: Timeout = None) -> review.ReviewCase:
        return self._unary(self._stub.ConfirmReviewCase, request, timeout)

    def reject_review_case(
            self, request: review.RejectReviewCaseRequest, *,
            timeout: Timeout = None) -> review.ReviewCase:
        return self._unary(self._stub.RejectReviewCase, request, timeout)


class AuditPlanningService(_Service):
    """Registration (登録), suspension, external and internal audit plans, reports
    and coverage of ISMAP-LIU services."""

    DESCRIPTOR = planning.DESCRIPTOR.services_by_name["AuditPlanningService"]

    def __init__(self, channel: grpc.Channel, timeout: Timeout) -> None:
        super().__init__(planning_grpc.AuditPlanningServiceStub(channel), timeout)

    def register_service(
            self, request: planning.RegisterServiceRequest, *,
            timeout: Timeout = None) -> planning.CloudService:
        return self._unary(self._stub.RegisterService, request, timeout)

    def hold_service(
            self, request: planning.HoldServiceRequest, *,
            timeout: Timeout = None) -> planning.CloudService:
        return self._unary(self._stub.HoldService, request, timeout)

    def reject_service(
            self, request: planning.RejectServiceRequest, *,
            timeout: Timeout = None) -> planning.CloudService:
        return self._unary(self._stub.RejectService, request, timeout)

    def get_service(
            self, request: planning.GetServiceRequest, *,
            timeout: Timeout = None) -> planning.CloudService:
        return self._unary(self._stub.GetService, request, timeout)

    def list_services(
            self, request: planning.ListServicesRequest, *,
            timeout: Timeout = None) -> planning.ListServicesResponse:
        return self._unary(self._stub.ListServices, request, timeout)

    def suspend_service(
            self, request: planning.SuspendServiceRequest, *,
            timeout: Timeout = None) -> planning.CloudService:
        return self._unary(self._stub.SuspendService, request, timeout)

    def lift_service_suspension(
            self, request: planning.LiftServiceSuspensionRequest, *,
            timeout: Timeout = None) -> planning.CloudService:
        return self._unary(self._stub.LiftServiceSuspension, request, timeout)

    def list_registered_services(
            self, request: planning.ListRegisteredServicesRequest, *,
            timeout: Timeout = None) -> planning.ListRegisteredServicesResponse:
        return self._unary(self._stub.ListRegisteredServices, request, timeout)

    def get_external_audit_plan(
            self, request: planning.GetExternalAuditPlanRequest, *,
            timeout: Timeout = None) -> planning.ExternalAuditPlan:
        return self._unary(self._stub.GetExternalAuditPlan, request, timeout)

    def list_external_audit_plans(
            self, request: planning.ListExternalAuditPlansRequest, *,
            timeout: Timeout = None) -> planning.ListExternalAuditPlansResponse:
        return self._unary(self._stub.ListExternalAuditPlans, request, timeout)

    def get_internal_audit_plan(
            self, request: planning.GetInternalAuditPlanRequest, *,
            timeout: Timeout = None) -> planning.InternalAuditPlan:
        return self._unary(self._stub.GetInternalAuditPlan, request, timeout)

    def create_internal_audit_report(
            self, request: planning.CreateInternalAuditReportRequest, *,
            timeout: Timeout = None) -> planning.InternalAuditReport:
        return self._unary(self._stub.CreateInternalAuditReport, request, timeout)

    def get_internal_audit_report(
            self, request: planning.GetInternalAuditReportRequest, *,
            timeout: Timeout = None) -> planning.InternalAuditReport:
        return self._unary(self._stub.GetInternalAuditReport, request, timeout)

    def list_internal_audit_reports(
            self, request: planning.ListInternalAuditReportsRequest, *,
            timeout: Timeout = None) -> planning.ListInternalAuditReportsResponse:
        return self._unary(self._stub.ListInternalAuditReports, request, timeout)

    def get_coverage(
            self, request: planning.GetCoverageRequest, *,
            timeout: Timeout = None) -> planning.Coverage:
        return self._unary(self._stub.GetCoverage, request, timeout)

    def list_overdue_objectives(
            self, request: planning.ListOverdueObjectivesRequest, *,
            timeout: Timeout = None) -> planning.ListOverdueObjectivesResponse:
        return self._unary(self._stub.ListOverdueObjectives, request, timeout)


class RuleSetService(_Service):
    """The rule sets (規則セット) the deployment runs on and has run on."""

    DESCRIPTOR = rule_set.DESCRIPTOR.services_by_name["RuleSetService"]

    def __init__(self, channel: grpc.Channel, timeout: Timeout) -> None:
        super().__init__(rule_set_grpc.RuleSetServiceStub(channel), timeout)

    def get_rule_set(
            self, request: rule_set.GetRuleSetRequest, *,
            timeout: Timeout = None) -> rule_set.RuleSet:
        return self._unary(self._stub.GetRuleSet, request, timeout)

    def list_rule_sets(
            self, request: rule_set.ListRuleSetsRequest, *,
            timeout: Timeout = None) -> rule_set.ListRuleSetsResponse:
        return self._unary(self._stub.ListRuleSets, request, timeout)


class AuditTrailService(_Service):
    """The hash-chained audit trail (監査証跡); IPA only."""

    DESCRIPTOR = audit_trail.DESCRIPTOR.services_by_name["AuditTrailService"]

    def __init__(self, channel: grpc.Channel, timeout: Timeout) -> None:
        super().__init__(audit_trail_grpc.AuditTrailServiceStub(channel), timeout)

    def verify_audit_trail(
            self, request: audit_trail.VerifyAuditTrailRequest, *,
            timeout: Timeout = None) -> audit_trail.AuditTrailVerification:
        return self._unary(self._stub.VerifyAuditTrail, request, timeout)

    def list_audit_events(
            self, request: audit_trail.ListAuditEventsRequest, *,
            timeout: Timeout = None) -> audit_trail.ListAuditEventsResponse:
        return self._unary(self._stub.ListAuditEvents, request, timeout)


# Every service of the API, by full name.
SERVICES: dict[str, type[_Service]] = {
    service.DESCRIPTOR.full_name: service
    for service in (ImpactAssessmentService, EligibilityService, ReviewService,
                    AuditPlanningService, RuleSetService, AuditTrailService)
}
