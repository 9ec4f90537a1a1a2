"""The platform's nightly monitoring run for one date: event alerts, bank jobs, drift reports.

Run as the platform's monitoring identity (a platform-role certificate of its own, so the
platform agent does not also take the jobs and the audit log shows who looked portfolios
up), on the platform's host, with the platform's table, model parts and event feed. For
every registered bank it

1. files the day's adverse-event alerts on the enterprises the bank monitors (rules as
   shard tasks);
2. starts a ``monitor`` job and plays the platform's half of its encrypted scoring
   (chunks as shard tasks): the bank scores, applies the score rules and files its own
   sealed alerts, which the platform never reads;
3. files the drift report: the bank's score PSI from the job's result and the PSI of each
   of the platform's feature groups (today's table against the baseline snapshot).

Progress is written after every step per bank (``monitoring/runs/<date>/progress.json``),
so a run that is interrupted and started again finishes what is left; alert ids are
stable, so nothing a repeated step files is stored twice.

While it runs it holds a job stream open, as a party agent does: the coordinator counts
a party present only while it has one, and fails a job whose party stays away past the
job's deadline (``federation.coordinator.deadlines``), the run's own ``monitor`` jobs
included.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from federation.coordinator.jobs import State
from federation.data import PartyTable
from federation.files import read_json, write_json
from federation.governance.categories import CATEGORIES_BY_PREFIX
from federation.party.agent import DEFAULT_RECEIVE_TIMEOUT, JobContext
from federation.party.client import CoordinatorClient, JobFailed, job_summary
from federation.party.monitor_job import KIND, monitor_params, platform_monitor
from federation.party.monitoring_calls import file_report, monitored_enterprises, submit_alerts
from federation.rpc import coordinator_pb2 as pb
from federation.rpc.states import state_from_proto
from federation.scaleout.executor import ShardExecutor
from federation.security.roles import Role
from models.monitoring.alerts import Alert
from models.monitoring.drift import ColumnProfile, group_drift, table_profile
from models.monitoring.event_rules import event_shards, feed_for_day, shard_alerts
from models.monitoring.rules import RuleSet

log = logging.getLogger(__name__)
DONE = "done"


@dataclass(frozen=True)
class RunConfig:
    """``workdir`` is the platform agent's work folder: model parts under ``models/``,
    monitoring state under ``monitoring/``."""

    day: dt.date
    rules: RuleSet
    events: pd.DataFrame
    workdir: Path
    enforce_consent: bool = True
    job_timeout: float = 7200.0
    receive_timeout: float = DEFAULT_RECEIVE_TIMEOUT


def read_feed(path: Path) -> pd.DataFrame:
    return pd.read_parquet(path) if path.suffix == ".parquet" else pd.read_csv(path, dtype=str)


def baseline_path(workdir: Path) -> Path:
    return workdir / "monitoring" / "baseline_profile.json"


def report_path(workdir: Path, day: dt.date, bank: str) -> Path:
    """Where a run's drift report for a bank lies (the model card's drift section reads it)."""
    return workdir / "monitoring" / "runs" / day.isoformat() / "drift" / f"{bank}.json"


def save_baseline(workdir: Path, table: PartyTable) -> None:
    """Snapshot the feature distributions drift is measured against (e.g. at training time)."""
    write_json(baseline_path(workdir), {"taken_at": dt.datetime.now(dt.timezone.utc).isoformat(),
                                        "rows": len(table.ids),
                                        "columns": {c: p.to_dict() for c, p in table_profile(table.features).items()}})


def day_event_alerts(bank: str, monitored: Mapping[str, Sequence[str]], feed: pd.DataFrame, rules: RuleSet,
                     executor: ShardExecutor) -> list[Alert]:
    """The day's event alerts for one bank, ``monitored`` mapping each enterprise it monitors
    to the categories it authorizes; the rules run as one task per shard of enterprises."""
    frame = pd.DataFrame({"bank": bank, "enterprise": list(monitored),
                          "categories": [",".join(c) for c in monitored.values()]},
                         columns=["bank", "enterprise", "categories"])
    shards = event_shards(feed, frame, rules.event_rules, executor.workers)
    return [alert for part in executor.map(shard_alerts, shards) for alert in part]


class _Presence:
    """The run's job stream held open, from a thread of its own, for as long as the run lasts
    (``CoordinatorClient.follow_jobs``); the jobs it streams are ignored, the run follows its own."""

    def __init__(self, client: CoordinatorClient) -> None:
        self._stop = threading.Event()
        self._thread = threading.Thread(target=client.follow_jobs, args=(self._stop, lambda job: None),
                                        name="monitor-presence", daemon=True)

    def __enter__(self) -> "_Presence":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=30)


class MonitoringRun:
    def __init__(self, client: CoordinatorClient, table: PartyTable, config: RunConfig,
                 executor: ShardExecutor) -> None:
        self._client = client
        self._table = table
        self._config = config
        self._executor = executor
        self._folder = config.workdir / "monitoring" / "runs" / config.day.isoformat()
        self._progress_path = self._folder / "progress.json"
        self.progress: dict[str, Any] = read_json(self._progress_path) if self._progress_path.exists() else {
            "date": config.day.isoformat(), "banks": {}}

    def _save(self) -> None:
        write_json(self._progress_path, self.progress)

    def run(self) -> dict[str, Any]:
        with _Presence(self._client):
            return self._run()

    def _run(self) -> dict[str, Any]:
        started = time.monotonic()
        feed = feed_for_day(self._config.events, self._config.day)
        banks = sorted(p.name for p in self._client.list_parties() if Role.from_proto(p.role) is Role.BANK)
        groups = self._feature_drift()
        for bank in banks:
            state = self.progress["banks"].setdefault(bank, {})
            try:
                self._bank(bank, state, feed, groups)
            except (JobFailed, TimeoutError) as exc:
                log.error("monitoring %s on %s: %s", bank, self._config.day, exc)
                state["error"] = str(exc)
                self._save()
        failed = sorted(b for b in banks if self.progress["banks"][b].get("report") != DONE)
        return {"date": self._config.day.isoformat(), "events_of_the_day": len(feed),
                "banks": self.progress["banks"], "failed": failed,
                "feature_drift": {g: {"psi": v["psi"], "status": v["status"]} for g, v in groups.items()},
                "seconds": round(time.monotonic() - started, 3)}

    def _bank(self, bank: str, state: dict[str, Any], feed: pd.DataFrame, groups: dict[str, Any]) -> None:
        if state.get("events") is None:
            state["events"] = self._event_alerts(bank, feed)
            self._save()
        job = self._job(bank, state)
        if state.get("platform") != DONE:
            self._platform_half(job)
            state["platform"] = DONE
            self._save()
        if state.get("report") != DONE:
            summary = job_summary(self._client.wait_for_job(job.id, self._config.job_timeout))
            result = summary["results"][bank]
            state.update(job_state=summary["state"], scored=result.get("scored"), model_id=result.get("model_id"))
            report = {"date": self._config.day.isoformat(), "bank": bank, "model_id": result.get("model_id"),
                      "thresholds": {"watch": self._config.rules.drift.watch, "act": self._config.rules.drift.act},
                      "score": result.get("score_drift"), "feature_groups": groups}
            write_json(report_path(self._config.workdir, self._config.day, bank), report)
            file_report(self._client, self._config.day.isoformat(), bank, str(result.get("model_id") or ""), report)
            state["report"] = DONE
            state.pop("error", None)
            self._save()

    def _event_alerts(self, bank: str, feed: pd.DataFrame) -> dict[str, int]:
        monitored = monitored_enterprises(self._client, bank, self._config.day).enterprises
        alerts = day_event_alerts(bank, monitored, feed, self._config.rules, self._executor)
        filed = submit_alerts(self._client, alerts)
        log.info("%s: %d event alerts for %s (%d new)", self._config.day, len(alerts), bank, filed.stored)
        return {"monitored": len(monitored), "alerts": len(alerts), "stored": filed.stored,
                "duplicates": filed.duplicates, "withheld": filed.withheld}

    def _job(self, bank: str, state: dict[str, Any]) -> pb.Job:
        """The bank's job of this run: the recorded one unless it failed, else a new one."""
        if state.get("job"):
            job = self._client.get_job(state["job"])
            if state_from_proto(job.state) is not State.FAILED:
                return job
            log.warning("%s's monitoring job %s failed (%s); starting another", bank, job.id, job.error)
        job = self._client.submit_job(KIND, [bank], monitor_params(self._config.day, self._config.rules))
        state.update(job=job.id, platform=None, report=None)
        self._save()
        return job

    def _platform_half(self, job: pb.Job) -> None:
        me = next(p for p in job.participants if p.party == self._client.name)
        if state_from_proto(me.state) is State.SUCCEEDED:
            return
        workdir = self._config.workdir / "jobs" / job.id
        workdir.mkdir(parents=True, exist_ok=True)
        context = JobContext(job=job, me=self._client.name, role=Role.PLATFORM, table=self._table, workdir=workdir,
                             client=self._client, receive_timeout=self._config.receive_timeout,
                             params=json.loads(job.params_json or "{}"))
        self._client.report(job.id, State.RUNNING, "started")
        try:
            result = platform_monitor(context, self._executor, self._config.enforce_consent)
        except Exception as exc:  # the job must fail visibly for the bank too, whatever failed
            self._client.report(job.id, State.FAILED, f"{type(exc).__name__}: {exc}")
            raise JobFailed(f"monitoring job {job.id}: the platform's half failed: {exc}") from exc
        self._client.report(job.id, State.SUCCEEDED, "done", result)

    def _feature_drift(self) -> dict[str, Any]:
        """PSI per feature group of today's table against the baseline snapshot (taken now if
        there is none yet); once per run."""
        if "feature_drift" not in self.progress:
            path = baseline_path(self._config.workdir)
            if not path.exists():
                save_baseline(self._config.workdir, self._table)
            profiles = {c: ColumnProfile.from_dict(p) for c, p in read_json(path)["columns"].items()}
            groups = {c: CATEGORIES_BY_PREFIX[c.split("_", 1)[0]][0] for c in profiles}
            self.progress["feature_drift"] = group_drift(profiles, self._table.features, groups,
                                                         self._config.rules.drift)
            self._save()
        return self.progress["feature_drift"]
