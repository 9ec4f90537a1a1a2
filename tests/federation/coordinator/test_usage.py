"""Usage per period, bank, purpose and category: distinct enterprises and uses, no ids."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from tests.support.coordinator import BANK_A, BANK_B, OPERATOR, PLATFORM, REGULATOR, registered_service

from federation.coordinator.errors import InvalidArgument, PermissionDenied
from federation.coordinator.service import CoordinatorService
from federation.data.uscc import random_usccs
from federation.governance.data_use import IndexKey, pack_tags
from federation.security.tls import Identity

E1, E2, E3 = random_usccs(np.random.default_rng(3), 3, ["320706"]).tolist()
KEY = IndexKey.generate()


@pytest.fixture()
def service(tmp_path: Path) -> CoordinatorService:
    return registered_service(tmp_path, PLATFORM, BANK_A, BANK_B, OPERATOR, REGULATOR)


def use(service: CoordinatorService, bank: Identity, usccs: list[str], categories: list[str]) -> None:
    job = service.submit_job(bank, "psi", ["platform"], "{}")
    service.record_data_use(PLATFORM, job.id, 0, pack_tags(KEY.tags(usccs)), categories)


def rows(service: CoordinatorService) -> dict[tuple[str, str], tuple[int, int]]:
    return {(r.bank, r.category): (r.enterprises, r.uses) for r in service.audit_usage(REGULATOR, "month").rows}


def test_enterprises_are_counted_once_per_bank_and_category(service: CoordinatorService) -> None:
    use(service, BANK_A, [E1, E2], ["tax", "utilities"])
    use(service, BANK_A, [E2, E3], ["tax"])
    assert rows(service) == {("bank_a", "tax"): (3, 2), ("bank_a", "utilities"): (2, 1)}


def test_banks_are_reported_apart(service: CoordinatorService) -> None:
    use(service, BANK_A, [E1], ["tax"])
    use(service, BANK_B, [E1, E2], ["tax"])
    assert rows(service) == {("bank_a", "tax"): (1, 1), ("bank_b", "tax"): (2, 1)}


def test_the_report_names_no_enterprise(service: CoordinatorService) -> None:
    use(service, BANK_A, [E1, E2], ["tax"])
    report = service.audit_usage(OPERATOR, "day")
    assert report.rows and not any(e in repr(report) for e in (E1, E2, E3))


def test_a_bank_cannot_read_usage(service: CoordinatorService) -> None:
    with pytest.raises(PermissionDenied, match="cannot read usage summaries"):
        service.audit_usage(BANK_A, "month")


def test_an_unknown_period_is_named(service: CoordinatorService) -> None:
    with pytest.raises(InvalidArgument, match="period must be one of month, day, got 'week'"):
        service.audit_usage(OPERATOR, "week")
