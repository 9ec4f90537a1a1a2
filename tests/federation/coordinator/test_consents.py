"""The consent registry's rules, in one process: who records, who sees, what a lookup returns."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest
from tests.support.coordinator import BANK_A, BANK_B, OPERATOR, PLATFORM, REGULATOR, registered_service

from federation.coordinator.errors import Conflict, InvalidArgument, NotFound, PermissionDenied
from federation.coordinator.jobs import State
from federation.coordinator.service import CoordinatorService
from federation.coordinator.store import ConsentRow
from federation.data.uscc import random_usccs
from federation.governance.categories import CATEGORIES
from federation.security.roles import Role
from federation.security.tls import Identity

E1, E2, E3 = random_usccs(np.random.default_rng(0), 3, ["320706"]).tolist()
NEXT_YEAR = (dt.date.today() + dt.timedelta(days=365)).isoformat()


@pytest.fixture()
def service(tmp_path: Path) -> CoordinatorService:
    return registered_service(tmp_path, PLATFORM, BANK_A, BANK_B, OPERATOR, REGULATOR)


def grant(svc: CoordinatorService, enterprise: str, bank: str = "bank_a",
          categories: tuple[str, ...] = CATEGORIES, until: str = NEXT_YEAR) -> str:
    return svc.consents.grant(OPERATOR, enterprise, bank, "financing", list(categories), until).id


def lookup(svc: CoordinatorService, bank: Identity, categories: tuple[str, ...] = ("tax",)) -> list[str]:
    job = svc.submit_job(bank, "psi", ["platform"], "{}")
    return svc.authorized_enterprises(PLATFORM, job.id, list(categories))


def test_platform_sees_the_enterprises_authorizing_the_job_bank(service: CoordinatorService) -> None:
    grant(service, E1)
    grant(service, E2, bank="bank_b")
    assert lookup(service, BANK_A) == [E1]


def test_revoked_consent_is_gone_from_the_next_lookup(service: CoordinatorService) -> None:
    consent = grant(service, E1)
    grant(service, E2)
    service.consents.revoke(OPERATOR, consent)
    assert lookup(service, BANK_A) == [E2]


def test_consent_must_cover_every_category_asked_for(service: CoordinatorService) -> None:
    grant(service, E1, categories=("tax", "court_judgments"))
    grant(service, E2, categories=("tax",))
    assert lookup(service, BANK_A, ("court_judgments", "tax")) == [E1]


def test_expired_consent_does_not_count(service: CoordinatorService) -> None:
    grant(service, E1)
    with service.audit.transaction() as session:
        for row in session.query(ConsentRow):
            row.valid_until = dt.date.today() - dt.timedelta(days=1)
    assert lookup(service, BANK_A) == []


def test_only_the_operator_records_consent(service: CoordinatorService) -> None:
    for who in (BANK_A, PLATFORM, REGULATOR):
        with pytest.raises(PermissionDenied, match=f"{who.name} \\({who.role.value}\\) cannot record consent"):
            service.consents.grant(who, E1, "bank_a", "financing", ["tax"], NEXT_YEAR)


def test_only_the_operator_revokes(service: CoordinatorService) -> None:
    consent = grant(service, E1)
    with pytest.raises(PermissionDenied, match="bank_a"):
        service.consents.revoke(BANK_A, consent)


def test_enterprise_must_be_a_valid_uscc(service: CoordinatorService) -> None:
    with pytest.raises(InvalidArgument, match="not a valid USCC"):
        grant(service, E1[:-1] + ("0" if E1[-1] != "0" else "1"))


def test_purpose_other_than_financing_is_refused(service: CoordinatorService) -> None:
    with pytest.raises(InvalidArgument, match="'marketing' is not allowed"):
        service.consents.grant(OPERATOR, E1, "bank_a", "marketing", ["tax"], NEXT_YEAR)


def test_unknown_category_is_named(service: CoordinatorService) -> None:
    with pytest.raises(InvalidArgument, match="'salaries'"):
        grant(service, E1, categories=("tax", "salaries"))


def test_date_in_the_past_is_refused(service: CoordinatorService) -> None:
    with pytest.raises(InvalidArgument, match="valid_until .* is in the past"):
        grant(service, E1, until="2020-01-01")


def test_bank_must_be_a_registered_bank(service: CoordinatorService) -> None:
    with pytest.raises(InvalidArgument, match="'platform' is not a registered bank"):
        grant(service, E1, bank="platform")


def test_revoking_twice_is_a_conflict(service: CoordinatorService) -> None:
    consent = grant(service, E1)
    service.consents.revoke(OPERATOR, consent)
    with pytest.raises(Conflict, match="already revoked by operator"):
        service.consents.revoke(OPERATOR, consent)


def test_operator_lists_every_record_a_bank_only_its_own(service: CoordinatorService) -> None:
    grant(service, E1)
    grant(service, E2, bank="bank_b")
    assert {c.enterprise for c in service.consents.list(OPERATOR)} == {E1, E2}
    assert [c.enterprise for c in service.consents.list(BANK_B)] == [E2]


def test_platform_and_regulator_cannot_list_consent_records(service: CoordinatorService) -> None:
    for who in (PLATFORM, REGULATOR):
        with pytest.raises(PermissionDenied, match="cannot list consents"):
            service.consents.list(who)


def test_only_the_platform_of_the_job_looks_consent_up(service: CoordinatorService) -> None:
    job = service.submit_job(BANK_A, "psi", ["platform"], "{}")
    with pytest.raises(PermissionDenied, match="cannot look up consents"):
        service.authorized_enterprises(BANK_A, job.id, ["tax"])
    other = Identity("platform_2", Role.PLATFORM, "q" * 64)
    with pytest.raises(NotFound):
        service.authorized_enterprises(other, job.id, ["tax"])


def test_no_lookup_once_the_job_is_over(service: CoordinatorService) -> None:
    job = service.submit_job(BANK_A, "psi", ["platform"], "{}")
    service.report_status(PLATFORM, job.id, State.FAILED, "stopped", "")
    with pytest.raises(Conflict, match="is failed"):
        service.authorized_enterprises(PLATFORM, job.id, ["tax"])
