"""The standard gRPC health check (grpc.health.v1.Health/Check).

Debian packages no Python module for grpc.health.v1, so its two messages are
declared here from their schema (the same field numbers as the protocol's
health.proto) and built by protobuf at import time, in a descriptor pool of
their own so that they never clash with another copy.
"""

from __future__ import annotations

import enum

import grpc
from google.protobuf import descriptor_pb2, descriptor_pool, message_factory
from google.protobuf.message import Message

CHECK_METHOD = "/grpc.health.v1.Health/Check"


class ServingStatus(enum.IntEnum):
    """grpc.health.v1.HealthCheckResponse.ServingStatus."""

    UNKNOWN = 0
    SERVING = 1
    NOT_SERVING = 2
    SERVICE_UNKNOWN = 3


def _health_messages() -> tuple[type[Message], type[Message]]:
    field = descriptor_pb2.FieldDescriptorProto
    schema = descriptor_pb2.FileDescriptorProto(
        name="grpc/health/v1/health.proto",
        package="grpc.health.v1",
        syntax="proto3")
    request = schema.message_type.add(name="HealthCheckRequest")
    request.field.add(name="service", number=1, type=field.TYPE_STRING,
                      label=field.LABEL_OPTIONAL)
    response = schema.message_type.add(name="HealthCheckResponse")
    status_enum = response.enum_type.add(name="ServingStatus")
    for status in ServingStatus:
        status_enum.value.add(name=status.name, number=status.value)
    response.field.add(
        name="status", number=1, type=field.TYPE_ENUM, label=field.LABEL_OPTIONAL,
        type_name=".grpc.health.v1.HealthCheckResponse.ServingStatus")

    pool = descriptor_pool.DescriptorPool()
    pool.Add(schema)
    factory = message_factory.MessageFactory(pool)
    return (
        factory.GetPrototype(
            pool.FindMessageTypeByName("grpc.health.v1.HealthCheckRequest")),
        factory.GetPrototype(
            pool.FindMessageTypeByName("grpc.health.v1.HealthCheckResponse")),
    )


HealthCheckRequest, HealthCheckResponse = _health_messages()


def check_health(channel: grpc.Channel, service: str,
                 timeout: float | None) -> ServingStatus:
    """The serving status of `service` ("" for the whole server).

    Needs no token. Raises grpc.RpcError for a failed call, e.g. NOT_FOUND for a
    service the server does not know, UNAVAILABLE when nothing listens.
    """
    check = channel.unary_unary(
        CHECK_METHOD,
        request_serializer=HealthCheckRequest.SerializeToString,
        response_deserializer=HealthCheckResponse.FromString)
    response = check(HealthCheckRequest(service=service), timeout=timeout)
    return ServingStatus(response.status)  # type: ignore[attr-defined]
