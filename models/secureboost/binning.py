"""Per-party feature binning, fitted and kept by the party that owns the columns.

Each party turns its own columns into small integer bin codes; only the codes'
*shape* (:class:`BinLayout`) ever leaves the party, never the bin edges or the
category labels. The edges follow LightGBM's algorithm (greedy equal-count
bins over distinct values, zero kept as a bin boundary, at least
``min_data_in_bin`` rows per bin) rather than plain quantiles: SecureBoost is
promised to be lossless against LightGBM on the joined table, and with the
same bins both grow the same trees.

Bin layout, the same width for every feature so histograms stack into one
``(n_features, n_bins)`` array:

* numeric: value bins ``0 .. k-1`` (``k <= max_bin``, one fewer when the
  training rows had missing values, as LightGBM reserves one for them);
* categorical: one bin per kept category, most frequent first, at most
  ``max_bin - 1`` of them; categories that are rare (fewer than
  ``min_data_in_bin`` rows) or beyond that cap, and categories first seen at
  prediction, share the *other* bin ``max_bin - 1``;
* missing values always go to the last bin, ``max_bin``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

FeatureKind = Literal["numeric", "categorical"]

# LightGBM treats |x| <= 1e-35 (a C float) as zero and always starts a bin at zero.
ZERO_THRESHOLD = float(np.float32(1e-35))
MIN_DATA_IN_BIN = 3
# LightGBM keeps adding categories until they cover this share of rows (0.99 as a C float).
CATEGORY_COVERAGE = float(np.float32(0.99))
# LightGBM's kSparseThreshold: below this share the most frequent bin yields to the zero bin.
SPARSE_THRESHOLD = 0.7


@dataclass(frozen=True)
class BinLayout:
    """The public shape of a party's bins: what the other party needs to read its histograms.

    It says how many bins each feature uses, which features are
    categorical or had missing values and whether bin 0 is the feature's
    most frequent, all of which the histograms would reveal anyway; it holds
    no edge or category label. ``first_bin_implicit`` marks features whose
    bin 0 LightGBM leaves out of its histograms (it is then the most frequent
    bin); it changes how LightGBM counts rows in one of its scans, which
    :mod:`models.secureboost.split` reproduces.
    """

    n_bins: int
    categorical: np.ndarray
    value_bins: np.ndarray
    has_missing: np.ndarray
    first_bin_implicit: np.ndarray

    @property
    def n_features(self) -> int:
        return len(self.categorical)

    @property
    def missing_bin(self) -> int:
        return self.n_bins - 1

    @property
    def other_bin(self) -> int:
        return self.n_bins - 2

    def live_buckets(self, features: np.ndarray) -> np.ndarray:
        """Flat indices ``position * n_bins + bin``, over ``features`` in order, of the bins a
        training row can fall in: the value bins, the *other* bin of a categorical feature
        and the missing bin of a feature that had missing values.

        The rest of a histogram is zero by construction, so the platform neither sums nor
        sends them and the bank does not decrypt them: flags and small counts use only a few
        of their ``n_bins``.
        """
        rows = []
        for position, feature in enumerate(np.asarray(features, dtype=np.int64)):
            bins = list(range(int(self.value_bins[feature])))
            if self.categorical[feature] and self.other_bin not in bins:
                bins.append(self.other_bin)
            if self.has_missing[feature]:
                bins.append(self.missing_bin)
            rows.append(position * self.n_bins + np.asarray(bins, dtype=np.int64))
        return np.concatenate(rows) if rows else np.zeros(0, dtype=np.int64)

    def to_dict(self) -> dict[str, Any]:
        return {
            "n_bins": self.n_bins,
            "categorical": self.categorical.tolist(),
            "value_bins": self.value_bins.tolist(),
            "has_missing": self.has_missing.tolist(),
            "first_bin_implicit": self.first_bin_implicit.tolist(),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> BinLayout:
        return cls(
            n_bins=int(data["n_bins"]),
            categorical=np.asarray(data["categorical"], dtype=bool),
            value_bins=np.asarray(data["value_bins"], dtype=np.int64),
            has_missing=np.asarray(data["has_missing"], dtype=bool),
            first_bin_implicit=np.asarray(data["first_bin_implicit"], dtype=bool),
        )


@dataclass(frozen=True)
class FeatureBins:
    """How one feature maps to bins. Private to the party that fitted it."""

    name: str
    kind: FeatureKind
    has_missing: bool
    upper_bounds: tuple[float, ...] = ()
    categories: tuple[Any, ...] = ()
    first_bin_implicit: bool = False
    seen: tuple[Any, ...] = ()
    """Every category present at fit time, kept or not: scoring refuses any other."""

    @property
    def value_bins(self) -> int:
        return len(self.upper_bounds) if self.kind == "numeric" else len(self.categories)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "name": self.name,
            "kind": self.kind,
            "has_missing": self.has_missing,
        }
        if self.kind == "numeric":
            # The last bound is +inf, which JSON cannot hold; it is implied.
            data["upper_bounds"] = list(self.upper_bounds[:-1])
            data["first_bin_implicit"] = self.first_bin_implicit
        else:
            data["categories"] = [_plain(c) for c in self.categories]
            data["seen"] = [_plain(c) for c in self.seen]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FeatureBins:
        kind = data["kind"]
        bounds = (*map(float, data.get("upper_bounds", ())), np.inf) if kind == "numeric" else ()
        return cls(
            name=data["name"],
            kind=kind,
            has_missing=bool(data["has_missing"]),
            upper_bounds=bounds,
            categories=tuple(data.get("categories", ())),
            seen=tuple(data.get("seen", ())),
            first_bin_implicit=bool(data.get("first_bin_implicit", False)),
        )


class Binner:
    """Fits bins on a party's training rows and maps any rows of the same columns to bin codes.

    Columns of pandas ``category`` (or object/string) dtype are categorical,
    the rest numeric. ``max_bin`` counts the bins available to non-missing
    values, as in LightGBM; one more bin holds missing values.
    """

    def __init__(self, max_bin: int = 32, min_data_in_bin: int = MIN_DATA_IN_BIN) -> None:
        if not 2 <= max_bin <= 65534:
            raise ValueError(f"max_bin must be between 2 and 65534, got {max_bin}")
        self.max_bin = max_bin
        self.min_data_in_bin = min_data_in_bin
        self.features: list[FeatureBins] = []

    @property
    def layout(self) -> BinLayout:
        return BinLayout(
            n_bins=self.max_bin + 1,
            categorical=np.array([f.kind == "categorical" for f in self.features], dtype=bool),
            value_bins=np.array([f.value_bins for f in self.features], dtype=np.int64),
            has_missing=np.array([f.has_missing for f in self.features], dtype=bool),
            first_bin_implicit=np.array([f.first_bin_implicit for f in self.features], dtype=bool),
        )

    @property
    def dtype(self) -> type[np.unsignedinteger]:
        return np.uint8 if self.max_bin + 1 <= 256 else np.uint16

    def fit(self, frame: pd.DataFrame) -> Binner:
        frame = _as_frame(frame)
        self.features = [self._fit_column(str(name), frame[name]) for name in frame.columns]
        return self

    def transform(self, frame: pd.DataFrame) -> np.ndarray:
        """Bin codes, shape (rows, features); columns matched by position."""
        frame = _as_frame(frame)
        if frame.shape[1] != len(self.features):
            raise ValueError(
                f"expected {len(self.features)} columns as at fit time, got {frame.shape[1]}"
            )
        out = np.empty(frame.shape, dtype=self.dtype, order="C")
        for j, feature in enumerate(self.features):
            out[:, j] = self._transform_column(feature, frame.iloc[:, j])
        return out

    def fit_transform(self, frame: pd.DataFrame) -> np.ndarray:
        return self.fit(frame).transform(frame)

    def to_dict(self) -> dict[str, Any]:
        return {
            "max_bin": self.max_bin,
            "min_data_in_bin": self.min_data_in_bin,
            "features": [f.to_dict() for f in self.features],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Binner:
        binner = cls(int(data["max_bin"]), int(data["min_data_in_bin"]))
        binner.features = [FeatureBins.from_dict(f) for f in data["features"]]
        return binner

    def _fit_column(self, name: str, column: pd.Series) -> FeatureBins:
        if _is_categorical(column):
            present = column.dropna()
            has_missing = len(present) < len(column)
            return FeatureBins(
                name,
                "categorical",
                has_missing,
                categories=_kept_categories(
                    present, has_missing, self.max_bin, self.min_data_in_bin
                ),
                seen=tuple(sorted({_plain(c) for c in present.unique()}, key=str)),
            )
        values = column.to_numpy(dtype=np.float64, na_value=np.nan)
        has_missing = bool(np.isnan(values).any())
        bounds = numeric_upper_bounds(values, self.max_bin, self.min_data_in_bin)
        return FeatureBins(
            name,
            "numeric",
            has_missing,
            upper_bounds=tuple(bounds.tolist()),
            first_bin_implicit=_most_frequent_bin(values, bounds) == 0,
        )

    def _transform_column(self, feature: FeatureBins, column: pd.Series) -> np.ndarray:
        missing = column.isna().to_numpy()
        if feature.kind == "categorical":
            lookup = {c: i for i, c in enumerate(feature.categories)}
            codes = column.astype(object).map(lookup).to_numpy(dtype=np.float64, na_value=np.nan)
            bins = np.where(np.isnan(codes), self.max_bin - 1, np.nan_to_num(codes)).astype(
                np.int64
            )
        else:
            values = column.to_numpy(dtype=np.float64, na_value=np.nan)
            # LightGBM: the bin is the first whose upper bound is >= the value.
            bins = np.searchsorted(np.asarray(feature.upper_bounds), values, side="left")
        bins[missing] = self.max_bin
        return bins


def numeric_upper_bounds(values: np.ndarray, max_bin: int, min_data_in_bin: int) -> np.ndarray:
    """LightGBM's bin upper bounds for one numeric column (last bound +inf), NaNs ignored.

    When the column has missing values one bin fewer is available, because
    LightGBM reserves a bin for them; the bounds then match LightGBM's exactly.
    """
    present = values[~np.isnan(values)]
    na_count = len(values) - len(present)
    nonzero = np.sort(present[np.abs(present) > ZERO_THRESHOLD])
    zero_count = len(present) - len(nonzero)
    distinct, counts = _distinct_with_zero(nonzero, zero_count)
    budget = max_bin - 1 if na_count else max_bin
    return _bins_with_zero_as_one_bin(distinct, counts, budget, len(present), min_data_in_bin)


def _distinct_with_zero(nonzero: np.ndarray, zero_count: int) -> tuple[np.ndarray, np.ndarray]:
    """Distinct sorted values and counts, merging neighbours one ulp apart, with 0 slotted in.

    LightGBM inserts 0 between the negatives and the positives even when no
    row is zero, so that a bin boundary always falls at zero.
    """
    if len(nonzero) == 0:
        return np.array([0.0]), np.array([zero_count], dtype=np.int64)
    starts = np.r_[True, nonzero[1:] > np.nextafter(nonzero[:-1], np.inf)]
    group_start = np.flatnonzero(starts)
    group_end = np.r_[group_start[1:], len(nonzero)] - 1
    distinct = nonzero[group_end]
    counts = np.diff(np.r_[group_start, len(nonzero)]).astype(np.int64)
    first_positive = int(np.searchsorted(distinct, 0.0, side="right"))
    between_signs = 0 < first_positive < len(distinct)
    if between_signs or zero_count > 0:
        distinct = np.insert(distinct, first_positive, 0.0)
        counts = np.insert(counts, first_positive, zero_count)
    return distinct, counts


def _bins_with_zero_as_one_bin(
    distinct: np.ndarray, counts: np.ndarray, max_bin: int, total: int, min_data_in_bin: int
) -> np.ndarray:
    """Bin negatives and positives separately, sharing ``max_bin`` by row count (LightGBM)."""
    negative = distinct <= -ZERO_THRESHOLD
    positive = distinct > ZERO_THRESHOLD
    zero_count = int(counts[~negative & ~positive].sum())
    left_count = int(counts[negative].sum())
    n_negative = int(negative.sum())
    bounds: list[float] = []
    if n_negative > 0 and max_bin > 1:
        left_max_bin = max(1, int(left_count / (total - zero_count) * (max_bin - 1)))
        bounds = greedy_upper_bounds(
            distinct[:n_negative], counts[:n_negative], left_max_bin, left_count, min_data_in_bin
        ).tolist()
        bounds[-1] = -ZERO_THRESHOLD
    right_max_bin = max_bin - 1 - len(bounds)
    if positive.any() and right_max_bin > 0:
        first = int(np.argmax(positive))
        right = greedy_upper_bounds(
            distinct[first:],
            counts[first:],
            right_max_bin,
            int(counts[first:].sum()),
            min_data_in_bin,
        )
        bounds += [ZERO_THRESHOLD, *right.tolist()]
    else:
        bounds.append(np.inf)
    return np.asarray(bounds)


def greedy_upper_bounds(
    distinct: np.ndarray, counts: np.ndarray, max_bin: int, total: int, min_data_in_bin: int
) -> np.ndarray:
    """LightGBM's GreedyFindBin: near-equal-count bins over sorted distinct values.

    Values holding at least a mean bin's worth of rows get a bin of their own;
    the rest are cut whenever a bin reaches the (re-estimated) mean size. The
    scan jumps from cut to cut with binary searches over cumulative counts, so
    it costs O(max_bin log n) rather than a Python step per distinct value.
    """
    n = len(distinct)
    if n <= max_bin:
        return _one_bin_per_value(distinct, counts, min_data_in_bin)
    if min_data_in_bin > 0:
        max_bin = max(1, min(max_bin, total // min_data_in_bin))
    mean_size = total / max_bin
    big = counts >= mean_size
    rest_bins = max_bin - int(big.sum())
    rest_rows = total - int(counts[big].sum())
    mean_size = _mean(rest_rows, rest_bins)
    cumulative = np.cumsum(counts)
    small_cumulative = np.cumsum(np.where(big, 0, counts))
    big_at = np.flatnonzero(big)
    before_big = big_at[big_at >= 1] - 1
    uppers: list[float] = []
    lowers: list[float] = [float(distinct[0])]
    start, base = 0, 0
    while start <= n - 2:
        cut = _next_cut(start, base, mean_size, cumulative, big_at, before_big, n - 2)
        if cut is None:
            break
        uppers.append(float(distinct[cut]))
        lowers.append(float(distinct[cut + 1]))
        if len(uppers) >= max_bin - 1:
            break
        if not big[cut]:
            rest_bins -= 1
            mean_size = _mean(rest_rows - int(small_cumulative[cut]), rest_bins)
        start, base = cut + 1, int(cumulative[cut])
    bounds: list[float] = []
    for upper, lower in zip(uppers, lowers[1:]):
        value = float(np.nextafter((upper + lower) / 2.0, np.inf))
        if not bounds or value > np.nextafter(bounds[-1], np.inf):
            bounds.append(value)
    bounds.append(np.inf)
    return np.asarray(bounds)


def _next_cut(
    start: int,
    base: int,
    mean_size: float,
    cumulative: np.ndarray,
    big_at: np.ndarray,
    before_big: np.ndarray,
    last: int,
) -> int | None:
    """First index >= start where GreedyFindBin closes a bin, or None before ``last``.

    A bin closes at a big value, once it holds ``mean_size`` rows, or just
    before a big value once it holds half of that (at least one row).
    """
    candidates = []
    i = int(np.searchsorted(big_at, start))
    if i < len(big_at):
        candidates.append(int(big_at[i]))
    if np.isfinite(mean_size):
        reach = int(np.searchsorted(cumulative, base + np.ceil(mean_size)))
        candidates.append(max(start, reach))
    half = max(1.0, mean_size * 0.5) if not np.isnan(mean_size) else 1.0
    if np.isfinite(half):
        reach = max(start, int(np.searchsorted(cumulative, base + np.ceil(half))))
        j = int(np.searchsorted(before_big, reach))
        if j < len(before_big):
            candidates.append(int(before_big[j]))
    cut = min(candidates, default=last + 1)
    return cut if cut <= last else None


def _mean(rows: int, bins: int) -> float:
    """rows / bins with C++ double semantics (x/0 is inf, 0/0 is nan)."""
    if bins == 0:
        return np.inf if rows > 0 else np.nan
    return rows / bins


def _one_bin_per_value(
    distinct: np.ndarray, counts: np.ndarray, min_data_in_bin: int
) -> np.ndarray:
    """Few distinct values: cut midway between neighbours once a bin has enough rows."""
    bounds: list[float] = []
    in_bin = 0
    for i in range(len(distinct) - 1):
        in_bin += int(counts[i])
        if in_bin >= min_data_in_bin:
            value = float(np.nextafter((distinct[i] + distinct[i + 1]) / 2.0, np.inf))
            if not bounds or value > np.nextafter(bounds[-1], np.inf):
                bounds.append(value)
                in_bin = 0
    bounds.append(np.inf)
    return np.asarray(bounds)


def _most_frequent_bin(values: np.ndarray, bounds: np.ndarray) -> int:
    """LightGBM's most frequent bin: the zero bin wins unless another holds 70% of the rows."""
    missing = np.isnan(values)
    counts = np.bincount(
        np.searchsorted(bounds, values[~missing], side="left"), minlength=len(bounds)
    )
    counts = np.append(counts, int(missing.sum())) if missing.any() else counts
    most = int(np.argmax(counts))
    zero_bin = int(np.searchsorted(bounds, 0.0, side="left"))
    if most != zero_bin and counts[most] / len(values) < SPARSE_THRESHOLD:
        return zero_bin
    return most


def _kept_categories(
    present: pd.Series, has_missing: bool, max_bin: int, min_data_in_bin: int
) -> tuple[Any, ...]:
    """Most frequent first, as LightGBM orders categorical bins; rare ones fall to *other*.

    Like LightGBM, once the kept categories cover 99% of the rows, the
    remaining ones are dropped if keeping them would exceed the bin budget.
    """
    counts = present.astype(object).value_counts(sort=True, ascending=False)
    cut = int(len(present) * CATEGORY_COVERAGE + 0.5)
    budget = min(len(counts) + int(has_missing), max_bin)
    kept: list[Any] = []
    covered = 0
    for position, (category, count) in enumerate(counts.items()):
        if len(kept) >= max_bin - 1:
            break
        if covered >= cut and len(kept) + 1 >= budget:
            break
        if count < min_data_in_bin and position > 1:
            break
        kept.append(category)
        covered += int(count)
    return tuple(kept)


def _is_categorical(column: pd.Series) -> bool:
    dtype = column.dtype
    return (
        isinstance(dtype, pd.CategoricalDtype)
        or pd.api.types.is_object_dtype(dtype)
        or (pd.api.types.is_string_dtype(dtype) and not pd.api.types.is_numeric_dtype(dtype))
    )


def _as_frame(frame: pd.DataFrame | np.ndarray) -> pd.DataFrame:
    if isinstance(frame, pd.DataFrame):
        return frame
    array = np.asarray(frame, dtype=np.float64)
    if array.ndim != 2:
        raise ValueError(f"expected a 2-D table, got shape {array.shape}")
    return pd.DataFrame(array, columns=[f"x{j}" for j in range(array.shape[1])])


def _plain(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value
