"""The coordinator keeps sealed disclosures: from a part's holder, to a registered regulator's
registered certificate, read by that regulator alone, audited by size."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.support.coordinator import BANK_A, OPERATOR, PLATFORM, registered_service

from federation.coordinator.disclosures import Disclosure
from federation.coordinator.errors import InvalidArgument, NotFound, PermissionDenied
from federation.coordinator.service import CoordinatorService
from federation.coordinator.store import AuditRow, ModelRow
from federation.security.roles import Role
from federation.security.tls import Identity

# Registered fingerprints are SHA-256 hex digests, which a disclosure must name.
REGULATOR = Identity("regulator", Role.REGULATOR, "c" * 64)
OTHER_REGULATOR = Identity("regulator_b", Role.REGULATOR, "d" * 64)


@pytest.fixture()
def service(tmp_path: Path) -> CoordinatorService:
    return registered_service(tmp_path, PLATFORM, BANK_A, OPERATOR, REGULATOR, OTHER_REGULATOR)


def _model(service: CoordinatorService) -> str:
    """A registered scorecard of bank_a with a part at the platform."""
    job = service.submit_job(BANK_A, "psi", ["platform"], "{}")
    with service.audit.transaction() as session:
        session.add(ModelRow(id=job.id, kind="scorecard", owner="bank_a", version=1,
                             parts={"bank_a": {}, "platform": {}}))
    return job.id


def _disclosure(model: str, recipient: Identity = REGULATOR) -> Disclosure:
    return Disclosure(model, "platform", recipient.name, recipient.certificate_sha256, "scorecard_platform_bins",
                      b"\x01sealed")


def test_the_addressed_regulator_reads_it_and_another_does_not(service: CoordinatorService) -> None:
    model = _model(service)
    service.disclosures.disclose(PLATFORM, _disclosure(model))
    assert [(d.sender, d.sealed) for d in service.disclosures.addressed(REGULATOR, model)] == [
        ("platform", b"\x01sealed")]
    assert service.disclosures.addressed(OTHER_REGULATOR, model) == []


def test_a_disclosure_sealed_to_another_certificate_is_refused(service: CoordinatorService) -> None:
    model = _model(service)
    wrong = Disclosure(model, "platform", "regulator", "f" * 64, "scorecard_platform_bins", b"\x01sealed")
    with pytest.raises(InvalidArgument, match="did not register with"):
        service.disclosures.disclose(PLATFORM, wrong)


def test_a_name_or_fingerprint_with_a_trailing_newline_is_refused(service: CoordinatorService) -> None:
    model = _model(service)
    with pytest.raises(InvalidArgument, match="^what must be"):
        service.disclosures.disclose(PLATFORM, Disclosure(model, "platform", "regulator", REGULATOR.certificate_sha256,
                                                          "scorecard_platform_bins\n", b"\x01sealed"))
    with pytest.raises(InvalidArgument, match="^recipient_sha256 must be"):
        service.disclosures.disclose(PLATFORM, Disclosure(model, "platform", "regulator",
                                                          REGULATOR.certificate_sha256 + "\n",
                                                          "scorecard_platform_bins", b"\x01sealed"))


def test_only_a_regulator_receives_and_only_a_part_holder_sends(service: CoordinatorService) -> None:
    model = _model(service)
    with pytest.raises(InvalidArgument, match="'bank_a' is not a registered regulator"):
        service.disclosures.disclose(PLATFORM, _disclosure(model, BANK_A))
    with pytest.raises(NotFound):
        service.disclosures.disclose(PLATFORM, _disclosure("no-such-model"))
    with pytest.raises(PermissionDenied):
        service.disclosures.disclose(BANK_A, _disclosure(model))
    with pytest.raises(PermissionDenied):
        service.disclosures.addressed(BANK_A, model)


def test_sending_again_replaces_and_the_audit_holds_sizes_only(service: CoordinatorService) -> None:
    model = _model(service)
    service.disclosures.disclose(PLATFORM, _disclosure(model))
    service.disclosures.disclose(PLATFORM, Disclosure(model, "platform", "regulator", REGULATOR.certificate_sha256,
                                                      "scorecard_platform_bins", b"\x01newer"))
    assert [d.sealed for d in service.disclosures.addressed(REGULATOR, model)] == [b"\x01newer"]
    with service._sessions() as session:
        sent = [row.details for row in session.query(AuditRow).filter(AuditRow.action == "disclosure.send")]
    assert sent == [{"recipient": "regulator", "what": "scorecard_platform_bins", "bytes": 7},
                    {"recipient": "regulator", "what": "scorecard_platform_bins", "bytes": 6}]
