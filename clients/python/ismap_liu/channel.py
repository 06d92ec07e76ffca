"""Channels to an ISMAP-LIU server, and the bearer token every call carries.

The transport follows the server's rules: plaintext only to a loopback address
(the local run command serves plaintext on 127.0.0.1), TLS or mutual TLS
anywhere else. The token goes out as `authorization: Bearer <token>` metadata,
which gRPC sends only over a channel it trusts: TLS, or local TCP on loopback.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from pathlib import Path

import grpc

# The largest message the server accepts or sends by default (--max_message_bytes).
_MAX_MESSAGE_BYTES = 4 * 1024 * 1024


@dataclass(frozen=True)
class TlsConfig:
    """TLS settings of a channel, from PEM files.

    ca_file: the CA that signed the server's certificate; None trusts the
        system's roots.
    cert_file, key_file: this client's certificate chain and private key, for
        servers that require mutual TLS (--tls_client_ca); both or neither.
    """

    ca_file: Path | None = None
    cert_file: Path | None = None
    key_file: Path | None = None

    def __post_init__(self) -> None:
        if (self.cert_file is None) != (self.key_file is None):
            raise ValueError(
                "mutual TLS needs both a client certificate and its key")

    def credentials(self) -> grpc.ChannelCredentials:
        """Channel credentials that read the PEM files now."""
        return grpc.ssl_channel_credentials(
            root_certificates=_read(self.ca_file),
            private_key=_read(self.key_file),
            certificate_chain=_read(self.cert_file),
        )


def bearer_token_credentials(token: str) -> grpc.CallCredentials:
    """Call credentials that send `authorization: Bearer <token>` on every call."""
    if not token or token != token.strip():
        raise ValueError("a bearer token must be non-empty, without surrounding "
                         "whitespace")
    return grpc.access_token_call_credentials(token)


def open_channel(target: str,
                 *,
                 token: str | None = None,
                 tls: TlsConfig | None = None) -> grpc.Channel:
    """Opens a channel to `target` (host:port).

    Without `tls` the channel is plaintext, which is allowed only to a loopback
    address (127.0.0.0/8, ::1, localhost); ValueError otherwise. With `token`,
    every call carries it as a bearer token; without, calls are anonymous and
    the server answers UNAUTHENTICATED except for health and reflection.
    """
    if tls is None:
        if not is_loopback_target(target):
            raise ValueError(f"plaintext is allowed only to a loopback address, "
                             f"not {target!r}: use TLS")
        channel_credentials = grpc.local_channel_credentials(
            grpc.LocalConnectionType.LOCAL_TCP)
    else:
        channel_credentials = tls.credentials()
    if token is not None:
        channel_credentials = grpc.composite_channel_credentials(
            channel_credentials, bearer_token_credentials(token))
    return grpc.secure_channel(
        target, channel_credentials,
        options=[("grpc.max_receive_message_length", _MAX_MESSAGE_BYTES),
                 ("grpc.max_send_message_length", _MAX_MESSAGE_BYTES)])


def is_loopback_target(target: str) -> bool:
    """True when `target` is host:port with a loopback host."""
    host, separator, port = target.rpartition(":")
    if not separator or not port.isdigit():
        return False
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _read(path: Path | None) -> bytes | None:
    return None if path is None else path.read_bytes()
