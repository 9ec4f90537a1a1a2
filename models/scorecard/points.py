"""Points: the scorecard as a credit committee reads it, and who may read which part.

``score = offset + factor * ln(odds of repayment)`` with ``factor = pdo / ln 2`` and
``offset = base_score - factor * ln(base_odds)``: ``base_score`` points at odds of
``base_odds`` to one, ``pdo`` more points for each doubling of the odds. With log-odds of
default ``intercept + sum_j w_j * WOE_j(bin)`` the score is the base points
``offset - factor * intercept`` plus ``-factor * w_j * WOE_j(bin)`` per feature.

The bank's part of a model holds its own features' table and, for the platform's, only
points aggregated by feature group (the data category of the column's prefix); the
platform's part holds its bins, with their edges, and their points. :func:`scorecard_table`
renders either view: a regulator, who may see the platform's part, passes both.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd

from federation.governance.categories import CATEGORIES_BY_PREFIX

UNCATEGORIZED = "uncategorized"
TABLE_COLUMNS = ["party", "feature_group", "feature", "bin", "woe", "points", "points_min", "points_max"]


@dataclass(frozen=True)
class Scaling:
    base_score: float = 600.0
    pdo: float = 20.0
    base_odds: float = 50.0

    def __post_init__(self) -> None:
        if not self.pdo > 0 or not self.base_odds > 0:
            raise ValueError(f"pdo and base_odds must be positive, got {self.pdo} and {self.base_odds}")

    @property
    def factor(self) -> float:
        return self.pdo / math.log(2.0)

    @property
    def offset(self) -> float:
        return self.base_score - self.factor * math.log(self.base_odds)

    def base_points(self, intercept: float) -> float:
        return self.offset - self.factor * intercept

    def score(self, log_odds_default: np.ndarray) -> np.ndarray:
        return self.offset - self.factor * np.asarray(log_odds_default, dtype=np.float64)

    def to_dict(self) -> dict[str, float]:
        return asdict(self)


def feature_points(weight: float, woe: np.ndarray, factor: float) -> np.ndarray:
    return -factor * float(weight) * np.asarray(woe, dtype=np.float64)


def feature_group(column: str) -> str:
    """The data category a platform column belongs to by its prefix (``tax_paid`` -> ``tax``)."""
    entry = CATEGORIES_BY_PREFIX.get(column.split("_", 1)[0])
    return UNCATEGORIZED if entry is None else entry[0]


def group_summary(features: list[dict[str, Any]], mean_points: list[float]) -> list[dict[str, Any]]:
    """Per feature group: how many features, the points range and the mean points on the
    training rows, the most the bank's part may say about the platform's features."""
    groups: dict[str, dict[str, Any]] = {}
    for feature, mean in zip(features, mean_points):
        entry = groups.setdefault(feature["group"], {"group": feature["group"], "n_features": 0,
                                                     "points_min": 0.0, "points_max": 0.0, "points_mean": 0.0})
        entry["n_features"] += 1
        entry["points_min"] += min(feature["points"])
        entry["points_max"] += max(feature["points"])
        entry["points_mean"] += mean
    return [groups[name] for name in sorted(groups)]


def scorecard_table(bank_part: dict[str, Any], platform_part: dict[str, Any] | None = None) -> pd.DataFrame:
    """The points table: one row per bin of the bank's features, the base points, and for the
    platform either one row per feature group (the bank's view) or, given the platform's part
    (a regulator's view), one row per bin with its edges. Columns: ``TABLE_COLUMNS``."""
    scorecard = bank_part["scorecard"]
    rows: list[dict[str, Any]] = [{"party": "bank", "feature_group": "base", "feature": "(base points)", "bin": "",
                                   "woe": np.nan, "points": scorecard["base_points"],
                                   "points_min": scorecard["base_points"], "points_max": scorecard["base_points"]}]
    rows += _bin_rows("bank", scorecard["features"])
    if platform_part is None:
        rows += [{"party": "platform", "feature_group": g["group"], "feature": f"({g['n_features']} features)",
                  "bin": "any", "woe": np.nan, "points": g["points_mean"], "points_min": g["points_min"],
                  "points_max": g["points_max"]} for g in scorecard["platform_groups"]]
    else:
        rows += _bin_rows("platform", platform_part["scorecard"]["features"])
    return pd.DataFrame(rows, columns=TABLE_COLUMNS)


def platform_bins_table(platform_part: dict[str, Any]) -> pd.DataFrame:
    """The platform's rows of the regulator's view alone, edges included: what the platform
    discloses to a regulator (``federation.party.scorecard_disclosure``)."""
    return pd.DataFrame(_bin_rows("platform", platform_part["scorecard"]["features"]), columns=TABLE_COLUMNS)


def _bin_rows(party: str, features: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"party": party, "feature_group": feature["group"], "feature": feature["name"], "bin": label,
             "woe": woe, "points": points, "points_min": points, "points_max": points}
            for feature in features
            for label, woe, points in zip(feature["bins"], feature["woe"], feature["points"])]
