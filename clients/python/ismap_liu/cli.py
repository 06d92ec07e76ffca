"""What command-line tools built on the package share: the connection flags
(the same as liuctl's), exit codes, reading requests from JSON files, and
printing resources for people.

A tool builds an argparse parser with add_connection_arguments(), gives each
sub-command a handler `(client, args) -> exit code` with
`set_defaults(handler=...)`, and returns run(parser, argv) from main().
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

import grpc
from google.protobuf import json_format
from google.protobuf.internal.enum_type_wrapper import EnumTypeWrapper
from google.protobuf.message import Message
from ismap.liu.v1 import common_pb2

from ismap_liu.channel import TlsConfig, open_channel
from ismap_liu.client import DEFAULT_TIMEOUT, LiuClient
from ismap_liu.errors import describe_error

# Exit codes, as liuctl's.
EXIT_OK = 0
EXIT_USAGE = 2
EXIT_UNREACHABLE = 4
EXIT_AUDIT_TRAIL_BROKEN = 5
EXIT_REFUSED = 6

EXIT_CODES_HELP = (
    "exit codes: 0 success; 2 usage error (bad flags, no token, an unreadable "
    "or invalid input file); 4 the server is unreachable or did not answer in "
    "time; 6 the server refused the call (the reason is printed)")

Handler = Callable[[LiuClient, argparse.Namespace], int]
_Message = TypeVar("_Message", bound=Message)


class UsageError(Exception):
    """The command line or an input file is wrong; the message says how."""


def add_connection_arguments(parser: argparse.ArgumentParser) -> None:
    """--server, --token, --timeout and the TLS flags."""
    group = parser.add_argument_group("connection")
    group.add_argument("--server", default="127.0.0.1:50051", metavar="HOST:PORT",
                       help="the server's host:port (default: %(default)s)")
    group.add_argument("--token", metavar="TOKEN",
                       help="bearer token for the calls (default: the LIU_TOKEN "
                            "environment variable); for a local run: liuctl "
                            "dev-token --role=... --organisation=...")
    group.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT, metavar="SECONDS",
                       help="deadline of each call in seconds (default: %(default)s)")
    group.add_argument("--tls", action="store_true",
                       help="use TLS, verifying the server with the system's CA "
                            "roots (implied by the other --tls_* flags); without "
                            "TLS, only a loopback --server is allowed")
    group.add_argument("--tls_ca", type=Path, metavar="FILE",
                       help="PEM CA to verify the server with (TLS)")
    group.add_argument("--tls_cert", type=Path, metavar="FILE",
                       help="PEM client certificate, for mutual TLS (with --tls_key)")
    group.add_argument("--tls_key", type=Path, metavar="FILE",
                       help="PEM client private key, for mutual TLS (with --tls_cert)")


def connect(args: argparse.Namespace) -> LiuClient:
    """A client for the connection flags; UsageError when they do not fit."""
    token = args.token or os.environ.get("LIU_TOKEN", "")
    if not token:
        raise UsageError("no token: pass --token=... or set LIU_TOKEN (for a local "
                         "run: liuctl dev-token --role=... --organisation=...)")
    tls = None
    if args.tls or args.tls_ca or args.tls_cert or args.tls_key:
        try:
            tls = TlsConfig(ca_file=args.tls_ca, cert_file=args.tls_cert,
                            key_file=args.tls_key)
        except ValueError as error:
            raise UsageError(f"{error}: pass --tls_cert and --tls_key together") \
                from error
    try:
        channel = open_channel(args.server, token=token.strip(), tls=tls)
    except ValueError as error:
        raise UsageError(f"{error} (--tls_ca=FILE, or --tls for the system's CA "
                         "roots)") from error
    except OSError as error:
        raise UsageError(f"cannot read a TLS file: {error}") from error
    return LiuClient(channel, timeout=args.timeout)


def run(parser: argparse.ArgumentParser, argv: Sequence[str] | None = None) -> int:
    """Parses `argv`, connects and runs the chosen sub-command's handler;
    returns the exit code. Refused calls and usage errors are printed to
    stderr as one clear message, never as a traceback."""
    args = parser.parse_args(argv)
    handler: Handler = args.handler
    try:
        with connect(args) as client:
            return handler(client, args)
    except UsageError as error:
        print(f"{parser.prog}: {error}", file=sys.stderr)
        return EXIT_USAGE
    except grpc.RpcError as error:
        code = error.code()  # type: ignore[attr-defined]
        unreachable = code in (grpc.StatusCode.UNAVAILABLE,
                               grpc.StatusCode.DEADLINE_EXCEEDED)
        what = f"cannot reach {args.server}" if unreachable else "refused"
        print(f"{parser.prog}: {what}: {describe_error(error)}", file=sys.stderr)
        return EXIT_UNREACHABLE if unreachable else EXIT_REFUSED


def read_message(path: Path, message: _Message) -> _Message:
    """Fills `message` from the proto3 JSON in `path` (UTF-8; field names in
    lowerCamelCase or as in the .proto); UsageError naming the file when it
    cannot be read or does not fit the message."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise UsageError(f"cannot read {path}: {error}") from error
    try:
        return json_format.Parse(text, message)
    except json_format.ParseError as error:
        raise UsageError(
            f"{path} is not a valid {message.DESCRIPTOR.full_name}: {error}") from error


def resource_name(collection: str, value: str) -> str:
    """`collection/value`, accepting a value that already is the full name."""
    return value if value.startswith(collection + "/") else f"{collection}/{value}"


def enum_label(enum: EnumTypeWrapper, value: int) -> str:
    """An enum value's name without its type prefix
    (ELIGIBILITY_OUTCOME_ELIGIBLE -> ELIGIBLE); the number if unknown."""
    try:
        name = enum.Name(value)
    except ValueError:
        return str(value)
    prefix = re.sub(r"(?<!^)(?=[A-Z])", "_", enum.DESCRIPTOR.name).upper() + "_"
    return name.removeprefix(prefix)


def text(localized: common_pb2.LocalizedText) -> str:
    """Japanese text with its English rendering in brackets."""
    if localized.ja and localized.en:
        return f"{localized.ja} ({localized.en})"
    return localized.ja or localized.en
