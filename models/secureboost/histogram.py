"""Gradient histograms: the only thing the bank needs from a party's features to grow a tree.

The booster talks to every party's features through :class:`HistogramSource`.
The bank's own features and, in the one-process mode, the platform's are
served by :class:`PlainHistogramSource`. In the federated mode the bank holds
a source with the same interface that encrypts the gradients in
``begin_tree``, sends the node masks in ``histograms``, and decrypts the
per-bin sums the platform returns; the booster cannot tell the difference,
which is what makes the two modes grow the same model.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from models.secureboost.binning import BinLayout


@dataclass(frozen=True)
class Histogram:
    """Sums of gradients and hessians per (feature, bin) over one node's rows.

    ``features`` are the party's own column indices this tree may use (the
    party samples them itself); row ``i`` of ``grad``/``hess`` belongs to
    ``features[i]``.
    """

    features: np.ndarray
    grad: np.ndarray
    hess: np.ndarray

    def __sub__(self, other: Histogram) -> Histogram:
        """The sibling's histogram: a parent minus one child, instead of a second pass over rows."""
        if not np.array_equal(self.features, other.features):
            raise ValueError("histograms cover different features")
        return Histogram(self.features, self.grad - other.grad, self.hess - other.hess)


class HistogramSource(Protocol):
    """One party's features as the bank sees them while growing trees.

    Masks are boolean arrays over the training rows (the aligned PSI
    intersection, in the bank's order). An encrypted implementation receives
    plaintext gradients here and is responsible for encrypting them before
    they leave the bank.
    """

    @property
    def layout(self) -> BinLayout: ...

    def begin_tree(self, tree: int, grad: np.ndarray, hess: np.ndarray) -> None:
        """Take the gradients for tree number ``tree``; the owner picks its features for it."""

    def histograms(self, node_masks: Sequence[np.ndarray]) -> list[Histogram]:
        """One histogram per mask, over the features picked for the current tree."""


@dataclass(frozen=True)
class FeatureSampler:
    """Which of a party's features a tree may use.

    The draw depends only on the seed and the tree number, not on how many
    draws came before, so a run resumed at tree k draws what an uninterrupted
    run would have drawn, with no random state to checkpoint.
    """

    fraction: float = 1.0
    seed: int = 0

    def __post_init__(self) -> None:
        if not 0.0 < self.fraction <= 1.0:
            raise ValueError(f"feature fraction must be in (0, 1], got {self.fraction}")

    def features(self, tree: int, n_features: int) -> np.ndarray:
        if self.fraction >= 1.0 or n_features == 0:
            return np.arange(n_features)
        keep = max(1, round(self.fraction * n_features))
        rng = np.random.default_rng([self.seed, tree])
        return np.sort(rng.choice(n_features, size=keep, replace=False))


class PlainHistogramSource:
    """Histograms computed in the clear from a party's own bin codes.

    Rows of all requested nodes are summed with one ``bincount`` per feature
    (node number folded into the bin index), so a level of the tree costs one
    numpy call per feature however many nodes it has.
    """

    def __init__(self, bins: np.ndarray, layout: BinLayout, sampler: FeatureSampler | None = None):
        if bins.ndim != 2 or bins.shape[1] != layout.n_features:
            raise ValueError(
                f"bins of shape {bins.shape} do not match {layout.n_features} features"
            )
        self._columns = np.ascontiguousarray(bins.T)
        self._layout = layout
        self._sampler = sampler or FeatureSampler()
        self._features = np.arange(layout.n_features)
        self._grad = np.zeros(bins.shape[0])
        self._hess = np.zeros(bins.shape[0])

    @property
    def layout(self) -> BinLayout:
        return self._layout

    def begin_tree(self, tree: int, grad: np.ndarray, hess: np.ndarray) -> None:
        if grad.shape != (self._columns.shape[1],) or hess.shape != grad.shape:
            raise ValueError("gradients must have one entry per training row")
        self._grad = np.asarray(grad, dtype=np.float64)
        self._hess = np.asarray(hess, dtype=np.float64)
        self._features = self._sampler.features(tree, self._layout.n_features)

    def histograms(self, node_masks: Sequence[np.ndarray]) -> list[Histogram]:
        n_nodes, n_bins = len(node_masks), self._layout.n_bins
        if n_nodes == 0:
            return []
        node_rows = [np.flatnonzero(mask) for mask in node_masks]
        rows = np.concatenate(node_rows)
        offset = np.repeat(np.arange(n_nodes) * n_bins, [len(r) for r in node_rows])
        grad, hess = self._grad[rows], self._hess[rows]
        size = n_nodes * n_bins
        sums = np.empty((2, n_nodes, len(self._features), n_bins))
        for i, feature in enumerate(self._features):
            index = offset + self._columns[feature][rows]
            sums[0, :, i] = np.bincount(index, grad, minlength=size).reshape(n_nodes, n_bins)
            sums[1, :, i] = np.bincount(index, hess, minlength=size).reshape(n_nodes, n_bins)
        return [Histogram(self._features, sums[0, j], sums[1, j]) for j in range(n_nodes)]
