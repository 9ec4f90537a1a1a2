"""The platform's side of SecureBoost: its bins, its splits, its stored model part.

:class:`LocalPassiveParty` bins the platform's own columns, stores the splits
the bank picks on its features and routes rows through them. It serves
histograms in the clear, which the one-process plaintext estimator uses
directly; under encryption :class:`~models.secureboost.remote.PlatformTrainer`
wraps it and only the histogram sums change.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from models.secureboost.binning import BinLayout, Binner
from models.secureboost.histogram import FeatureSampler, Histogram, PlainHistogramSource
from models.secureboost.split import SplitRule
from models.secureboost.tree import PassiveRouter, PassiveSplitStore


class PassiveModel:
    """The platform's stored part of a joint model: its bins and splits, nothing of the bank's."""

    def __init__(self, binner: Binner, store: PassiveSplitStore) -> None:
        self.binner = binner
        self.store = store

    def router(self, features: pd.DataFrame) -> PassiveRouter:
        """A router over these rows (aligned with the bank's rows being scored)."""
        return self.store.router(self.binner.transform(features), self.binner.max_bin + 1)

    def to_dict(self) -> dict[str, Any]:
        return {"binner": self.binner.to_dict(), "splits": self.store.to_dict()}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PassiveModel:
        return cls(Binner.from_dict(data["binner"]), PassiveSplitStore.from_dict(data["splits"]))


class LocalPassiveParty:
    """The platform during training, in-process and in plaintext.

    Rows are the aligned intersection in the bank's order; the bank says
    which of them train and which validate. The binner is fitted on the
    training rows only, so validation rows are binned as unseen data would be.
    """

    def __init__(
        self,
        features: pd.DataFrame,
        train_rows: np.ndarray,
        valid_rows: np.ndarray | None = None,
        *,
        max_bin: int = 32,
        colsample: float = 1.0,
        seed: int = 0,
        on_round: Callable[[int, PassiveModel], None] | None = None,
    ) -> None:
        binner = Binner(max_bin).fit(features.iloc[train_rows])
        bins = binner.transform(features)
        self.model = PassiveModel(binner, PassiveSplitStore())
        self.train_bins = bins[train_rows]
        self.sampler = FeatureSampler(colsample, seed)
        self._train_columns = np.ascontiguousarray(self.train_bins.T)
        self._valid_bins = bins[valid_rows] if valid_rows is not None else bins[:0]
        self._source = PlainHistogramSource(self.train_bins, binner.layout, self.sampler)
        self._on_round = on_round

    @property
    def layout(self) -> BinLayout:
        return self._source.layout

    def begin_tree(self, tree: int, grad: np.ndarray, hess: np.ndarray) -> None:
        self._source.begin_tree(tree, grad, hess)

    def histograms(self, node_masks: Sequence[np.ndarray]) -> list[Histogram]:
        return self._source.histograms(node_masks)

    def apply_split(
        self, tree: int, node: int, rule: SplitRule, node_mask: np.ndarray
    ) -> tuple[str, np.ndarray]:
        ref = self.model.store.add(tree, node, rule)
        return ref, rule.left_mask(self._train_columns[rule.feature], node_mask, self.layout.n_bins)

    def validation_go_left(self, refs: Sequence[str]) -> np.ndarray:
        return self.model.store.router(self._valid_bins, self.layout.n_bins).go_left(refs)

    def keep_trees(self, n_trees: int) -> None:
        self.model.store.keep_trees(n_trees)

    def end_round(self, trees_done: int) -> None:
        """Hand the splits so far to ``on_round`` (a checkpoint writer), if there is one."""
        if self._on_round is not None:
            self._on_round(trees_done, self.model)

    def restore(self, checkpoint: dict[str, Any], trees_done: int) -> None:
        """Take back the splits of the first ``trees_done`` trees from a checkpoint, after
        checking the bins come out the same (a checkpoint may be a tree ahead of the bank's)."""
        saved = PassiveModel.from_dict(checkpoint)
        if saved.binner.to_dict() != self.model.binner.to_dict():
            raise ValueError("the platform's data changed since the checkpoint: bins differ")
        self.model.store = saved.store
        self.model.store.keep_trees(trees_done)
