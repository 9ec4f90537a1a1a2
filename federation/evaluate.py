"""`fedcredit evaluate`: is joint modeling worth it for this bank, on its own files?

It runs the real thing, coordinator, platform and bank as separate processes over mutual
TLS with PSI and encrypted SecureBoost, and beside it, in this process, LightGBM with the
same hyper-parameters on the joined table (what a trusted central party would get) and
on the bank's columns alone (what the bank has today). All three see the same enterprises
in training and in test (``models.evaluation.holdout``), so the differences are the
models'. The tool holds both tables because it is an evaluation on the scientist's own
copy; the federation it starts sees only what each party would.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import lightgbm as lgb
import numpy as np
import pandas as pd

from federation.data import PartyTable, load_table
from federation.launcher import LocalFederation, PartySpec
from federation.party.client import job_summary
from federation.party.training import PREDICTIONS_FILE
from federation.security.roles import Role
from models.evaluation import HoldoutSpec, auc, holdout_rows, ks
from models.scorecard import ScorecardClassifier
from models.scorecard.centralized import centralized_runs
from models.secureboost import SecureBoostClassifier

BANK, PLATFORM = "bank", "platform"


@dataclass(frozen=True)
class EvaluationInput:
    bank_data: Path
    bank_schema: Path
    platform_data: Path
    platform_schema: Path


def joined_table(bank: PartyTable, platform: PartyTable) -> tuple[pd.DataFrame, pd.DataFrame, np.ndarray]:
    """Bank and platform features of the common enterprises sorted by id, and their labels."""
    assert bank.labels is not None
    left = pd.DataFrame({"id": bank.ids, "bank_row": np.arange(len(bank))})
    right = pd.DataFrame({"id": platform.ids, "platform_row": np.arange(len(platform))})
    common = left.merge(right, on="id").sort_values("id", kind="stable").reset_index(drop=True)
    bank_part = bank.features.iloc[common["bank_row"]].reset_index(drop=True).add_prefix("bank_")
    platform_part = platform.features.iloc[common["platform_row"]].reset_index(drop=True).add_prefix("platform_")
    return bank_part, platform_part, bank.labels[common["bank_row"].to_numpy()]


def holdout_specs(folds: int | None, test_size: float, seed: int) -> list[HoldoutSpec]:
    if folds is None:
        return [HoldoutSpec(seed=seed, test_size=test_size)]
    return [HoldoutSpec(seed=seed, folds=folds, fold=k) for k in range(folds)]


def run_evaluate(files: EvaluationInput, model: SecureBoostClassifier | ScorecardClassifier,
                 specs: list[HoldoutSpec], *, workdir: Path | None = None, timeout: float = 7200.0) -> dict[str, Any]:
    """A scorecard is compared with the same binning and scikit-learn's logistic regression
    (``models.scorecard.centralized``), SecureBoost with LightGBM."""
    bank = load_table(files.bank_data, files.bank_schema, role="bank")
    platform = load_table(files.platform_data, files.platform_schema, role="platform")
    bank_X, platform_X, y = joined_table(bank, platform)
    if len(y) == 0:
        raise ValueError("the bank and the platform have no enterprise in common")
    kind = "scorecard" if isinstance(model, ScorecardClassifier) else "secureboost"
    root = workdir or Path(tempfile.mkdtemp(prefix="fedcredit-evaluate-"))
    try:
        joint = _federated(root, files, model, specs, timeout, kind)
    finally:
        if workdir is None:
            shutil.rmtree(root, ignore_errors=True)
    baseline = centralized_runs if isinstance(model, ScorecardClassifier) else _lightgbm
    centralized = baseline(pd.concat([bank_X, platform_X], axis=1), y, model, specs)
    bank_only = baseline(bank_X, y, model, specs)
    return {
        "model": kind,
        "n_intersection": int(len(y)),
        "holdout": [s.to_dict() for s in specs],
        "auc_joint": _mean(joint["auc"]),
        "auc_centralized": _mean(centralized["auc"]),
        "auc_bank_only": _mean(bank_only["auc"]),
        "ks_joint": _mean(joint["ks"]),
        "ks_centralized": _mean(centralized["ks"]),
        "ks_bank_only": _mean(bank_only["ks"]),
        "train_seconds": round(sum(joint["seconds"]), 2),
        "centralized_train_seconds": round(sum(centralized["seconds"]), 3),
        "psi_seconds": joint["psi_seconds"],
        "per_fold": {"auc_joint": joint["auc"], "auc_centralized": centralized["auc"],
                     "auc_bank_only": bank_only["auc"]},
        "encryption": joint["encryption"],
        "params": model.get_params(),
    }


def _federated(root: Path, files: EvaluationInput, model: SecureBoostClassifier | ScorecardClassifier,
               specs: list[HoldoutSpec], timeout: float, kind: str) -> dict[str, Any]:
    parties = [PartySpec(PLATFORM, Role.PLATFORM, files.platform_data, files.platform_schema),
               PartySpec(BANK, Role.BANK, files.bank_data, files.bank_schema)]
    out: dict[str, Any] = {"auc": [], "ks": [], "seconds": []}
    with LocalFederation(root / "run", parties) as federation, federation.client(BANK) as client:
        started = time.monotonic()
        psi_job = client.submit_job("psi", [PLATFORM]).id
        client.wait_for_job(psi_job, timeout)
        out["psi_seconds"] = round(time.monotonic() - started, 2)
        for spec in specs:
            params = {"psi_job": psi_job, "model": model.get_params(), "holdout": spec.to_dict()}
            started = time.monotonic()
            job = client.submit_job(kind, [PLATFORM], params).id
            result = job_summary(client.wait_for_job(job, timeout))["results"][BANK]["model"]
            out["seconds"].append(time.monotonic() - started)
            predictions = pd.read_parquet(federation.workdir / "parties" / BANK / "jobs" / job / PREDICTIONS_FILE)
            out["auc"].append(auc(predictions["label"], predictions["score"]))
            out["ks"].append(ks(predictions["label"], predictions["score"]))
            out["encryption"] = result["encryption"]
    return out


def _lightgbm(X: pd.DataFrame, y: np.ndarray, model: SecureBoostClassifier,
              specs: list[HoldoutSpec]) -> dict[str, list[float]]:
    out: dict[str, list[float]] = {"auc": [], "ks": [], "seconds": []}
    for spec in specs:
        train, test = holdout_rows(y, spec)
        classifier = lgb.LGBMClassifier(**model.lightgbm_params())
        started = time.perf_counter()
        classifier.fit(X.iloc[train], y[train])
        out["seconds"].append(time.perf_counter() - started)
        scores = classifier.predict_proba(X.iloc[test])[:, 1]
        out["auc"].append(auc(y[test], scores))
        out["ks"].append(ks(y[test], scores))
    return out


def _mean(values: list[float]) -> float:
    return round(float(np.mean(values)), 6)
