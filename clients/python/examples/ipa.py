#!/usr/bin/python3
"""IPA (ISMAP運用支援機関) at work: lists the review cases (要検討業務),
confirms one as low impact, lists the registered services
(ISMAP-LIUクラウドサービスリスト) and verifies the audit trail (監査証跡).

    export LIU_TOKEN="$(build/debug/bin/liuctl dev-token --role=ipa --organisation=ipa)"
    PYTHONPATH=build/debug/python clients/python/examples/ipa.py review-cases --state=open
    PYTHONPATH=build/debug/python clients/python/examples/ipa.py verify
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from ismap.liu.v1 import audit_planning_pb2 as planning
from ismap.liu.v1 import audit_trail_pb2 as audit_trail
from ismap.liu.v1 import review_pb2 as review
from ismap_liu import LiuClient, list_all
from ismap_liu.cli import (EXIT_AUDIT_TRAIL_BROKEN, EXIT_CODES_HELP, EXIT_OK,
                           add_connection_arguments, enum_label, resource_name, run)

_STATES = {
    "open": review.ReviewCase.STATE_OPEN,
    "confirmed": review.ReviewCase.STATE_CONFIRMED,
    "rejected": review.ReviewCase.STATE_REJECTED,
}


def review_cases(client: LiuClient, args: argparse.Namespace) -> int:
    request = review.ListReviewCasesRequest()
    if args.state:
        request.state = _STATES[args.state]
    if args.overdue is not None:
        request.overdue = args.overdue
    for case in list_all(client.review.list_review_cases, request, "review_cases"):
        state = enum_label(review.ReviewCase.State, case.state)
        overdue = " OVERDUE" if case.overdue else ""
        print(f"{case.name} 「{case.business.title}」 {state}{overdue}, due "
              f"{case.due_time.ToJsonString()}, low assessments from "
              f"{len(case.low_assessment_ministries)} of "
              f"{case.required_distinct_ministries} ministries, "
              f"{len(case.linked_businesses)} linked businesses")
    return EXIT_OK


def confirm(client: LiuClient, args: argparse.Namespace) -> int:
    name = resource_name("reviewCases", args.review_case)
    etag = args.etag
    if not etag:
        etag = client.review.get_review_case(review.GetReviewCaseRequest(name=name)).etag
    case = client.review.confirm_review_case(
        review.ConfirmReviewCaseRequest(name=name, etag=etag, reason=args.reason))
    print(f"confirmed {case.name}: added as {case.decision.target_business} in list "
          f"version {case.decision.list_version}, counting "
          f"{', '.join(case.decision.counted_assessment_revisions)}")
    return EXIT_OK


def registered(client: LiuClient, args: argparse.Namespace) -> int:
    for entry in list_all(client.audit_planning.list_registered_services,
                          planning.ListRegisteredServicesRequest(), "services"):
        state = enum_label(planning.CloudService.State, entry.state)
        print(f"{entry.service} 「{entry.service_name}」 {entry.csp} {state}, "
              f"registered {entry.registration_time.ToJsonString()}")
    return EXIT_OK


def verify(client: LiuClient, args: argparse.Namespace) -> int:
    result = client.audit_trail.verify_audit_trail(audit_trail.VerifyAuditTrailRequest())
    if result.intact:
        print(f"intact: {result.events_checked} events verified")
        return EXIT_OK
    print(f"BROKEN at event {result.first_broken_sequence}: {result.reason} "
          f"({result.events_checked} events before it verified)")
    return EXIT_AUDIT_TRAIL_BROKEN


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ipa.py",
        description="IPA lists and confirms review cases (要検討業務), lists the "
                    "registered services and verifies the audit trail. Needs an "
                    "IPA token.",
        epilog=EXIT_CODES_HELP + "; 5 the audit trail is broken (verify)")
    add_connection_arguments(parser)
    commands = parser.add_subparsers(title="commands", required=True,
                                     metavar="COMMAND")

    cases_command = commands.add_parser(
        "review-cases", help="list review cases",
        description="Lists review cases (要検討業務), oldest due date first.",
        epilog=EXIT_CODES_HELP)
    cases_command.add_argument("--state", choices=sorted(_STATES),
                               help="only cases in this state")
    overdue = cases_command.add_mutually_exclusive_group()
    overdue.add_argument("--overdue", dest="overdue", action="store_const", const=True,
                         help="only cases past their due date (期限超過)")
    overdue.add_argument("--not_overdue", dest="overdue", action="store_const",
                         const=False, help="only cases not past their due date")
    cases_command.set_defaults(handler=review_cases)

    confirm_command = commands.add_parser(
        "confirm", help="confirm a review case as low impact",
        description="Confirms (確認) a review case: its business joins the "
                    "target-business list as a new item. Needs LOW assessments "
                    "from the required number of ministries.",
        epilog=EXIT_CODES_HELP)
    confirm_command.add_argument("review_case", metavar="NAME",
                                 help="reviewCases/{id} (or just the id)")
    confirm_command.add_argument("--reason", required=True,
                                 help="the written reason (判断理由)")
    confirm_command.add_argument(
        "--etag", help="the etag last read (default: read the case now)")
    confirm_command.set_defaults(handler=confirm)

    registered_command = commands.add_parser(
        "registered", help="list the registered services",
        description="Lists the public list of ISMAP-LIU services "
                    "(ISMAP-LIUクラウドサービスリスト), suspended ones marked.",
        epilog=EXIT_CODES_HELP)
    registered_command.set_defaults(handler=registered)

    verify_command = commands.add_parser(
        "verify", help="verify the hash-chained audit trail",
        description="Recomputes the audit trail's hash chain (監査証跡) and names "
                    "the first event that was edited, deleted or moved.",
        epilog=EXIT_CODES_HELP + "; 5 the audit trail is broken")
    verify_command.set_defaults(handler=verify)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    return run(build_parser(), argv)


if __name__ == "__main__":
    sys.exit(main())
