"""A party of an unfinished job that stays away past the job's deadline fails the job, named."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.support.clock import Clock
from tests.support.coordinator import BANK_A, PLATFORM, REGULATOR, registered_service

from federation.coordinator.deadlines import AbsentPartyDeadlines
from federation.coordinator.errors import Conflict, InvalidArgument
from federation.coordinator.jobs import State
from federation.coordinator.presence import Presence
from federation.coordinator.service import CoordinatorService


@pytest.fixture()
def service(tmp_path: Path) -> CoordinatorService:
    return registered_service(tmp_path, PLATFORM, BANK_A, REGULATOR)


@pytest.fixture()
def clock() -> Clock:
    return Clock()


def deadlines(service: CoordinatorService, clock: Clock, default: float = 60.0) -> tuple[AbsentPartyDeadlines,
                                                                                           Presence]:
    presence = Presence(clock)
    return AbsentPartyDeadlines(service, presence, default), presence


def test_a_job_fails_naming_the_party_away_past_the_default(service, clock) -> None:
    enforcer, presence = deadlines(service, clock)
    presence.connect("bank_a")
    job = service.submit_job(BANK_A, "psi", ["platform"], "{}")
    clock.now += 61
    assert enforcer.check() == [(job.id, "platform")]
    failed = service.get_job(BANK_A, job.id)
    assert failed.state == State.FAILED.value
    assert failed.error.startswith("platform: absent") and "deadline of 60 s" in failed.error


def test_a_party_back_within_the_deadline_leaves_the_job_running(service, clock) -> None:
    enforcer, presence = deadlines(service, clock)
    presence.connect("bank_a")
    job = service.submit_job(BANK_A, "psi", ["platform"], "{}")
    clock.now += 50
    presence.connect("platform")
    clock.now += 50
    assert enforcer.check() == []
    assert service.get_job(BANK_A, job.id).state == State.PENDING.value


def test_the_jobs_own_deadline_overrides_the_default(service, clock) -> None:
    enforcer, presence = deadlines(service, clock)
    presence.connect("bank_a")
    job = service.submit_job(BANK_A, "psi", ["platform"], json.dumps({"party_deadline_seconds": 5}))
    clock.now += 6
    assert enforcer.check() == [(job.id, "platform")]


def test_a_party_that_already_succeeded_may_leave(service, clock) -> None:
    enforcer, presence = deadlines(service, clock)
    presence.connect("bank_a")
    job = service.submit_job(BANK_A, "psi", ["platform"], "{}")
    service.report_status(PLATFORM, job.id, State.SUCCEEDED, "done", "")
    clock.now += 61
    assert enforcer.check() == []


def test_the_failure_is_audited_as_the_coordinators_naming_the_party(service, clock) -> None:
    enforcer, presence = deadlines(service, clock)
    presence.connect("bank_a")
    service.submit_job(BANK_A, "psi", ["platform"], "{}")
    clock.now += 61
    enforcer.check()
    assert service.audit_summary(REGULATOR).by_action["job.failed"] == 1
    assert service.audit_summary(REGULATOR).by_party["coordinator"] == 1


def test_the_peers_next_relay_call_hears_of_the_failure(service, clock) -> None:
    enforcer, presence = deadlines(service, clock)
    presence.connect("bank_a")
    job = service.submit_job(BANK_A, "psi", ["platform"], "{}")
    clock.now += 61
    enforcer.check()
    with pytest.raises(Conflict, match="platform: absent"):
        service.receive(BANK_A, job.id, "platform", "psi/1", timeout=0.1, is_active=lambda: True)


@pytest.mark.parametrize("value", [0, -1, "soon", True, 10**9])
def test_a_nonsensical_deadline_is_refused_at_submission(service, value) -> None:
    with pytest.raises(InvalidArgument, match="party_deadline_seconds"):
        service.submit_job(BANK_A, "psi", ["platform"], json.dumps({"party_deadline_seconds": value}))
