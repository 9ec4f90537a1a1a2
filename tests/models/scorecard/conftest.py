"""Small aligned tables with a known default process: two bank and two platform features
matter, one platform feature is noise, one bank feature is categorical with missing values."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest


@pytest.fixture(scope="session")
def aligned() -> tuple[pd.DataFrame, np.ndarray, pd.DataFrame]:
    rng = np.random.default_rng(7)
    n = 3000
    bank = pd.DataFrame({"balance": rng.normal(size=n), "overdue": rng.poisson(1.0, size=n).astype(float),
                         "product": rng.choice(["loan", "card", "lease"], size=n, p=[0.5, 0.3, 0.2])})
    bank.loc[rng.random(n) < 0.05, "product"] = None
    platform = pd.DataFrame({"tax_paid": rng.lognormal(size=n), "court_cases": rng.poisson(0.5, size=n).astype(float),
                             "tax_noise": rng.normal(size=n), "si_staff": rng.normal(size=n)})
    platform.loc[rng.random(n) < 0.1, "si_staff"] = np.nan
    logit = (-1.5 - 0.8 * bank["balance"] + 0.5 * bank["overdue"] - 0.6 * np.log(platform["tax_paid"])
             + 0.7 * platform["court_cases"] + 0.3 * (bank["product"] == "lease"))
    y = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(np.int8)
    return bank, y, platform
