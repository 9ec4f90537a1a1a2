"""kill -9 mid-monitoring: the bank's agent, or the coordinator, dies while the night's
``monitor`` job is running and comes back; the run finishes that same job, the bank's
scores equal an undisturbed night's, every alert reaches the bank once, and nothing the
coordinator stored (jobs, consents, loans, alerts, audit entries) is lost.

"Mid-job" is made deterministic instead of left to timing: the run's executor holds the
platform's answers to the bank's chunks, so the bank has encrypted and relayed its chunk
requests and waits for the replies (and the day's event alerts are filed, not yet
acknowledged: no subscriber runs until the test asks) when the test kills. The platform's
half runs inside the run (the platform agent has no part in the job); killing the run
itself is ``tests/federation/monitoring/test_monitor_run.py``'s.

Every night of the module sees the same events, so its alerts differ from the undisturbed
night's only by their date; alert ids hash the date in, so nights are compared by what
their alerts say. The coordinator's deadline for an absent party is short, and the job is
held past it after the coordinator's restart (when every party counts as away since the
restart): the run, which is a party of its job too, must count as present all along.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import pandas as pd
import pytest
from tests.support.monitoring_federation import MonitoringWorld, monitoring_world
from tests.support.waiting import wait_until

from federation.coordinator.audit import verify_database
from federation.coordinator.deadlines import CHECK_SECONDS
from federation.coordinator.jobs import State
from federation.launcher import OPERATOR
from federation.party.monitoring_state import BankMonitoringState
from federation.rpc.states import state_from_proto
from federation.scaleout.executor import LocalProcesses
from models.monitoring.scoring import answer_chunk

pytestmark = pytest.mark.filterwarnings("ignore::ResourceWarning")
DEADLINE = 15.0  # seconds a party may be away; a bank's agent restarts in a few
UNDISTURBED, BANK_KILLED, COORDINATOR_KILLED = dt.date(2026, 10, 2), dt.date(2026, 10, 3), dt.date(2026, 10, 4)
T = TypeVar("T")
R = TypeVar("R")


def _feed(customers: list[str], others: list[str]) -> pd.DataFrame:
    """The same events every night: tax arrears on every 5th customer, judgments on every 7th
    (covered by consent for the first 120 only), arrears on enterprises nobody lends to."""
    rows = []
    for day in (UNDISTURBED, BANK_KILLED, COORDINATOR_KILLED):
        rows += [(day, e, "tax_arrears", '{"amount_cny":100}') for e in customers[:200:5]]
        rows += [(day, e, "new_judgment", '{"role":"defendant"}') for e in customers[:200:7]]
        rows += [(day, e, "tax_arrears", "{}") for e in others[:10]]
    return pd.DataFrame(rows, columns=["date", "uscc", "event_type", "details"])


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MonitoringWorld]:
    root = tmp_path_factory.mktemp("monitoring-faults")
    with monitoring_world(root, _feed, party_deadline_seconds=DEADLINE) as world:
        yield world


class HeldAnswers:
    """The run's executor, holding the platform's answers to the bank's chunks until released."""

    def __init__(self) -> None:
        self._inner = LocalProcesses(1)
        self.workers = self._inner.workers
        self.holding = threading.Event()
        self.released = threading.Event()

    def map(self, fn: Callable[[T], R], shards: Sequence[T]) -> list[R]:
        if fn is answer_chunk:
            self.holding.set()
            if not self.released.wait(timeout=600):
                raise TimeoutError("the test never released the platform's answers")
        return self._inner.map(fn, shards)

    def close(self) -> None:
        self._inner.close()


@dataclass(frozen=True)
class Night:
    """A run's outcome; ``scores`` is None when the bank wrote none (its job failed), which the
    tests name rather than the fixture failing on the missing file."""

    summary: dict[str, Any]
    scores: pd.DataFrame | None
    alerts: list[dict[str, Any]]


def _job_of(world: MonitoringWorld, day: dt.date) -> str:
    progress = world.platform_dir / "monitoring" / "runs" / day.isoformat() / "progress.json"
    return str(json.loads(progress.read_text())["banks"]["bank_a"]["job"])


def _scores_path(world: MonitoringWorld, day: dt.date) -> Path:
    return BankMonitoringState(world.bank_dir).root / "scores" / f"{day.isoformat()}.parquet"


def _night(world: MonitoringWorld, day: dt.date, summary: dict[str, Any]) -> Night:
    """The run's outcome: its summary, the bank's scores and the alerts delivered for ``day``."""
    alerts = [a for a in world.inbox() if a["date"] == day.isoformat()]
    path = _scores_path(world, day)
    return Night(summary, pd.read_parquet(path) if path.exists() else None, alerts)


def _held_night(world: MonitoringWorld, day: dt.date, while_held: Callable[[str], None]) -> Night:
    """Run ``day`` with the platform's answers held; call ``while_held`` with the job's id
    once the bank waits for them, then let the run finish."""
    answers = HeldAnswers()
    done: Future[dict[str, Any]] = Future()

    def run() -> None:
        try:
            done.set_result(world.run(day, executor=answers))
        except BaseException as exc:  # handed to the test, which re-raises it
            done.set_exception(exc)

    thread = threading.Thread(target=run, name=f"monitor-{day}", daemon=True)
    thread.start()
    try:
        wait_until(lambda: answers.holding.is_set() or done.done(), "the bank relaying its chunk requests")
        if not answers.holding.is_set():
            raise AssertionError(f"the run ended before the platform answered a chunk: {done.result()}")
        while_held(_job_of(world, day))
    finally:
        answers.released.set()
    return _night(world, day, done.result(timeout=900))


def _job_state(world: MonitoringWorld, job: str) -> State | None:
    with world.federation.client("bank_a") as client:
        return state_from_proto(client.get_job(job).state)


def _says(night: Night) -> Counter[tuple[str, ...]]:
    """What the night's alerts say, apart from their date, each as often as it was delivered."""
    day = night.alerts[0]["date"] if night.alerts else ""
    return Counter((a["source"], a["enterprise"], a["rule"], a["kind"], a["severity"], a["event_type"],
                    a["categories"], a["reason"].replace(day, "<day>")) for a in night.alerts)


def _assert_finished_the_held_job(night: Night, job: str) -> None:
    bank = night.summary["banks"]["bank_a"]
    assert night.summary["failed"] == [], bank.get("error")
    assert (bank["job"], bank["job_state"], bank["report"]) == (job, "succeeded", "done")


def _assert_delivered_once_as_undisturbed(night: Night, undisturbed: Night) -> None:
    assert len({a["id"] for a in night.alerts}) == len(night.alerts)
    assert _says(night) == _says(undisturbed)


@pytest.fixture(scope="module")
def undisturbed(world: MonitoringWorld) -> Night:
    night = _night(world, UNDISTURBED, world.run(UNDISTURBED))
    sources = Counter(a["source"] for a in night.alerts)
    assert night.summary["failed"] == [] and sources["event"] > 20 and sources["score"] > 0, sources
    return night


@dataclass(frozen=True)
class BankKilled:
    night: Night
    job: str
    state_after_kill: State | None
    scored_before_restart: bool


@pytest.fixture(scope="module")
def bank_killed(world: MonitoringWorld, undisturbed: Night) -> BankKilled:
    """The bank's agent killed while it waits for the answers to its chunks; the platform
    answers while it is down, and it is started again."""
    seen: dict[str, Any] = {}

    def kill_and_restart(job: str) -> None:
        world.federation.kill("bank_a")
        seen.update(job=job, state=_job_state(world, job), scored=_scores_path(world, BANK_KILLED).exists())
        world.federation.start_party(world.bank)

    night = _held_night(world, BANK_KILLED, kill_and_restart)
    return BankKilled(night, seen["job"], seen["state"], seen["scored"])


def test_a_bank_killed_mid_scoring_finishes_the_same_job_with_the_undisturbed_scores(bank_killed, undisturbed):
    assert (bank_killed.state_after_kill, bank_killed.scored_before_restart) == (State.RUNNING, False), \
        "killed too late to test a resume"
    _assert_finished_the_held_job(bank_killed.night, bank_killed.job)
    assert bank_killed.night.scores is not None and undisturbed.scores is not None
    resumed = bank_killed.night.scores.sort_values("enterprise").reset_index(drop=True)
    expected = undisturbed.scores.sort_values("enterprise").reset_index(drop=True)
    assert resumed["enterprise"].tolist() == expected["enterprise"].tolist()
    assert np.abs(resumed[["raw_score", "probability"]].to_numpy()
                  - expected[["raw_score", "probability"]].to_numpy()).max() <= 1e-9
    assert resumed["grade"].tolist() == expected["grade"].tolist()


def test_a_bank_killed_mid_scoring_receives_the_undisturbed_alerts_once(bank_killed, undisturbed):
    _assert_delivered_once_as_undisturbed(bank_killed.night, undisturbed)


@dataclass(frozen=True)
class Records:
    """What the coordinator holds that a restart must keep: the bank's jobs with their states,
    consents, the loan book, and every stored alert with whether it was acknowledged."""

    jobs: dict[str, int]
    consents: list[bytes]
    loans: list[tuple[Any, ...]]
    alerts: dict[str, bool]

    @property
    def unacknowledged(self) -> set[str]:
        return {alert for alert, acknowledged in self.alerts.items() if not acknowledged}


def _records(world: MonitoringWorld) -> Records:
    with world.federation.client("bank_a") as client:
        jobs = {j.id: j.state for j in client.list_jobs()}
        consents = [c.SerializeToString(deterministic=True) for c in client.list_consents()]
    with sqlite3.connect(world.database) as db:
        loans = db.execute("SELECT bank, loan_id, enterprise, granted_on, matures_on, closed_on FROM loans "
                           "ORDER BY bank, loan_id").fetchall()
        alerts = {alert: bool(acked) for alert, acked in db.execute("SELECT id, acked_at IS NOT NULL FROM alerts")}
    return Records(jobs, consents, loans, alerts)


@dataclass(frozen=True)
class CoordinatorKilled:
    night: Night
    job: str
    before: Records
    after: Records
    audit_head: str
    state_past_the_deadline: State | None


@pytest.fixture(scope="module")
def coordinator_killed(world: MonitoringWorld, undisturbed: Night) -> CoordinatorKilled:
    """The coordinator killed with the day's event alerts filed and unacknowledged and the
    bank waiting for its chunks' answers, then started again on the same store; the job is
    held until the restarted coordinator has checked for absent parties past the deadline."""
    seen: dict[str, Any] = {}

    def kill_and_restart(job: str) -> None:
        before = _records(world)
        with world.federation.client(OPERATOR) as operator:
            head = operator.audit_summary().head_sha256
        world.federation.kill("coordinator")
        world.federation.start_coordinator()
        seen.update(job=job, before=before, head=head, after=_records(world))
        time.sleep(DEADLINE + 2 * CHECK_SECONDS + 1)  # waiting for a failure not to happen
        seen.update(state=_job_state(world, job))

    night = _held_night(world, COORDINATOR_KILLED, kill_and_restart)
    return CoordinatorKilled(night, seen["job"], seen["before"], seen["after"], seen["head"], seen["state"])


def test_a_coordinator_killed_mid_monitoring_keeps_every_job_consent_loan_and_alert(coordinator_killed):
    before, after = coordinator_killed.before, coordinator_killed.after
    assert before.unacknowledged and before.loans and before.consents, "nothing at stake when it was killed"
    assert after == before


def test_a_coordinator_killed_mid_monitoring_keeps_its_audit_chain(coordinator_killed, world):
    verdict = verify_database(f"sqlite:///{world.database}", coordinator_killed.audit_head)
    assert verdict.ok, verdict.problem


def test_a_monitoring_job_outlasts_the_absent_party_deadline_after_a_coordinator_restart(coordinator_killed):
    assert coordinator_killed.state_past_the_deadline is State.RUNNING


def test_a_coordinator_killed_mid_monitoring_finishes_the_job_and_delivers_every_alert_once(coordinator_killed,
                                                                                          undisturbed):
    night = coordinator_killed.night
    _assert_finished_the_held_job(night, coordinator_killed.job)
    assert coordinator_killed.before.unacknowledged <= {a["id"] for a in night.alerts}
    _assert_delivered_once_as_undisturbed(night, undisturbed)
