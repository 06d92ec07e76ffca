"""Python client of the ISMAP-LIU API (package ismap.liu.v1).

A channel factory (plaintext on loopback, TLS or mutual TLS from PEM files), a
bearer token sent as `authorization: Bearer <token>` on every call, typed access
to every service, health checks, paging and readable errors:

    from ismap_liu import LiuClient, TlsConfig, open_channel
    from ismap.liu.v1 import rule_set_pb2

    with LiuClient(open_channel("127.0.0.1:50051", token=token)) as client:
        for rule_set in client.rule_sets.list_rule_sets(
                rule_set_pb2.ListRuleSetsRequest()).rule_sets:
            print(rule_set.version)

The messages and gRPC stubs (`ismap.liu.v1.*_pb2`, `*_pb2_grpc`) are generated
from proto/ by the build (target liu_python_client) into build/<preset>/python,
beside a copy of this package; put that directory on PYTHONPATH and run Debian's
/usr/bin/python3, which python3-grpcio and python3-protobuf belong to.
"""

try:
    import ismap.liu.v1.common_pb2  # noqa: F401  (checks the generated code is there)
except ModuleNotFoundError as missing:
    raise ImportError(
        "ismap_liu needs the generated ismap.liu.v1 modules: build the target "
        "liu_python_client (cmake --build --preset debug) and put "
        "build/<preset>/python on PYTHONPATH; run /usr/bin/python3, which has "
        "Debian's python3-grpcio and python3-protobuf") from missing

from ismap_liu.channel import TlsConfig, bearer_token_credentials, open_channel
from ismap_liu.client import LiuClient, list_all
from ismap_liu.errors import describe_error
from ismap_liu.health import ServingStatus

__all__ = [
    "LiuClient",
    "ServingStatus",
    "TlsConfig",
    "bearer_token_credentials",
    "describe_error",
    "list_all",
    "open_channel",
]
