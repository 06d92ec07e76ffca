"""LiuClient: every service of one server over one channel, and paging."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from types import TracebackType
from typing import Any, TypeVar

import grpc
from google.protobuf.message import Message

from ismap_liu.health import ServingStatus, check_health
from ismap_liu.services import (AuditPlanningService, AuditTrailService,
                                EligibilityService, ImpactAssessmentService,
                                ReviewService, RuleSetService)

_Request = TypeVar("_Request", bound=Message)

# Deadline of a unary call that sets none, in seconds (the server's default).
DEFAULT_TIMEOUT = 30.0


class LiuClient:
    """The API of one server (or of one process of the microservice layout).

    Owns `channel` and closes it on close() or at the end of a `with` block.
    Unary calls take `timeout` seconds unless the call sets its own.
    """

    def __init__(self, channel: grpc.Channel, *,
                 timeout: float = DEFAULT_TIMEOUT) -> None:
        self._channel = channel
        self._timeout = timeout
        self.impact_assessments = ImpactAssessmentService(channel, timeout)
        self.eligibility = EligibilityService(channel, timeout)
        self.review = ReviewService(channel, timeout)
        self.audit_planning = AuditPlanningService(channel, timeout)
        self.rule_sets = RuleSetService(channel, timeout)
        self.audit_trail = AuditTrailService(channel, timeout)

    def check_health(self, service: str = "") -> ServingStatus:
        """grpc.health.v1 status of `service` (a full name such as
        "ismap.liu.v1.RuleSetService"; "" for the whole server). Needs no token."""
        return check_health(self._channel, service, self._timeout)

    def close(self) -> None:
        self._channel.close()

    def __enter__(self) -> LiuClient:
        return self

    def __exit__(self, kind: type[BaseException] | None,
                 error: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.close()


def list_all(method: Callable[[_Request], Any], request: _Request,
             items: str) -> Iterator[Any]:
    """Every item of a paged List call, page after page.

    `method` is a List method (e.g. client.review.list_review_cases), `request`
    its request with the filters (and page_size) wanted, `items` the name of the
    response's repeated field (e.g. "review_cases"). `request` is not changed.
    """
    page_request = copy.deepcopy(request)
    while True:
        response = method(page_request)
        yield from getattr(response, items)
        if not response.next_page_token:
            return
        page_request.page_token = response.next_page_token  # type: ignore[attr-defined]
