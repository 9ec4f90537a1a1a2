"""Routing online scores, in one process: the router's futures and the coordinator's checks."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.federation.coordinator.test_audit import succeed_psi
from tests.federation.coordinator.test_consents import E1, E2, NEXT_YEAR
from tests.support.coordinator import BANK_A, BANK_B, OPERATOR, PLATFORM, REGULATOR, make_service

from federation.coordinator.errors import InvalidArgument, PermissionDenied
from federation.coordinator.jobs import State
from federation.coordinator.online import (
    CONSENT_CATEGORIES, ENFORCES_CONSENT, PlatformNotServing, ScoringAnswer, ScoringFailed, ScoringQuestion,
    ScoringRouter, ServingSession,
)
from federation.coordinator.service import CoordinatorService
from federation.coordinator.store import AuditRow
from federation.governance.data_use import IndexKey, pack_tags
from federation.security.roles import Role
from federation.security.tls import Identity


def answering(session: ServingSession, value: int = 42, error: str = "") -> list[ScoringQuestion]:
    """Answer every question on ``session`` from a thread; returns what it was asked."""
    seen: list[ScoringQuestion] = []

    def run() -> None:
        for question in session.questions(lambda: not session.closed):
            seen.append(question)
            session.answer(ScoringAnswer(question.request_id, value, error))

    threading.Thread(target=run, daemon=True).start()
    return seen


def test_a_question_reaches_the_serving_platform_and_its_answer_returns() -> None:
    router = ScoringRouter()
    session = router.serve("platform")
    answering(session, 7)
    assert router.ask("platform", "m", "bank_a", b"ct").masked_value == 7
    session.close()


def test_asking_a_platform_that_is_not_serving_names_it() -> None:
    with pytest.raises(PlatformNotServing, match="platform is not serving"):
        ScoringRouter().ask("platform", "m", "bank_a", b"ct")


def test_a_platform_that_does_not_answer_in_time_is_named() -> None:
    router = ScoringRouter(answer_seconds=0.2)
    router.serve("platform")
    with pytest.raises(PlatformNotServing, match="platform did not answer within"):
        router.ask("platform", "m", "bank_a", b"ct")


def test_the_platforms_error_is_passed_on_naming_it() -> None:
    router = ScoringRouter()
    session = router.serve("platform")
    answering(session, error="FileNotFoundError: no key")
    with pytest.raises(ScoringFailed, match="platform could not score: FileNotFoundError"):
        router.ask("platform", "m", "bank_a", b"ct")
    session.close()


def test_a_closing_stream_fails_the_request_waiting_on_it() -> None:
    router = ScoringRouter()
    session = router.serve("platform")
    threading.Timer(0.2, session.close).start()
    with pytest.raises(PlatformNotServing, match="stopped serving before answering"):
        router.ask("platform", "m", "bank_a", b"ct")


def test_a_reconnecting_platform_replaces_its_old_stream() -> None:
    router = ScoringRouter()
    old = router.serve("platform")
    answering(router.serve("platform"), 9)
    assert old.closed and router.ask("platform", "m", "bank_a", b"ct").masked_value == 9


@pytest.fixture()
def served(tmp_path: Path) -> Iterator[tuple[CoordinatorService, str, list[ScoringQuestion]]]:
    """A coordinator with a joint model of bank_a, and the platform serving it."""
    svc = make_service(tmp_path)
    for who in (PLATFORM, BANK_A, BANK_B, OPERATOR, REGULATOR):
        svc.register(who, {})
    train = svc.submit_job(BANK_A, "secureboost", ["platform"], json.dumps({"psi_job": succeed_psi(svc)}))
    svc.report_status(PLATFORM, train.id, State.SUCCEEDED, "done", '{"model_part": {"file": "p", "sha256": "1"}}')
    svc.report_status(BANK_A, train.id, State.SUCCEEDED, "done", '{"model": {"part": {"file": "b", "sha256": "2"}}}')
    session = svc.serve_scoring(PLATFORM)
    seen = answering(session)
    yield svc, train.id, seen
    session.close()


def test_a_bank_gets_the_platforms_masked_value(served) -> None:
    svc, model, _ = served
    assert svc.score_applicant(BANK_A, model, E1, b"ct").masked_value == 42


def test_the_platform_is_asked_without_the_enterprise_id(served) -> None:
    svc, model, seen = served
    svc.score_applicant(BANK_A, model, E1, b"ct")
    assert E1 not in repr(seen) and [q.bank for q in seen] == ["bank_a"]


def test_only_a_bank_can_score(served) -> None:
    svc, model, _ = served
    with pytest.raises(PermissionDenied, match="regulator"):
        svc.score_applicant(REGULATOR, model, E1, b"ct")


def test_only_a_platform_can_serve_scoring(served) -> None:
    svc, _, _ = served
    with pytest.raises(PermissionDenied, match="bank_a"):
        svc.serve_scoring(BANK_A)


def test_a_model_of_another_bank_is_refused(served) -> None:
    svc, model, _ = served
    with pytest.raises(InvalidArgument, match=f"model_id '{model}' is not a registered joint model of bank_b"):
        svc.score_applicant(BANK_B, model, E1, b"ct")


def test_something_that_is_not_a_model_is_refused(served) -> None:
    svc, _, _ = served
    with pytest.raises(InvalidArgument, match="model_id 'nope'"):
        svc.score_applicant(BANK_A, "nope", E1, b"ct")


def test_an_invalid_uscc_is_refused_naming_it(served) -> None:
    svc, model, _ = served
    with pytest.raises(InvalidArgument, match="enterprise '12345' is not a valid USCC"):
        svc.score_applicant(BANK_A, model, "12345", b"ct")


def test_an_empty_ciphertext_is_refused(served) -> None:
    svc, model, _ = served
    with pytest.raises(InvalidArgument, match="ciphertext"):
        svc.score_applicant(BANK_A, model, E1, b"")


def test_with_consent_enforced_a_revocation_holds_from_the_next_request(served) -> None:
    svc, model, _ = served
    svc.register(PLATFORM, {ENFORCES_CONSENT: "true", CONSENT_CATEGORIES: "tax"})
    consent = svc.consents.grant(OPERATOR, E1, "bank_a", "financing", ["tax"], NEXT_YEAR)
    assert svc.score_applicant(BANK_A, model, E1, b"ct").masked_value == 42
    svc.consents.revoke(OPERATOR, consent.id)
    with pytest.raises(PermissionDenied, match=f"enterprise {E1} does not \\(or no longer\\) authorize bank_a"):
        svc.score_applicant(BANK_A, model, E1, b"ct")


def test_with_consent_enforced_every_category_must_be_authorized(served) -> None:
    svc, model, _ = served
    svc.register(PLATFORM, {ENFORCES_CONSENT: "true", CONSENT_CATEGORIES: "tax,social_insurance"})
    svc.consents.grant(OPERATOR, E2, "bank_a", "financing", ["tax"], NEXT_YEAR)
    with pytest.raises(PermissionDenied, match=E2):
        svc.score_applicant(BANK_A, model, E2, b"ct")


def test_each_score_is_audited_as_a_count_without_the_enterprise(served) -> None:
    svc, model, _ = served
    svc.score_applicant(BANK_A, model, E1, b"ct")
    with svc.audit.transaction() as session:
        entries = [(row.action, json.dumps(row.details)) for row in session.query(AuditRow)]
    scores = [details for action, details in entries if action == "score.online"]
    assert len(scores) == 1 and json.loads(scores[0])["enterprises"] == 1 and E1 not in scores[0]


def test_an_open_objection_reads_as_one_line_for_a_portrait(served) -> None:
    svc, _, _ = served
    key = IndexKey.generate()
    job = svc.submit_job(BANK_A, "psi", ["platform"], "{}")
    seq = svc.record_data_use(PLATFORM, job.id, 0, pack_tags([key.tag(E1)]), ["tax"])
    objection = svc.file_objection(Identity(E1, Role.ENTERPRISE, "e" * 64), seq, "never applied", key.tag(E1))
    (line,) = [flag.text() for flag in svc.objection_flags(E1)]
    assert objection.id in line and f"audit record {seq}" in line and "open" in line
    assert svc.objection_flags(E2) == []
