"""Fine bins ("prebins") a party fits on its own columns, and the coarse groups a scorecard keeps.

Each party prebins its own features on its training rows without labels: equal-count
(quantile) cuts for numeric columns, one bin per frequent category for categorical ones,
missing values in a bin of their own. Every prebin holds at least ``min_bin_size`` rows:
smaller ones are merged into a neighbour here, at the party that owns the column, before
any count is computed. That floor is the leakage guard of the protocol: the bank learns
event counts per platform prebin and the platform learns the weight of evidence of its
groups (``docs/leakage.md``, "Scorecard"), so no bin may be small enough to single an
enterprise out.

The label holder then decides, from event counts alone, which adjacent prebins form a
group (:mod:`models.scorecard.merging`); a :class:`FeatureBinning` carries that as
``groups`` (prebin -> group). Cut points and categories stay with the party that fitted
them: only bin indices and counts cross the wire.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Literal

import numpy as np
import pandas as pd

FeatureKind = Literal["numeric", "categorical"]
MISSING = "missing"


@dataclass(frozen=True)
class FeatureBinning:
    """One feature's prebins and their grouping. Private to the party that fitted it.

    Numeric: prebin ``k < len(cuts) + 1`` holds ``cuts[k-1] < x <= cuts[k]``. Categorical:
    prebin ``k`` holds ``categories[k]`` (a tuple: rare categories share a prebin).
    ``missing_prebin`` is where a missing value goes: its own prebin when the training rows
    had enough of them, else the largest prebin. A category never seen in training goes to
    ``fallback_prebin``, the largest one.
    """

    name: str
    kind: FeatureKind
    cuts: tuple[float, ...] = ()
    categories: tuple[tuple[Any, ...], ...] = ()
    missing_prebin: int = 0
    has_missing_prebin: bool = False
    fallback_prebin: int = 0
    groups: tuple[int, ...] = ()

    @property
    def n_prebins(self) -> int:
        values = len(self.cuts) + 1 if self.kind == "numeric" else len(self.categories)
        return values + int(self.has_missing_prebin)

    @property
    def n_groups(self) -> int:
        return max(self.groups) + 1

    def grouped(self, groups: np.ndarray | list[int]) -> FeatureBinning:
        """The same prebins under the label holder's grouping."""
        groups = tuple(int(g) for g in groups)
        if len(groups) != self.n_prebins:
            raise ValueError(f"feature {self.name!r}: {len(groups)} group indices for {self.n_prebins} prebins")
        if sorted(set(groups)) != list(range(max(groups) + 1)):
            raise ValueError(f"feature {self.name!r}: group indices must be 0..k-1, got {sorted(set(groups))}")
        return replace(self, groups=groups)

    def prebin_codes(self, column: pd.Series) -> np.ndarray:
        missing = column.isna().to_numpy()
        if self.kind == "numeric":
            values = column.to_numpy(dtype=np.float64, na_value=np.nan)
            codes = np.searchsorted(np.asarray(self.cuts, dtype=np.float64), values, side="left")
        else:
            lookup = {value: k for k, members in enumerate(self.categories) for value in members}
            codes = np.array([lookup.get(_plain(v), self.fallback_prebin) for v in column.astype(object)],
                             dtype=np.int64)
        codes[missing] = self.missing_prebin
        return codes.astype(np.int64)

    def codes(self, column: pd.Series) -> np.ndarray:
        """Group codes (the scorecard's bins) of ``column``."""
        return np.asarray(self.groups, dtype=np.int64)[self.prebin_codes(column)]

    def group_labels(self) -> list[str]:
        """What each group holds, in words: for the scorecard table of whoever may see it.
        Adjacent numeric prebins of one group read as one interval."""
        labels: list[list[str]] = [[] for _ in range(self.n_groups)]
        value_prebins = self.n_prebins - int(self.has_missing_prebin)
        k = 0
        while k < value_prebins:
            end = k
            while self.kind == "numeric" and end + 1 < value_prebins and self.groups[end + 1] == self.groups[k]:
                end += 1
            labels[self.groups[k]].append(self._prebin_label(k, end))
            k = end + 1
        labels[self.groups[self.missing_prebin]].append(MISSING)
        return [" or ".join(parts) for parts in labels]

    def _prebin_label(self, first: int, last: int) -> str:
        if self.kind == "categorical":
            return "{" + ", ".join(str(c) for c in self.categories[first]) + "}"
        low = "-inf" if first == 0 else f"{self.cuts[first - 1]:.6g}"
        high = "inf" if last == len(self.cuts) else f"{self.cuts[last]:.6g}"
        return f"({low}, {high}]"

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "kind": self.kind, "cuts": list(self.cuts),
                "categories": [[_plain(c) for c in members] for members in self.categories],
                "missing_prebin": self.missing_prebin, "has_missing_prebin": self.has_missing_prebin,
                "fallback_prebin": self.fallback_prebin, "groups": list(self.groups)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FeatureBinning:
        return cls(name=str(data["name"]), kind=data["kind"], cuts=tuple(float(c) for c in data["cuts"]),
                   categories=tuple(tuple(members) for members in data["categories"]),
                   missing_prebin=int(data["missing_prebin"]), has_missing_prebin=bool(data["has_missing_prebin"]),
                   fallback_prebin=int(data["fallback_prebin"]), groups=tuple(int(g) for g in data["groups"]))


def fit_prebins(frame: pd.DataFrame, max_prebins: int, min_bin_size: int) -> list[FeatureBinning]:
    """Prebins of every column of ``frame`` (a party's training rows), each group its own prebin."""
    if max_prebins < 2:
        raise ValueError(f"max_prebins must be at least 2, got {max_prebins}")
    if min_bin_size < 1:
        raise ValueError(f"min_bin_size must be at least 1, got {min_bin_size}")
    if len(frame) < 2 * min_bin_size:
        raise ValueError(f"{len(frame)} training rows cannot make two bins of min_bin_size={min_bin_size}")
    out = []
    for name in frame.columns:
        column = frame[name]
        fit = _fit_categorical if _is_categorical(column) else _fit_numeric
        binning = fit(str(name), column, max_prebins, min_bin_size)
        out.append(binning.grouped(range(binning.n_prebins)))
    return out


def prebin_matrix(binnings: list[FeatureBinning], frame: pd.DataFrame) -> np.ndarray:
    """Prebin codes, shape (rows, features), columns matched by name."""
    return _matrix(binnings, frame, grouped=False)


def group_matrix(binnings: list[FeatureBinning], frame: pd.DataFrame) -> np.ndarray:
    """Group codes, shape (rows, features), columns matched by name."""
    return _matrix(binnings, frame, grouped=True)


def _matrix(binnings: list[FeatureBinning], frame: pd.DataFrame, *, grouped: bool) -> np.ndarray:
    missing = [b.name for b in binnings if b.name not in frame.columns]
    if missing:
        raise ValueError(f"columns {missing} were binned in training but are not in the table")
    out = np.empty((len(frame), len(binnings)), dtype=np.int64)
    for j, binning in enumerate(binnings):
        column = frame[binning.name]
        out[:, j] = binning.codes(column) if grouped else binning.prebin_codes(column)
    return out


def _fit_numeric(name: str, column: pd.Series, max_prebins: int, min_bin_size: int) -> FeatureBinning:
    values = column.to_numpy(dtype=np.float64, na_value=np.nan)
    present = np.sort(values[~np.isnan(values)])
    n_missing = len(values) - len(present)
    cuts = np.unique(np.quantile(present, np.linspace(0, 1, max_prebins + 1)[1:-1], method="lower")) \
        if len(present) else np.array([])
    cuts = cuts[cuts < present[-1]] if len(present) else cuts
    counts = np.bincount(np.searchsorted(cuts, present, side="left"), minlength=len(cuts) + 1)
    cuts, counts = _merge_small_intervals(cuts, counts, min_bin_size)
    return _with_missing(FeatureBinning(name, "numeric", cuts=tuple(float(c) for c in cuts)), counts,
                         n_missing, min_bin_size)


def _merge_small_intervals(cuts: np.ndarray, counts: np.ndarray, min_bin_size: int) -> tuple[np.ndarray, np.ndarray]:
    """Merge the smallest interval below the floor into its smaller neighbour until none is left."""
    cuts, counts = list(cuts), list(counts)
    while len(counts) > 1 and min(counts) < min_bin_size:
        k = int(np.argmin(counts))
        right = k == 0 or (k < len(counts) - 1 and counts[k + 1] < counts[k - 1])
        other = k + 1 if right else k - 1
        counts[min(k, other)] += counts[max(k, other)]
        del counts[max(k, other)]
        del cuts[min(k, other)]
    return np.asarray(cuts, dtype=np.float64), np.asarray(counts, dtype=np.int64)


def _fit_categorical(name: str, column: pd.Series, max_prebins: int, min_bin_size: int) -> FeatureBinning:
    present = column.dropna().astype(object).map(_plain)
    frequency = present.value_counts(sort=False)
    ranked = sorted(frequency.items(), key=lambda item: (-item[1], str(item[0])))
    kept = [(value, count) for value, count in ranked if count >= min_bin_size][: max_prebins - 1]
    rest = [(value, count) for value, count in ranked if (value, count) not in kept]
    categories = [(value,) for value, _ in kept]
    counts = [count for _, count in kept]
    if rest:
        rest_count = sum(count for _, count in rest)
        if rest_count >= min_bin_size or not categories:
            categories.append(tuple(value for value, _ in rest))
            counts.append(rest_count)
        else:
            smallest = int(np.argmin(counts))
            categories[smallest] += tuple(value for value, _ in rest)
            counts[smallest] += rest_count
    binning = FeatureBinning(name, "categorical", categories=tuple(categories))
    return _with_missing(binning, np.asarray(counts), len(column) - len(present), min_bin_size)


def _with_missing(binning: FeatureBinning, counts: np.ndarray, n_missing: int, min_bin_size: int) -> FeatureBinning:
    largest = int(np.argmax(counts)) if len(counts) else 0
    if n_missing >= min_bin_size:
        return replace(binning, missing_prebin=len(counts), has_missing_prebin=True, fallback_prebin=largest)
    return replace(binning, missing_prebin=largest, fallback_prebin=largest)


def _is_categorical(column: pd.Series) -> bool:
    return isinstance(column.dtype, pd.CategoricalDtype) or column.dtype == object \
        or pd.api.types.is_string_dtype(column.dtype)


def _plain(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value

