"""From per-prebin event counts to the scorecard's features: groups, WOE, IV and the IV screen.

One function for every place counts are turned into features, so the bank's own columns,
the platform's (on decrypted counts, knowing only prebin positions) and the centralized
baseline on the joined table get the same bins from the same counts.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from models.scorecard.merging import merge_plan
from models.scorecard.woe import WoeTable, weight_of_evidence


@dataclass(frozen=True)
class ClassingParams:
    max_prebins: int = 20
    max_bins: int = 8
    min_bin_size: int = 50
    min_iv: float = 0.02
    monotonic: bool = True


@dataclass(frozen=True)
class ClassedFeature:
    """One feature's grouping (prebin -> bin) and the WOE table of its bins."""

    groups: np.ndarray
    table: WoeTable

    @property
    def iv(self) -> float:
        return self.table.iv


def class_feature(events: np.ndarray, nonevents: np.ndarray, *, categorical: bool, has_missing_prebin: bool,
                  params: ClassingParams) -> ClassedFeature:
    """``events``/``nonevents`` per prebin (value prebins in order, then the missing one)."""
    groups = merge_plan(events, nonevents, categorical=categorical, has_missing_prebin=has_missing_prebin,
                        min_bin_size=params.min_bin_size, max_groups=params.max_bins, monotonic=params.monotonic)
    n_groups = int(groups.max()) + 1
    grouped_events = np.bincount(groups, weights=events, minlength=n_groups)
    grouped_nonevents = np.bincount(groups, weights=nonevents, minlength=n_groups)
    return ClassedFeature(groups, weight_of_evidence(grouped_events, grouped_nonevents))


def label_counts(codes: np.ndarray, labels: np.ndarray, n_prebins: list[int]) -> list[tuple[np.ndarray, np.ndarray]]:
    """Events and non-events per prebin of each column of ``codes``, for the label holder's own data."""
    y = np.asarray(labels, dtype=np.float64)
    out = []
    for j, width in enumerate(n_prebins):
        events = np.bincount(codes[:, j], weights=y, minlength=width)
        out.append((events, np.bincount(codes[:, j], minlength=width) - events))
    return out


def woe_matrix(codes: np.ndarray, woe: list[np.ndarray]) -> np.ndarray:
    """Each row's WOE per feature, from group codes."""
    return np.column_stack([np.asarray(w)[codes[:, j]] for j, w in enumerate(woe)]) if woe \
        else np.zeros((len(codes), 0))
