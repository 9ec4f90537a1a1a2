"""Nightly monitoring throughput on Ray, and the precision and recall of event alerts.

Throughput: the run's compute for ``--sizes`` monitored enterprises (drawn with replacement
from a synthetic joint model's intersection): the bank's encryption of each chunk, the
platform's products, decryption, score rules (PD above, grade drop against a previous
run) and event rules on a synthetic day of the feed, every step as tasks on a local Ray
instance (``federation.scaleout``), both halves in this process: the relay through the
coordinator is not included (see README). The speed-up is the smallest size's time on one
Ray worker over its time on two. The issue's target is 1M enterprises within 15 minutes on
2 cores.

Precision and recall: a synthetic federation (two banks, a loan book with consents, a 30-day
event feed) through the coordinator's loan book, consent checks, alert store and delivery
in one process; every delivered alert is checked against the events that should reach
each bank (its loan active that day, its consent covering the event's category).

    python benchmarks/monitoring.py --sizes 100000,1000000     # the issue's sizes
    python benchmarks/monitoring.py --sizes 20000 --enterprises 20000   # a minute

Progress goes to stderr; the last stdout line is one JSON object.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scoring import joint_model  # benchmarks/scoring.py: the same 30-tree, depth-3 joint model

from federation.coordinator.mailbox import Mailbox
from federation.coordinator.service import CoordinatorService
from federation.coordinator.store import open_database
from federation.data import load_table
from federation.data.synthetic import AS_OF, generate
from federation.data.synthetic.events import event_feed
from federation.data.uscc import random_usccs
from federation.monitoring.runner import day_event_alerts
from federation.monitoring.synthetic_portfolio import expected_event_alerts, synthetic_portfolio
from federation.scaleout.executor import ShardExecutor, shard_executor
from federation.security.roles import Role
from federation.security.tls import Identity
from models.monitoring import score_rules
from models.monitoring.alerts import new_sealing_key
from models.monitoring.event_rules import feed_for_day
from models.monitoring.rules import load_rules
from models.monitoring.scoring import (AnswerShard, BankModel, answer_chunk, chunk_bounds, decrypt_chunks,
                                       encrypt_chunk, request_shards)
from models.portrait.grades import grade_numbers
from models.scoring.keys import BfvKeys
from scipy.special import expit

RULES = load_rules(Path(__file__).parents[1] / "examples" / "monitoring" / "rules.yaml")


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def night(model: Any, bank_X: pd.DataFrame, platform_X: pd.DataFrame, executor: ShardExecutor,
          seed: int) -> dict[str, Any]:
    """One night's compute for ``len(bank_X)`` monitored enterprises, timed per step."""
    rng = np.random.default_rng(seed)
    enterprises = random_usccs(rng, len(bank_X), ["320706", "320707", "320722"]).astype(object)
    day = AS_OF + dt.timedelta(days=1)
    feed = event_feed(rng, enterprises.astype(str), np.zeros(len(enterprises)), {}, as_of=AS_OF, days=1)
    seconds: dict[str, float] = {}
    started = time.perf_counter()
    bank_model = BankModel(tuple(model.trees_), model.base_score_, model.bank_binner_.max_bin + 1)
    bins = model.bank_binner_.transform(bank_X)
    keys = BfvKeys.generate()
    shards, bounds = request_shards(bank_model, bins, keys), chunk_bounds(len(bins))
    replies: list[bytes] = []
    for start in range(0, len(shards), executor.workers):
        t0 = time.perf_counter()
        requests = executor.map(encrypt_chunk, shards[start : start + executor.workers])
        t1 = time.perf_counter()
        answers = [AnswerShard(r, model.platform_model_, platform_X.iloc[a:b].reset_index(drop=True))
                   for r, (a, b) in zip(requests, bounds[start : start + executor.workers])]
        replies += executor.map(answer_chunk, answers)
        seconds["bank_encrypt"] = seconds.get("bank_encrypt", 0.0) + t1 - t0
        seconds["platform"] = seconds.get("platform", 0.0) + time.perf_counter() - t1
        log(f"  chunks {min(start + executor.workers, len(shards))}/{len(shards)}: "
            f"{time.perf_counter() - started:.0f} s")
    t0 = time.perf_counter()
    raw = decrypt_chunks(bank_model, bins, keys, replies)
    probability = expit(raw)
    previous = np.clip(grade_numbers(probability) - rng.integers(0, 4, size=len(raw)), 1, 10)
    t1 = time.perf_counter()
    parts = score_rules.score_shards("bank_a", day.isoformat(), AS_OF.isoformat(), enterprises, probability,
                                     previous, RULES.score_rules, ("tax",), new_sealing_key(), executor.workers)
    score_alerts = sum(len(p) for p in executor.map(score_rules.shard_alerts, parts))
    t2 = time.perf_counter()
    monitored = {e: ("tax", "court_judgments", "administrative_penalty", "administrative_enforcement",
                     "social_insurance", "housing_fund", "utilities", "dishonesty_list") for e in enterprises}
    event_alerts = len(day_event_alerts("bank_a", monitored, feed_for_day(feed, day), RULES, executor))
    t3 = time.perf_counter()
    total = t3 - started
    expected = model.decision_function(bank_X.head(2000), platform_X.head(2000))
    return {"enterprises": len(bank_X), "seconds": round(total, 1),
            "seconds_bank_encrypt": round(seconds["bank_encrypt"], 1), "seconds_platform": round(seconds["platform"], 1),
            "seconds_decrypt": round(t1 - t0, 1), "seconds_score_rules": round(t2 - t1, 1),
            "seconds_event_rules": round(t3 - t2, 1), "score_alerts": score_alerts, "event_alerts": event_alerts,
            "events_of_the_day": len(feed), "max_abs_error": float(np.abs(raw[:2000] - expected).max())}


def precision_recall(enterprises: int, seed: int) -> dict[str, Any]:
    """Event alerts through the coordinator's store against the known answer."""
    platform, operator = Identity("platform", Role.PLATFORM, "p" * 64), Identity("operator", Role.OPERATOR, "o" * 64)
    banks = [Identity(name, Role.BANK, name[-1] * 64) for name in ("bank_a", "bank_b")]
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        generate(root / "data", enterprises=enterprises, banks=2, seed=seed, days=30)
        customers = {b.name: load_table(root / "data" / f"{b.name}.parquet", root / "data" / f"{b.name}.yaml",
                                        role="bank").ids.tolist() for b in banks}
        portfolio = synthetic_portfolio(customers, np.random.default_rng(seed), as_of=AS_OF)
        sessions = open_database(f"sqlite:///{root / 'coordinator.db'}")
        service = CoordinatorService(sessions, Mailbox(root / "messages", sessions, max_message_bytes=1 << 20))
        for caller in [platform, operator, *banks]:
            service.register(caller, {})
        for bank in banks:
            service.portfolio.report(bank, portfolio.loans[bank.name])
        until = (dt.date.today() + dt.timedelta(days=365)).isoformat()
        for consent in portfolio.consents:
            service.consents.grant(operator, consent.enterprise, consent.bank, "financing", list(consent.categories),
                                   until)
        feed = pd.read_parquet(root / "data" / "events.parquet")
        executor = shard_executor(None, 1)
        for day in sorted({pd.Timestamp(d).date() for d in feed["date"]}):
            for bank in banks:
                monitored = service.portfolio.monitored(platform, bank.name, day)
                service.alerts.submit(platform, day_event_alerts(bank.name, monitored, feed_for_day(feed, day),
                                                                 RULES, executor))
        received = set()
        for bank in banks:
            while batch := service.alerts.pending(bank, set()):
                received |= {(a.bank, a.enterprise, a.date, a.event_type) for a in batch}
                service.alerts.ack(bank, [a.id for a in batch])
    expected = expected_event_alerts(feed, portfolio)
    hits = len(received & expected)
    return {"enterprises": enterprises, "events": len(feed), "expected_alerts": len(expected),
            "delivered_alerts": len(received), "precision": round(hits / max(len(received), 1), 6),
            "recall": round(hits / max(len(expected), 1), 6),
            "misrouted": len({(b, e) for b, e, _, _ in received} - {(c.bank, c.enterprise) for c in portfolio.consents})}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="100000,1000000", help="Monitored enterprises, comma-separated.")
    parser.add_argument("--enterprises", type=int, default=60_000, help="Synthetic platform size for training.")
    parser.add_argument("--alerts-enterprises", type=int, default=20_000,
                        help="Synthetic platform size for precision and recall.")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    quality = precision_recall(args.alerts_enterprises, args.seed)
    log(f"event alerts: {quality}")
    model, bank_X, platform_X = joint_model(args.enterprises, args.seed)
    log(f"model: {model.n_trees_} trees on {len(bank_X)} aligned rows")
    runs: dict[str, Any] = {}
    for workers in (1, 2):
        executor = shard_executor("local", workers)
        try:
            for size in sizes if workers == 2 else sizes[:1]:
                draw = np.random.default_rng(args.seed + size).integers(0, len(bank_X), size=size)
                log(f"{size} enterprises on {workers} Ray worker(s)")
                runs[f"{size}_on_{workers}"] = night(model, bank_X.iloc[draw].reset_index(drop=True),
                                                     platform_X.iloc[draw].reset_index(drop=True), executor, args.seed)
                log(f"  {runs[f'{size}_on_{workers}']}")
        finally:
            executor.close()
    smallest = sizes[0]
    print(json.dumps({"bench": "monitoring", "engine": "ray (local)", "cores": 2,
                      "seconds": {str(size): runs[f"{size}_on_2"]["seconds"] for size in sizes},
                      "speedup_1_to_2_workers": round(runs[f"{smallest}_on_1"]["seconds"]
                                                      / runs[f"{smallest}_on_2"]["seconds"], 2),
                      "event_alerts": quality, "runs": runs}))


if __name__ == "__main__":
    main()
