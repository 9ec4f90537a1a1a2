"""Plaintext SecureBoost against LightGBM on FATE's default_credit; prints one JSON line.

Stratified 5-fold CV with FATE's setting (30 trees, depth 3, learning rate
0.3, 32 bins): the joint model (bank = guest file, platform = host file), LightGBM on
the joined table with the matching parameters, and LightGBM on the bank's
columns alone. SecureBoost is meant to be lossless, so the first two AUCs
should agree to within 0.002, and joint modeling should beat the bank alone.
LightGBM runs on one thread, like the numpy booster: on shared cores its
OpenMP threads otherwise spin against other work and the timing means little.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

import lightgbm as lgb
import numpy as np
import pandas as pd
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold

from models.secureboost import SecureBoostClassifier

DEFAULT_DATA = Path(
    os.environ.get(
        "FEDCREDIT_FATE_DATA",
        Path(__file__).resolve().parents[1].parent / "shared" / "data" / "fate",
    )
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    guest = pd.read_csv(args.data_dir / "default_credit_hetero_guest.csv")
    host = pd.read_csv(args.data_dir / "default_credit_hetero_host.csv")
    joined = guest.merge(host, on="id", suffixes=("_bank", "_platform"))
    y = joined["y"].to_numpy()
    bank = joined[[c for c in joined.columns if c.endswith("_bank")]]
    platform = joined[[c for c in joined.columns if c.endswith("_platform")]]
    table = pd.concat([bank, platform], axis=1)
    single_thread = {"n_jobs": 1}

    scores = {name: np.zeros(len(y)) for name in ("ours", "lightgbm", "bank_only")}
    seconds = {"ours": 0.0, "lightgbm": 0.0}
    folds = StratifiedKFold(args.folds, shuffle=True, random_state=args.seed)
    for train, test in folds.split(table, y):
        model = SecureBoostClassifier(
            n_estimators=30, max_depth=3, learning_rate=0.3, max_bin=32, random_state=args.seed
        )
        start = time.perf_counter()
        model.fit(bank.iloc[train], y[train], platform.iloc[train])
        seconds["ours"] += time.perf_counter() - start
        scores["ours"][test] = model.decision_function(bank.iloc[test], platform.iloc[test])

        start = time.perf_counter()
        reference = lgb.LGBMClassifier(**model.lightgbm_params(), **single_thread).fit(
            table.iloc[train], y[train]
        )
        seconds["lightgbm"] += time.perf_counter() - start
        scores["lightgbm"][test] = reference.predict_proba(table.iloc[test], raw_score=True)

        bank_only = lgb.LGBMClassifier(**model.lightgbm_params(), **single_thread).fit(
            bank.iloc[train], y[train]
        )
        scores["bank_only"][test] = bank_only.predict_proba(bank.iloc[test], raw_score=True)

    # Per-fold AUCs averaged, as SOURCE.md reports its CV baselines.
    auc = {
        name: float(np.mean([roc_auc_score(y[test], s[test]) for _, test in folds.split(table, y)]))
        for name, s in scores.items()
    }
    print(
        json.dumps(
            {
                "bench": "secureboost_plaintext",
                "folds": args.folds,
                "auc_ours": round(auc["ours"], 5),
                "auc_lightgbm": round(auc["lightgbm"], 5),
                "auc_bank_only": round(auc["bank_only"], 5),
                "max_abs_score_diff": float(np.abs(scores["ours"] - scores["lightgbm"]).max()),
                "seconds_ours": round(seconds["ours"], 3),
                "seconds_lightgbm": round(seconds["lightgbm"], 3),
            }
        )
    )


if __name__ == "__main__":
    main()
