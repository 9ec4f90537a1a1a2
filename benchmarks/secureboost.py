"""Encrypted SecureBoost end to end against LightGBM: is joint training affordable?

The issue's target: 100k rows x (20 bank + 50 platform) features, 50 trees of depth 5,
learning rate 0.3 and 32 bins (FATE's setting) in at most 10 minutes on 2 cores, and
at most 15x LightGBM on the joined table. This trains
``SecureBoostClassifier(encryption="heu-ou")`` in-process (both parties, the platform's
histograms under the bank's key) and ``LGBMClassifier(**clf.lightgbm_params())`` on
the joined table, in the same run on the same data, and scores both on a holdout.

The data are synthetic and credit-like, made here with numpy (the project's generator
has a fixed schema, not this shape): three latent factors (financial health, size,
compliance) drive continuous, skewed, count and flag features on both sides, and the
default log-odds mix bank and platform factors, so the AUC means something and joint
training should beat either side alone.

Where the time goes is measured by timing wrappers installed here around the HE
contexts' ``encrypt_gh``, ``bucket_sums`` and ``decrypt_gh`` (no instrumentation in
library code). ``bucket_us_per_row_feature`` is bucket-sum seconds divided by the
(row, platform feature) pairs summed: the per-add cost of the naive histogram, to
compare runs with different row counts.

    python benchmarks/secureboost.py                      # the spec size (long)
    python benchmarks/secureboost.py --rows 5000 --trees 3  # a smoke run in seconds

``--workers`` is how many cores the homomorphic layer may use (default: all).
Progress goes to stderr; the last stdout line is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable
from functools import wraps
from typing import Any

import lightgbm as lgb
import numpy as np
import pandas as pd
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import train_test_split

from federation.crypto import heu_backend
from models.secureboost import SecureBoostClassifier


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def credit_like(rows: int, bank_features: int, platform_features: int, seed: int) -> tuple[
    pd.DataFrame, pd.DataFrame, np.ndarray
]:
    """Bank and platform tables of the same enterprises, and default labels (~8% positive)."""
    rng = np.random.default_rng(seed)
    factors = rng.normal(size=(rows, 3))

    def table(prefix: str, count: int) -> pd.DataFrame:
        loadings = rng.normal(scale=0.8, size=(3, count))
        signal = factors @ loadings + rng.normal(size=(rows, count))
        columns = {}
        for j in range(count):
            kind = j % 5
            if kind == 0:
                values = np.exp(0.5 * signal[:, j])  # amounts: skewed
            elif kind == 1:
                values = rng.poisson(np.exp(0.3 * signal[:, j]))  # counts: few distinct values
            elif kind == 2:
                values = (signal[:, j] > 1.0).astype(float)  # flags
            else:
                values = signal[:, j]
            columns[f"{prefix}{j}"] = values.astype(float)
        return pd.DataFrame(columns)

    bank, platform = table("b", bank_features), table("p", platform_features)
    logit = -3.0 + 0.9 * factors[:, 0] - 0.5 * factors[:, 1] + 0.7 * factors[:, 2]
    logit += 0.4 * np.tanh(platform.iloc[:, 3].to_numpy()) - 0.3 * bank.iloc[:, 3].to_numpy().clip(-2, 2)
    labels = (rng.random(rows) < 1 / (1 + np.exp(-logit))).astype(int)
    return bank, platform, labels


class PhaseTimer:
    """Seconds and calls per HE phase, gathered by wrapping the HEU contexts' methods."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {"encrypt": 0.0, "bucket_sums": 0.0, "decrypt": 0.0}
        self.row_features = 0
        self.nodes = 0

    def install(self) -> None:
        public, secret = heu_backend.HeuPublicContext, heu_backend.HeuSecretContext
        public.encrypt_gh = self._timed("encrypt", public.encrypt_gh)
        public.bucket_sums = self._timed("bucket_sums", public.bucket_sums, self._count)
        secret.decrypt_gh = self._timed("decrypt", secret.decrypt_gh)

    def _count(self, _self: Any, _ciphertexts: Any, bins: np.ndarray, node_masks: list[np.ndarray], *_: Any,
               **__: Any) -> None:
        self.nodes += len(node_masks)
        self.row_features += sum(int(np.count_nonzero(m)) for m in node_masks) * np.asarray(bins).shape[1]

    def _timed(self, phase: str, method: Callable[..., Any], count: Callable[..., None] | None = None) -> Any:
        @wraps(method)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if count is not None:
                count(*args, **kwargs)
            start = time.perf_counter()
            try:
                return method(*args, **kwargs)
            finally:
                self.seconds[phase] += time.perf_counter() - start

        return wrapper


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000, help="training rows (a 20%% holdout is added)")
    parser.add_argument("--bank-features", type=int, default=20)
    parser.add_argument("--platform-features", type=int, default=50)
    parser.add_argument("--trees", type=int, default=50)
    parser.add_argument("--depth", type=int, default=5)
    parser.add_argument("--learning-rate", type=float, default=0.3)
    parser.add_argument("--bins", type=int, default=32)
    parser.add_argument("--backend", default="heu-ou")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    # HEU sizes its thread pool from this variable on first use; nothing has used it yet.
    os.environ["YACL_NUM_THREADS"] = str(args.workers)

    holdout = args.rows // 4
    bank, platform, labels = credit_like(args.rows + holdout, args.bank_features, args.platform_features, args.seed)
    train, test = train_test_split(
        np.arange(len(labels)), test_size=holdout, stratify=labels, random_state=args.seed
    )
    log(f"data: {args.rows} training rows, {holdout} holdout, default rate {labels.mean():.3f}")

    timer = PhaseTimer()
    timer.install()
    model = SecureBoostClassifier(
        n_estimators=args.trees,
        max_depth=args.depth,
        learning_rate=args.learning_rate,
        max_bin=args.bins,
        random_state=args.seed,
        encryption=args.backend,
    )
    log(f"secureboost: {args.trees} trees, depth {args.depth}, {args.backend}, {args.workers} workers")
    start = time.perf_counter()
    model.fit(bank.iloc[train], labels[train], platform.iloc[train])
    seconds_total = time.perf_counter() - start
    log(f"secureboost: {seconds_total:.1f}s ({seconds_total / args.trees:.1f}s per tree) {timer.seconds}")
    auc_ours = roc_auc_score(labels[test], model.decision_function(bank.iloc[test], platform.iloc[test]))

    joined = pd.concat([bank, platform], axis=1)
    reference = lgb.LGBMClassifier(**model.lightgbm_params(), n_jobs=args.workers)
    start = time.perf_counter()
    reference.fit(joined.iloc[train], labels[train])
    lightgbm_seconds = time.perf_counter() - start
    auc_lightgbm = roc_auc_score(labels[test], reference.predict_proba(joined.iloc[test], raw_score=True))
    log(f"lightgbm: {lightgbm_seconds:.2f}s")

    phases = timer.seconds
    print(
        json.dumps(
            {
                "bench": "secureboost",
                "rows": args.rows,
                "holdout_rows": holdout,
                "bank_features": args.bank_features,
                "platform_features": args.platform_features,
                "trees": args.trees,
                "depth": args.depth,
                "learning_rate": args.learning_rate,
                "bins": args.bins,
                "backend": args.backend,
                "key_bits": model.encryption_["key_bits"],
                "workers": args.workers,
                "cpus": os.cpu_count(),
                "seconds_total": round(seconds_total, 2),
                "seconds_per_tree": round(seconds_total / args.trees, 2),
                "seconds_encrypt": round(phases["encrypt"], 2),
                "seconds_bucket_sums": round(phases["bucket_sums"], 2),
                "seconds_decrypt": round(phases["decrypt"], 2),
                "seconds_other": round(seconds_total - sum(phases.values()), 2),
                "histogram_nodes": timer.nodes,
                "bucket_us_per_row_feature": round(phases["bucket_sums"] / max(timer.row_features, 1) * 1e6, 3),
                "lightgbm_seconds": round(lightgbm_seconds, 3),
                "ratio_to_lightgbm": round(seconds_total / lightgbm_seconds, 1),
                "auc_secureboost": round(float(auc_ours), 5),
                "auc_lightgbm": round(float(auc_lightgbm), 5),
            }
        )
    )


if __name__ == "__main__":
    main()
