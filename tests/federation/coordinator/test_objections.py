"""Objections: filed on the enterprise's own records, deadline in working days, flagged until resolved."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest
from tests.support.coordinator import BANK_A, OPERATOR, PLATFORM, registered_service

from federation.coordinator.audit import AuditLog
from federation.coordinator.errors import Conflict, NotFound, PermissionDenied
from federation.coordinator.objections import FORWARDED, RESOLVED, ObjectionRegistry
from federation.coordinator.service import CoordinatorService
from federation.coordinator.store import open_database
from federation.data.uscc import random_usccs
from federation.governance.data_use import IndexKey, pack_tags
from federation.security.roles import Role
from federation.security.tls import Identity

E1, E2 = random_usccs(np.random.default_rng(2), 2, ["320706"]).tolist()
KEY = IndexKey.generate()
FRIDAY = dt.datetime(2026, 11, 20, 2, tzinfo=dt.timezone.utc)


def enterprise(uscc: str) -> Identity:
    return Identity(uscc, Role.ENTERPRISE, "e" * 64)


@pytest.fixture()
def service(tmp_path: Path) -> CoordinatorService:
    return registered_service(tmp_path, PLATFORM, BANK_A, OPERATOR)


def use_of(service: CoordinatorService, uscc: str) -> int:
    job = service.submit_job(BANK_A, "psi", ["platform"], "{}")
    return service.record_data_use(PLATFORM, job.id, 0, pack_tags([KEY.tag(uscc)]), ["tax"])


def test_an_objection_flags_the_record_until_resolved(service: CoordinatorService) -> None:
    seq = use_of(service, E1)
    objection = service.file_objection(enterprise(E1), seq, "I never applied at bank_a", KEY.tag(E1))
    assert [(f.objection_id, f.audit_seq, f.status) for f in service.objection_flags(E1)] == [
        (objection.id, seq, "open")]
    service.objections.update(OPERATOR, objection.id, FORWARDED, "sent to the provincial node")
    assert [f.status for f in service.objection_flags(E1)] == ["forwarded"]
    service.objections.update(OPERATOR, objection.id, RESOLVED, "record corrected")
    assert service.objection_flags(E1) == []


def test_an_enterprise_cannot_object_to_another_enterprises_record(service: CoordinatorService) -> None:
    seq = use_of(service, E1)
    with pytest.raises(NotFound, match=f"not in {E2}'s history"):
        service.file_objection(enterprise(E2), seq, "not mine", KEY.tag(E2))


def test_the_history_lists_the_objection_on_its_record(service: CoordinatorService) -> None:
    seq = use_of(service, E1)
    objection = service.file_objection(enterprise(E1), seq, "wrong bank", KEY.tag(E1))
    entry = next(e for e in service.enterprise_history(enterprise(E1), KEY.tag(E1)) if e.seq == seq)
    assert entry.objection_ids == [objection.id]


def test_a_bank_cannot_file_an_objection(service: CoordinatorService) -> None:
    with pytest.raises(PermissionDenied, match="cannot file an objection"):
        service.file_objection(BANK_A, 1, "x", None)


def test_a_resolved_objection_cannot_be_reopened(service: CoordinatorService) -> None:
    objection = service.file_objection(enterprise(E1), use_of(service, E1), "x", KEY.tag(E1))
    service.objections.update(OPERATOR, objection.id, RESOLVED, "")
    with pytest.raises(Conflict, match="it can become nothing"):
        service.objections.update(OPERATOR, objection.id, FORWARDED, "")


def test_an_enterprise_lists_only_its_own_objections(service: CoordinatorService) -> None:
    service.file_objection(enterprise(E1), use_of(service, E1), "mine", KEY.tag(E1))
    service.file_objection(enterprise(E2), use_of(service, E2), "theirs", KEY.tag(E2))
    assert [o.reason for o in service.objections.list(enterprise(E1))] == ["mine"]
    assert len(service.objections.list(OPERATOR)) == 2


class Clock:
    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


def registry_with_one_objection(tmp_path: Path, clock: Clock) -> tuple[ObjectionRegistry, str]:
    sessions = open_database(f"sqlite:///{tmp_path / 'objections.db'}")
    audit = AuditLog(sessions)
    with audit.transaction() as session:
        seq = audit.record(session, BANK_A, "data.use", "job", {"enterprises": 1}).seq
    registry = ObjectionRegistry(sessions, audit, clock=clock)
    return registry, registry.file(enterprise(E1), seq, "x", {seq}).id


def test_the_forwarding_deadline_skips_the_weekend(tmp_path: Path) -> None:
    registry, _ = registry_with_one_objection(tmp_path, Clock(FRIDAY))
    assert [f.forward_by for f in registry.flags(E1)] == [dt.date(2026, 11, 24)]


def test_an_objection_not_forwarded_after_its_deadline_is_overdue(tmp_path: Path) -> None:
    clock = Clock(FRIDAY)
    registry, _ = registry_with_one_objection(tmp_path, clock)
    clock.now = dt.datetime(2026, 11, 24, 15, tzinfo=dt.timezone.utc)  # Tuesday 23:00 in China
    assert [f.overdue for f in registry.flags(E1)] == [False]
    clock.now = dt.datetime(2026, 11, 24, 16, 30, tzinfo=dt.timezone.utc)  # Wednesday 00:30 in China
    assert [f.overdue for f in registry.flags(E1)] == [True]


def test_a_forwarded_objection_is_not_overdue(tmp_path: Path) -> None:
    clock = Clock(FRIDAY)
    registry, objection = registry_with_one_objection(tmp_path, clock)
    registry.update(OPERATOR, objection, FORWARDED, "")
    clock.now = dt.datetime(2026, 12, 1, tzinfo=dt.timezone.utc)
    assert [f.overdue for f in registry.flags(E1)] == [False]
