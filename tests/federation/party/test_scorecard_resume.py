"""kill -9 mid-training (scorecard): a party dies a few gradient iterations in, comes back,
replays the job and it ends with the model an undisturbed run trains."""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Iterator

import pytest
from tests.support.secureboost_federation import (
    HOLDOUT,
    Federation,
    plaintext_training_set,
    secureboost_federation,
)
from tests.support.waiting import wait_until

from federation.party.client import job_summary
from models.scorecard import ScorecardClassifier

pytestmark = [pytest.mark.slow, pytest.mark.filterwarnings("ignore::ResourceWarning")]

MODEL = {"max_prebins": 10, "max_bins": 5, "min_bin_size": 40, "max_iter": 30}
KILL_AFTER = 12
"""Bank messages relayed before the kill: setup, hello, counts, selection, then four
iterations of (encrypted residuals, unmasked gradient)."""


@pytest.fixture(scope="module")
def running(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Federation]:
    with secureboost_federation(tmp_path_factory.mktemp("scorecard-resume")) as federation:
        yield federation


@pytest.fixture(scope="module")
def undisturbed(running: Federation) -> ScorecardClassifier:
    """The same model trained in one process, in plaintext (equal to the encrypted run)."""
    return ScorecardClassifier(**MODEL, encryption=None).fit(*plaintext_training_set(running))


def _bank_messages(running: Federation, job: str) -> int:
    database = running.federation.workdir / "coordinator" / "coordinator.db"
    with contextlib.closing(sqlite3.connect(database, timeout=30)) as connection:
        (count,) = connection.execute("SELECT count(*) FROM messages WHERE job_id = ? AND sender = 'bank_a'",
                                      (job,)).fetchone()
    return int(count)


@pytest.mark.parametrize("victim", ["bank_a", "platform"])
def test_a_party_killed_mid_training_resumes_to_the_same_model(running, undisturbed, victim) -> None:
    with running.federation.client("bank_a") as client:
        job = client.submit_job("scorecard", ["platform"], {"psi_job": running.psi_job, "model": MODEL,
                                                            "holdout": HOLDOUT.to_dict()}).id
    wait_until(lambda: _bank_messages(running, job) >= KILL_AFTER, f"{KILL_AFTER} scorecard messages")
    running.federation.kill(victim)
    with running.federation.client("bank_a") as client:
        assert job_summary(client.get_job(job))["state"] == "running", "killed too late to test a resume"
    running.federation.start_party(running.spec(victim))
    assert running.wait(job)["state"] == "succeeded"
    assert running.bank_part(job)["model"]["scorecard"] == undisturbed.bank_model()["scorecard"]
    assert running.platform_part(job) == json.loads(json.dumps(undisturbed.platform_model()))
