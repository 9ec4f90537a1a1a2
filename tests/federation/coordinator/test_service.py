"""The coordinator's rules, exercised in one process without gRPC."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from tests.support.coordinator import BANK_A, BANK_B, PLATFORM, make_service

from federation.coordinator.errors import Conflict, InvalidArgument, NotFound, PermissionDenied, TooLarge
from federation.coordinator.jobs import State
from federation.coordinator.service import CoordinatorService
from federation.security.roles import Role
from federation.security.tls import Identity

@pytest.fixture()
def service(tmp_path: Path) -> CoordinatorService:
    svc = make_service(tmp_path)
    for who in (PLATFORM, BANK_A, BANK_B):
        svc.register(who, {})
    return svc


def send(svc: CoordinatorService, who: Identity, job_id: str, to: str, tag: str, payload: bytes) -> None:
    svc.send(who, job_id, to, tag, len(payload), hashlib.sha256(payload).digest(), [payload])


def test_bank_submits_psi_with_the_platform(service: CoordinatorService) -> None:
    job = service.submit_job(BANK_A, "psi", ["platform"], "{}")
    assert [p.party for p in job.participants] == ["bank_a", "platform"]
    assert job.state == State.PENDING.value


def test_platform_cannot_start_psi(service: CoordinatorService) -> None:
    with pytest.raises(PermissionDenied, match="platform"):
        service.submit_job(PLATFORM, "psi", ["bank_a"], "{}")


def test_psi_partner_must_be_a_platform(service: CoordinatorService) -> None:
    with pytest.raises(InvalidArgument, match="bank_b"):
        service.submit_job(BANK_A, "psi", ["bank_b"], "{}")


def test_unknown_job_kind_is_named(service: CoordinatorService) -> None:
    with pytest.raises(InvalidArgument, match="'train'"):
        service.submit_job(BANK_A, "train", ["platform"], "{}")


def test_unregistered_party_cannot_submit(tmp_path: Path) -> None:
    svc = make_service(tmp_path)
    with pytest.raises(PermissionDenied, match="bank_a has not registered"):
        svc.submit_job(BANK_A, "psi", ["platform"], "{}")


def test_role_cannot_change_under_the_same_name(service: CoordinatorService) -> None:
    with pytest.raises(PermissionDenied, match="registered as bank"):
        service.register(Identity("bank_a", Role.PLATFORM, "x" * 64), {})


def test_other_bank_cannot_see_the_job(service: CoordinatorService) -> None:
    job = service.submit_job(BANK_A, "psi", ["platform"], "{}")
    with pytest.raises(NotFound):
        service.get_job(BANK_B, job.id)
    assert service.list_jobs(BANK_B) == []


def test_params_must_be_a_json_object(service: CoordinatorService) -> None:
    with pytest.raises(InvalidArgument, match="params_json"):
        service.submit_job(BANK_A, "psi", ["platform"], "[1, 2]")


def test_job_succeeds_when_every_party_has(service: CoordinatorService) -> None:
    job = service.submit_job(BANK_A, "psi", ["platform"], "{}")
    service.report_status(BANK_A, job.id, State.SUCCEEDED, "done", '{"intersection_size": 3}')
    assert service.get_job(BANK_A, job.id).state == State.RUNNING.value
    service.report_status(PLATFORM, job.id, State.SUCCEEDED, "done", "")
    assert service.get_job(BANK_A, job.id).state == State.SUCCEEDED.value


def test_one_failure_fails_the_job_naming_the_party(service: CoordinatorService) -> None:
    job = service.submit_job(BANK_A, "psi", ["platform"], "{}")
    service.report_status(PLATFORM, job.id, State.FAILED, "table unreadable", "")
    failed = service.get_job(BANK_A, job.id)
    assert failed.state == State.FAILED.value
    assert failed.error == "platform: table unreadable"


def test_finished_party_cannot_change_its_report(service: CoordinatorService) -> None:
    job = service.submit_job(BANK_A, "psi", ["platform"], "{}")
    service.report_status(PLATFORM, job.id, State.SUCCEEDED, "done", "")
    with pytest.raises(Conflict):
        service.report_status(PLATFORM, job.id, State.FAILED, "oops", "")


def test_outsider_cannot_report_on_a_job(service: CoordinatorService) -> None:
    job = service.submit_job(BANK_A, "psi", ["platform"], "{}")
    with pytest.raises(NotFound):
        service.report_status(BANK_B, job.id, State.FAILED, "sabotage", "")


def test_message_reaches_its_recipient_stamped_with_the_sender(service: CoordinatorService) -> None:
    job = service.submit_job(BANK_A, "psi", ["platform"], "{}")
    send(service, BANK_A, job.id, "platform", "psi/x", b"hello")
    message = service.receive(PLATFORM, job.id, "bank_a", "psi/x", timeout=1, is_active=lambda: True)
    assert message is not None and message.address.sender == "bank_a"
    assert b"".join(service.mailbox.read(message)) == b"hello"


def test_recipient_cannot_read_a_message_meant_for_another(service: CoordinatorService) -> None:
    job = service.submit_job(BANK_A, "psi", ["platform"], "{}")
    send(service, PLATFORM, job.id, "bank_a", "psi/x", b"secret")
    with pytest.raises(NotFound):
        service.receive(BANK_B, job.id, "platform", "psi/x", timeout=0.1, is_active=lambda: True)


def test_cannot_send_to_a_party_outside_the_job(service: CoordinatorService) -> None:
    job = service.submit_job(BANK_A, "psi", ["platform"], "{}")
    with pytest.raises(PermissionDenied, match="bank_b"):
        send(service, BANK_A, job.id, "bank_b", "psi/x", b"leak")


def test_identical_resend_is_accepted_once(service: CoordinatorService) -> None:
    job = service.submit_job(BANK_A, "psi", ["platform"], "{}")
    send(service, BANK_A, job.id, "platform", "psi/x", b"same")
    send(service, BANK_A, job.id, "platform", "psi/x", b"same")
    assert len(list(service.mailbox._dir.glob("*.bin"))) == 1


def test_different_payload_under_the_same_tag_is_refused(service: CoordinatorService) -> None:
    job = service.submit_job(BANK_A, "psi", ["platform"], "{}")
    send(service, BANK_A, job.id, "platform", "psi/x", b"first")
    with pytest.raises(Conflict, match="different 'psi/x'"):
        send(service, BANK_A, job.id, "platform", "psi/x", b"second")


def test_payload_not_matching_its_digest_is_refused(service: CoordinatorService) -> None:
    job = service.submit_job(BANK_A, "psi", ["platform"], "{}")
    with pytest.raises(InvalidArgument, match="SHA-256"):
        service.send(BANK_A, job.id, "platform", "psi/x", 5, hashlib.sha256(b"other").digest(), [b"hello"])


def test_truncated_payload_is_refused(service: CoordinatorService) -> None:
    job = service.submit_job(BANK_A, "psi", ["platform"], "{}")
    with pytest.raises(InvalidArgument, match="ended after 5 of 10"):
        service.send(BANK_A, job.id, "platform", "psi/x", 10, hashlib.sha256(b"hello").digest(), [b"hello"])


def test_oversized_message_is_refused_before_reading(tmp_path: Path) -> None:
    svc = make_service(tmp_path, max_message_bytes=100)
    for who in (PLATFORM, BANK_A):
        svc.register(who, {})
    job = svc.submit_job(BANK_A, "psi", ["platform"], "{}")
    with pytest.raises(TooLarge, match="exceeds the limit of 100"):
        svc.send(BANK_A, job.id, "platform", "psi/x", 101, b"\0" * 32, iter(()))


def test_receive_times_out_with_nothing(service: CoordinatorService) -> None:
    job = service.submit_job(BANK_A, "psi", ["platform"], "{}")
    assert service.receive(PLATFORM, job.id, "bank_a", "psi/x", timeout=0.2, is_active=lambda: True) is None


def test_messages_are_purged_once_the_job_succeeds(service: CoordinatorService) -> None:
    job = service.submit_job(BANK_A, "psi", ["platform"], "{}")
    send(service, BANK_A, job.id, "platform", "psi/x", b"payload")
    for who in (BANK_A, PLATFORM):
        service.report_status(who, job.id, State.SUCCEEDED, "done", "")
    assert list(service.mailbox._dir.glob("*.bin")) == []


def test_registry_survives_a_restart(tmp_path: Path) -> None:
    first = make_service(tmp_path)
    for who in (PLATFORM, BANK_A):
        first.register(who, {})
    job = first.submit_job(BANK_A, "psi", ["platform"], "{}")
    send(first, BANK_A, job.id, "platform", "psi/x", b"kept")
    second = make_service(tmp_path)
    assert second.get_job(PLATFORM, job.id).initiator == "bank_a"
    message = second.receive(PLATFORM, job.id, "bank_a", "psi/x", timeout=1, is_active=lambda: True)
    assert message is not None and b"".join(second.mailbox.read(message)) == b"kept"
