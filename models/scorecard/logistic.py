"""Logistic regression on WOE features, each party holding its own coefficients.

Both parties run one accelerated gradient descent (Nesterov, with a restart whenever the
bank's loss rises) on the joint coefficient vector with the same step size and momentum,
which the bank announces; each applies it to its own block. Per iteration the bank knows
the joint linear predictor (its own part plus the platform's per-row part), computes the
residuals ``p - y``, updates its own coefficients and sends the residuals to the
platform only encrypted (:mod:`models.scorecard.remote`); the platform obtains its
gradient through a masked decryption and keeps its coefficients to itself.

The objective is scikit-learn's: ``C * sum(log loss) + ||w||^2 / 2`` with the intercept
unpenalized (here divided by the row count), so ``LogisticRegression(C=C)`` on the joined
WOE table is the centralized reference.

Fixed point: residuals travel as ``round(r * 2**RESIDUAL_BITS)`` and the platform weighs
bin sums by ``round(woe * 2**WOE_BITS)``; the platform uses those quantized WOE values in
its forward pass too, so both passes see one model.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
from scipy.special import expit, log_expit

RESIDUAL_BITS = 30
WOE_BITS = 20


def residual_ints(residuals: np.ndarray) -> list[int]:
    return [int(v) for v in np.rint(np.ldexp(np.asarray(residuals, dtype=np.float64), RESIDUAL_BITS))]


def woe_ints(woe: np.ndarray) -> np.ndarray:
    return np.rint(np.ldexp(np.asarray(woe, dtype=np.float64), WOE_BITS)).astype(np.int64)


def gradient_from_ints(total: int, n_rows: int) -> float:
    """Mean data gradient of one feature from ``sum_b woe_int[b] * sum residual_int`` over its bins."""
    return float(total) / float(2 ** (RESIDUAL_BITS + WOE_BITS)) / n_rows


@dataclass(frozen=True)
class LogisticParams:
    C: float = 1.0
    max_iter: int = 300
    tol: float = 1e-7

    def __post_init__(self) -> None:
        if not self.C > 0:
            raise ValueError(f"C must be positive, got {self.C}")
        if self.max_iter < 1:
            raise ValueError(f"max_iter must be at least 1, got {self.max_iter}")
        if not self.tol >= 0:
            raise ValueError(f"tol must be non-negative, got {self.tol}")


@dataclass
class Nesterov:
    """One party's block of the joint iterate: ``weights`` (x_k), ``lookahead`` (y_k)."""

    weights: np.ndarray
    lookahead: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        self.weights = np.asarray(self.weights, dtype=np.float64)
        self.lookahead = self.weights.copy()

    def step(self, gradient: np.ndarray, step_size: float, momentum: float) -> None:
        """x_{k+1} = y_k - step * grad(y_k);  y_{k+1} = x_{k+1} + momentum * (x_{k+1} - x_k)."""
        updated = self.lookahead - step_size * np.asarray(gradient, dtype=np.float64)
        self.lookahead = updated + momentum * (updated - self.weights)
        self.weights = updated


class PlatformBlock(Protocol):
    """The platform's coefficients as the bank's optimizer reaches them."""

    def start(self) -> np.ndarray:
        """The platform's per-row linear predictor at its starting point."""
        ...

    def descend(self, residuals: np.ndarray, step_size: float, momentum: float) -> np.ndarray:
        """One step on the platform's block from the bank's residuals; its next linear predictor."""
        ...


@dataclass(frozen=True)
class LogisticResult:
    intercept: float
    coef: np.ndarray
    n_iter: int
    converged: bool
    loss: float


def fit_logistic(bank_woe: np.ndarray, labels: np.ndarray, platform: PlatformBlock, params: LogisticParams,
                 platform_woe_square_sum: float) -> LogisticResult:
    """The bank's side of joint training. ``platform_woe_square_sum`` is sum over platform
    features of the mean squared WOE, which the bank computes from the platform's bin counts
    and WOE; with its own features it bounds the loss's curvature, hence the step size."""
    n_rows = len(labels)
    design = np.column_stack([np.ones(n_rows), np.asarray(bank_woe, dtype=np.float64)])
    y = np.asarray(labels, dtype=np.float64)
    penalty = np.r_[0.0, np.full(design.shape[1] - 1, 1.0 / (params.C * n_rows))]
    curvature = 0.25 * (float(np.mean(design**2, axis=0).sum()) + platform_woe_square_sum) + penalty.max()
    step_size = 1.0 / curvature
    state = Nesterov(np.zeros(design.shape[1]))
    platform_part = platform.start()
    previous, streak, converged, loss = np.inf, 0, False, np.inf
    iteration = 0
    for iteration in range(1, params.max_iter + 1):
        z = design @ state.lookahead + platform_part
        loss = float(-np.mean(y * log_expit(z) + (1 - y) * log_expit(-z))
                     + 0.5 * np.sum(penalty * state.lookahead**2))
        if abs(previous - loss) <= params.tol * max(1.0, abs(loss)):
            converged = True
            break
        streak = 0 if loss > previous else streak + 1
        momentum = streak / (streak + 3.0)
        residuals = expit(z) - y
        state.step(design.T @ residuals / n_rows + penalty * state.lookahead, step_size, momentum)
        platform_part = platform.descend(residuals, step_size, momentum)
        previous = loss
    return LogisticResult(float(state.weights[0]), state.weights[1:].copy(), iteration, converged, loss)
