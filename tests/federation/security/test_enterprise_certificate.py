"""An enterprise's certificate: its USCC as CN, the enterprise role, its data-use tag."""

from __future__ import annotations

from pathlib import Path

import pytest

from federation.security.certs import (
    CertificateError, create_ca, data_use_tag, issue_certificate, issue_enterprise_certificate,
)
from federation.security.roles import Role
from federation.security.tls import identity_from_pem

USCC = "91320706MA1MXYWN2F"


@pytest.fixture()
def ca(tmp_path: Path) -> Path:
    create_ca(tmp_path)
    return tmp_path


def test_the_certificate_names_the_enterprise_by_its_uscc(ca: Path) -> None:
    issue_enterprise_certificate(ca, USCC, b"t" * 16)
    identity = identity_from_pem((ca / f"{USCC}.pem").read_bytes())
    assert (identity.name, identity.role) == (USCC, Role.ENTERPRISE)


def test_the_certificate_carries_the_data_use_tag(ca: Path) -> None:
    issue_enterprise_certificate(ca, USCC, bytes(range(16)))
    assert data_use_tag((ca / f"{USCC}.pem").read_bytes()) == bytes(range(16))


def test_a_party_certificate_carries_no_tag(ca: Path) -> None:
    issue_certificate(ca, "bank_a", Role.BANK)
    assert data_use_tag((ca / "bank_a.pem").read_bytes()) is None


def test_an_invalid_uscc_is_refused(ca: Path) -> None:
    with pytest.raises(CertificateError, match="'91320706MA1MXYWN2T' is not a valid USCC"):
        issue_enterprise_certificate(ca, "91320706MA1MXYWN2T", b"t" * 16)
