"""Synthetic enterprises and the platform's public-administration features.

Columns follow the Lianyungang credit-information sharing list (seed 002) and
the national 14 categories (seed 001). Each column name starts with its
category prefix so that feature groups (for reason codes, portraits and
authorisation scopes) can be derived from the name alone.

Every enterprise has two latent factors: ``health`` drives what the
administration sees (tax, social insurance, courts ...) and ``finance``, which
is correlated with it, drives what a bank sees. Keeping them distinct is what
makes both parties' data necessary for a good model.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.special import expit

from federation.data.synthetic.messiness import with_missing
from federation.data.uscc import random_usccs
from federation.governance.categories import CATEGORIES_BY_PREFIX

# Administrative divisions of Lianyungang (the platform's city), with
# rough shares of registered enterprises; 320700 is city-level registration.
HOME_DIVISIONS: dict[str, tuple[str, float]] = {
    "320700": ("lianyungang_city", 0.10),
    "320703": ("lianyun", 0.10),
    "320706": ("haizhou", 0.30),
    "320707": ("ganyu", 0.17),
    "320722": ("donghai", 0.15),
    "320723": ("guanyun", 0.10),
    "320724": ("guannan", 0.08),
}
# Where a bank's customers that the platform does not cover are registered.
OTHER_DIVISIONS: tuple[str, ...] = ("320302", "320803", "321302", "320106", "371102", "310115")

GROUPS = CATEGORIES_BY_PREFIX

SIZES = ("micro", "small", "medium", "large")
TAX_GRADES = ("A", "B", "C", "D", "M")
# Industry -> (share of enterprises, default-risk offset, technology affinity).
INDUSTRIES: dict[str, tuple[float, float, float]] = {
    "manufacturing": (0.20, 0.0, 1.0),
    "chemicals_pharma": (0.05, 0.1, 1.5),
    "wholesale_retail": (0.24, 0.2, 0.0),
    "construction": (0.09, 0.4, 0.0),
    "transport_logistics": (0.08, 0.2, 0.0),
    "accommodation_catering": (0.08, 0.5, 0.0),
    "it_services": (0.06, 0.0, 2.0),
    "agriculture_fishery": (0.06, 0.3, 0.2),
    "real_estate": (0.03, 0.6, 0.0),
    "business_services": (0.07, 0.1, 0.5),
    "scientific_research": (0.02, -0.2, 2.5),
    "other_services": (0.02, 0.2, 0.0),
}

CATEGORICAL = ("reg_industry", "reg_region", "reg_size", "tax_grade")


@dataclass(frozen=True)
class Enterprises:
    """All synthetic enterprises; the first ``n_home`` are on the platform."""

    uscc: np.ndarray
    n_home: int
    health: np.ndarray
    finance: np.ndarray
    size: np.ndarray
    employees: np.ndarray
    features: pd.DataFrame

    @property
    def home(self) -> slice:
        return slice(0, self.n_home)


def column_groups(columns: list[str]) -> dict[str, dict[str, str]]:
    """Map each platform column to its category (key and Chinese name)."""
    groups = {}
    for column in columns:
        key, name_zh = GROUPS[column.split("_", 1)[0]]
        groups[column] = {"category": key, "category_zh": name_zh}
    return groups


def make_enterprises(rng: np.random.Generator, n_home: int, n_elsewhere: int) -> Enterprises:
    """Draw enterprises registered in the city and ``n_elsewhere`` outside it."""
    codes = np.concatenate(
        [
            random_usccs(
                rng, n_home, list(HOME_DIVISIONS), weights=[w for _, w in HOME_DIVISIONS.values()]
            ),
            random_usccs(rng, n_elsewhere, OTHER_DIVISIONS),
        ]
    )
    n = codes.size
    # Individual businesses (organisation type 2) are micro by nature, register
    # no capital, have no housing-fund account and are often not tax-rated.
    individual = np.char.startswith(codes, "92")
    size = np.where(individual, 0, rng.choice(4, size=n, p=[0.58, 0.29, 0.11, 0.02]))
    years = np.clip(rng.gamma(1.6, 4.5, size=n), 0.1, 40.0).round(1)
    industry = rng.choice(len(INDUSTRIES), size=n, p=[v[0] for v in INDUSTRIES.values()])
    industry_risk = np.array([v[1] for v in INDUSTRIES.values()])[industry]
    tech = np.array([v[2] for v in INDUSTRIES.values()])[industry]
    health = (
        rng.standard_normal(n) + 0.15 * size + 0.12 * np.log1p(years) - 0.6 * industry_risk
    )
    health = (health - health.mean()) / health.std()
    finance = 0.45 * health + np.sqrt(1 - 0.45**2) * rng.standard_normal(n)
    employees = np.maximum(
        1, np.round(np.exp(np.array([1.2, 3.1, 5.0, 7.2])[size] + 0.5 * rng.standard_normal(n)))
    )
    ctx = _Context(rng, n, size, years, health, employees, individual, tech)
    features = pd.DataFrame(
        {
            "reg_industry": with_missing(
                rng, np.array(list(INDUSTRIES), dtype=object)[industry], 0.005
            ),
            "reg_region": _regions(codes),
            "reg_size": np.array(SIZES, dtype=object)[size],
            "reg_years": years,
            "reg_capital_10k": np.where(
                individual,
                np.nan,
                np.exp(np.log([50, 300, 2000, 20000])[size] + rng.standard_normal(n)).round(2),
            ),
            **_tax(ctx),
            **_social_insurance(ctx),
            **_housing_fund(ctx),
            **_utilities(ctx),
            **_records(ctx),
        }
    )
    return Enterprises(codes, n_home, health, finance, size, employees, features)


@dataclass(frozen=True)
class _Context:
    """What every category's columns are conditioned on, plus the shared stream."""

    rng: np.random.Generator
    n: int
    size: np.ndarray
    years: np.ndarray
    health: np.ndarray
    employees: np.ndarray
    individual: np.ndarray
    tech: np.ndarray

    def flag(self, intercept: float, slope: float) -> np.ndarray:
        """A 0/1 indicator, likelier for unhealthy enterprises when slope < 0."""
        return (self.rng.random(self.n) < expit(intercept + slope * self.health)).astype(
            np.int8
        )

    def count(self, intercept: float, health: float, size: float = 0.0) -> np.ndarray:
        rate = np.exp(intercept + health * self.health + size * self.size)
        return self.rng.poisson(rate).astype(np.int32)

    def record(self, intercept: float, size: float, years: float) -> np.ndarray:
        """Whether an administration holds a record: rarer for young, small firms."""
        logit = intercept + size * self.size + years * np.log1p(self.years)
        return self.rng.random(self.n) < expit(logit)


def _tax(c: _Context) -> dict[str, np.ndarray]:
    score = c.health + 0.6 * c.rng.standard_normal(c.n)
    grade = np.select([score > 0.9, score > -0.5, score > -1.7], [0, 1, 2], default=3)
    grade = np.where(c.years < 1.0, 4, grade)
    grades = np.array(TAX_GRADES, dtype=object)[grade]
    grades[c.individual & (c.rng.random(c.n) < 0.6)] = None
    pays_nothing = c.rng.random(c.n) < np.array([0.25, 0.08, 0.02, 0.0])[c.size]
    paid = np.exp(np.log(c.employees * 8000) + 0.3 * c.health + 1.1 * c.rng.standard_normal(c.n))
    return {
        "tax_paid_12m": np.where(pays_nothing, 0.0, paid.round(2)),
        "tax_grade": grades,
        "tax_arrears_flag": c.flag(-3.3, -1.1),
    }


def _social_insurance(c: _Context) -> dict[str, np.ndarray]:
    coverage = np.where(
        (c.size == 0) & (c.rng.random(c.n) < 0.3), 0.0, c.rng.beta(6, 2, size=c.n)
    )
    headcount = np.round(c.employees * coverage).astype(np.int32)
    stopped = c.flag(-3.4, -1.2) * (headcount > 0)
    tenure = c.rng.geometric(np.clip(0.02 * np.exp(-0.6 * c.health), 1e-3, 1.0))
    months = np.where(stopped == 1, 0, np.minimum(np.floor(c.years * 12), tenure))
    return {
        "si_insured_headcount": headcount,
        "si_continuous_months": np.where(headcount > 0, months, 0).astype(np.int32),
        "si_stopped_flag": stopped.astype(np.int8),
    }


def _housing_fund(c: _Context) -> dict[str, np.ndarray]:
    has = c.record(-1.6, 1.2, 0.4) & ~c.individual
    contributors = c.rng.binomial(c.employees.astype(np.int64), 0.6)
    amount = contributors * np.exp(np.log(650) + 0.1 * c.health + 0.3 * c.rng.standard_normal(c.n))
    tenure = c.rng.geometric(np.clip(0.03 * np.exp(-0.5 * c.health), 1e-3, 1.0))
    months = np.minimum(np.floor(c.years * 12), tenure)
    return {
        "hf_contributors": np.where(has, contributors, np.nan),
        "hf_monthly_amount_avg_12m": np.where(has, amount.round(2), np.nan),
        "hf_continuous_months": np.where(has, months, np.nan),
    }


def _utilities(c: _Context) -> dict[str, np.ndarray]:
    columns: dict[str, np.ndarray] = {}
    # utility -> (record intercept, usage per employee per month, arrears intercept)
    for name, (intercept, per_head, arrears) in {
        "water": (-0.2, 2.5, -3.9),
        "elec": (0.4, 180.0, -3.7),
        "gas": (-2.0, 15.0, -4.0),
    }.items():
        has = c.record(intercept, 0.7, 0.5)
        avg_6m = np.exp(np.log(c.employees * per_head) + 0.6 * c.rng.standard_normal(c.n))
        # Enterprises in trouble cut production before they stop paying.
        trend = 0.15 * np.minimum(c.health, 0) + 0.08 * c.rng.standard_normal(c.n)
        avg_3m = avg_6m * np.exp(trend)
        owes = c.flag(arrears, -1.0)
        columns[f"util_{name}_avg_3m"] = np.where(has, avg_3m.round(1), np.nan)
        columns[f"util_{name}_avg_6m"] = np.where(has, avg_6m.round(1), np.nan)
        columns[f"util_{name}_arrears_flag"] = np.where(has, owes, np.nan)
    return columns


def _records(c: _Context) -> dict[str, np.ndarray]:
    properties = c.count(-1.2, 0.2, 0.7)
    hightech = (c.rng.random(c.n) < expit(-5.0 + 0.9 * c.size + c.tech + 0.3 * c.health)).astype(
        np.int8
    )
    patents = np.where(
        hightech == 1, c.rng.negative_binomial(1.5, 0.15, size=c.n), c.count(-2.4, 0.0, 0.6)
    )
    rd_staff = np.where(hightech == 1, c.rng.binomial(c.employees.astype(np.int64), 0.15), 0)
    return {
        "estate_property_count": properties,
        "estate_mortgage_count": c.rng.binomial(properties, 0.35 + 0.15 * (c.health < 0)).astype(
            np.int32
        ),
        "ip_patents": patents.astype(np.int32),
        "ip_trademarks": c.count(-1.4, 0.0, 0.5),
        "rd_hightech_flag": hightech,
        "rd_staff": rd_staff.astype(np.int32),
        "penalty_admin_3y": c.count(-2.3, -0.5, 0.2),
        "enforce_count_3y": c.count(-3.4, -0.8),
        "court_judgments_3y": c.count(-2.6, -0.7, 0.25),
        "dishonest_flag": c.flag(-5.0, -1.4),
        "honour_count": c.count(-2.8, 0.4, 0.7),
        "commit_kept_count": c.count(-0.8, 0.0, 0.3),
        "commit_broken_count": c.count(-3.5, -0.8),
    }


def _regions(codes: np.ndarray) -> np.ndarray:
    """District name from the division code inside each USCC (positions 3-8)."""
    names = {code: name for code, (name, _) in HOME_DIVISIONS.items()}
    prefixes, inverse = np.unique(codes.astype("U8"), return_inverse=True)
    return np.array([names.get(p[2:]) for p in prefixes], dtype=object)[inverse]

