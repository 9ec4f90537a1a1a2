"""The long-running process each party runs: it takes part in jobs, keeps its keys at home.

The agent dials out to the coordinator, registers, and watches for jobs it takes part
in. Each job runs in its own thread through the handler registered for (kind, role).
Handlers keep their secrets and outputs under the party's work directory, so an agent
that restarts picks up its unfinished jobs where they stood.
"""

from __future__ import annotations

import json
import logging
import re
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import grpc

from federation.coordinator.jobs import State
from federation.data import PartyTable
from federation.party.client import CoordinatorClient
from federation.rpc import coordinator_pb2 as pb
from federation.rpc.states import state_from_proto
from federation.security.roles import Role

log = logging.getLogger(__name__)
DEFAULT_RECEIVE_TIMEOUT = 600.0
JOB_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


@dataclass
class JobContext:
    """What a protocol handler gets: the job, its peers, the party's data and a private folder."""

    job: pb.Job
    me: str
    role: Role
    table: PartyTable
    workdir: Path
    client: CoordinatorClient
    receive_timeout: float = DEFAULT_RECEIVE_TIMEOUT
    params: dict[str, Any] = field(default_factory=dict)

    def job_dir(self, job_id: str) -> Path:
        """Another job's private folder, such as the PSI job a training job aligns on."""
        if not JOB_ID.fullmatch(job_id):
            raise ValueError(f"{job_id!r} is not a job id")
        return self.workdir.parent / job_id

    @property
    def models_dir(self) -> Path:
        """Where this party keeps its parts of trained models, one folder per model."""
        return self.workdir.parent.parent / "models"

    def peer(self, role: Role) -> str:
        names = [p.party for p in self.job.participants if Role.from_proto(p.role) is role and p.party != self.me]
        if len(names) != 1:
            raise RuntimeError(f"job {self.job.id} has {len(names)} {role.value} peers, expected one")
        return names[0]

    def send(self, recipient: str, tag: str, payload: bytes) -> None:
        self.client.send(self.job.id, recipient, tag, payload)

    def receive(self, sender: str, tag: str) -> bytes:
        return self.client.receive(self.job.id, sender, tag, timeout=self.receive_timeout)


Handler = Callable[[JobContext], dict[str, Any]]
# Runs after a job this party finished well (e.g. a bank's model card once training is done);
# its failure is logged and leaves the job as it is.
FollowUp = Callable[[CoordinatorClient, pb.Job, Path], None]


class PartyAgent:
    def __init__(self, client: CoordinatorClient, role: Role, table: PartyTable, workdir: Path,
                 handlers: dict[tuple[str, Role], Handler], *, receive_timeout: float = DEFAULT_RECEIVE_TIMEOUT,
                 labels: dict[str, str] | None = None,
                 follow_ups: dict[tuple[str, Role], FollowUp] | None = None) -> None:
        """``labels`` are registered with the role and row count (a platform says there
        whether it enforces consent, which the coordinator applies to online scores)."""
        self.client = client
        self.role = role
        self.table = table
        self.workdir = workdir
        self.handlers = handlers
        self.follow_ups = dict(follow_ups or {})
        self.receive_timeout = receive_timeout
        self._extra_labels = dict(labels or {})
        self._started: set[str] = set()
        self._lock = threading.Lock()

    def run(self, stop: threading.Event) -> None:
        """Register, then follow the job stream until ``stop`` is set, reconnecting as needed."""
        self.client.register(self._labels())
        log.info("%s registered as %s with %d rows", self.client.name, self.role.value, len(self.table.ids))
        self.client.follow_jobs(stop, self._maybe_start, on_reconnect=lambda: self._reregister(stop))

    def _labels(self) -> dict[str, str]:
        return {"role": self.role.value, "rows": str(len(self.table.ids)), **self._extra_labels}

    def _reregister(self, stop: threading.Event) -> None:
        while not stop.is_set():
            try:
                self.client.register(self._labels())
                return
            except grpc.RpcError as exc:
                log.warning("register failed (%s); retrying", exc.code().name)
                stop.wait(2.0)

    def _maybe_start(self, job: pb.Job) -> None:
        mine = next((p for p in job.participants if p.party == self.client.name), None)
        if mine is None or state_from_proto(mine.state) not in (State.PENDING, State.RUNNING):
            return
        if state_from_proto(job.state) is State.FAILED:
            return
        with self._lock:  # a stale event must not restart a job this process already ran
            if job.id in self._started:
                return
            self._started.add(job.id)
        threading.Thread(target=self._run_job, args=(job,), name=f"job-{job.id[:8]}", daemon=True).start()

    def _run_job(self, job: pb.Job) -> None:
        started = time.monotonic()
        try:
            handler = self.handlers.get((job.kind, self.role))
            if handler is None:
                raise RuntimeError(f"{self.client.name} ({self.role.value}) has no handler for {job.kind!r} jobs")
            self.client.report(job.id, State.RUNNING, "started")
            workdir = self.workdir / "jobs" / job.id
            workdir.mkdir(parents=True, exist_ok=True)
            context = JobContext(job=job, me=self.client.name, role=self.role, table=self.table, workdir=workdir,
                                 client=self.client, receive_timeout=self.receive_timeout,
                                 params=json.loads(job.params_json or "{}"))
            result = handler(context)
            result["seconds"] = round(time.monotonic() - started, 3)
            self.client.report(job.id, State.SUCCEEDED, "done", result)
            log.info("job %s (%s) done in %.1f s", job.id, job.kind, result["seconds"])
        except Exception as exc:  # a failing job must be reported, whatever failed
            log.error("job %s (%s) failed: %s\n%s", job.id, job.kind, exc, traceback.format_exc())
            try:
                self.client.report(job.id, State.FAILED, f"{type(exc).__name__}: {exc}")
            except grpc.RpcError as report_exc:
                log.error("could not report failure of job %s: %s", job.id, report_exc.details())
            return
        follow_up = self.follow_ups.get((job.kind, self.role))
        if follow_up is not None:
            try:
                follow_up(self.client, job, self.workdir)
            except Exception as exc:  # the job itself is done and stays so
                log.warning("job %s (%s): follow-up failed: %s", job.id, job.kind, exc)
