"""A development certificate authority and one certificate per party.

Identity in the federation is the certificate: its common name is the party name and
its organizational unit the role. The coordinator never trusts a name sent in a
request body, so issuing certificates is the one place where a name is bound to a
role. Production deployments bring their own CA; these files have the same shape.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
import re
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from federation.data.uscc import uscc_error
from federation.security.roles import Role

CA_CERT = "ca.pem"
CA_KEY = "ca.key"
COORDINATOR = "coordinator"
_NAME_RE = re.compile(r"^[a-z][a-z0-9_-]{0,62}$")
_ORGANIZATION = "fedcredit"


class CertificateError(ValueError):
    """A certificate file is missing, unreadable or not what its name says."""


@dataclass(frozen=True)
class PartyCredentials:
    """PEM bytes a process needs for mutual TLS."""

    name: str
    ca_pem: bytes
    cert_pem: bytes
    key_pem: bytes


def validate_party_name(name: str) -> str:
    if not _NAME_RE.match(name):
        raise CertificateError(
            f"party name {name!r} must be 1-63 characters of a-z, 0-9, '_' or '-', starting with a letter"
        )
    return name


def _write_private(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(data)


def _key_pem(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def _subject(common_name: str, role: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, _ORGANIZATION),
            x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, role),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def create_ca(directory: Path, *, days: int = 365) -> None:
    """Write a fresh CA key and self-signed certificate into ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    key = ec.generate_private_key(ec.SECP256R1())
    name = _subject("fedcredit development CA", "ca")
    now = dt.datetime.now(dt.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False, content_commitment=False, key_encipherment=False,
                data_encipherment=False, key_agreement=False, key_cert_sign=True,
                crl_sign=True, encipher_only=False, decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    _write_private(directory / CA_KEY, _key_pem(key))
    (directory / CA_CERT).write_bytes(cert.public_bytes(serialization.Encoding.PEM))


def issue_certificate(
    directory: Path,
    name: str,
    role: Role,
    *,
    hosts: tuple[str, ...] = ("localhost", "127.0.0.1"),
    days: int = 90,
    not_before: dt.datetime | None = None,
) -> None:
    """Issue ``<name>.pem``/``<name>.key`` signed by the CA in ``directory``.

    The coordinator's certificate is a server certificate for ``hosts``; every
    other certificate is a client certificate whose CN is the party name.
    """
    validate_party_name(name)
    is_server = role is Role.COORDINATOR
    extensions: list[x509.ExtensionType] = [
        x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH if is_server else ExtendedKeyUsageOID.CLIENT_AUTH])
    ]
    if is_server:
        names: list[x509.GeneralName] = []
        for host in hosts:
            try:
                names.append(x509.IPAddress(ipaddress.ip_address(host)))
            except ValueError:
                names.append(x509.DNSName(host))
        extensions.append(x509.SubjectAlternativeName(names))
    _issue_leaf(directory, name, role, extensions, days, not_before)


def _issue_leaf(
    directory: Path, name: str, role: Role, extensions: list[x509.ExtensionType], days: int,
    not_before: dt.datetime | None = None,
) -> None:
    """Sign a fresh P-256 key's certificate (CN ``name``, OU the role) with the CA in
    ``directory`` and write ``<name>.pem`` and the owner-only ``<name>.key``. Valid from
    five minutes ago unless told otherwise, so a peer whose clock is a little behind
    accepts it."""
    start = not_before or dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=5)
    ca_key = serialization.load_pem_private_key((directory / CA_KEY).read_bytes(), password=None)
    ca_cert = x509.load_pem_x509_certificate((directory / CA_CERT).read_bytes())
    key = ec.generate_private_key(ec.SECP256R1())
    builder = (
        x509.CertificateBuilder()
        .subject_name(_subject(name, role.value))
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + dt.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_cert.public_key()), critical=False)
    )
    for extension in extensions:
        builder = builder.add_extension(extension, critical=False)
    cert = builder.sign(ca_key, hashes.SHA256())
    _write_private(directory / f"{name}.key", _key_pem(key))
    (directory / f"{name}.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))


# An OID under the UUID arc (ITU-T X.667), so no registration is needed: the extension
# carries the enterprise's data-use tag (``federation.governance.data_use``).
DATA_USE_TAG_OID = x509.ObjectIdentifier("2.25.310042608249175347360935445836225030035")


def issue_enterprise_certificate(directory: Path, uscc: str, data_use_tag: bytes, *, days: int = 365) -> None:
    """Issue ``<uscc>.pem``/``.key`` for an enterprise (a data subject): CN is its USCC, OU
    ``enterprise``, and an extension carries its data-use tag, which the platform computes
    under a key the coordinator never holds; presenting it is how the enterprise, and only
    it, lets the coordinator find the uses of its data."""
    problem = uscc_error(uscc)
    if problem is not None:
        raise CertificateError(f"enterprise {uscc!r} is not a valid USCC: {problem}")
    extensions: list[x509.ExtensionType] = [
        x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CLIENT_AUTH]),
        x509.UnrecognizedExtension(DATA_USE_TAG_OID, data_use_tag),
    ]
    _issue_leaf(directory, uscc, Role.ENTERPRISE, extensions, days)


def data_use_tag(cert_pem: bytes) -> bytes | None:
    """The data-use tag an enterprise certificate carries, or None."""
    cert = x509.load_pem_x509_certificate(cert_pem)
    try:
        return cert.extensions.get_extension_for_oid(DATA_USE_TAG_OID).value.value
    except x509.ExtensionNotFound:
        return None


def init_certificates(
    directory: Path, parties: dict[str, Role], *, hosts: tuple[str, ...] = ("localhost", "127.0.0.1")
) -> None:
    """Create a CA, the coordinator's server certificate and one client certificate per party."""
    create_ca(directory)
    issue_certificate(directory, COORDINATOR, Role.COORDINATOR, hosts=hosts)
    for name, role in parties.items():
        issue_certificate(directory, name, role)


def load_credentials(directory: Path, name: str) -> PartyCredentials:
    """Read the CA certificate and ``name``'s certificate and key, checking they belong together."""
    paths = {"CA certificate": directory / CA_CERT, "certificate": directory / f"{name}.pem",
             "private key": directory / f"{name}.key"}
    for what, path in paths.items():
        if not path.is_file():
            raise CertificateError(f"{what} for {name!r} not found: {path}")
    cert_pem = paths["certificate"].read_bytes()
    cert = x509.load_pem_x509_certificate(cert_pem)
    common_names = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    if not common_names or common_names[0].value != name:
        raise CertificateError(f"{paths['certificate']} is not a certificate for {name!r}")
    return PartyCredentials(
        name=name,
        ca_pem=paths["CA certificate"].read_bytes(),
        cert_pem=cert_pem,
        key_pem=paths["private key"].read_bytes(),
    )
