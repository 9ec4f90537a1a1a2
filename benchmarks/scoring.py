"""Encrypted scoring throughput and latency, protocol cost only (both halves in one process).

Batch: a 30-tree, depth-3 joint model (trained on synthetic bank_a data) scores ``--rows``
enterprises (intersection rows drawn with replacement) chunk by chunk under a BFV key:
the bank's encryption, the platform's products and sums, the bank's decryption, each
timed, and the largest difference from plaintext scores. The issue's target is 1M
enterprises in at most 10 minutes on 2 cores.

Sharded batch: the same rows the way the ``score_batch`` job runs them, chunks in waves
over ``--workers`` local processes (or Ray with ``--ray-address``), with its speed-up over
the one-process loop in the same run.

Online over mutual TLS (unless ``--mtls-seconds 0``): the real federation on loopback,
single requests through the coordinator (p50, p99) and a sustained load from
``--clients`` processes (requests per second), as ``benchmarks/scoring_online.py``
measures it; that script runs this part alone.

Online in-process: ``--requests`` single-applicant scores through the platform's published
indicators (bank computation plus the platform's one decryption), p50 and p99. This is
the protocol's share of the latency; ``benchmarks/scoring_online.py`` measures it end to
end over mutual TLS through the coordinator.

    python benchmarks/scoring.py --rows 1000000       # the issue's batch size (minutes)
    python benchmarks/scoring.py --rows 20000 --requests 50   # seconds

Progress goes to stderr; the last stdout line is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from federation.data import generate, load_table
from federation.scaleout.executor import shard_executor
from models.monitoring.scoring import (
    AnswerShard, BankModel, answer_chunk, chunk_bounds, decrypt_chunks, encrypt_chunk, request_shards,
)
from models.scoring.batch import BankBatchScorer, answer_batch
from models.scoring.keys import BfvKeys
from models.scoring.online import BankOnlineScorer, decrypt_masked, publish_masks
from models.scoring.paths import leaves, platform_paths
from models.secureboost import SecureBoostClassifier
from scoring_online import measure_online  # a sibling script: benchmarks/ is on sys.path when run as one


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def joint_model(enterprises: int, seed: int) -> tuple[SecureBoostClassifier, pd.DataFrame, pd.DataFrame]:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        generate(root, enterprises=enterprises, banks=1, seed=seed)
        bank = load_table(root / "bank_a.parquet", root / "bank_a.yaml", role="bank")
        platform = load_table(root / "platform.parquet", root / "platform.yaml", role="platform")
    left = pd.DataFrame({"id": bank.ids, "bank_row": np.arange(len(bank))})
    right = pd.DataFrame({"id": platform.ids, "platform_row": np.arange(len(platform))})
    aligned = left.merge(right, on="id")
    bank_X = bank.features.iloc[aligned["bank_row"]].reset_index(drop=True)
    platform_X = platform.features.iloc[aligned["platform_row"]].reset_index(drop=True)
    model = SecureBoostClassifier(n_estimators=30, max_depth=3, random_state=seed)
    return model.fit(bank_X, bank.labels[aligned["bank_row"]], platform_X), bank_X, platform_X


def batch(model: SecureBoostClassifier, bank_X: pd.DataFrame, platform_X: pd.DataFrame) -> dict[str, Any]:
    bins = model.bank_binner_.transform(bank_X)
    started = time.perf_counter()
    scorer = BankBatchScorer(model.trees_, model.base_score_, bins, model.bank_binner_.max_bin + 1)
    seconds = {"bank_encrypt": 0.0, "platform": 0.0, "bank_decrypt": 0.0}
    scores, request_bytes = [], 0
    for chunk in range(scorer.chunks):
        t0 = time.perf_counter()
        request = scorer.request(chunk)
        t1 = time.perf_counter()
        reply = answer_batch(request, model.platform_model_, platform_X.iloc[scorer.chunk_rows(chunk)])
        t2 = time.perf_counter()
        scores.append(scorer.scores(chunk, reply))
        seconds["bank_encrypt"] += t1 - t0
        seconds["platform"] += t2 - t1
        seconds["bank_decrypt"] += time.perf_counter() - t2
        request_bytes += len(request)
        log(f"batch chunk {chunk + 1}/{scorer.chunks}: {time.perf_counter() - started:.1f} s")
    total = time.perf_counter() - started
    expected = model.decision_function(bank_X, platform_X)
    return {"rows": len(bank_X), "seconds": round(total, 2), "enterprises_per_second": round(len(bank_X) / total, 1),
            **{f"seconds_{k}": round(v, 2) for k, v in seconds.items()},
            "bank_to_platform_mb": round(request_bytes / 1e6, 1),
            "max_abs_error": float(np.abs(np.concatenate(scores) - expected).max()),
            "leaves": len(leaves(model.trees_))}


def online(model: SecureBoostClassifier, bank_X: pd.DataFrame, platform_X: pd.DataFrame,
           requests: int) -> dict[str, Any]:
    platform_keys = BfvKeys.generate()
    paths = platform_paths(model.trees_, leaves(model.trees_))
    started = time.perf_counter()
    masks = publish_masks(paths, model.platform_model_, platform_X, platform_keys)
    publish_seconds = time.perf_counter() - started
    scorer = BankOnlineScorer(model.trees_, model.base_score_, model.bank_binner_.max_bin + 1, masks)
    bins = model.bank_binner_.transform(bank_X)
    rows = np.random.default_rng(0).integers(0, len(bank_X), size=requests)
    latencies, errors = [], []
    expected = model.decision_function(bank_X, platform_X)
    for row in rows:
        t0 = time.perf_counter()
        request, mask = scorer.request(int(row), bins[row])
        score = scorer.score(decrypt_masked(request, platform_keys), mask)
        latencies.append(time.perf_counter() - t0)
        errors.append(abs(score - expected[row]))
    ms = np.array(latencies) * 1000
    return {"requests": requests, "published_enterprises": len(platform_X),
            "publish_seconds": round(publish_seconds, 2), "published_mb": round(len(masks) / 1e6, 1),
            "p50_ms": round(float(np.percentile(ms, 50)), 1), "p99_ms": round(float(np.percentile(ms, 99)), 1),
            "max_abs_error": float(max(errors)), "network": "not included (in-process)"}


def sharded_batch(model: SecureBoostClassifier, bank_X: pd.DataFrame, platform_X: pd.DataFrame, workers: int,
                  ray_address: str | None) -> dict[str, Any]:
    """The same batch as the ``score_batch`` job runs it: chunks in waves over a shard
    executor on each side (local worker processes, or Ray)."""
    bins = model.bank_binner_.transform(bank_X)
    bank_model = BankModel(tuple(model.trees_), model.base_score_, model.bank_binner_.max_bin + 1)
    executor = shard_executor(ray_address, workers)
    try:
        started = time.perf_counter()
        keys = BfvKeys.generate()
        shards = request_shards(bank_model, bins, keys)
        bounds, replies = chunk_bounds(len(bins)), []
        for first in range(0, len(shards), executor.workers):
            requests = executor.map(encrypt_chunk, shards[first : first + executor.workers])
            answers = [AnswerShard(request, model.platform_model_, platform_X.iloc[a:b].reset_index(drop=True))
                       for request, (a, b) in zip(requests, bounds[first : first + executor.workers])]
            replies += executor.map(answer_chunk, answers)
            log(f"sharded batch: {len(replies)}/{len(shards)} chunks, {time.perf_counter() - started:.1f} s")
        scores = decrypt_chunks(bank_model, bins, keys, replies)
        total = time.perf_counter() - started
    finally:
        executor.close()
    expected = model.decision_function(bank_X, platform_X)
    return {"rows": len(bank_X), "workers": executor.workers, "engine": "ray" if ray_address else "processes",
            "seconds": round(total, 2), "enterprises_per_second": round(len(bank_X) / total, 1),
            "max_abs_error": float(np.abs(scores - expected).max())}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000, help="Enterprises in the batch.")
    parser.add_argument("--requests", type=int, default=200, help="Online scores to time.")
    parser.add_argument("--enterprises", type=int, default=60_000, help="Synthetic platform size for training.")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workers", type=int, default=2,
                        help="Shard workers for the sharded batch (0: skip it).")
    parser.add_argument("--mtls-seconds", type=float, default=20.0,
                        help="Sustained online load over mutual TLS (0: skip the federation run).")
    parser.add_argument("--clients", type=int, default=3, help="Client processes for the sustained load.")
    parser.add_argument("--ray-address", default=None,
                        help="Run the sharded batch on Ray ('local' starts a private instance).")
    args = parser.parse_args()
    model, bank_X, platform_X = joint_model(args.enterprises, args.seed)
    log(f"model: {model.n_trees_} trees on {len(bank_X)} aligned rows")
    draw = np.random.default_rng(args.seed).integers(0, len(bank_X), size=args.rows)
    batch_result = batch(model, bank_X.iloc[draw].reset_index(drop=True),
                         platform_X.iloc[draw].reset_index(drop=True))
    log(f"batch: {batch_result}")
    if args.workers > 0:
        sharded = sharded_batch(model, bank_X.iloc[draw].reset_index(drop=True),
                                platform_X.iloc[draw].reset_index(drop=True), args.workers, args.ray_address)
        sharded["speedup_over_one_process"] = round(batch_result["seconds"] / sharded["seconds"], 2)
        batch_result["sharded"] = sharded
        log(f"sharded batch: {sharded}")
    online_result = online(model, bank_X.head(2000), platform_X.head(2000), args.requests)
    log(f"online: {online_result}")
    report = {"bench": "scoring", "batch": batch_result, "online": online_result}
    if args.mtls_seconds > 0:
        report["online_mtls"] = measure_online(3000, 30, args.requests, args.clients, args.mtls_seconds, args.seed)
        log(f"online over mutual TLS: {report['online_mtls']}")
    print(json.dumps(report))


if __name__ == "__main__":
    main()
