#!/usr/bin/python3
"""A cloud service provider (CSP, クラウドサービス事業者) at work: files a
pre-application (事前申請) for a SaaS, reads its judgement (判断結果), and lists
the notifications (通知) of changed outcomes.

    PYTHONPATH=build/debug/python clients/python/examples/csp.py \\
        --token="$(build/debug/bin/liuctl dev-token --role=csp --organisation=example-saas)" \\
        file clients/python/examples/pre_application.json
"""

from __future__ import annotations

import argparse
import sys
import uuid
from collections.abc import Sequence
from pathlib import Path

from ismap.liu.v1 import eligibility_pb2 as eligibility
from ismap_liu import LiuClient, list_all
from ismap_liu.cli import (EXIT_CODES_HELP, EXIT_OK, add_connection_arguments,
                           enum_label, read_message, resource_name, run, text)


def file_pre_application(client: LiuClient, args: argparse.Namespace) -> int:
    pre_application = read_message(args.file, eligibility.PreApplication())
    request_id = args.request_id or str(uuid.uuid4())
    created = client.eligibility.create_pre_application(
        eligibility.CreatePreApplicationRequest(pre_application=pre_application,
                                                request_id=request_id))
    print(f"filed {created.name} (request id {request_id}: pass it as "
          f"--request_id to retry without filing twice)")
    print_pre_application(created)
    return EXIT_OK


def show(client: LiuClient, args: argparse.Namespace) -> int:
    print_pre_application(client.eligibility.get_pre_application(
        eligibility.GetPreApplicationRequest(
            name=resource_name("preApplications", args.pre_application))))
    return EXIT_OK


def notifications(client: LiuClient, args: argparse.Namespace) -> int:
    parent = resource_name("preApplications", args.pre_application)
    for notification in list_all(
            client.eligibility.list_notifications,
            eligibility.ListNotificationsRequest(parent=parent), "notifications"):
        print(f"#{notification.sequence} {notification.notify_time.ToJsonString()} "
              f"{notification.pre_application}: "
              f"{outcome(notification.previous_outcome)} -> "
              f"{outcome(notification.new_outcome)}")
        if notification.summary.ja or notification.summary.en:
            print(f"  {text(notification.summary)}")
        for change in notification.business_changes:
            print(f"  business {change.business_id}: "
                  f"{outcome(change.previous_outcome)} -> {outcome(change.new_outcome)}")
    return EXIT_OK


def print_pre_application(pre_application: eligibility.PreApplication) -> None:
    state = enum_label(eligibility.PreApplication.State, pre_application.state)
    print(f"{pre_application.name} 「{pre_application.service_name}」 "
          f"{pre_application.csp} {state}")
    if pre_application.HasField("judgement"):
        print_judgement(pre_application.judgement)
    else:
        print("  not judged yet")


def print_judgement(judgement: eligibility.Judgement) -> None:
    trigger = enum_label(eligibility.Judgement.Trigger, judgement.trigger)
    print(f"judgement {judgement.name}: {outcome(judgement.overall_outcome)} "
          f"(trigger {trigger}, rules {judgement.rules_version[:12]}, "
          f"list version {judgement.list_version})")
    if judgement.summary.ja or judgement.summary.en:
        print(f"  {text(judgement.summary)}")
    for business in judgement.businesses:
        matched = (f", matches {business.matched_target_business}"
                   if business.matched_target_business else "")
        print(f"  business {business.business_id}: {outcome(business.outcome)}{matched}")
        for ministry in business.waiting_for_ministries:
            print(f"    waiting for the impact assessment of {ministry}")
        if business.review_case:
            print(f"    review case {business.review_case}")
        for reason in business.reasons:
            print(f"    - {text(reason.text)}")


def outcome(value: int) -> str:
    """The outcome's name; "none" before the first judgement."""
    if value == eligibility.ELIGIBILITY_OUTCOME_UNSPECIFIED:
        return "none"
    return enum_label(eligibility.EligibilityOutcome, value)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="csp.py",
        description="A CSP files a pre-application (事前申請), reads its "
                    "judgement and lists its notifications. Needs a CSP token.",
        epilog=EXIT_CODES_HELP)
    add_connection_arguments(parser)
    commands = parser.add_subparsers(title="commands", required=True,
                                     metavar="COMMAND")

    file_command = commands.add_parser(
        "file", help="file a pre-application from a JSON file; print its judgement",
        description="Files (提出) the PreApplication in FILE (proto3 JSON, UTF-8; "
                    "see pre_application.json) and prints the first judgement.",
        epilog=EXIT_CODES_HELP)
    file_command.add_argument("file", type=Path, metavar="FILE",
                              help="the pre-application as JSON")
    file_command.add_argument(
        "--request_id",
        help="idempotency key; reuse the one printed by a call that timed out to "
             "retry it (default: a new UUID)")
    file_command.set_defaults(handler=file_pre_application)

    show_command = commands.add_parser(
        "show", help="print a pre-application and its latest judgement",
        description="Prints a pre-application with its latest judgement "
                    "(判断結果): the outcome per business and the reasons.",
        epilog=EXIT_CODES_HELP)
    show_command.add_argument("pre_application", metavar="NAME",
                              help="preApplications/{id} (or just the id)")
    show_command.set_defaults(handler=show)

    notifications_command = commands.add_parser(
        "notifications", help="list notifications of changed outcomes",
        description="Lists the notifications (通知) of your pre-applications, "
                    "newest first.",
        epilog=EXIT_CODES_HELP)
    notifications_command.add_argument(
        "--pre_application", default="-", metavar="NAME",
        help="only those of this pre-application (default: all of yours)")
    notifications_command.set_defaults(handler=notifications)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    return run(build_parser(), argv)


if __name__ == "__main__":
    sys.exit(main())
