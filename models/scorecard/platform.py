"""The platform's side of a scorecard, in its own terms: its prebins, groups, WOE and weights.

Everything here runs at the platform on its own rows. What it receives from the bank
(the grouping and WOE of its selected features, step sizes, masked gradient values) and
what it returns (bin counts under the bank's key, its per-row linear predictor, masked
encrypted gradients) is framed by :mod:`models.scorecard.remote`.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from models.scorecard.binning import FeatureBinning, fit_prebins, group_matrix, prebin_matrix
from models.scorecard.ciphers import PlatformCipher
from models.scorecard.logistic import RESIDUAL_BITS, WOE_BITS, Nesterov, gradient_from_ints, woe_ints
from models.scorecard.points import feature_points

MASK_BITS = 40
"""Statistical hiding of a masked gradient: the mask exceeds any gradient value by 2**40."""


def gradient_mask(seed: bytes, iteration: int, feature: int, bits: int) -> int:
    """A ``bits``-bit mask, uniform to anyone without ``seed`` (SHAKE-256 keyed by it).
    Derived rather than drawn so that a platform restarted mid-job, replaying its steps
    from a persisted seed, removes the masks the bank's relayed values were made with."""
    digest = hashlib.shake_256(seed + f"/{iteration}/{feature}".encode()).digest((bits + 7) // 8)
    return int.from_bytes(digest, "big") >> (8 * len(digest) - bits)


@dataclass(frozen=True)
class Selection:
    """What the bank decided for the platform's features: which to keep, their groups, WOE."""

    features: list[int]
    groups: list[list[int]]
    woe: list[list[float]]

    def to_dict(self) -> dict[str, Any]:
        return {"features": self.features, "groups": self.groups, "woe": self.woe}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Selection:
        return cls([int(f) for f in data["features"]], [[int(g) for g in row] for row in data["groups"]],
                   [[float(w) for w in row] for row in data["woe"]])


class LocalPlatform:
    """The platform's training state for one job; ``C`` is the L2 strength the bank chose."""

    def __init__(self, training: pd.DataFrame, *, max_prebins: int, min_bin_size: int,
                 mask_seed: bytes | None = None) -> None:
        """``mask_seed`` (secret, at least 16 bytes) makes the gradient masks reproducible
        for a resumed job; a fresh one is drawn without it."""
        if mask_seed is not None and len(mask_seed) < 16:
            raise ValueError(f"a mask seed needs at least 16 bytes, got {len(mask_seed)}")
        self.training = training.reset_index(drop=True)
        self.prebins = fit_prebins(self.training, max_prebins, min_bin_size)
        self.prebin_codes = prebin_matrix(self.prebins, self.training)
        self.min_bin_size = min_bin_size
        self.binnings: list[FeatureBinning] = []
        self.woe_int = np.zeros((0, 0), dtype=np.int64)
        self.codes = np.zeros((len(self.training), 0), dtype=np.int64)
        self.state = Nesterov(np.zeros(0))
        self._masks: list[int] = []
        self._mask_seed = mask_seed or secrets.token_bytes(32)
        self._iteration = 0

    @property
    def n_prebins(self) -> list[int]:
        return [b.n_prebins for b in self.prebins]

    @property
    def width(self) -> int:
        """Bins per feature in the flat (feature, bin) layout of encrypted sums."""
        return max(self.n_prebins)

    def select(self, selection: Selection) -> None:
        if len(selection.groups) != len(selection.features) or len(selection.woe) != len(selection.features):
            raise ValueError("a selection needs groups and WOE for every selected feature")
        if len(set(selection.features)) != len(selection.features) or any(
                not 0 <= f < len(self.prebins) for f in selection.features):
            raise ValueError(f"selected features {selection.features} are not distinct features "
                             f"of the platform's {len(self.prebins)}")
        self.binnings = [self.prebins[f].grouped(groups) for f, groups in zip(selection.features, selection.groups)]
        for binning, woe in zip(self.binnings, selection.woe):
            if len(woe) != binning.n_groups:
                raise ValueError(f"{len(woe)} WOE values for the {binning.n_groups} groups of a platform feature")
        self.codes = group_matrix(self.binnings, self.training)
        for j, binning in enumerate(self.binnings):
            sizes = np.bincount(self.codes[:, j], minlength=binning.n_groups)
            if sizes.min() < self.min_bin_size:
                raise ValueError(f"the bank's grouping leaves a bin of {int(sizes.min())} rows in a platform "
                                 f"feature; the platform refuses bins under {self.min_bin_size} rows")
        width = max((b.n_groups for b in self.binnings), default=1)
        self.woe_int = np.zeros((len(self.binnings), width), dtype=np.int64)
        for j, woe in enumerate(selection.woe):
            self.woe_int[j, :len(woe)] = woe_ints(np.asarray(woe))
        self.state = Nesterov(np.zeros(len(self.binnings)))

    @property
    def woe(self) -> np.ndarray:
        """The quantized WOE the platform computes with, (features, bins)."""
        return np.ldexp(self.woe_int.astype(np.float64), -WOE_BITS)

    def linear_part(self, weights: np.ndarray, codes: np.ndarray | None = None) -> np.ndarray:
        codes = self.codes if codes is None else codes
        if not len(self.binnings):
            return np.zeros(len(codes))
        values = np.take_along_axis(self.woe, codes.T, axis=1)
        return np.asarray(weights) @ values

    def masked_gradient(self, cipher: PlatformCipher, residuals: bytes) -> bytes:
        """The bank's encrypted residuals weighed per bin by WOE, summed, and masked."""
        bound = int(np.abs(self.woe_int).max(initial=1)) * len(self.training) << RESIDUAL_BITS
        mask_bits = bound.bit_length() + MASK_BITS
        if mask_bits + 2 >= cipher.plaintext_bits():
            raise ValueError(f"masked gradients need {mask_bits + 2}-bit plaintexts; the bank's key offers "
                             f"{cipher.plaintext_bits()}")
        self._iteration += 1
        self._masks = [gradient_mask(self._mask_seed, self._iteration, j, mask_bits) for j in range(len(self.binnings))]
        return cipher.masked_weighted_sums(residuals, self.codes, self.woe_int.shape[1], self.woe_int, self._masks)

    def descend(self, masked: list[int], step_size: float, momentum: float, C: float) -> np.ndarray:
        if len(masked) != len(self._masks) or not self._masks and len(self.binnings):
            raise ValueError(f"{len(masked)} masked gradients for {len(self._masks)} platform features")
        n_rows = len(self.training)
        data = np.array([gradient_from_ints(m - mask, n_rows) for m, mask in zip(masked, self._masks)])
        self._masks = []
        self.state.step(data + self.state.lookahead / (C * n_rows), step_size, momentum)
        return self.linear_part(self.state.lookahead)

    def points(self, factor: float) -> list[np.ndarray]:
        """Points per bin of each selected feature at the final weights."""
        return [feature_points(w, self.woe[j, :b.n_groups], factor)
                for j, (w, b) in enumerate(zip(self.state.weights, self.binnings))]

