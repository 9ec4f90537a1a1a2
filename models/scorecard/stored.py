"""A party's half of a trained scorecard, read back from its stored part to score new rows.

A scorecard is additive: the log-odds of default is the intercept (the bank's) plus, per
feature, ``weight * WOE(bin)``, each feature's term computed by the party that owns the
column from its own bins. :class:`ScorecardHalf` is one party's features from its part
(``bank.json``'s ``model`` entry or ``platform.json``), and each feature's term credited
to its feature group, the unit in which reason codes and the bank's view of the platform
speak. The platform's WOE in its part is the quantized WOE it trained with, so scoring
reproduces the training job's predictor.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from models.scorecard.binning import FeatureBinning, group_matrix

SCORECARD = "scorecard"


@dataclass(frozen=True)
class ScorecardHalf:
    """One party's scorecard features: bins, WOE per bin, weight and feature group."""

    binnings: tuple[FeatureBinning, ...]
    woe: tuple[np.ndarray, ...]
    weights: np.ndarray
    feature_groups: tuple[str, ...]
    intercept: float = 0.0

    @classmethod
    def from_part(cls, part: Mapping[str, Any], intercept: float = 0.0) -> ScorecardHalf:
        if SCORECARD not in part:
            raise ValueError("the stored part is not a scorecard's (no 'scorecard' entry)")
        features = part[SCORECARD]["features"]
        binnings = tuple(FeatureBinning.from_dict(b) for b in part["binnings"])
        if [b.name for b in binnings] != [f["name"] for f in features]:
            raise ValueError("the stored part's binnings and scorecard features do not match")
        woe = tuple(np.asarray(f["woe"], dtype=np.float64) for f in features)
        for binning, values in zip(binnings, woe):
            if len(values) != binning.n_groups:
                raise ValueError(f"feature {binning.name!r}: {len(values)} WOE values for {binning.n_groups} bins")
        return cls(binnings, woe, np.asarray([float(f["weight"]) for f in features]),
                   tuple(str(f["group"]) for f in features), float(intercept))

    @classmethod
    def of_bank(cls, model: Mapping[str, Any]) -> ScorecardHalf:
        """The bank's half from its part's ``model`` entry, intercept included."""
        return cls.from_part(model, float(model["intercept"]))

    def regrouped(self, feature_groups: Sequence[str]) -> ScorecardHalf:
        """The same features credited to other groups (reason codes name the bank's by prefix)."""
        if len(feature_groups) != len(self.binnings):
            raise ValueError(f"{len(feature_groups)} groups for {len(self.binnings)} features")
        return replace(self, feature_groups=tuple(feature_groups))

    @property
    def groups(self) -> tuple[str, ...]:
        """The feature groups, sorted: the order of :meth:`group_terms`' columns."""
        return tuple(sorted(set(self.feature_groups)))

    def terms(self, features: pd.DataFrame) -> np.ndarray:
        """(rows, features): each feature's ``weight * WOE`` for each row."""
        codes = group_matrix(list(self.binnings), features.reset_index(drop=True))
        if not self.binnings:
            return np.zeros((len(features), 0))
        return np.column_stack([w * woe[codes[:, j]] for j, (w, woe) in enumerate(zip(self.weights, self.woe))])

    def group_terms(self, features: pd.DataFrame) -> np.ndarray:
        """(rows, groups): the terms summed per feature group, columns in :attr:`groups` order."""
        terms, groups = self.terms(features), self.groups
        out = np.zeros((len(features), len(groups)))
        for j, group in enumerate(self.feature_groups):
            out[:, groups.index(group)] += terms[:, j]
        return out

    def log_odds(self, features: pd.DataFrame) -> np.ndarray:
        """This party's share of the log-odds of default (the intercept for the bank's)."""
        return self.intercept + self.terms(features).sum(axis=1)
