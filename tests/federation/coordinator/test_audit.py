"""The audit log records every governed action as counts, and any edit or deletion shows."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner
from tests.federation.coordinator.test_consents import E1, E2, NEXT_YEAR
from tests.support.coordinator import BANK_A, OPERATOR, PLATFORM, REGULATOR, make_service, registered_service

from federation.cli import app
from federation.coordinator.audit import digest, verify_database
from federation.coordinator.errors import InvalidArgument
from federation.coordinator.jobs import State
from federation.coordinator.service import CoordinatorService
from federation.coordinator.store import AuditRow


@pytest.fixture()
def service(tmp_path: Path) -> CoordinatorService:
    return registered_service(tmp_path, PLATFORM, BANK_A, OPERATOR, REGULATOR)


def entries(svc: CoordinatorService) -> list[AuditRow]:
    with svc.audit.transaction() as session:
        return list(session.query(AuditRow).order_by(AuditRow.seq))


def succeed_psi(svc: CoordinatorService, params: str = "{}") -> str:
    job = svc.submit_job(BANK_A, "psi", ["platform"], params)
    svc.authorized_enterprises(PLATFORM, job.id, ["tax"])
    svc.report_status(BANK_A, job.id, State.SUCCEEDED, "done", '{"intersection_size": 2, "bank_set_size": 9}')
    svc.report_status(PLATFORM, job.id, State.SUCCEEDED, "done", json.dumps(
        {"bank_set_size": 9, "consent": {"basis": "consent", "categories": ["tax"], "authorized": 2}}))
    return job.id


def activity(svc: CoordinatorService) -> None:
    """Consents granted and one revoked, a PSI job, a training job and its model."""
    first = svc.consents.grant(OPERATOR, E1, "bank_a", "financing", ["tax"], NEXT_YEAR)
    svc.consents.grant(OPERATOR, E2, "bank_a", "financing", ["tax"], NEXT_YEAR)
    psi = succeed_psi(svc)
    svc.consents.revoke(OPERATOR, first.id)
    train = svc.submit_job(BANK_A, "secureboost", ["platform"], json.dumps({"psi_job": psi}))
    svc.report_status(PLATFORM, train.id, State.SUCCEEDED, "done", '{"model_part": {"file": "p", "sha256": "1"}}')
    svc.report_status(BANK_A, train.id, State.SUCCEEDED, "done", json.dumps(
        {"model": {"metrics": {"n_intersection": 2}, "part": {"file": "b", "sha256": "2"}}}))


def database(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'coordinator.db'}"


def test_psi_job_is_recorded_from_submission_to_success(service: CoordinatorService) -> None:
    job_id = succeed_psi(service)
    log = [(e.action, e.actor) for e in entries(service) if e.subject == job_id]
    assert log == [("job.submit", "bank_a"), ("consent.lookup", "platform"), ("job.running", "bank_a"),
                   ("job.succeeded", "platform")]


def test_success_records_how_many_enterprises_and_the_basis(service: CoordinatorService) -> None:
    succeed_psi(service)
    done = next(e for e in entries(service) if e.action == "job.succeeded")
    assert done.details == {"kind": "psi", "purpose": "financing", "enterprises": 2, "basis": "consent",
                            "categories": ["tax"], "authorized": 2}


def test_model_registration_is_recorded(service: CoordinatorService) -> None:
    activity(service)
    model = next(e for e in entries(service) if e.action == "model.register")
    assert (model.actor, model.details["owner"], model.details["version"], model.details["enterprises"]) == (
        "bank_a", "bank_a", 1, 2)


def test_consent_changes_are_recorded_with_the_enterprise(service: CoordinatorService) -> None:
    activity(service)
    changes = [(e.action, e.details["enterprise"]) for e in entries(service) if e.action.startswith("consent.")
               and e.action != "consent.lookup"]
    assert changes == [("consent.grant", E1), ("consent.grant", E2), ("consent.revoke", E1)]


def test_no_enterprise_id_outside_its_own_consent_records(service: CoordinatorService) -> None:
    activity(service)
    other = [json.dumps(e.details) for e in entries(service) if e.action not in ("consent.grant", "consent.revoke")]
    assert [text for text in other if E1 in text or E2 in text] == []


def test_legal_basis_is_recorded_on_the_submission(service: CoordinatorService) -> None:
    succeed_psi(service, '{"legal_basis": "historical borrowers, loan contract clause 12"}')
    submit = next(e for e in entries(service) if e.action == "job.submit")
    assert submit.details["legal_basis"] == "historical borrowers, loan contract clause 12"


def test_empty_legal_basis_is_refused(service: CoordinatorService) -> None:
    with pytest.raises(InvalidArgument, match="params.legal_basis"):
        service.submit_job(BANK_A, "psi", ["platform"], '{"legal_basis": " "}')


def test_purpose_other_than_financing_is_refused_on_a_job(service: CoordinatorService) -> None:
    with pytest.raises(InvalidArgument, match="params.purpose 'marketing'"):
        service.submit_job(BANK_A, "psi", ["platform"], '{"purpose": "marketing"}')


def test_summary_counts_per_action_party_and_category(service: CoordinatorService) -> None:
    activity(service)
    summary = service.audit_summary(REGULATOR)
    # tax: two grants, one revocation, the platform's lookup and the PSI job it ran on consent
    assert (summary.by_action["consent.grant"], summary.by_party["operator"], summary.by_category["tax"]) == (
        2, 3, 5)
    assert summary.head_sha256 == entries(service)[-1].sha256


def test_untouched_log_verifies(service: CoordinatorService, tmp_path: Path) -> None:
    activity(service)
    verdict = verify_database(database(tmp_path))
    assert verdict.ok and verdict.entries == len(entries(service))


def test_log_continues_its_chain_after_a_restart(service: CoordinatorService, tmp_path: Path) -> None:
    activity(service)
    again = make_service(tmp_path)
    again.consents.grant(OPERATOR, E1, "bank_a", "financing", ["tax"], NEXT_YEAR)
    assert verify_database(database(tmp_path)).ok


def test_edited_field_fails_verification_naming_the_entry(service: CoordinatorService, tmp_path: Path) -> None:
    activity(service)
    with sqlite3.connect(tmp_path / "coordinator.db") as db:
        db.execute("UPDATE audit_log SET actor = 'bank_b' WHERE seq = 4")
    verdict = verify_database(database(tmp_path))
    assert (verdict.ok, verdict.first_bad) == (False, 4)
    assert "entry 4" in verdict.problem and "edited" in verdict.problem


def test_edit_with_a_recomputed_digest_breaks_the_next_link(service: CoordinatorService, tmp_path: Path) -> None:
    activity(service)
    with sqlite3.connect(tmp_path / "coordinator.db") as db:
        db.execute("UPDATE audit_log SET details = json_set(details, '$.enterprises', 0) WHERE seq = 7")
    forged = next(e for e in entries(service) if e.seq == 7)
    with sqlite3.connect(tmp_path / "coordinator.db") as db:
        db.execute("UPDATE audit_log SET sha256 = ? WHERE seq = 7", (digest(forged),))
    verdict = verify_database(database(tmp_path))
    assert (verdict.ok, verdict.first_bad) == (False, 8)


def test_deleted_entry_fails_verification_naming_it(service: CoordinatorService, tmp_path: Path) -> None:
    activity(service)
    with sqlite3.connect(tmp_path / "coordinator.db") as db:
        db.execute("DELETE FROM audit_log WHERE seq = 3")
    verdict = verify_database(database(tmp_path))
    assert (verdict.ok, verdict.first_bad) == (False, 3)
    assert "entry 3 is missing" in verdict.problem


def test_truncated_tail_fails_against_a_noted_head(service: CoordinatorService, tmp_path: Path) -> None:
    activity(service)
    head = service.audit_summary(REGULATOR).head_sha256
    last = entries(service)[-1].seq
    with sqlite3.connect(tmp_path / "coordinator.db") as db:
        db.execute("DELETE FROM audit_log WHERE seq = ?", (last,))
    verdict = verify_database(database(tmp_path), expect_head=head)
    assert not verdict.ok and "removed from its end" in verdict.problem


def test_audit_verify_command_names_the_edited_entry(service: CoordinatorService, tmp_path: Path) -> None:
    activity(service)
    with sqlite3.connect(tmp_path / "coordinator.db") as db:
        db.execute("UPDATE audit_log SET action = 'job.submit' WHERE seq = 5")
    result = CliRunner().invoke(app, ["audit", "verify", "--store", str(tmp_path)])
    assert result.exit_code == 2
    assert "fails verification at entry 5" in result.output


def test_audit_verify_command_passes_an_untouched_log(service: CoordinatorService, tmp_path: Path) -> None:
    activity(service)
    head = service.audit_summary(REGULATOR).head_sha256
    result = CliRunner().invoke(app, ["audit", "verify", "--store", str(tmp_path), "--head", head])
    assert result.exit_code == 0, result.output
    assert head in result.output
