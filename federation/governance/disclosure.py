"""Sealing a document to one certified party: what the platform discloses to the regulator only.

A scorecard's platform bin edges may be read by the regulator and nobody else (not the
bank, not the coordinator that relays and stores them). They are sealed to the
regulator's certificate key (P-256, like every party certificate): an ephemeral key,
ECDH with the recipient's key, HKDF-SHA256 to an AES-256-GCM key. The associated data
names the model, sender and recipient, so a sealed document cannot be passed off as
another model's. Before sealing, the sender checks that the certificate was issued by
the federation's CA, is valid now and carries the regulator role.
"""

from __future__ import annotations

import datetime as dt
import os

from cryptography import x509
from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from federation.security.roles import Role
from federation.security.tls import UnauthenticatedCaller, identity_from_pem

VERSION = b"\x01"
_POINT = 65  # an uncompressed P-256 point
_NONCE = 12
_INFO = b"fedcredit disclosure v1"


class DisclosureError(ValueError):
    """A recipient certificate that may not receive, or a sealed document that does not open."""


def context_of(model_id: str, sender: str, recipient: str) -> bytes:
    return "\x1f".join(("disclosure", model_id, sender, recipient)).encode()


def recipient_certificate(cert_pem: bytes, ca_pem: bytes, role: Role = Role.REGULATOR) -> x509.Certificate:
    """The certificate, once it is shown to be the CA's, valid today and of ``role``."""
    try:
        cert = x509.load_pem_x509_certificate(cert_pem)
        ca = x509.load_pem_x509_certificate(ca_pem)
        identity = identity_from_pem(cert_pem)
    except (ValueError, UnauthenticatedCaller) as exc:
        raise DisclosureError(f"not a party certificate: {exc}") from exc
    public = ca.public_key()
    if cert.issuer != ca.subject or not isinstance(public, ec.EllipticCurvePublicKey):
        raise DisclosureError(f"{identity.name}'s certificate was not issued by this federation's CA")
    try:
        public.verify(cert.signature, cert.tbs_certificate_bytes, ec.ECDSA(cert.signature_hash_algorithm))
    except InvalidSignature as exc:
        raise DisclosureError(f"{identity.name}'s certificate does not verify against this federation's CA") from exc
    now = dt.datetime.now(dt.timezone.utc)
    if not cert.not_valid_before_utc <= now <= cert.not_valid_after_utc:
        raise DisclosureError(f"{identity.name}'s certificate is not valid now")
    if identity.role is not role:
        raise DisclosureError(f"{identity.name} is a {identity.role.value}, not a {role.value}: it may not receive this")
    return cert


def _key(shared: bytes, ephemeral: bytes, context: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=ephemeral, info=_INFO + context).derive(shared)


def seal(recipient: x509.Certificate, plaintext: bytes, context: bytes) -> bytes:
    public = recipient.public_key()
    if not isinstance(public, ec.EllipticCurvePublicKey):
        raise DisclosureError("the recipient's certificate has no elliptic-curve key")
    ephemeral = ec.generate_private_key(public.curve)
    point = ephemeral.public_key().public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    nonce = os.urandom(_NONCE)
    key = _key(ephemeral.exchange(ec.ECDH(), public), point, context)
    return VERSION + point + nonce + AESGCM(key).encrypt(nonce, plaintext, context)


def open_sealed(private_key_pem: bytes, sealed: bytes, context: bytes) -> bytes:
    if sealed[:1] != VERSION or len(sealed) < 1 + _POINT + _NONCE + 16:
        raise DisclosureError("not a sealed document of this version")
    key_ = serialization.load_pem_private_key(private_key_pem, password=None)
    if not isinstance(key_, ec.EllipticCurvePrivateKey):
        raise DisclosureError("the private key is not an elliptic-curve key")
    point, nonce, body = sealed[1 : 1 + _POINT], sealed[1 + _POINT : 1 + _POINT + _NONCE], sealed[1 + _POINT + _NONCE :]
    try:
        ephemeral = ec.EllipticCurvePublicKey.from_encoded_point(key_.curve, point)
        return AESGCM(_key(key_.exchange(ec.ECDH(), ephemeral), point, context)).decrypt(nonce, body, context)
    except (ValueError, InvalidTag) as exc:
        raise DisclosureError("the sealed document does not open with this key for this model") from exc
