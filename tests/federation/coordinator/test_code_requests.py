"""Code requests in the audit log: the bank records its submission, the platform its decision;
an approval applies consent as of that moment."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import numpy as np
import pytest
from tests.support.coordinator import BANK_A, BANK_B, OPERATOR, PLATFORM, registered_service

from federation.coordinator.code_requests import APPROVED, DENIED, SUBMITTED, CodeRequestEvent
from federation.coordinator.errors import Conflict, InvalidArgument, NotFound, PermissionDenied
from federation.coordinator.service import CoordinatorService
from federation.data.uscc import random_usccs

E1, E2 = random_usccs(np.random.default_rng(1), 2, ["320706"]).tolist()
NEXT_YEAR = (dt.date.today() + dt.timedelta(days=365)).isoformat()
CODE = hashlib.sha256(b"def summary(data): ...").hexdigest()


@pytest.fixture()
def service(tmp_path: Path) -> CoordinatorService:
    return registered_service(tmp_path, PLATFORM, BANK_A, BANK_B, OPERATOR)


def submitted(request_id: str = "r1", bank: str = "bank_a") -> CodeRequestEvent:
    return CodeRequestEvent(request_id, bank, SUBMITTED, "summary", CODE, ("tax",))


def decision(action: str, request_id: str = "r1", bank: str = "bank_a") -> CodeRequestEvent:
    return CodeRequestEvent(request_id, bank, action, reason="reviewed")


def test_an_approval_returns_the_enterprises_authorizing_the_bank_now(service: CoordinatorService) -> None:
    service.consents.grant(OPERATOR, E1, "bank_a", "financing", ["tax"], NEXT_YEAR)
    revoked = service.consents.grant(OPERATOR, E2, "bank_a", "financing", ["tax"], NEXT_YEAR)
    service.code_requests.record(BANK_A, submitted())
    service.consents.revoke(OPERATOR, revoked.id)
    assert service.code_requests.record(PLATFORM, decision(APPROVED)).authorized == [E1]


def test_submission_and_decision_enter_the_audit_log_with_counts_only(service: CoordinatorService) -> None:
    service.consents.grant(OPERATOR, E1, "bank_a", "financing", ["tax"], NEXT_YEAR)
    service.code_requests.record(BANK_A, submitted())
    service.code_requests.record(PLATFORM, decision(APPROVED))
    summary = service.audit_summary(OPERATOR)
    assert summary.by_action["code_request.submitted"] == 1 and summary.by_action["code_request.approved"] == 1
    assert summary.enterprises_by_action["code_request.approved"] == 1


def test_a_denial_returns_no_enterprise(service: CoordinatorService) -> None:
    service.consents.grant(OPERATOR, E1, "bank_a", "financing", ["tax"], NEXT_YEAR)
    service.code_requests.record(BANK_A, submitted())
    assert service.code_requests.record(PLATFORM, decision(DENIED)).authorized == []


def test_a_bank_cannot_record_another_banks_request(service: CoordinatorService) -> None:
    with pytest.raises(PermissionDenied, match="bank_b"):
        service.code_requests.record(BANK_A, submitted(bank="bank_b"))


def test_a_bank_cannot_decide(service: CoordinatorService) -> None:
    service.code_requests.record(BANK_A, submitted())
    with pytest.raises(PermissionDenied):
        service.code_requests.record(BANK_A, decision(APPROVED))


def test_a_decision_needs_a_recorded_submission_of_the_same_bank(service: CoordinatorService) -> None:
    with pytest.raises(NotFound, match="never recorded"):
        service.code_requests.record(PLATFORM, decision(APPROVED))
    service.code_requests.record(BANK_A, submitted())
    with pytest.raises(InvalidArgument, match="submitted by bank_a"):
        service.code_requests.record(PLATFORM, decision(APPROVED, bank="bank_b"))


def test_a_request_is_decided_once(service: CoordinatorService) -> None:
    service.code_requests.record(BANK_A, submitted())
    service.code_requests.record(PLATFORM, decision(DENIED))
    with pytest.raises(Conflict, match="already denied"):
        service.code_requests.record(PLATFORM, decision(APPROVED))


def test_a_submission_names_the_categories_it_reads(service: CoordinatorService) -> None:
    with pytest.raises(InvalidArgument, match="categories"):
        service.code_requests.record(BANK_A, CodeRequestEvent("r1", "bank_a", SUBMITTED, "summary", CODE, ()))
    with pytest.raises(InvalidArgument, match="categories"):
        service.code_requests.record(BANK_A, CodeRequestEvent("r1", "bank_a", SUBMITTED, "summary", CODE,
                                                              ("astrology",)))


def test_a_submission_carries_the_codes_digest(service: CoordinatorService) -> None:
    with pytest.raises(InvalidArgument, match="code_sha256"):
        service.code_requests.record(BANK_A, CodeRequestEvent("r1", "bank_a", SUBMITTED, "summary", "abc", ("tax",)))
