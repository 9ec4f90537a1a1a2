"""Sealing to a regulator's certificate: only its key opens it, for the model it names, and
only a regulator certified by the federation's CA is sealed to."""

from __future__ import annotations

from pathlib import Path

import pytest

from federation.governance.disclosure import (
    DisclosureError, context_of, open_sealed, recipient_certificate, seal,
)
from federation.security.certs import init_certificates, load_credentials
from federation.security.roles import Role

TABLE = b"party,feature,bin,points\nplatform,tax_paid,[0.0; 5200.5),12.5\n"


@pytest.fixture(scope="module")
def certs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("disclosure-certs")
    init_certificates(folder, {"platform": Role.PLATFORM, "bank_a": Role.BANK, "regulator": Role.REGULATOR})
    return folder


def _sealed(certs: Path, context: bytes = context_of("m1", "platform", "regulator")) -> bytes:
    regulator = load_credentials(certs, "regulator")
    return seal(recipient_certificate(regulator.cert_pem, regulator.ca_pem), TABLE, context)


def test_the_regulators_key_opens_what_was_sealed_to_it(certs: Path) -> None:
    opened = open_sealed(load_credentials(certs, "regulator").key_pem, _sealed(certs),
                         context_of("m1", "platform", "regulator"))
    assert opened == TABLE


def test_the_sealed_text_does_not_show_the_table(certs: Path) -> None:
    sealed = _sealed(certs)
    assert b"tax_paid" not in sealed and b"5200.5" not in sealed


def test_another_partys_key_does_not_open_it(certs: Path) -> None:
    with pytest.raises(DisclosureError, match="does not open"):
        open_sealed(load_credentials(certs, "bank_a").key_pem, _sealed(certs), context_of("m1", "platform", "regulator"))


def test_it_does_not_open_as_another_models_document(certs: Path) -> None:
    with pytest.raises(DisclosureError, match="does not open"):
        open_sealed(load_credentials(certs, "regulator").key_pem, _sealed(certs),
                    context_of("m2", "platform", "regulator"))


def test_a_bank_certificate_is_refused_as_a_recipient(certs: Path) -> None:
    bank = load_credentials(certs, "bank_a")
    with pytest.raises(DisclosureError, match="bank_a is a bank, not a regulator"):
        recipient_certificate(bank.cert_pem, bank.ca_pem)


def test_a_regulator_certificate_from_another_ca_is_refused(certs: Path, tmp_path: Path) -> None:
    init_certificates(tmp_path, {"regulator": Role.REGULATOR})
    forged = load_credentials(tmp_path, "regulator").cert_pem
    with pytest.raises(DisclosureError, match="this federation's CA"):
        recipient_certificate(forged, load_credentials(certs, "regulator").ca_pem)
