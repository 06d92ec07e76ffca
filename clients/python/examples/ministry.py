#!/usr/bin/python3
"""A ministry (利用省庁) at work: lists the pre-applications (事前申請) that name
it as a user of a business, and submits an impact assessment
(業務・情報の影響度評価) of one of those businesses.

    export LIU_TOKEN="$(build/debug/bin/liuctl dev-token --role=ministry --organisation=mlit)"
    PYTHONPATH=build/debug/python clients/python/examples/ministry.py \\
        pre-applications --ministry=mlit --waiting
    PYTHONPATH=build/debug/python clients/python/examples/ministry.py \\
        assess clients/python/examples/impact_assessment.json \\
        --pre_application=preApplications/... --business_id=meishi-kanri
"""

from __future__ import annotations

import argparse
import sys
import uuid
from collections.abc import Sequence
from pathlib import Path

from ismap.liu.v1 import common_pb2 as common
from ismap.liu.v1 import eligibility_pb2 as eligibility
from ismap.liu.v1 import impact_assessment_pb2 as impact
from ismap_liu import LiuClient, list_all
from ismap_liu.cli import (EXIT_CODES_HELP, EXIT_OK, UsageError,
                           add_connection_arguments, enum_label, read_message,
                           resource_name, run)


def pre_applications(client: LiuClient, args: argparse.Namespace) -> int:
    ministry = resource_name("ministries", args.ministry)
    request = (eligibility.ListPreApplicationsRequest(waiting_for_ministry=ministry)
               if args.waiting else eligibility.ListPreApplicationsRequest(ministry=ministry))
    for pre_application in list_all(client.eligibility.list_pre_applications, request,
                                    "pre_applications"):
        overall = enum_label(eligibility.EligibilityOutcome,
                             pre_application.judgement.overall_outcome)
        print(f"{pre_application.name} 「{pre_application.service_name}」 "
              f"{pre_application.csp}: {overall}")
        outcomes = {business.business_id: business
                    for business in pre_application.judgement.businesses}
        for business in pre_application.businesses:
            if ministry not in business.ministries:
                continue
            judged = outcomes.get(business.business_id)
            waiting = judged is not None and ministry in judged.waiting_for_ministries
            label = (enum_label(eligibility.EligibilityOutcome, judged.outcome)
                     if judged is not None else "not judged")
            print(f"  business {business.business_id} 「{business.profile.title}」: "
                  f"{label}{' (waiting for your assessment)' if waiting else ''}")
    return EXIT_OK


def assess(client: LiuClient, args: argparse.Namespace) -> int:
    assessment = read_message(args.file, impact.ImpactAssessment())
    if args.review_case and (args.pre_application or args.business_id):
        raise UsageError("give either --review_case or --pre_application with "
                         "--business_id, not both")
    if args.review_case:
        assessment.review_case = resource_name("reviewCases", args.review_case)
    elif args.pre_application or args.business_id:
        if not (args.pre_application and args.business_id):
            raise UsageError("--pre_application and --business_id go together")
        assessment.pre_application_business.CopyFrom(common.BusinessRef(
            pre_application=resource_name("preApplications", args.pre_application),
            business_id=args.business_id))
    if assessment.WhichOneof("subject") is None:
        raise UsageError(f"{args.file} names no subject: pass --pre_application and "
                         "--business_id, or --review_case")
    request_id = args.request_id or str(uuid.uuid4())
    created = client.impact_assessments.create_impact_assessment(
        impact.CreateImpactAssessmentRequest(impact_assessment=assessment,
                                             request_id=request_id))
    print(f"submitted {created.name} revision {created.revision} "
          f"(request id {request_id})")
    mark = created.high_water_mark
    print(f"  C/I/A: {level(mark.confidentiality)}/{level(mark.integrity)}/"
          f"{level(mark.availability)}, overall {level(created.overall_level)}, "
          f"{'low impact' if created.all_low else 'NOT low impact'}")
    print(f"  rules {created.rules_version[:12]}")
    return EXIT_OK


def level(value: int) -> str:
    return enum_label(common.ImpactLevel, value)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ministry.py",
        description="A ministry lists the pre-applications (事前申請) naming it "
                    "and submits impact assessments (影響度評価). Needs a ministry "
                    "token.",
        epilog=EXIT_CODES_HELP)
    add_connection_arguments(parser)
    commands = parser.add_subparsers(title="commands", required=True,
                                     metavar="COMMAND")

    list_command = commands.add_parser(
        "pre-applications", help="list the pre-applications naming the ministry",
        description="Lists the pre-applications with a business the ministry "
                    "will use, newest first, with each business's outcome.",
        epilog=EXIT_CODES_HELP)
    list_command.add_argument("--ministry", required=True,
                              help="the ministry, ministries/{id} or just the id "
                                   "(the organisation of your token)")
    list_command.add_argument("--waiting", action="store_true",
                              help="only those waiting for the ministry's "
                                   "assessment (影響度評価待ち)")
    list_command.set_defaults(handler=pre_applications)

    assess_command = commands.add_parser(
        "assess", help="submit an impact assessment from a JSON file",
        description="Submits (提出) the ImpactAssessment in FILE (proto3 JSON, "
                    "UTF-8; see impact_assessment.json) and prints the levels "
                    "the server computed. The subject comes from the flags or, "
                    "without them, from the file.",
        epilog=EXIT_CODES_HELP)
    assess_command.add_argument("file", type=Path, metavar="FILE",
                                help="the assessment as JSON")
    assess_command.add_argument("--pre_application", metavar="NAME",
                                help="subject: the pre-application, "
                                     "preApplications/{id} (with --business_id)")
    assess_command.add_argument("--business_id",
                                help="subject: the business's id within it")
    assess_command.add_argument("--review_case", metavar="NAME",
                                help="subject: a review case, reviewCases/{id}")
    assess_command.add_argument(
        "--request_id",
        help="idempotency key; reuse the one printed by a call that timed out to "
             "retry it (default: a new UUID)")
    assess_command.set_defaults(handler=assess)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    return run(build_parser(), argv)


if __name__ == "__main__":
    sys.exit(main())
