"""Failed calls in words: the status code, the server's message and, for
INVALID_ARGUMENT, every offending field the server names.

The server sends field violations in the standard `grpc-status-details-bin`
trailer as a StatusDetails (wire-compatible with google.rpc.Status) holding a
BadRequest (wire-compatible with google.rpc.BadRequest); see errors.proto.
"""

from __future__ import annotations

from typing import cast

import grpc
from ismap.liu.v1 import errors_pb2

_DETAILS_TRAILER = "grpc-status-details-bin"
_BAD_REQUEST_TYPE_URL = "type.googleapis.com/google.rpc.BadRequest"


def field_violations(error: grpc.RpcError) -> list[errors_pb2.FieldViolation]:
    """The offending fields a failed call's trailer names, in order."""
    violations: list[errors_pb2.FieldViolation] = []
    for key, value in cast(grpc.Call, error).trailing_metadata() or ():
        if key != _DETAILS_TRAILER or not isinstance(value, bytes):
            continue
        details = errors_pb2.StatusDetails.FromString(value)
        for packed in details.details:
            if packed.type_url == _BAD_REQUEST_TYPE_URL:
                violations.extend(
                    errors_pb2.BadRequest.FromString(packed.value).field_violations)
    return violations


def describe_error(error: grpc.RpcError) -> str:
    """`CODE: message`, then one indented line per offending field."""
    call = cast(grpc.Call, error)
    lines = [f"{call.code().name}: {call.details()}"]
    lines.extend(f"  {violation.field}: {violation.description}"
                 for violation in field_violations(error))
    return "\n".join(lines)
