"""The data-use index: the platform reports tags, the enterprise finds its uses, nobody else."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from tests.support.coordinator import BANK_A, OPERATOR, PLATFORM, registered_service

from federation.coordinator.errors import Conflict, PermissionDenied
from federation.coordinator.service import CoordinatorService
from federation.data.uscc import random_usccs
from federation.governance.data_use import IndexKey, pack_tags
from federation.security.roles import Role
from federation.security.tls import Identity

E1, E2, E3 = random_usccs(np.random.default_rng(1), 3, ["320706"]).tolist()
PLATFORM_KEY = IndexKey.generate()


def enterprise(uscc: str) -> Identity:
    return Identity(uscc, Role.ENTERPRISE, "e" * 64)


@pytest.fixture()
def service(tmp_path: Path) -> CoordinatorService:
    return registered_service(tmp_path, PLATFORM, BANK_A, OPERATOR)


def used(service: CoordinatorService, *usccs: str, batch: int = 0) -> str:
    """A running job of bank_a whose platform reports it used ``usccs``."""
    job = service.submit_job(BANK_A, "psi", ["platform"], '{"legal_basis": "loan contracts"}')
    service.record_data_use(PLATFORM, job.id, batch, pack_tags(PLATFORM_KEY.tags(usccs)), ["tax"])
    return job.id


def test_an_enterprise_finds_the_job_that_used_its_data(service: CoordinatorService) -> None:
    job = used(service, E1, E2)
    history = service.enterprise_history(enterprise(E1), PLATFORM_KEY.tag(E1))
    assert [(e.action, e.subject, e.details["bank"], e.details["legal_basis"]) for e in history] == [
        ("data.use", job, "bank_a", "loan contracts")]


def test_an_enterprise_the_job_did_not_use_finds_nothing(service: CoordinatorService) -> None:
    used(service, E1, E2)
    assert service.enterprise_history(enterprise(E3), PLATFORM_KEY.tag(E3)) == []


def test_without_its_tag_an_enterprise_cannot_be_looked_up(service: CoordinatorService) -> None:
    """The coordinator cannot compute a platform tag: a use is found only with the one the
    enterprise presents."""
    used(service, E1)
    assert service.enterprise_history(enterprise(E1), None) == []


def test_the_database_holds_no_enterprise_id(service: CoordinatorService, tmp_path: Path) -> None:
    used(service, E1, E2)
    stored = b"".join(path.read_bytes() for path in tmp_path.glob("coordinator.db*"))
    assert stored and [e for e in (E1, E2) if e.encode() in stored] == []


def test_the_use_is_audited_as_a_count_with_the_tags_digest(service: CoordinatorService) -> None:
    job = used(service, E1, E2)
    entry = next(e for e in service.enterprise_history(enterprise(E1), PLATFORM_KEY.tag(E1)) if e.subject == job)
    assert entry.details["enterprises"] == 2 and len(entry.details["index_sha256"]) == 64


def test_a_replayed_batch_is_recorded_once(service: CoordinatorService) -> None:
    job = used(service, E1)
    service.record_data_use(PLATFORM, job, 0, pack_tags(PLATFORM_KEY.tags([E1])), ["tax"])
    assert service.audit_summary(OPERATOR).by_action["data.use"] == 1


def test_a_batch_replayed_with_other_enterprises_is_refused(service: CoordinatorService) -> None:
    job = used(service, E1)
    with pytest.raises(Conflict, match="batch 0 .* other enterprises"):
        service.record_data_use(PLATFORM, job, 0, pack_tags(PLATFORM_KEY.tags([E2])), ["tax"])


def test_a_nightly_monitoring_use_names_the_bank_not_the_platforms_monitor(tmp_path: Path) -> None:
    monitor = Identity("monitor", Role.PLATFORM, "m" * 64)
    service = registered_service(tmp_path, PLATFORM, monitor, BANK_A, OPERATOR)
    job = service.submit_job(monitor, "monitor", ["bank_a"], '{"date": "2026-10-02"}')
    service.record_data_use(monitor, job.id, 0, pack_tags(PLATFORM_KEY.tags([E1])), ["tax"])
    (entry,) = service.enterprise_history(enterprise(E1), PLATFORM_KEY.tag(E1))
    assert (entry.subject, entry.details["kind"], entry.details["bank"]) == (job.id, "monitor", "bank_a")


def test_only_the_platform_records_data_use(service: CoordinatorService) -> None:
    job = service.submit_job(BANK_A, "psi", ["platform"], "{}")
    with pytest.raises(PermissionDenied, match="cannot record data use"):
        service.record_data_use(BANK_A, job.id, 0, pack_tags(PLATFORM_KEY.tags([E1])), ["tax"])


def test_an_enterprise_sees_its_own_consent_records_only(service: CoordinatorService) -> None:
    service.consents.grant(OPERATOR, E1, "bank_a", "financing", ["tax"], "2099-12-31")
    service.consents.grant(OPERATOR, E2, "bank_a", "financing", ["tax"], "2099-12-31")
    assert [e.details["enterprise"] for e in service.enterprise_history(enterprise(E1), None)] == [E1]


def test_an_online_score_is_found_under_the_coordinators_own_tag(service: CoordinatorService) -> None:
    with service.audit.transaction() as session:
        entry = service.audit.record(session, BANK_A, "score.online", "model", {"enterprises": 1})
        service.data_use.index_entry(session, entry.seq, E2)
    assert [e.action for e in service.enterprise_history(enterprise(E2), None)] == ["score.online"]
