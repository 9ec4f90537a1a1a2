"""Population stability index (PSI) of scores and of feature groups, against a baseline.

PSI = sum over bins of (actual - expected) * ln(actual / expected), with bins fixed on
the baseline (deciles of a numeric column, its categories for a categorical one, and
one bin for missing values, which registries produce in bursts when a feed breaks).
Shares are floored at 1e-4 so that an empty bin counts as a large shift rather than
an infinite one. Conventional reading: below 0.1 stable, 0.1 to 0.25 watch, above act.

A feature group is a data category (columns share its prefix); its PSI is the largest
of its columns', so one broken column is not averaged away.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd

from models.monitoring.rules import DriftThresholds

BINS = 10
_FLOOR = 1e-4


def psi(expected: np.ndarray, actual: np.ndarray) -> float:
    """PSI between two share vectors over the same bins."""
    e = np.maximum(np.asarray(expected, dtype=float), _FLOOR)
    a = np.maximum(np.asarray(actual, dtype=float), _FLOOR)
    return float(np.sum((a - e) * np.log(a / e)))


@dataclass(frozen=True)
class ColumnProfile:
    """A column's baseline: bin edges (numeric) or categories, and the share of each bin;
    a categorical column's next-to-last bin is 'other' (categories not in the baseline),
    the last bin is always the missing values'."""

    kind: str
    shares: tuple[float, ...]
    edges: tuple[float, ...] = ()
    categories: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ColumnProfile:
        return cls(str(data["kind"]), tuple(data["shares"]), tuple(data.get("edges", ())),
                   tuple(data.get("categories", ())))


def _is_categorical(column: pd.Series) -> bool:
    return not pd.api.types.is_numeric_dtype(column.dtype) or pd.api.types.is_bool_dtype(column.dtype)


def _counts(profile_kind: str, column: pd.Series, edges: tuple[float, ...], categories: tuple[str, ...]
            ) -> np.ndarray:
    missing = column.isna().to_numpy()
    if profile_kind == "categorical":
        index = {c: i for i, c in enumerate(categories)}
        slots = np.array([index.get(str(v), len(categories)) for v in column[~missing]], dtype=int)
        counts = np.bincount(slots, minlength=len(categories) + 1)
    else:
        values = column[~missing].to_numpy(dtype=float)
        counts = np.bincount(np.searchsorted(np.asarray(edges), values, side="right"), minlength=len(edges) + 1)
    return np.append(counts, missing.sum())


def _shares(counts: np.ndarray) -> np.ndarray:
    total = counts.sum()
    return counts / total if total else counts.astype(float)


def profile(column: pd.Series) -> ColumnProfile:
    """The baseline of one column; a categorical column keeps an 'other' bin for new categories."""
    present = column.dropna()
    if _is_categorical(column):
        categories = tuple(sorted({str(v) for v in present}))
        return ColumnProfile("categorical", tuple(_shares(_counts("categorical", column, (), categories))),
                             categories=categories)
    quantiles = np.quantile(present.to_numpy(dtype=float), np.linspace(0, 1, BINS + 1)[1:-1]) if len(present) else []
    edges = tuple(float(v) for v in np.unique(quantiles))
    return ColumnProfile("numeric", tuple(_shares(_counts("numeric", column, edges, ()))), edges=edges)


def column_psi(baseline: ColumnProfile, column: pd.Series) -> float:
    actual = _shares(_counts(baseline.kind, column, baseline.edges, baseline.categories))
    return psi(np.asarray(baseline.shares), actual)


def table_profile(frame: pd.DataFrame) -> dict[str, ColumnProfile]:
    return {str(name): profile(frame[name]) for name in frame.columns}


def group_drift(baseline: Mapping[str, ColumnProfile], frame: pd.DataFrame, groups: Mapping[str, str],
                thresholds: DriftThresholds) -> dict[str, dict[str, Any]]:
    """PSI per feature group (``groups`` maps a column to its group), with each column's PSI."""
    report: dict[str, dict[str, Any]] = {}
    for name, column_profile in sorted(baseline.items()):
        if name not in frame.columns:
            raise KeyError(f"column {name!r} of the baseline is missing from today's table")
        entry = report.setdefault(groups[name], {"psi": 0.0, "columns": {}})
        value = round(column_psi(column_profile, frame[name]), 6)
        entry["columns"][name] = value
        entry["psi"] = max(entry["psi"], value)
    for entry in report.values():
        entry["status"] = thresholds.status(entry["psi"])
    return report


def score_drift(baseline_scores: np.ndarray, scores: np.ndarray, thresholds: DriftThresholds) -> dict[str, Any]:
    """PSI of this run's raw scores against the baseline's, on the baseline's deciles."""
    baseline = profile(pd.Series(baseline_scores, dtype=float))
    value = round(column_psi(baseline, pd.Series(scores, dtype=float)), 6)
    return {"psi": value, "status": thresholds.status(value), "enterprises": int(len(scores)),
            "baseline_enterprises": int(len(baseline_scores))}
