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

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy.special import expit
from sklearn.base import BaseEstimator
from sklearn.model_selection import train_test_split

from models.secureboost.binning import Binner
from federation.crypto import get_backend
from federation.files import read_json, write_json
from federation.crypto.backend import MIN_KEY_BITS
from models.secureboost.booster import ActiveBooster, BoosterParams, BoosterState, PassiveParty, Validation
from models.secureboost.passive import LocalPassiveParty, PassiveModel
from models.secureboost.remote import InProcessTransport, PlatformTrainer, RemotePlatform
from models.secureboost.split import SplitParams
from models.secureboost.tree import Router, Tree, predict_raw

BANK_CHECKPOINT = "bank.json"
PLATFORM_CHECKPOINT = "platform.json"


@dataclass(frozen=True)
class TrainingPlan:
    """What the bank fixes before training: boosting parameters with their seed, which of
    its aligned rows train and which validate, and the seed of the platform's sampling."""

    params: BoosterParams
    train: np.ndarray
    valid: np.ndarray | None
    platform_seed: int


class SecureBoostClassifier(BaseEstimator):
    """Vertical SecureBoost for binary default prediction (bank = label holder, platform = passive).

    ``subsample`` draws rows per tree at the bank; ``colsample`` is the share
    of its own features each party draws per tree. ``early_stopping_rounds``
    holds out ``validation_fraction`` of the rows (stratified, at the bank)
    and keeps the trees up to the best validation log-loss. ``encryption`` names
    a homomorphic backend (``"heu-ou"``, ``"heu-zpaillier"``, ``"phe-paillier"``)
    under whose bank-held key the platform's histograms are computed; ``None``
    computes them in the clear, the reference the encrypted run must equal.
    ``key_bits`` sizes the bank's key (2048 bits, 112-bit security, at least).
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
        key_bits: int = MIN_KEY_BITS,
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
        self.key_bits = key_bits

    def fit(
        self,
        bank_X: pd.DataFrame | np.ndarray,
        y: np.ndarray,
        platform_X: pd.DataFrame | np.ndarray,
        *,
        checkpoint_dir: str | Path | None = None,
    ) -> SecureBoostClassifier:
        """Train on aligned rows, both parties in this process; with ``checkpoint_dir``,
        save after each tree and resume from there."""
        platform_X = _frame(platform_X)
        if len(platform_X) != len(_frame(bank_X)):
            raise ValueError(f"rows must be aligned: {len(bank_X)} bank rows, {len(platform_X)} platform rows")
        directory = None if checkpoint_dir is None else Path(checkpoint_dir)

        def connect(plan: TrainingPlan, trees_done: int) -> PassiveParty:
            on_round = None if directory is None else partial(_save_platform, directory)
            local = LocalPassiveParty(platform_X, plan.train, plan.valid, max_bin=self.max_bin,
                                      colsample=self.colsample, seed=plan.platform_seed, on_round=on_round)
            if trees_done:
                assert directory is not None
                local.restore(read_json(directory / PLATFORM_CHECKPOINT), trees_done)
            self.platform_model_ = local.model
            self.encryption_ = None
            if self.encryption is None:
                return local
            backend = get_backend(self.encryption)
            _, secret = backend.generate(self.key_bits)
            remote = RemotePlatform(InProcessTransport(PlatformTrainer(local, backend)), secret, trees_done)
            self.encryption_ = remote.description
            return remote

        return self.fit_with(bank_X, y, connect, checkpoint_dir=directory)

    def fit_with(
        self,
        bank_X: pd.DataFrame | np.ndarray,
        y: np.ndarray,
        connect: Callable[[TrainingPlan, int], PassiveParty],
        *,
        checkpoint_dir: str | Path | None = None,
    ) -> SecureBoostClassifier:
        """Train with the platform reached through ``connect``, the bank's half of every run.

        ``connect(plan, trees_done)`` returns the platform for this plan, holding the splits
        of the first ``trees_done`` trees when the run resumes from ``checkpoint_dir``. The
        federated job passes a connection over the coordinator; :meth:`fit` one in-process.
        """
        bank_X = _frame(bank_X)
        labels = _labels(y, len(bank_X))
        if checkpoint_dir is not None and self.random_state is None:
            raise ValueError("resumable training needs an integer random_state")
        plan = self.plan(labels)
        bank_binner = Binner(self.max_bin).fit(bank_X.iloc[plan.train])
        bank_bins = bank_binner.transform(bank_X)
        directory = None if checkpoint_dir is None else Path(checkpoint_dir)
        state = None if directory is None else _resume(directory, plan.params, bank_binner)
        passive = connect(plan, 0 if state is None else len(state.trees))
        validation = None if plan.valid is None else Validation(bank_bins[plan.valid], labels[plan.valid])
        booster = ActiveBooster(
            plan.params, bank_bins[plan.train], bank_binner.layout, labels[plan.train], passive, validation
        )
        on_tree = None
        if directory is not None:
            on_tree = partial(_save_bank, directory, plan.params, bank_binner)
        state = booster.fit(state, on_tree)
        self.bank_binner_ = bank_binner
        self.trees_: list[Tree] = state.trees
        self.base_score_ = state.base_score
        self.validation_loss_ = state.valid_loss
        self.n_trees_ = len(state.trees)
        self.classes_ = np.array([0, 1])
        return self

    def plan(self, labels: np.ndarray) -> TrainingPlan:
        """The bank's decisions before any platform call: seeds and which rows train or validate."""
        bank_seed, platform_seed, split_seed = (
            int(s) for s in np.random.SeedSequence(self.random_state).generate_state(3)
        )
        train, valid = self._split_rows(labels, split_seed)
        return TrainingPlan(self._booster_params(bank_seed), train, valid, platform_seed)

    def decision_function(
        self, bank_X: pd.DataFrame | np.ndarray, platform_X: pd.DataFrame | np.ndarray
    ) -> np.ndarray:
        """Log-odds of default."""
        bank_X, platform_X = _frame(bank_X), _frame(platform_X)
        if len(bank_X) != len(platform_X):
            raise ValueError(f"bank has {len(bank_X)} rows but platform has {len(platform_X)}")
        return self.decision_function_routed(bank_X, self.platform_model_.router(platform_X))

    def decision_function_routed(self, bank_X: pd.DataFrame | np.ndarray, router: Router) -> np.ndarray:
        """Log-odds of default with the platform's splits answered by ``router`` (row for row
        with ``bank_X``): how a bank that holds only its own part of the model predicts."""
        bins = self.bank_binner_.transform(_frame(bank_X))
        return predict_raw(self.trees_, self.base_score_, bins, self.bank_binner_.max_bin + 1, router)

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


def _resume(directory: Path, params: BoosterParams, bank_binner: Binner) -> BoosterState | None:
    bank_file = directory / BANK_CHECKPOINT
    if not bank_file.exists():
        return None
    saved = read_json(bank_file)
    if saved["params"] != params.to_dict():
        raise ValueError(f"checkpoint in {directory} was made with different parameters")
    if saved["binner"] != bank_binner.to_dict():
        raise ValueError("the bank's data changed since the checkpoint: bins differ")
    return BoosterState.from_dict(saved["state"])


def _save_platform(directory: Path, trees_done: int, model: PassiveModel) -> None:
    """Written before the bank's file: a crash in between leaves the platform a tree ahead,
    which resuming trims."""
    write_json(directory / PLATFORM_CHECKPOINT, model.to_dict())


def _save_bank(directory: Path, params: BoosterParams, binner: Binner, state: BoosterState) -> None:
    bank = {"params": params.to_dict(), "binner": binner.to_dict(), "state": state.to_dict()}
    write_json(directory / BANK_CHECKPOINT, bank)


def _frame(table: pd.DataFrame | np.ndarray) -> pd.DataFrame:
    if isinstance(table, pd.DataFrame):
        return table.reset_index(drop=True)
    array = np.asarray(table, dtype=np.float64)
    return pd.DataFrame(array, columns=[f"x{j}" for j in range(array.shape[1])])


def _labels(y: np.ndarray, bank_rows: int) -> np.ndarray:
    labels = np.asarray(y)
    if len(labels) != bank_rows:
        raise ValueError(f"rows must be aligned: {len(labels)} labels, {bank_rows} bank rows")
    if not np.isin(labels, [0, 1]).all():
        raise ValueError("labels must be 0/1 (1 = default)")
    if labels.min() == labels.max():
        raise ValueError("labels hold only one class")
    return labels.astype(np.int8)
