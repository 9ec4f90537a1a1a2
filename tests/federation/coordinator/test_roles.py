"""What the regulator may not do: submit jobs, relay or report, read consent records."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from tests.support.coordinator import BANK_A, OPERATOR, PLATFORM, REGULATOR, registered_service

from federation.coordinator.errors import PermissionDenied
from federation.coordinator.jobs import State
from federation.coordinator.service import CoordinatorService


@pytest.fixture()
def service(tmp_path: Path) -> CoordinatorService:
    return registered_service(tmp_path, PLATFORM, BANK_A, OPERATOR, REGULATOR)


@pytest.fixture()
def job_id(service: CoordinatorService) -> str:
    return service.submit_job(BANK_A, "psi", ["platform"], "{}").id


@pytest.mark.parametrize("kind", ["psi", "secureboost"])
def test_regulator_cannot_submit_jobs(service: CoordinatorService, kind: str) -> None:
    with pytest.raises(PermissionDenied, match="regulator \\(regulator\\) cannot start"):
        service.submit_job(REGULATOR, kind, ["platform"], "{}")


def test_regulator_cannot_send_protocol_messages(service: CoordinatorService, job_id: str) -> None:
    with pytest.raises(PermissionDenied, match="cannot relay"):
        service.send(REGULATOR, job_id, "platform", "psi/x", 1, hashlib.sha256(b"x").digest(), [b"x"])


def test_regulator_cannot_receive_protocol_messages(service: CoordinatorService, job_id: str) -> None:
    with pytest.raises(PermissionDenied, match="cannot relay"):
        service.receive(REGULATOR, job_id, "bank_a", "psi/x", timeout=0.1, is_active=lambda: True)


def test_regulator_cannot_report_on_a_job(service: CoordinatorService, job_id: str) -> None:
    with pytest.raises(PermissionDenied, match="cannot report"):
        service.report_status(REGULATOR, job_id, State.FAILED, "", "")


def test_regulator_cannot_list_consent_records(service: CoordinatorService) -> None:
    with pytest.raises(PermissionDenied, match="regulator \\(regulator\\) cannot list consents"):
        service.consents.list(REGULATOR)


def test_regulator_cannot_look_up_authorized_enterprises(service: CoordinatorService, job_id: str) -> None:
    with pytest.raises(PermissionDenied, match="cannot look up consents"):
        service.authorized_enterprises(REGULATOR, job_id, ["tax"])


def test_regulator_reads_the_audit_summary(service: CoordinatorService, job_id: str) -> None:
    assert service.audit_summary(REGULATOR).by_action["job.submit"] == 1


def test_bank_cannot_read_the_audit_summary(service: CoordinatorService) -> None:
    with pytest.raises(PermissionDenied, match="bank_a \\(bank\\) cannot read the audit summary"):
        service.audit_summary(BANK_A)
