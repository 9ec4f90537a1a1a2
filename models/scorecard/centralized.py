"""The centralized reference: the same binning and IV screen on the joined table, then
scikit-learn's ``LogisticRegression``, what a trusted party holding both tables would fit.
``fedcredit evaluate --model scorecard`` compares the federated scorecard with it."""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator
from sklearn.linear_model import LogisticRegression

from models.evaluation import HoldoutSpec, auc, holdout_rows, ks
from models.scorecard.binning import FeatureBinning, fit_prebins, group_matrix, prebin_matrix
from models.scorecard.estimator import ScorecardClassifier
from models.scorecard.selection import ClassingParams, class_feature, label_counts, woe_matrix


class CentralizedScorecard(BaseEstimator):
    def __init__(self, classing: ClassingParams = ClassingParams(), C: float = 1.0) -> None:
        self.classing = classing
        self.C = C

    def fit(self, X: pd.DataFrame, y: np.ndarray) -> CentralizedScorecard:
        X = X.reset_index(drop=True)
        prebins = fit_prebins(X, self.classing.max_prebins, self.classing.min_bin_size)
        counts = label_counts(prebin_matrix(prebins, X), y, [b.n_prebins for b in prebins])
        classed = [class_feature(e, ne, categorical=b.kind == "categorical", has_missing_prebin=b.has_missing_prebin,
                                 params=self.classing) for b, (e, ne) in zip(prebins, counts)]
        kept = [j for j, c in enumerate(classed) if c.iv >= self.classing.min_iv]
        self.binnings_: list[FeatureBinning] = [prebins[j].grouped(classed[j].groups) for j in kept]
        self.woe_ = [classed[j].table.woe for j in kept]
        self.logistic_ = LogisticRegression(C=self.C, max_iter=10_000, tol=1e-10)
        self.logistic_.fit(self._design(X), y)
        return self

    def decision_function(self, X: pd.DataFrame) -> np.ndarray:
        return self.logistic_.decision_function(self._design(X.reset_index(drop=True)))

    def _design(self, X: pd.DataFrame) -> np.ndarray:
        return woe_matrix(group_matrix(self.binnings_, X), self.woe_)


def centralized_runs(X: pd.DataFrame, y: np.ndarray, model: ScorecardClassifier,
                     specs: list[HoldoutSpec]) -> dict[str, list[float]]:
    """AUC, KS and fit seconds of the centralized scorecard with ``model``'s binning and C,
    on each holdout of ``specs`` (the federated run's holdouts)."""
    out: dict[str, list[float]] = {"auc": [], "ks": [], "seconds": []}
    for spec in specs:
        train, test = holdout_rows(y, spec)
        started = time.perf_counter()
        reference = CentralizedScorecard(model.classing, model.C).fit(X.iloc[train], y[train])
        out["seconds"].append(time.perf_counter() - started)
        scores = reference.decision_function(X.iloc[test])
        out["auc"].append(auc(y[test], scores))
        out["ks"].append(ks(y[test], scores))
    return out
