"""What the joint model is compared with, on its held-out enterprises and with its
hyper-parameters: LightGBM on the bank's columns alone (what the bank has today) and on the
joined table (what a trusted central party would get), and the same SecureBoost trained in
plaintext in one process (which the encrypted, federated model must equal).

``fedcredit evaluate`` reports the same comparison as figures; a notebook needs the
held-out scores themselves to draw ROC and KS curves.
"""

from __future__ import annotations

from dataclasses import dataclass

import lightgbm as lgb
import numpy as np
import pandas as pd

from federation.data import PartyTable
from federation.evaluate import joined_table
from models.evaluation import HoldoutSpec, holdout_rows
from models.secureboost import SecureBoostClassifier


@dataclass(frozen=True)
class HoldoutScores:
    """Scores on the same held-out enterprises, by model name, with their labels."""

    ids: np.ndarray
    labels: np.ndarray
    scores: dict[str, np.ndarray]


def baseline_scores(bank: PartyTable, platform: PartyTable, model_params: dict[str, object], spec: HoldoutSpec,
                    joint: pd.DataFrame) -> HoldoutScores:
    """``joint`` is the federated job's ``predictions.parquet`` (id, label, score); the
    baselines are fitted on the same split of the same intersection."""
    bank_X, platform_X, y = joined_table(bank, platform)
    ids = np.sort(np.intersect1d(bank.ids, platform.ids))
    train, test = holdout_rows(y, spec)
    params = SecureBoostClassifier(**model_params).lightgbm_params()
    plaintext = SecureBoostClassifier(**model_params).fit(bank_X.iloc[train], y[train], platform_X.iloc[train])
    scores = {"plaintext SecureBoost": plaintext.decision_function(bank_X.iloc[test], platform_X.iloc[test])}
    for name, X in (("bank only", bank_X), ("centralized", pd.concat([bank_X, platform_X], axis=1))):
        model = lgb.LGBMClassifier(**params).fit(X.iloc[train], y[train])
        scores[name] = model.predict_proba(X.iloc[test])[:, 1]
    held_out = pd.Series(np.arange(len(test)), index=ids[test])
    if set(joint["id"]) != set(held_out.index):
        raise ValueError("the federated job held out other enterprises than this split: check the holdout spec")
    order = held_out[joint["id"]].to_numpy()
    scores["joint (federated)"] = np.empty(len(test))
    scores["joint (federated)"][order] = joint["score"].to_numpy()
    return HoldoutScores(ids[test], y[test], scores)
