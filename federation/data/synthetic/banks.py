"""Synthetic banks: who their customers are and what each bank knows about them.

A bank's features are driven by the enterprise's ``finance`` factor seen
through the bank's own noise, so two banks holding the same customer see
related but different histories, as real banks do.
"""

from __future__ import annotations

import string
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.special import expit

from federation.data.synthetic.messiness import with_missing
from federation.data.synthetic.platform import Enterprises


@dataclass(frozen=True)
class BankProfile:
    """How one synthetic bank differs from the others.

    ``share`` is the fraction of the platform's enterprises that bank with it,
    ``off_platform`` the fraction of its customers registered outside the city,
    ``spread`` its interest-rate premium over the loan prime rate, in points.
    """

    name: str
    share: float
    off_platform: float
    default_rate: float
    spread: float


# (share, off_platform, default_rate, spread) of the first four banks.
_PROFILES = (
    (0.18, 0.04, 0.07, 0.3),
    (0.09, 0.05, 0.09, 0.6),
    (0.13, 0.03, 0.065, 0.2),
    (0.05, 0.045, 0.11, 0.9),
)
MAX_BANKS = len(string.ascii_lowercase)

PURPOSES = (
    "working_capital",
    "equipment",
    "trade_finance",
    "refinancing",
    "construction",
    "agriculture",
)
_PURPOSE_SHARES = (0.50, 0.15, 0.12, 0.08, 0.07, 0.08)
TERMS = np.array([6, 12, 24, 36, 60])
_TERM_SHARES = np.array(
    [
        [0.35, 0.55, 0.10, 0.00, 0.00],
        [0.00, 0.10, 0.35, 0.35, 0.20],
        [0.70, 0.30, 0.00, 0.00, 0.00],
        [0.00, 0.40, 0.40, 0.20, 0.00],
        [0.00, 0.05, 0.30, 0.35, 0.30],
        [0.50, 0.50, 0.00, 0.00, 0.00],
    ]
)
COLLATERAL = ("none", "guarantee", "real_estate", "pledge")
_COLLATERAL_SHARES = np.array([[0.40, 0.45, 0.05, 0.10], [0.15, 0.20, 0.55, 0.10]])
_RATE_BY_COLLATERAL = np.array([0.6, 0.3, -0.2, 0.0])
CATEGORICAL = ("loan_collateral", "loan_purpose")
LOAN_PRIME_RATE = 3.45


def bank_profiles(k: int) -> list[BankProfile]:
    """Profiles for ``bank_a``, ``bank_b``, ...; they repeat after four banks."""
    if not 1 <= k <= MAX_BANKS:
        raise ValueError(f"banks must be between 1 and {MAX_BANKS}, got {k}")
    return [
        BankProfile(f"bank_{letter}", *_PROFILES[i % len(_PROFILES)])
        for i, letter in enumerate(string.ascii_lowercase[:k])
    ]


def elsewhere_needed(profiles: list[BankProfile], n_home: int) -> int:
    """Size of the pool of non-city enterprises the banks draw customers from.

    Twice the largest expected need, so banks overlap there too and no bank
    ever runs out.
    """
    need = max(p.share * p.off_platform / (1 - p.off_platform) for p in profiles)
    return int(np.ceil(2 * need * n_home)) + 2 * len(profiles)


def select_customers(
    rng: np.random.Generator, enterprises: Enterprises, profile: BankProfile
) -> np.ndarray:
    """Indices of the bank's customers, in the bank's (shuffled) file order.

    Larger and healthier enterprises are likelier to bank anywhere, which is
    also what makes different banks' customer lists overlap beyond chance.
    """
    home = enterprises.home
    weight = np.array([0.8, 1.3, 1.8, 2.2])[enterprises.size[home]] * np.exp(
        0.15 * enterprises.health[home]
    )
    p = np.minimum(1.0, profile.share * weight / weight.mean())
    on = np.flatnonzero(rng.random(enterprises.n_home) < p)
    n_off = max(1, round(on.size * profile.off_platform / (1 - profile.off_platform)))
    off = enterprises.n_home + rng.choice(
        enterprises.uscc.size - enterprises.n_home, size=n_off, replace=False
    )
    return rng.permutation(np.concatenate([on, off]))


def bank_features(
    rng: np.random.Generator, enterprises: Enterprises, customers: np.ndarray, profile: BankProfile
) -> pd.DataFrame:
    """The bank's own loan and account data on its customers."""
    n = customers.size
    view = enterprises.finance[customers] + 0.35 * rng.standard_normal(n)
    size = enterprises.size[customers]
    years = enterprises.features["reg_years"].to_numpy()[customers]
    owns_property = enterprises.features["estate_property_count"].to_numpy()[customers] > 0
    purpose = rng.choice(len(PURPOSES), size=n, p=_PURPOSE_SHARES)
    term = TERMS[_categorical_draw(rng, _TERM_SHARES[purpose])]
    collateral = _categorical_draw(rng, _COLLATERAL_SHARES[owns_property.astype(int)])
    amount = np.maximum(
        10_000,
        np.round(
            np.exp(
                np.log(enterprises.employees[customers] * 30_000)
                + 0.3 * size
                + 0.9 * rng.standard_normal(n)
            ),
            -3,
        ),
    )
    turnover = amount * np.exp(0.7 + 0.4 * view + 0.8 * rng.standard_normal(n))
    turnover[rng.random(n) < 0.02] = 0.0
    overdue = rng.poisson(np.exp(-1.7 - 0.9 * view))
    worst = np.round(rng.exponential(12 * np.exp(-0.5 * view))) + 1
    rate = (
        LOAN_PRIME_RATE
        + profile.spread
        + 0.9 * expit(-view)
        + _RATE_BY_COLLATERAL[collateral]
        + 0.25 * rng.standard_normal(n)
    )
    return pd.DataFrame(
        {
            "loan_amount": amount,
            "loan_term_months": term.astype(np.int32),
            "loan_interest_rate": with_missing(rng, np.clip(rate, 2.8, 12.0).round(2), 0.005),
            "loan_collateral": np.array(COLLATERAL, dtype=object)[collateral],
            "loan_purpose": with_missing(rng, np.array(PURPOSES, dtype=object)[purpose], 0.01),
            "cust_months": np.minimum(
                np.floor(years * 12) + 1, np.floor(rng.exponential(40, size=n)) + 1
            ).astype(np.int32),
            "acct_turnover_6m": with_missing(rng, turnover.round(2), 0.06),
            "credit_overdue_count_12m": overdue.astype(np.int32),
            "credit_max_dpd_12m": np.where(overdue > 0, np.minimum(worst, 365), 0).astype(np.int32),
            "credit_line_utilization": with_missing(
                rng, expit(0.2 - 0.9 * view + 0.6 * rng.standard_normal(n)).round(3), 0.15
            ),
        }
    )


def _categorical_draw(rng: np.random.Generator, shares: np.ndarray) -> np.ndarray:
    """One category per row from a row-wise matrix of shares."""
    u = rng.random(shares.shape[0])[:, None]
    return np.minimum((u > np.cumsum(shares, axis=1)).sum(axis=1), shares.shape[1] - 1)

