"""Which aligned rows train and which test, decided the same way wherever it is decided.

The federated job (at the bank, on the PSI intersection) and ``fedcredit evaluate``'s
centralized baselines (on the joined table) must hold out the same enterprises, or the
comparison between them measures the split rather than the models. Both sort the rows
by enterprise id and call :func:`holdout_rows` with the same spec.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
from sklearn.model_selection import StratifiedKFold, train_test_split


@dataclass(frozen=True)
class HoldoutSpec:
    """``test_size`` for one stratified split, or fold ``fold`` of ``folds`` stratified folds."""

    seed: int = 0
    test_size: float | None = None
    folds: int | None = None
    fold: int | None = None

    def __post_init__(self) -> None:
        if (self.test_size is None) == (self.folds is None):
            raise ValueError("a holdout needs either test_size or folds")
        if self.test_size is not None and not 0.0 < self.test_size < 1.0:
            raise ValueError(f"test_size must lie strictly between 0 and 1, got {self.test_size}")
        if self.folds is not None and (self.folds < 2 or self.fold is None or not 0 <= self.fold < self.folds):
            raise ValueError(f"fold must lie in 0..{(self.folds or 2) - 1} for {self.folds} folds, got {self.fold}")

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v is not None}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> HoldoutSpec:
        unknown = set(data) - {"seed", "test_size", "folds", "fold"}
        if unknown:
            raise ValueError(f"unknown holdout settings {sorted(unknown)}")
        return cls(**data)


def holdout_rows(labels: np.ndarray, spec: HoldoutSpec) -> tuple[np.ndarray, np.ndarray]:
    """Sorted (train, test) row indices, stratified on the labels."""
    rows = np.arange(len(labels))
    if spec.test_size is not None:
        train, test = train_test_split(rows, test_size=spec.test_size, stratify=labels, random_state=spec.seed)
        return np.sort(train), np.sort(test)
    folds = StratifiedKFold(n_splits=spec.folds, shuffle=True, random_state=spec.seed)
    train, test = list(folds.split(rows, labels))[spec.fold]
    return np.sort(train), np.sort(test)
