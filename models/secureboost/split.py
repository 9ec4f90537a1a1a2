"""Choosing a node's split from one party's (gradient, hessian) histograms.

The search mirrors LightGBM's rules (gain ``G^2 / (H + lambda)``, leaf sizes
estimated from hessian shares, missing values tried on both sides,
categorical features ordered by ``G / (H + cat_smooth)``), including its
tie-breaking, so that given the same bins both pick the same split. That is
what lets the joint model be compared with LightGBM on the joined table to
within noise.

Everything here works on bin indices: a platform split is found by the bank
as "feature 3 of the platform, bins 0..11 left" and the platform alone knows
which values those bins hold.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from models.secureboost.binning import BinLayout
from models.secureboost.histogram import Histogram

# LightGBM starts every hessian accumulation at 1e-15 (a C float). The
# offset changes how sums round, and so which of two splits that part the
# rows identically wins; reproducing it keeps tie-breaks the same.
K_EPSILON = float(np.float32(1e-15))


@dataclass(frozen=True)
class SplitParams:
    """Split constraints; the categorical ones are LightGBM's defaults and names."""

    reg_lambda: float = 1.0
    min_child_weight: float = 1e-3
    min_child_samples: int = 20
    min_split_gain: float = 0.0
    max_cat_to_onehot: int = 4
    cat_smooth: float = 10.0
    cat_l2: float = 10.0
    max_cat_threshold: int = 32
    min_data_per_group: int = 100


@dataclass(frozen=True)
class NodeStats:
    """A node's gradient and hessian sums and its number of (in-bag) rows."""

    grad: float
    hess: float
    count: int


@dataclass(frozen=True)
class SplitRule:
    """Which bins of one feature go to the left child.

    Numeric: bins ``<= threshold`` go left and the missing bin follows
    ``default_left``. Categorical: the bins in ``categories`` go left; the
    *other* and missing bins always go right, as in LightGBM.
    """

    feature: int
    threshold: int = -1
    default_left: bool = False
    categories: tuple[int, ...] = ()

    @property
    def is_categorical(self) -> bool:
        return bool(self.categories)

    def left_bins(self, n_bins: int) -> np.ndarray:
        """A lookup table: ``left_bins(n)[code]`` is True when rows with that bin go left."""
        table = np.zeros(n_bins, dtype=bool)
        if self.is_categorical:
            table[list(self.categories)] = True
        else:
            table[: self.threshold + 1] = True
            table[n_bins - 1] = self.default_left
        return table

    def goes_left(self, codes: np.ndarray, n_bins: int) -> np.ndarray:
        return self.left_bins(n_bins)[codes]

    def left_mask(self, column: np.ndarray, node_mask: np.ndarray, n_bins: int) -> np.ndarray:
        """The node's rows that go left, looking only at the node's rows of this feature's codes."""
        rows = np.flatnonzero(node_mask)
        left = np.zeros_like(node_mask)
        left[rows] = self.goes_left(column[rows], n_bins)
        return left

    def to_dict(self) -> dict[str, Any]:
        if self.is_categorical:
            return {"feature": self.feature, "categories": list(self.categories)}
        return {
            "feature": self.feature,
            "threshold": self.threshold,
            "default_left": self.default_left,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SplitRule:
        return cls(
            feature=int(data["feature"]),
            threshold=int(data.get("threshold", -1)),
            default_left=bool(data.get("default_left", False)),
            categories=tuple(int(c) for c in data.get("categories", ())),
        )


@dataclass(frozen=True)
class SplitCandidate:
    """The best split a party's features offer a node.

    ``gain`` is the loss reduction over not splitting. ``child_lambda`` is
    the L2 penalty the children's leaf values use: LightGBM regularises
    children of a many-category split with ``reg_lambda + cat_l2``.
    """

    gain: float
    rule: SplitRule
    left: NodeStats
    right: NodeStats
    child_lambda: float


@dataclass(frozen=True)
class SplitSearch:
    """The outcome of searching one party's features at a node.

    ``splittable[i]`` says whether ``histogram.features[i]`` had any allowed
    split here. LightGBM stops looking at a feature in a node's descendants
    once it has none, a pruning that changes which trees grow; the booster
    passes it on as the children's ``allowed``.
    """

    best: SplitCandidate | None
    splittable: np.ndarray


def find_best_split(
    histogram: Histogram,
    layout: BinLayout,
    node: NodeStats,
    params: SplitParams,
    allowed: np.ndarray | None = None,
) -> SplitSearch:
    """The best split over the histogram's ``allowed`` features (all by default).

    Ties go to the lower feature index, as in LightGBM.
    """
    n_features = len(histogram.features)
    allowed = np.ones(n_features, dtype=bool) if allowed is None else allowed
    gains = np.full(n_features, -np.inf)
    if node.count <= 0 or node.hess <= 0:
        return SplitSearch(None, gains > -np.inf)
    factor = node.count / node.hess
    shift = _leaf_gain(node.grad, node.hess, params.reg_lambda) + params.min_split_gain
    categorical = layout.categorical[histogram.features]
    numeric = np.flatnonzero(~categorical & allowed)
    scan = _NumericScan.run(histogram, numeric, layout, node, factor, shift, params)
    gains[numeric] = scan.gain
    found: dict[int, SplitCandidate] = {}
    for position in np.flatnonzero(categorical & allowed):
        candidate = _categorical_split(
            histogram, int(position), layout, node, factor, shift, params
        )
        if candidate is not None:
            found[int(position)] = candidate
            gains[position] = candidate.gain + shift - params.min_split_gain
    splittable = gains > -np.inf
    if not splittable.any():
        return SplitSearch(None, splittable)
    best = int(np.argmax(gains))
    if best in found:
        return SplitSearch(found[best], splittable)
    return SplitSearch(scan.candidate(int(np.searchsorted(numeric, best)), layout), splittable)


def leaf_weight(grad: float, hess: float, reg_lambda: float) -> float:
    """The Newton step for a leaf, before the learning rate."""
    return -grad / (hess + reg_lambda)


def _leaf_gain(grad: np.ndarray | float, hess: np.ndarray | float, reg_lambda: float) -> Any:
    with np.errstate(divide="ignore", invalid="ignore"):
        return grad * grad / (hess + reg_lambda)


@dataclass(frozen=True)
class _NumericScan:
    """Best threshold of every numeric feature, found for all features at once.

    Two scans as in LightGBM: missing values left (thresholds taken from the
    top, so ties go to the highest threshold) and, for features that had
    missing values, missing values right (from the bottom, kept only if
    strictly better). Bins past a feature's last used bin are empty and can
    only repeat a partition already seen. ``gain`` is the children's total
    (``-inf`` where nothing is allowed); the other arrays describe the winner.
    """

    features: np.ndarray
    gain: np.ndarray
    threshold: np.ndarray
    missing_left: np.ndarray
    left_grad: np.ndarray
    left_hess: np.ndarray
    node: NodeStats
    factor: float
    shift: float
    params: SplitParams

    @classmethod
    def run(
        cls,
        histogram: Histogram,
        rows: np.ndarray,
        layout: BinLayout,
        node: NodeStats,
        factor: float,
        shift: float,
        params: SplitParams,
    ) -> _NumericScan:
        features = histogram.features[rows]
        grad = histogram.grad[rows, :-1]
        hess = histogram.hess[rows, :-1]
        count = np.floor(hess * factor + 0.5)

        def gains(left_g, left_h, left_n, right_g, right_h, right_n):  # type: ignore[no-untyped-def]
            ok = (
                (left_n >= params.min_child_samples)
                & (right_n >= params.min_child_samples)
                & (left_h >= params.min_child_weight)
                & (right_h >= params.min_child_weight)
            )
            total = _leaf_gain(left_g, left_h, params.reg_lambda) + _leaf_gain(
                right_g, right_h, params.reg_lambda
            )
            return np.where(ok & (total > shift), total, -np.inf)

        # Missing left: the right child is a suffix of the value bins.
        right_g = np.cumsum(grad[:, ::-1], axis=1)[:, ::-1][:, 1:]
        right_h = _running_hessian(hess[:, ::-1])[:, ::-1][:, 1:]
        right_n = np.cumsum(count[:, ::-1], axis=1)[:, ::-1][:, 1:]
        reverse = gains(
            node.grad - right_g,
            node.hess - right_h,
            node.count - right_n,
            right_g,
            right_h,
            right_n,
        )
        # Missing right: the left child is a prefix of the value bins.
        left_g, left_h, left_n = (
            np.cumsum(grad, axis=1),
            _running_hessian(hess),
            np.cumsum(count, axis=1),
        )
        implicit = layout.first_bin_implicit[features]
        if implicit.any():
            left_g[implicit], left_h[implicit], left_n[implicit] = _prefixes_from_implicit_bin(
                histogram.grad[rows[implicit]], histogram.hess[rows[implicit]], node, factor
            )
        forward = gains(
            left_g, left_h, left_n, node.grad - left_g, node.hess - left_h, node.count - left_n
        )
        # Without missing values in training LightGBM scans one way only; a second
        # scan would find the same partitions with differently rounded sums.
        forward[~layout.has_missing[features]] = -np.inf

        every = np.arange(len(rows))
        reverse_at = reverse.shape[1] - 1 - np.argmax(reverse[:, ::-1], axis=1)
        forward_at = np.argmax(forward, axis=1)
        best_reverse, best_forward = reverse[every, reverse_at], forward[every, forward_at]
        use_forward = best_forward > best_reverse
        return cls(
            features=features,
            gain=np.maximum(best_reverse, best_forward),
            threshold=np.where(use_forward, forward_at, reverse_at),
            missing_left=~use_forward,
            left_grad=np.where(
                use_forward, left_g[every, forward_at], node.grad - right_g[every, reverse_at]
            ),
            left_hess=np.where(
                use_forward, left_h[every, forward_at], node.hess - right_h[every, reverse_at]
            ),
            node=node,
            factor=factor,
            shift=shift,
            params=params,
        )

    def candidate(self, i: int, layout: BinLayout) -> SplitCandidate:
        feature = int(self.features[i])
        left_hess = float(self.left_hess[i])
        default_left = bool(self.missing_left[i])
        if not layout.has_missing[feature]:
            # No missing values in training: send any at prediction to the larger child.
            default_left = left_hess >= self.node.hess - left_hess
        rule = SplitRule(feature, threshold=int(self.threshold[i]), default_left=default_left)
        return _candidate(
            float(self.gain[i]),
            self.shift,
            rule,
            float(self.left_grad[i]),
            left_hess,
            self.node,
            self.factor,
            self.params.reg_lambda,
            self.params,
        )


def _prefixes_from_implicit_bin(
    grad: np.ndarray, hess: np.ndarray, node: NodeStats, factor: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Left-child prefix sums the way LightGBM forms them when it does not store bin 0.

    Bin 0 is then the node total minus every other bin (missing included),
    subtracted one bin at a time, and its row count is the node's count minus
    the other bins' rounded counts, which can be off by a row or two. Over
    all bins, so ``grad`` and ``hess`` include the missing bin.
    """
    count = np.floor(hess * factor + 0.5)
    m = grad.shape[0]

    def prefix(start: float, values: np.ndarray) -> np.ndarray:
        first = np.cumsum(np.concatenate([np.full((m, 1), start), -values[:, 1:]], axis=1), axis=1)[
            :, -1:
        ]
        return np.cumsum(np.concatenate([first, values[:, 1:-1]], axis=1), axis=1)

    first_n = node.count - count[:, 1:].sum(axis=1, keepdims=True)
    left_n = first_n + np.concatenate([np.zeros((m, 1)), np.cumsum(count[:, 1:-1], axis=1)], axis=1)
    return prefix(node.grad, grad), prefix(node.hess - K_EPSILON, hess), left_n


def _running_hessian(hess: np.ndarray) -> np.ndarray:
    """Cumulative hessian sums along bins, started from LightGBM's epsilon and added in order."""
    start = np.full((hess.shape[0], 1), K_EPSILON)
    return np.cumsum(np.concatenate([start, hess], axis=1), axis=1)[:, 1:]


def _candidate(
    gain: float,
    shift: float,
    rule: SplitRule,
    left_grad: float,
    left_hess: float,
    node: NodeStats,
    factor: float,
    child_lambda: float,
    params: SplitParams,
) -> SplitCandidate:
    """Package a winning split; child sums drop the epsilon again, as LightGBM's do."""
    left_n = int(np.floor(left_hess * factor + 0.5))
    return SplitCandidate(
        gain=gain - shift + params.min_split_gain,
        rule=rule,
        left=NodeStats(left_grad, left_hess - K_EPSILON, left_n),
        right=NodeStats(
            node.grad - left_grad, node.hess - left_hess - K_EPSILON, node.count - left_n
        ),
        child_lambda=child_lambda,
    )


def _categorical_split(
    histogram: Histogram,
    row: int,
    layout: BinLayout,
    node: NodeStats,
    factor: float,
    shift: float,
    params: SplitParams,
) -> SplitCandidate | None:
    """LightGBM's categorical search: one-vs-rest for few categories, else a sorted scan.

    With many categories, those with enough rows are sorted by
    ``G / (H + cat_smooth)`` and the left child is grown from either end of
    that order, one category at a time, in groups of at least
    ``min_data_per_group`` rows, with extra L2 ``cat_l2``.
    """
    feature = int(histogram.features[row])
    n_categories = int(layout.value_bins[feature])
    grad = histogram.grad[row, :n_categories]
    hess = histogram.hess[row, :n_categories]
    count = np.floor(hess * factor + 0.5).astype(np.int64)
    p = params
    best: tuple[float, tuple[int, ...], float, float] | None = None
    if n_categories + 1 <= p.max_cat_to_onehot:
        lam = p.reg_lambda
        for t in range(n_categories):
            other_n, other_h = node.count - count[t], node.hess - hess[t] - K_EPSILON
            if count[t] < p.min_child_samples or hess[t] < p.min_child_weight:
                continue
            if other_n < p.min_child_samples or other_h < p.min_child_weight:
                continue
            left_h = hess[t] + K_EPSILON
            total = _leaf_gain(grad[t], left_h, lam) + _leaf_gain(node.grad - grad[t], other_h, lam)
            if total > shift and (best is None or total > best[0]):
                best = (total, (t,), float(grad[t]), float(left_h))
    else:
        lam = p.reg_lambda + p.cat_l2
        usable = [t for t in range(n_categories) if count[t] >= p.cat_smooth]
        order = sorted(usable, key=lambda t: grad[t] / (hess[t] + p.cat_smooth))
        max_size = min(p.max_cat_threshold, (len(order) + 1) // 2)
        for sequence in (order, order[::-1]):
            left_g, left_h = 0.0, K_EPSILON
            left_n = group_n = 0
            for size, t in enumerate(sequence[:max_size], start=1):
                left_g += grad[t]
                left_h += hess[t]
                left_n += int(count[t])
                group_n += int(count[t])
                if left_n < p.min_child_samples or left_h < p.min_child_weight:
                    continue
                right_n, right_h = node.count - left_n, node.hess - left_h
                if right_n < p.min_child_samples or right_n < p.min_data_per_group:
                    break
                if right_h < p.min_child_weight:
                    break
                if group_n < p.min_data_per_group:
                    continue
                group_n = 0
                total = _leaf_gain(left_g, left_h, lam) + _leaf_gain(
                    node.grad - left_g, right_h, lam
                )
                if total > shift and (best is None or total > best[0]):
                    best = (total, tuple(sequence[:size]), left_g, left_h)
    if best is None:
        return None
    total, categories, lg, lh = best
    rule = SplitRule(feature, categories=tuple(sorted(int(c) for c in categories)))
    return _candidate(float(total), shift, rule, float(lg), float(lh), node, factor, lam, p)
