"""kill -9 mid-training (SecureBoost): a party or the coordinator dies after the first tree,
comes back, and the job ends with the model an undisturbed run grows; nothing the
coordinator recorded before it died is lost."""

from __future__ import annotations

import datetime as dt

import pytest
from tests.support.secureboost_federation import (  # noqa: F401 (fixtures)
    MODEL, Federation, in_process, running, trees_done,
)
from tests.support.waiting import wait_until

from federation.coordinator.audit import verify_database
from federation.data import load_table
from federation.governance.categories import CATEGORIES
from federation.party.client import job_summary
from models.secureboost import SecureBoostClassifier

pytestmark = pytest.mark.filterwarnings("ignore::ResourceWarning")


def _assert_still_running(running: Federation, job: str) -> None:
    with running.federation.client("bank_a") as client:
        assert job_summary(client.get_job(job))["state"] == "running", "killed too late to test a resume"


def _assert_grows_the_undisturbed_model(running: Federation, job: str, model: SecureBoostClassifier) -> None:
    assert running.wait(job)["state"] == "succeeded"
    assert running.bank_part(job)["model"]["trees"] == model.bank_model()["trees"]
    assert running.platform_part(job) == model.platform_model()


@pytest.mark.parametrize("victim", ["bank_a", "platform"])
def test_a_party_killed_mid_training_resumes_to_the_same_model(running, in_process, victim):
    model, _ = in_process
    job = running.train(MODEL)
    wait_until(lambda: trees_done(running, job, victim) >= 1, f"{victim}'s first tree")
    running.federation.kill(victim)
    _assert_still_running(running, job)
    running.federation.start_party(running.spec(victim))
    _assert_grows_the_undisturbed_model(running, job, model)


def test_a_coordinator_killed_mid_training_loses_no_record_and_the_job_resumes(running, in_process):
    model, _ = in_process
    federation = running.federation
    bank = running.spec("bank_a")
    enterprise = str(load_table(bank.data, bank.schema, role="bank").ids[0])
    until = (dt.date.today() + dt.timedelta(days=365)).isoformat()
    with federation.client("operator") as operator:
        operator.grant_consent(enterprise, "bank_a", list(CATEGORIES), until)
    job = running.train(MODEL)
    wait_until(lambda: trees_done(running, job, "bank_a") >= 1, "bank_a's first tree")
    with federation.client("bank_a") as client, federation.client("operator") as operator:
        jobs = {j.id: j.state for j in client.list_jobs()}
        consents = [c.SerializeToString(deterministic=True) for c in client.list_consents()]
        models = {m.id for m in client.list_models()}
        head = operator.audit_summary().head_sha256

    federation.kill("coordinator")
    federation.start_coordinator()
    _assert_still_running(running, job)

    with federation.client("bank_a") as client:
        assert {j.id: j.state for j in client.list_jobs() if j.id in jobs} == jobs
        assert [c.SerializeToString(deterministic=True) for c in client.list_consents()] == consents
        assert models <= {m.id for m in client.list_models()}
    verdict = verify_database(f"sqlite:///{federation.workdir / 'coordinator' / 'coordinator.db'}", head)
    assert verdict.ok, verdict.problem
    _assert_grows_the_undisturbed_model(running, job, model)
    with federation.client("bank_a") as client:
        assert job in {m.id for m in client.list_models()}

