"""Consent enforced in real jobs: coordinator, platform and two banks as processes over mutual TLS.

The operator records consents for part of bank_a's customers and none for bank_b, then
revokes one. Every PSI job is checked against the plaintext truth of who consented.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from federation.cli import app
from federation.data import load_table
from federation.data.synthetic import generate
from federation.governance.categories import CATEGORIES
from federation.demo import demo_parties
from federation.launcher import OPERATOR, LocalFederation
from federation.party.client import JobFailed
from federation.security.certs import init_certificates
from federation.security.roles import Role

NEXT_YEAR = (dt.date.today() + dt.timedelta(days=365)).isoformat()
TINY_MODEL = {"n_estimators": 1, "max_depth": 2, "random_state": 0}


@dataclass
class Scenario:
    shared: set[str]  # bank_a's customers the platform covers
    consenting: set[str]  # of those, who authorized bank_a
    revoked: str
    before: set[str]  # bank_a's PSI intersection before the revocation
    after: set[str]  # ... and after it
    bank_b_size: int
    legal_basis: set[str]
    training_error: str
    trained_on: int  # enterprises in a training job aligned on current consents
    audit: dict
    store: Path


def intersection(federation: LocalFederation, bank: str, job_id: str) -> set[str]:
    path = federation.workdir / "parties" / bank / "jobs" / job_id / "intersection.parquet"
    return set(pd.read_parquet(path)["id"])


def psi(federation: LocalFederation, bank: str, params: dict | None = None) -> str:
    with federation.client(bank) as client:
        job = client.submit_job("psi", ["platform"], params)
        client.wait_for_job(job.id, timeout=300)
    return job.id


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> Scenario:
    root = tmp_path_factory.mktemp("consent")
    generate(root / "data", enterprises=1200, banks=2, seed=11)
    data = root / "data"
    parties = demo_parties(data)
    platform_ids = set(load_table(parties[0].data, parties[0].schema, role="platform").ids.tolist())
    bank_ids = load_table(parties[1].data, parties[1].schema, role="bank").ids.tolist()
    shared = {i for i in bank_ids if i in platform_ids}
    consenting = set(sorted(shared)[: len(shared) * 2 // 3])
    init_certificates(root / "run" / "certs", {p.name: p.role for p in parties} | {
        OPERATOR: Role.OPERATOR, "regulator": Role.REGULATOR})
    with LocalFederation(root / "run", parties, enforce_consent=True, receive_timeout=120) as federation:
        with federation.client(OPERATOR) as operator:
            grants = {e: operator.grant_consent(e, "bank_a", list(CATEGORIES), NEXT_YEAR).id for e in consenting}
            first = psi(federation, "bank_a")
            revoked = sorted(consenting)[0]
            operator.revoke_consent(grants[revoked])
            second = psi(federation, "bank_a")
        bank_b = psi(federation, "bank_b")
        basis = psi(federation, "bank_a", {"legal_basis": "historical borrowers, loan contract clause 12"})
        with federation.client("bank_a") as client:
            train = client.submit_job("secureboost", ["platform"], {"psi_job": first, "model": TINY_MODEL})
            try:
                client.wait_for_job(train.id, timeout=600)
                training_error = ""
            except JobFailed as exc:
                training_error = str(exc)
            bank_b_size = len(intersection(federation, "bank_b", bank_b))
            retrain = client.submit_job("secureboost", ["platform"], {"psi_job": second, "model": TINY_MODEL})
            done = client.wait_for_job(retrain.id, timeout=600)
            trained_on = json.loads(next(p.result_json for p in done.participants if p.party == "bank_a")
                                    )["model"]["metrics"]["n_intersection"]
        with federation.client("regulator") as regulator:
            summary = regulator.audit_summary()
            audit = {"by_action": dict(summary.by_action), "by_category": dict(summary.by_category),
                     "by_party": dict(summary.by_party)}
        return Scenario(shared, consenting, revoked, intersection(federation, "bank_a", first),
                        intersection(federation, "bank_a", second), bank_b_size,
                        intersection(federation, "bank_a", basis), training_error, trained_on, audit,
                        root / "run" / "coordinator")


def test_psi_finds_only_enterprises_that_authorized_the_bank(scenario: Scenario) -> None:
    assert scenario.before == scenario.consenting and scenario.consenting < scenario.shared


def test_revoked_enterprise_is_absent_from_the_next_psi(scenario: Scenario) -> None:
    assert scenario.after == scenario.consenting - {scenario.revoked}


def test_bank_without_consent_gets_nothing(scenario: Scenario) -> None:
    assert scenario.bank_b_size == 0


def test_job_on_a_legal_basis_aligns_every_shared_customer(scenario: Scenario) -> None:
    assert scenario.legal_basis == scenario.shared


def test_training_on_rows_revoked_since_alignment_is_refused_naming_how_many(scenario: Scenario) -> None:
    assert f"1 of the {len(scenario.consenting)} enterprises in this job" in scenario.training_error


def test_training_aligned_on_current_consents_runs(scenario: Scenario) -> None:
    assert scenario.trained_on == len(scenario.consenting) - 1


def test_regulator_sees_the_jobs_as_counts(scenario: Scenario) -> None:
    by_action = scenario.audit["by_action"]
    assert (by_action["job.submit"], by_action["consent.revoke"], by_action["model.register"]) == (6, 1, 1)
    assert scenario.revoked not in json.dumps(scenario.audit)


def test_audit_verify_passes_on_the_coordinator_store(scenario: Scenario) -> None:
    result = CliRunner().invoke(app, ["audit", "verify", "--store", str(scenario.store)])
    assert result.exit_code == 0, result.output
    assert "audit log intact" in result.output
