"""Load on the coordinator: several client processes on loopback for a bounded time, and the
coordinator's memory over that time.

Starts the real federation (coordinator, platform and bank_a as processes over mutual TLS),
runs PSI, trains a joint model and publishes the platform's masks (as
``benchmarks/scoring_online.py`` does), reports loans to ``--monitored`` of bank_a's
customers and has the operator record their consents, then every one of ``--clients``
processes runs the chosen workloads until ``--seconds`` have passed. Meanwhile the coordinator's resident
memory (RSS, from /proc) is sampled every ``--sample-seconds``; leaving out the first
``--warmup-seconds`` (clients starting, caches filling), the mean of the last third of the
samples against the first third is the growth figure, and ``no_growth`` says whether it
stayed within ``--growth-tolerance``. Nothing is asserted: the figures are
printed, the last stdout line is one JSON object.

A workload is a function run in each client process, ``(ClientSetup, seconds) ->
WorkloadResult`` (its clock starts once it has loaded what it needs), registered in
``WORKLOADS``:

* ``scoring`` calls ``ScoreApplicant`` for random published applicants; its latency is
  the request's round trip.
* ``alerts`` files adverse-event alerts on the monitored enterprises as the platform does
  (``SubmitAlerts``, ``--alert-rate`` per second per client) while bank_a's real
  subscriber (``SubscribeAlerts``, an inbox per client, ``AckAlerts`` after each write)
  follows the stream; its latency is from filing to the inbox, by the wall clock the
  processes share. Every subscriber sees every alert not yet acknowledged by another, so
  a subscriber misses some; afterwards the coordinator's store must hold no alert left
  unacknowledged, and every filed alert must have reached an inbox.

    python benchmarks/load.py --workloads scoring,alerts   # 60 s of load, about 3 minutes in all
    python benchmarks/load.py --seconds 10 --trees 3       # a quick look
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import multiprocessing
import sqlite3
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import grpc
import numpy as np
import pandas as pd

from federation.data import generate, load_table
from federation.launcher import OPERATOR, LocalFederation, PartySpec
from federation.party.alert_subscriber import AlertInbox, AlertSubscriber
from federation.party.client import CoordinatorClient
from federation.party.monitoring_calls import report_loans, submit_alerts
from federation.party.online_scoring import OnlineScorer
from federation.security.certs import load_credentials
from federation.security.roles import Role
from models.monitoring.alerts import EVENT, Alert, event_alert_id, event_key, new_sealing_key
from models.monitoring.portfolio import Loan

ALERT_BATCH = 5
DRAIN_SECONDS = 5.0


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


@dataclass(frozen=True)
class ClientSetup:
    """What a client process needs to reach the federation and act as bank_a."""

    target: str
    certs: Path
    bank: PartySpec
    bank_workdir: Path
    model: str
    seed: int
    monitored: tuple[str, ...]
    alert_rate: float
    inbox: Path


@dataclass
class WorkloadResult:
    latencies: list[float] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)
    filed: set[str] = field(default_factory=set)
    received: set[str] = field(default_factory=set)


def scoring(setup: ClientSetup, seconds: float) -> WorkloadResult:
    """One loan officer's system scoring random published applicants back to back."""
    table = load_table(setup.bank.data, setup.bank.schema, role="bank")
    rows = pd.Series(np.arange(len(table)), index=table.ids)
    scorer = OnlineScorer(setup.bank_workdir, setup.model)
    index = pd.read_parquet(setup.bank_workdir / "models" / setup.model / "online" / "index.parquet")["id"]
    rng = np.random.default_rng(setup.seed)
    result = WorkloadResult()
    with CoordinatorClient(setup.target, load_credentials(setup.certs, setup.bank.name)) as client:
        stop_at = time.monotonic() + seconds
        while time.monotonic() < stop_at:
            enterprise = str(rng.choice(index.to_numpy()))
            started = time.perf_counter()
            try:
                scorer.score(client, enterprise, table.features.iloc[[rows[enterprise]]])
                result.latencies.append(time.perf_counter() - started)
            except grpc.RpcError as exc:
                result.errors[exc.code().name] += 1
    return result


def _event_alerts(setup: ClientSetup, batch: int, rng: np.random.Generator) -> list[Alert]:
    """A batch of tax-arrears alerts on monitored enterprises, each new (its own event key),
    its reason carrying the wall-clock time it was filed."""
    day = dt.date.today().isoformat()
    alerts = []
    for k in range(ALERT_BATCH):
        enterprise = str(rng.choice(setup.monitored))
        key = event_key(day, "tax_arrears", f"load client {setup.seed} batch {batch} alert {k}")
        alerts.append(Alert(id=event_alert_id("bank_a", enterprise, "arrears", key), bank="bank_a",
                            enterprise=enterprise, date=day, source=EVENT, rule="arrears", kind="adverse_event",
                            severity="warning", reason=f"tax arrears; filed at {time.time():.6f}",
                            event_type="tax_arrears", categories=("tax",)))
    return alerts


def alerts(setup: ClientSetup, seconds: float) -> WorkloadResult:
    """The platform filing alerts at a steady rate and bank_a's subscriber receiving them."""
    result = WorkloadResult()

    def received(alert: Alert) -> None:
        result.received.add(alert.id)
        result.latencies.append(time.time() - float(alert.reason.rsplit(" ", 1)[1]))

    rng = np.random.default_rng(setup.seed)
    stop = threading.Event()
    with CoordinatorClient(setup.target, load_credentials(setup.certs, "platform")) as platform, \
            CoordinatorClient(setup.target, load_credentials(setup.certs, setup.bank.name)) as bank:
        subscriber = AlertSubscriber(bank, AlertInbox(setup.inbox), new_sealing_key(), on_new=received)
        listening = threading.Thread(target=subscriber.run, args=(stop,), daemon=True)
        listening.start()
        interval = ALERT_BATCH / setup.alert_rate
        started = time.monotonic()
        batch = 0
        while time.monotonic() < started + seconds:
            batch_alerts = _event_alerts(setup, batch, rng)
            try:
                submitted = submit_alerts(platform, batch_alerts)
            except grpc.RpcError as exc:
                result.errors[exc.code().name] += 1
            else:
                if submitted.withheld:
                    result.errors["WITHHELD"] += submitted.withheld
                else:
                    result.filed.update(alert.id for alert in batch_alerts)
            batch += 1
            time.sleep(max(0.0, started + batch * interval - time.monotonic()))
        stop.wait(DRAIN_SECONDS)
        stop.set()
        listening.join(timeout=30)
    return result


WORKLOADS: dict[str, Callable[[ClientSetup, float], WorkloadResult]] = {"scoring": scoring, "alerts": alerts}


def _client(args: tuple[ClientSetup, list[str], float]) -> dict[str, WorkloadResult]:
    """Run each workload in its own thread of this process for ``seconds``."""
    setup, names, seconds = args
    results: dict[str, WorkloadResult] = {}
    threads = [threading.Thread(target=lambda n=name: results.__setitem__(n, WORKLOADS[n](setup, seconds)))
               for name in names]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def rss_mb(pid: int) -> float:
    """Resident memory of a process, as the kernel counts it."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for process {pid}")


class MemorySampler:
    """Samples a process's RSS every ``interval`` seconds in a thread, until stopped."""

    def __init__(self, pid: int, interval: float) -> None:
        self.samples: list[tuple[float, float]] = []
        self._pid, self._interval = pid, interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        started = time.monotonic()
        while not self._stop.is_set():
            self.samples.append((round(time.monotonic() - started, 1), round(rss_mb(self._pid), 1)))
            self._stop.wait(self._interval)

    def __enter__(self) -> "MemorySampler":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def growth(samples: list[tuple[float, float]], warmup: float) -> float:
    """Mean RSS of the last third of the samples after ``warmup`` over the first third, in percent."""
    values = np.array([mb for at, mb in samples if at >= warmup] or [mb for _, mb in samples])
    third = max(1, len(values) // 3)
    return float((values[-third:].mean() / values[:third].mean() - 1) * 100)


def monitor(federation: LocalFederation, enterprises: list[str]) -> None:
    """Loans at bank_a to ``enterprises`` and their consent to tax data, so that alerts on
    them are delivered."""
    today = dt.date.today()
    loans = [Loan(f"LOAD{i}", e, today - dt.timedelta(days=30), today + dt.timedelta(days=365))
             for i, e in enumerate(enterprises)]
    with federation.client("bank_a") as bank:
        report_loans(bank, loans)
    with federation.client(OPERATOR) as operator:
        for enterprise in enterprises:
            operator.grant_consent(enterprise, "bank_a", ["tax"], (today + dt.timedelta(days=365)).isoformat())


def unacknowledged(federation: LocalFederation) -> int:
    """Alerts the coordinator still holds for delivery, read from its store."""
    with sqlite3.connect(federation.workdir / "coordinator" / "coordinator.db") as db:
        return int(db.execute("SELECT count(*) FROM alerts WHERE acked_at IS NULL").fetchone()[0])


def prepare(federation: LocalFederation, trees: int, seed: int) -> str:
    """PSI, a joint model and its published masks; returns the model's id."""
    with federation.client("bank_a") as client:
        psi = client.submit_job("psi", ["platform"]).id
        client.wait_for_job(psi, timeout=600)
        model = client.submit_job("secureboost", ["platform"], {
            "psi_job": psi, "model": {"n_estimators": trees, "max_depth": 3, "random_state": seed}}).id
        client.wait_for_job(model, timeout=3600)
        client.wait_for_job(client.submit_job("publish_masks", ["platform"], {"psi_job": psi, "model": model}).id,
                            timeout=3600)
    return model


def summary(name: str, results: list[WorkloadResult], seconds: float) -> dict[str, object]:
    latencies = np.concatenate([np.array(r.latencies) for r in results]) * 1000
    errors = sum((r.errors for r in results), Counter())
    report: dict[str, object] = {
        "workload": name, "requests": int(latencies.size), "errors": sum(errors.values()),
        "errors_by_status": dict(errors), "requests_per_second": round(latencies.size / seconds, 1),
        "p50_ms": round(float(np.percentile(latencies, 50)), 1) if latencies.size else None,
        "p99_ms": round(float(np.percentile(latencies, 99)), 1) if latencies.size else None}
    if name == "alerts":
        filed = set().union(*(r.filed for r in results))
        received = set().union(*(r.received for r in results))
        report.update(filed=len(filed), delivered=len(filed & received), undelivered=len(filed - received),
                      filed_per_second=round(len(filed) / seconds, 1))
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--enterprises", type=int, default=3000, help="Synthetic platform size.")
    parser.add_argument("--trees", type=int, default=10, help="Trees of the joint model (depth 3).")
    parser.add_argument("--clients", type=int, default=3, help="Client processes.")
    parser.add_argument("--seconds", type=float, default=60.0, help="How long the load lasts.")
    parser.add_argument("--workloads", default="scoring,alerts",
                        help=f"Comma-separated, of: {', '.join(WORKLOADS)}.")
    parser.add_argument("--monitored", type=int, default=200, help="bank_a customers with a loan and consent.")
    parser.add_argument("--alert-rate", type=float, default=20.0, help="Alerts filed per second per client.")
    parser.add_argument("--sample-seconds", type=float, default=3.0, help="Coordinator RSS sampling interval.")
    parser.add_argument("--warmup-seconds", type=float, default=30.0, help="RSS samples left out at the start.")
    parser.add_argument("--growth-tolerance", type=float, default=10.0, help="Percent RSS growth still 'no growth'.")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    names = args.workloads.split(",")
    unknown = [name for name in names if name not in WORKLOADS]
    if unknown:
        parser.error(f"unknown workloads {unknown}; known: {', '.join(WORKLOADS)}")
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        data = root / "data"
        generate(data, enterprises=args.enterprises, banks=1, seed=args.seed)
        platform = PartySpec("platform", Role.PLATFORM, data / "platform.parquet", data / "platform.yaml")
        bank = PartySpec("bank_a", Role.BANK, data / "bank_a.parquet", data / "bank_a.yaml")
        with LocalFederation(root / "run", [platform, bank]) as federation:
            model = prepare(federation, args.trees, args.seed)
            customers = load_table(bank.data, bank.schema, role="bank").ids[: args.monitored].tolist()
            monitor(federation, customers)
            log(f"model {model} published, {len(customers)} enterprises monitored; {args.clients} clients for "
                f"{args.seconds:.0f} s")
            setups = [ClientSetup(federation.target, federation.certs, bank, federation.workdir / "parties" / "bank_a",
                                  model, args.seed + i, tuple(customers), args.alert_rate,
                                  root / f"client-{i}" / "alerts.db") for i in range(args.clients)]
            with multiprocessing.get_context("spawn").Pool(args.clients) as pool, \
                    MemorySampler(federation.pid("coordinator"), args.sample_seconds) as memory:
                runs = pool.map_async(_client, [(setup, names, args.seconds) for setup in setups]).get(
                    timeout=args.seconds + 300)
            left = unacknowledged(federation)
    rss_growth = growth(memory.samples, args.warmup_seconds)
    report = {
        "bench": "load", "transport": "gRPC over mutual TLS, loopback, through the coordinator",
        "clients": args.clients, "seconds": args.seconds, "trees": args.trees,
        "workloads": [summary(name, [run[name] for run in runs], args.seconds) for name in names],
        "alerts_unacknowledged_after": left,
        "coordinator_rss_mb": memory.samples, "rss_warmup_seconds": args.warmup_seconds,
        "rss_growth_percent": round(rss_growth, 1),
        "no_growth": abs(rss_growth) <= args.growth_tolerance,
    }
    log(f"coordinator RSS {memory.samples[0][1]} -> {memory.samples[-1][1]} MB, growth {rss_growth:+.1f}% "
        f"({'no growth' if report['no_growth'] else 'GROWING'} within {args.growth_tolerance:g}%)")
    print(json.dumps(report))


if __name__ == "__main__":
    main()
