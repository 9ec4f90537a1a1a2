"""gRPC credentials for mutual TLS, and the caller identity a server derives from them."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache

import grpc
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from federation.security.certs import PartyCredentials
from federation.security.roles import Role

# Large protocol payloads are chunked; no single gRPC message needs more than this.
MAX_GRPC_MESSAGE = 8 * 1024 * 1024
CHANNEL_OPTIONS = [
    ("grpc.max_send_message_length", MAX_GRPC_MESSAGE),
    ("grpc.max_receive_message_length", MAX_GRPC_MESSAGE),
    ("grpc.keepalive_time_ms", 30_000),
    ("grpc.keepalive_permit_without_calls", 1),
]


@dataclass(frozen=True)
class Identity:
    """Who is calling, as proven by the TLS client certificate."""

    name: str
    role: Role
    certificate_sha256: str


def server_credentials(creds: PartyCredentials) -> grpc.ServerCredentials:
    return grpc.ssl_server_credentials(
        [(creds.key_pem, creds.cert_pem)], root_certificates=creds.ca_pem, require_client_auth=True
    )


def secure_channel(target: str, creds: PartyCredentials) -> grpc.Channel:
    channel_creds = grpc.ssl_channel_credentials(
        root_certificates=creds.ca_pem, private_key=creds.key_pem, certificate_chain=creds.cert_pem
    )
    return grpc.secure_channel(target, channel_creds, options=CHANNEL_OPTIONS)


class UnauthenticatedCaller(Exception):
    """The connection carries no usable client certificate."""


@lru_cache(maxsize=256)
def identity_from_pem(pem: bytes) -> Identity:
    """Parse name and role out of a client certificate gRPC has already verified against the CA."""
    cert = x509.load_pem_x509_certificate(pem)
    common_names = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    units = cert.subject.get_attributes_for_oid(NameOID.ORGANIZATIONAL_UNIT_NAME)
    if len(common_names) != 1 or len(units) != 1:
        raise UnauthenticatedCaller("client certificate must carry exactly one CN and one OU")
    try:
        role = Role(units[0].value)
        usage = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    except (ValueError, x509.ExtensionNotFound) as exc:
        raise UnauthenticatedCaller(f"client certificate is not a fedcredit party certificate: {exc}") from exc
    if role is Role.COORDINATOR or ExtendedKeyUsageOID.CLIENT_AUTH not in usage:
        raise UnauthenticatedCaller("certificate is not a client certificate")
    fingerprint = hashlib.sha256(cert.public_bytes(serialization.Encoding.DER)).hexdigest()
    return Identity(name=str(common_names[0].value), role=role, certificate_sha256=fingerprint)


def caller_identity(context: grpc.ServicerContext) -> Identity:
    auth = context.auth_context()
    if auth.get("transport_security_type") != [b"ssl"] or not auth.get("x509_pem_cert"):
        raise UnauthenticatedCaller("no verified client certificate on this connection")
    return identity_from_pem(auth["x509_pem_cert"][0])
