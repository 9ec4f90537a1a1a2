"""The ground-truth default process behind the synthetic labels.

The log-odds of default add a platform part (public-administration signals),
a bank part (the bank's own credit history with the customer) and an
idiosyncratic part nobody observes. Both observable parts carry information
the other lacks, so a joint model beats either party alone: the premise of
the whole service, made testable.

Missing values contribute nothing: an enterprise with no utility account has
no utility arrears to count against it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.special import expit

_TAX_GRADE = {"A": -0.5, "B": 0.0, "C": 0.4, "D": 0.9, "M": 0.3}
_SIZE = {"micro": 0.45, "small": 0.2, "medium": 0.0, "large": -0.3}
_COLLATERAL = {"none": 0.35, "guarantee": 0.1, "real_estate": -0.45, "pledge": -0.15}
IDIOSYNCRATIC_SD = 0.4


def platform_logit(features: pd.DataFrame) -> np.ndarray:
    """Platform features' contribution to the log-odds of default."""
    f = _numeric(features)
    arrears = (
        f[["util_water_arrears_flag", "util_elec_arrears_flag", "util_gas_arrears_flag"]]
        .fillna(0.0)
        .max(axis=1)
    )
    elec_decline = np.log1p(f["util_elec_avg_6m"]) - np.log1p(f["util_elec_avg_3m"])
    return (
        0.9 * f["tax_arrears_flag"]
        + 0.7 * f["si_stopped_flag"]
        + 0.45 * np.log1p(f["court_judgments_3y"])
        + 0.55 * np.log1p(f["enforce_count_3y"])
        + 1.2 * f["dishonest_flag"]
        + 0.6 * arrears
        + 0.2 * np.log1p(f["penalty_admin_3y"])
        + features["tax_grade"].map(_TAX_GRADE).fillna(0.2).astype(float)
        + features["reg_size"].map(_SIZE).astype(float)
        - 0.35 * np.log1p(f["reg_years"])
        - 0.3 * f["rd_hightech_flag"]
        + 0.5 * np.log1p(f["commit_broken_count"])
        - 0.15 * np.log1p(f["honour_count"])
        - 0.25 * (f["si_continuous_months"] >= 24)
        + 2.0 * np.clip(elec_decline.fillna(0.0), -0.5, 0.5)
    ).to_numpy(dtype=float)


def bank_logit(features: pd.DataFrame) -> np.ndarray:
    """A bank's features' contribution to the log-odds of default."""
    f = _numeric(features)
    coverage = np.log(2 * f["acct_turnover_6m"] + 1) - np.log(f["loan_amount"])
    return (
        0.6 * np.log1p(f["credit_overdue_count_12m"])
        + 0.015 * np.minimum(f["credit_max_dpd_12m"], 90)
        + 1.8 * (f["credit_line_utilization"].fillna(0.5) - 0.5)
        + features["loan_collateral"].map(_COLLATERAL).astype(float)
        - 0.25 * np.log1p(f["cust_months"] / 12)
        - 0.35 * np.clip(coverage.fillna(0.0), -3.0, 3.0)
    ).to_numpy(dtype=float)


def intercept_for(logit: np.ndarray, default_rate: float) -> float:
    """The intercept that makes the mean default probability ``default_rate``."""
    low, high = -20.0, 20.0
    for _ in range(60):
        mid = (low + high) / 2
        if expit(logit + mid).mean() < default_rate:
            low = mid
        else:
            high = mid
    return (low + high) / 2



def _numeric(features: pd.DataFrame) -> pd.DataFrame:
    return features.select_dtypes(include="number").astype(float)
