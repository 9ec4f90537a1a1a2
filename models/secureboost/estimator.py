"""``SecureBoostClassifier``: the joint model for a bank data scientist, scikit-learn style.

``fit`` runs both parties in one process, the platform in plaintext, on rows
already aligned by PSI (row i of the bank's table and of the platform's is the
same enterprise). The federated job runs the same :class:`ActiveBooster`
against a remote, encrypted platform and so yields the same model.

Defaults and :meth:`SecureBoostClassifier.lightgbm_params` are chosen so that
LightGBM on the joined table with those parameters is the plaintext
reference the joint model must match.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy.special import expit
from sklearn.base import BaseEstimator
from sklearn.model_selection import train_test_split

from models.secureboost.binning import Binner
from models.secureboost.booster import ActiveBooster, BoosterParams, BoosterState, Validation
from federation.crypto import get_backend
from models.secureboost.encrypted import EncryptedPassiveParty
from models.secureboost.passive import LocalPassiveParty, PassiveModel
from models.secureboost.split import SplitParams
from models.secureboost.tree import Tree, predict_raw

BANK_CHECKPOINT = "bank.json"
PLATFORM_CHECKPOINT = "platform.json"


class SecureBoostClassifier(BaseEstimator):
    """Vertical SecureBoost for binary default prediction (bank = label holder, platform = passive).

    ``subsample`` draws rows per tree at the bank; ``colsample`` is the share
    of its own features each party draws per tree. ``early_stopping_rounds``
    holds out ``validation_fraction`` of the rows (stratified, at the bank)
    and keeps the trees up to the best validation log-loss. ``encryption`` names
    a homomorphic backend (``"heu-ou"``, ``"heu-zpaillier"``, ``"phe-paillier"``)
    under whose bank-held key the platform's histograms are computed; ``None``
    computes them in the clear, the reference the encrypted run must equal.
    """

    def __init__(
        self,
        n_estimators: int = 30,
        max_depth: int = 3,
        learning_rate: float = 0.3,
        max_bin: int = 32,
        min_child_weight: float = 1e-3,
        min_child_samples: int = 20,
        reg_lambda: float = 1.0,
        min_split_gain: float = 0.0,
        subsample: float = 1.0,
        colsample: float = 1.0,
        early_stopping_rounds: int | None = None,
        validation_fraction: float = 0.1,
        random_state: int | None = None,
        encryption: str | None = None,
    ) -> None:
        self.n_estimators = n_estimators
        self.max_depth = max_depth
        self.learning_rate = learning_rate
        self.max_bin = max_bin
        self.min_child_weight = min_child_weight
        self.min_child_samples = min_child_samples
        self.reg_lambda = reg_lambda
        self.min_split_gain = min_split_gain
        self.subsample = subsample
        self.colsample = colsample
        self.early_stopping_rounds = early_stopping_rounds
        self.validation_fraction = validation_fraction
        self.random_state = random_state
        self.encryption = encryption

    def fit(
        self,
        bank_X: pd.DataFrame | np.ndarray,
        y: np.ndarray,
        platform_X: pd.DataFrame | np.ndarray,
        *,
        checkpoint_dir: str | Path | None = None,
    ) -> SecureBoostClassifier:
        """Train on aligned rows; with ``checkpoint_dir``, save after each tree and resume."""
        bank_X, platform_X = _frame(bank_X), _frame(platform_X)
        labels = _labels(y, len(bank_X), len(platform_X))
        if checkpoint_dir is not None and self.random_state is None:
            raise ValueError("resumable training needs an integer random_state")
        bank_seed, platform_seed, split_seed = (
            int(s) for s in np.random.SeedSequence(self.random_state).generate_state(3)
        )
        train, valid = self._split_rows(labels, split_seed)
        params = self._booster_params(bank_seed)
        bank_binner = Binner(self.max_bin).fit(bank_X.iloc[train])
        bank_bins = bank_binner.transform(bank_X)
        platform = LocalPassiveParty(
            platform_X,
            train,
            valid,
            max_bin=self.max_bin,
            colsample=self.colsample,
            seed=platform_seed,
        )
        validation = None if valid is None else Validation(bank_bins[valid], labels[valid])
        passive = platform
        self.encryption_ = None
        if self.encryption is not None:
            passive = EncryptedPassiveParty(platform, get_backend(self.encryption))
            self.encryption_ = passive.description
        booster = ActiveBooster(
            params, bank_bins[train], bank_binner.layout, labels[train], passive, validation
        )
        state, on_tree = None, None
        if checkpoint_dir is not None:
            directory = Path(checkpoint_dir)
            state = _resume(directory, params, bank_binner, platform)

            def on_tree(current: BoosterState) -> None:
                _save_checkpoint(directory, params, bank_binner, current, platform.model)

        state = booster.fit(state, on_tree)
        self.bank_binner_ = bank_binner
        self.platform_model_ = platform.model
        self.trees_: list[Tree] = state.trees
        self.base_score_ = state.base_score
        self.validation_loss_ = state.valid_loss
        self.n_trees_ = len(state.trees)
        self.classes_ = np.array([0, 1])
        return self

    def decision_function(
        self, bank_X: pd.DataFrame | np.ndarray, platform_X: pd.DataFrame | np.ndarray
    ) -> np.ndarray:
        """Log-odds of default."""
        bank_X, platform_X = _frame(bank_X), _frame(platform_X)
        if len(bank_X) != len(platform_X):
            raise ValueError(f"bank has {len(bank_X)} rows but platform has {len(platform_X)}")
        bins = self.bank_binner_.transform(bank_X)
        router = self.platform_model_.router(platform_X)
        n_bins = self.bank_binner_.max_bin + 1
        return predict_raw(self.trees_, self.base_score_, bins, n_bins, router)

    def predict_proba(
        self, bank_X: pd.DataFrame | np.ndarray, platform_X: pd.DataFrame | np.ndarray
    ) -> np.ndarray:
        p = expit(self.decision_function(bank_X, platform_X))
        return np.column_stack([1.0 - p, p])

    def predict(
        self, bank_X: pd.DataFrame | np.ndarray, platform_X: pd.DataFrame | np.ndarray
    ) -> np.ndarray:
        return (self.decision_function(bank_X, platform_X) > 0).astype(np.int64)

    def bank_model(self) -> dict[str, Any]:
        """The bank's stored part: its bins, the trees (platform splits as references only)."""
        return {
            "params": self.get_params(),
            "binner": self.bank_binner_.to_dict(),
            "base_score": self.base_score_,
            "trees": [tree.to_dict() for tree in self.trees_],
        }

    def platform_model(self) -> dict[str, Any]:
        """The platform's stored part: its bins and what each split reference means."""
        return self.platform_model_.to_dict()

    def lightgbm_params(self) -> dict[str, Any]:
        """``lightgbm.LGBMClassifier`` parameters that grow the same trees on the joined table.

        ``num_leaves`` is set high enough that ``max_depth`` binds (LightGBM
        grows best-first, which then ends with the same tree as level-wise
        growth). Early stopping is not included: pass LightGBM a validation
        set of its own.
        """
        return {
            "objective": "binary",
            "n_estimators": self.n_estimators,
            "max_depth": self.max_depth,
            "num_leaves": 2**self.max_depth,
            "learning_rate": self.learning_rate,
            "max_bin": self.max_bin,
            "min_data_in_bin": 3,
            "min_child_weight": self.min_child_weight,
            "min_child_samples": self.min_child_samples,
            "reg_lambda": self.reg_lambda,
            "reg_alpha": 0.0,
            "min_split_gain": self.min_split_gain,
            "subsample": self.subsample,
            "subsample_freq": 1 if self.subsample < 1.0 else 0,
            "colsample_bytree": self.colsample,
            "max_cat_to_onehot": SplitParams.max_cat_to_onehot,
            "cat_smooth": SplitParams.cat_smooth,
            "cat_l2": SplitParams.cat_l2,
            "max_cat_threshold": SplitParams.max_cat_threshold,
            "min_data_per_group": SplitParams.min_data_per_group,
            "random_state": self.random_state,
            "verbose": -1,
        }

    def _booster_params(self, seed: int) -> BoosterParams:
        if self.max_depth < 1:
            raise ValueError(f"max_depth must be at least 1, got {self.max_depth}")
        return BoosterParams(
            n_estimators=self.n_estimators,
            max_depth=self.max_depth,
            learning_rate=self.learning_rate,
            subsample=self.subsample,
            colsample=self.colsample,
            early_stopping_rounds=self.early_stopping_rounds,
            seed=seed,
            split=SplitParams(
                reg_lambda=self.reg_lambda,
                min_child_weight=self.min_child_weight,
                min_child_samples=self.min_child_samples,
                min_split_gain=self.min_split_gain,
            ),
        )

    def _split_rows(self, labels: np.ndarray, seed: int) -> tuple[np.ndarray, np.ndarray | None]:
        rows = np.arange(len(labels))
        if self.early_stopping_rounds is None:
            return rows, None
        train, valid = train_test_split(
            rows, test_size=self.validation_fraction, stratify=labels, random_state=seed
        )
        return np.sort(train), np.sort(valid)


def _resume(
    directory: Path, params: BoosterParams, bank_binner: Binner, platform: LocalPassiveParty
) -> BoosterState | None:
    bank_file = directory / BANK_CHECKPOINT
    if not bank_file.exists():
        return None
    saved = json.loads(bank_file.read_text(encoding="utf-8"))
    if saved["params"] != params.to_dict():
        raise ValueError(f"checkpoint in {directory} was made with different parameters")
    if saved["binner"] != bank_binner.to_dict():
        raise ValueError("the bank's data changed since the checkpoint: bins differ")
    platform.restore(json.loads((directory / PLATFORM_CHECKPOINT).read_text(encoding="utf-8")))
    return BoosterState.from_dict(saved["state"])


def _save_checkpoint(
    directory: Path,
    params: BoosterParams,
    binner: Binner,
    state: BoosterState,
    platform: PassiveModel,
) -> None:
    """Platform first, then bank: a crash in between leaves the platform ahead; resume trims it."""
    directory.mkdir(parents=True, exist_ok=True)
    _write_json(directory / PLATFORM_CHECKPOINT, platform.to_dict())
    bank = {"params": params.to_dict(), "binner": binner.to_dict(), "state": state.to_dict()}
    _write_json(directory / BANK_CHECKPOINT, bank)


def _write_json(path: Path, data: dict[str, Any]) -> None:
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(data), encoding="utf-8")
    os.replace(temporary, path)


def _frame(table: pd.DataFrame | np.ndarray) -> pd.DataFrame:
    if isinstance(table, pd.DataFrame):
        return table.reset_index(drop=True)
    array = np.asarray(table, dtype=np.float64)
    return pd.DataFrame(array, columns=[f"x{j}" for j in range(array.shape[1])])


def _labels(y: np.ndarray, bank_rows: int, platform_rows: int) -> np.ndarray:
    labels = np.asarray(y)
    if not (len(labels) == bank_rows == platform_rows):
        raise ValueError(
            f"rows must be aligned: {len(labels)} labels, {bank_rows} bank rows, "
            f"{platform_rows} platform rows"
        )
    if not np.isin(labels, [0, 1]).all():
        raise ValueError("labels must be 0/1 (1 = default)")
    if labels.min() == labels.max():
        raise ValueError("labels hold only one class")
    return labels.astype(np.int8)
