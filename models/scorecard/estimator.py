"""``ScorecardClassifier``: the federated points-based scorecard, scikit-learn style.

``fit`` runs both parties in one process (the platform behind the same request/reply
protocol the federated job relays); ``fit_with`` is the bank's half of every run, with
the platform reached through ``connect``, so the notebook and the job train the same
model. Steps: each party prebins its own columns; the bank groups its own prebins and,
from encrypted label counts, the platform's; both screen by IV; logistic regression on
WOE with the platform's gradient under HE; points with ``base_score`` / ``pdo``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
from scipy.special import expit
from sklearn.base import BaseEstimator

from federation.crypto import get_backend
from federation.crypto.backend import MIN_KEY_BITS
from models.scorecard.binning import FeatureBinning, fit_prebins, group_matrix, prebin_matrix
from models.scorecard.ciphers import BankCipher, EncryptedBank, PlainBank
from models.scorecard.logistic import LogisticParams, fit_logistic
from models.scorecard.platform import LocalPlatform, Selection
from models.scorecard.points import Scaling, feature_points
from models.scorecard.remote import InProcessTransport, PlatformScorecardTrainer, RemotePlatform, platform_part
from models.scorecard.selection import ClassingParams, class_feature, label_counts, woe_matrix
from models.scorecard.woe import DEFAULT_MIN_IV
from models.secureboost.estimator import _frame, _labels

BANK_GROUP = "bank"


class ScorecardClassifier(BaseEstimator):
    """Vertical WOE scorecard for binary default prediction (bank = label holder).

    Binning: ``max_prebins`` equal-count prebins per feature, each at least
    ``min_bin_size`` rows, grouped into at most ``max_bins`` bins (monotonic event rate for
    numeric features when ``monotonic``); features with IV below ``min_iv`` are dropped.
    Logistic regression: L2 with scikit-learn's ``C``, accelerated gradient descent until the
    loss changes by less than ``tol`` (relative) or ``max_iter``. Points: ``base_score`` at
    odds ``base_odds`` to one, ``pdo`` points to double the odds. ``encryption`` names the
    bank's HE backend (``None``: the plaintext reference, in process only).
    """

    def __init__(self, max_prebins: int = 20, max_bins: int = 8, min_bin_size: int = 50,
                 min_iv: float = DEFAULT_MIN_IV, monotonic: bool = True, C: float = 1.0, max_iter: int = 300,
                 tol: float = 1e-7, base_score: float = 600.0, pdo: float = 20.0, base_odds: float = 50.0,
                 encryption: str | None = "heu-ou", key_bits: int = MIN_KEY_BITS) -> None:
        self.max_prebins = max_prebins
        self.max_bins = max_bins
        self.min_bin_size = min_bin_size
        self.min_iv = min_iv
        self.monotonic = monotonic
        self.C = C
        self.max_iter = max_iter
        self.tol = tol
        self.base_score = base_score
        self.pdo = pdo
        self.base_odds = base_odds
        self.encryption = encryption
        self.key_bits = key_bits

    @property
    def classing(self) -> ClassingParams:
        return ClassingParams(self.max_prebins, self.max_bins, self.min_bin_size, self.min_iv, self.monotonic)

    @property
    def scaling(self) -> Scaling:
        return Scaling(self.base_score, self.pdo, self.base_odds)

    def bank_cipher(self) -> BankCipher:
        """A fresh key pair of the configured backend (or the plaintext reference)."""
        if self.encryption is None:
            return PlainBank()
        _, secret = get_backend(self.encryption).generate(self.key_bits)
        return EncryptedBank(secret)

    def fit(self, bank_X: pd.DataFrame, y: np.ndarray, platform_X: pd.DataFrame) -> ScorecardClassifier:
        """Train on aligned rows (row i of both tables is one enterprise), both parties here."""
        platform_X = _frame(platform_X)
        if len(platform_X) != len(_frame(bank_X)):
            raise ValueError(f"rows must be aligned: {len(bank_X)} bank rows, {len(platform_X)} platform rows")

        def connect(cipher: BankCipher) -> RemotePlatform:
            self.platform_ = LocalPlatform(platform_X, max_prebins=self.max_prebins, min_bin_size=self.min_bin_size)
            trainer = PlatformScorecardTrainer(self.platform_, allow_plaintext=True)
            return RemotePlatform(InProcessTransport(trainer), cipher)

        return self.fit_with(bank_X, y, connect, self.bank_cipher())

    def fit_with(self, bank_X: pd.DataFrame, y: np.ndarray, connect: Callable[[BankCipher], RemotePlatform],
                 cipher: BankCipher) -> ScorecardClassifier:
        """The bank's half of training, with the platform reached through ``connect(cipher)``."""
        bank_X = _frame(bank_X)
        labels = _labels(y, len(bank_X))
        classing = self.classing
        prebins = fit_prebins(bank_X, classing.max_prebins, classing.min_bin_size)
        counts = label_counts(prebin_matrix(prebins, bank_X), labels, [b.n_prebins for b in prebins])
        bank_classed = [class_feature(e, ne, categorical=b.kind == "categorical",
                                      has_missing_prebin=b.has_missing_prebin, params=classing)
                        for b, (e, ne) in zip(prebins, counts)]
        platform = connect(cipher)
        platform_classed = [class_feature(e, ne, categorical=categorical, has_missing_prebin=missing, params=classing)
                            for (e, ne), categorical, missing in zip(platform.bin_counts(labels),
                                                                     platform.categorical, platform.has_missing_prebin)]
        self.bank_iv_ = {b.name: c.iv for b, c in zip(prebins, bank_classed)}
        self.platform_iv_ = [c.iv for c in platform_classed]
        keep_bank = [j for j, c in enumerate(bank_classed) if c.iv >= self.min_iv]
        keep_platform = [j for j, c in enumerate(platform_classed) if c.iv >= self.min_iv]
        self.bank_binnings_: list[FeatureBinning] = [prebins[j].grouped(bank_classed[j].groups) for j in keep_bank]
        self.bank_woe_ = [bank_classed[j].table.woe for j in keep_bank]
        platform.select(Selection(keep_platform, [platform_classed[j].groups.tolist() for j in keep_platform],
                                  [platform_classed[j].table.woe.tolist() for j in keep_platform]), self.C)
        square_sum = sum(float(np.sum(c.table.woe**2 * (c.table.events + c.table.nonevents))) / len(labels)
                         for c in (platform_classed[j] for j in keep_platform))
        design = woe_matrix(group_matrix(self.bank_binnings_, bank_X), self.bank_woe_)
        result = fit_logistic(design, labels, platform, LogisticParams(self.C, self.max_iter, self.tol), square_sum)
        self.intercept_ = result.intercept
        self.coef_ = result.coef
        self.n_iter_ = result.n_iter
        self.converged_ = result.converged
        self.platform_features_ = keep_platform
        self.platform_groups_ = platform.finish(self.scaling.factor)
        self.encryption_ = platform.description
        self.remote_ = platform
        self.classes_ = np.array([0, 1])
        return self

    def bank_decision(self, bank_X: pd.DataFrame) -> np.ndarray:
        """The bank's share of the log-odds of default (intercept included)."""
        design = woe_matrix(group_matrix(self.bank_binnings_, _frame(bank_X)), self.bank_woe_)
        return self.intercept_ + design @ self.coef_

    def decision_function(self, bank_X: pd.DataFrame, platform_X: pd.DataFrame) -> np.ndarray:
        """Log-odds of default, with the in-process platform's share."""
        platform = self.platform_
        codes = group_matrix(platform.binnings, _frame(platform_X))
        return self.bank_decision(bank_X) + platform.linear_part(platform.state.weights, codes)

    def predict_proba(self, bank_X: pd.DataFrame, platform_X: pd.DataFrame) -> np.ndarray:
        p = expit(self.decision_function(bank_X, platform_X))
        return np.column_stack([1.0 - p, p])

    def predict(self, bank_X: pd.DataFrame, platform_X: pd.DataFrame) -> np.ndarray:
        return (self.decision_function(bank_X, platform_X) > 0).astype(np.int64)

    def score(self, bank_X: pd.DataFrame, platform_X: pd.DataFrame) -> np.ndarray:  # type: ignore[override]
        """Scorecard points (higher is safer)."""
        return self.scaling.score(self.decision_function(bank_X, platform_X))

    def bank_model(self) -> dict[str, Any]:
        """The bank's stored part: its bins and points, the platform's only by feature group."""
        factor = self.scaling.factor
        features = [{"name": b.name, "group": BANK_GROUP, "bins": b.group_labels(), "woe": woe.tolist(),
                     "weight": float(w), "points": feature_points(w, woe, factor).tolist()}
                    for b, woe, w in zip(self.bank_binnings_, self.bank_woe_, self.coef_)]
        return {"params": self.get_params(), "intercept": self.intercept_, "n_iter": self.n_iter_,
                "converged": self.converged_,
                "binnings": [b.to_dict() for b in self.bank_binnings_],
                "iv": {"bank": self.bank_iv_, "platform": self.platform_iv_},
                "scorecard": {"scaling": self.scaling.to_dict(), "factor": factor,
                              "base_points": self.scaling.base_points(self.intercept_), "features": features,
                              "platform_groups": self.platform_groups_}}


    def platform_model(self) -> dict[str, Any]:
        """The platform's stored part (bins with edges, points) of an in-process fit."""
        return platform_part(self.platform_, self.scaling.factor)

