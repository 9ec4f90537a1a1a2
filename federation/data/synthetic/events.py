"""A daily feed of adverse public-record events after the as-of date.

This is what the platform's nightly monitoring job consumes to raise risk
alerts on borrowers. Events arrive independently per enterprise and type
(Poisson), at rates that rise with the enterprise's platform-side risk, so
alerts are informative about later defaults without being certain.
"""

from __future__ import annotations

import json
from datetime import date, timedelta

import numpy as np
import pandas as pd

# Event type -> mean daily probability per eligible enterprise.
EVENT_RATES: dict[str, float] = {
    "new_enforcement": 0.0003,
    "new_judgment": 0.0007,
    "admin_penalty": 0.0010,
    "tax_arrears": 0.0005,
    "social_insurance_stop": 0.0004,
    "housing_fund_stop": 0.0003,
    "utility_arrears": 0.0005,
    "dishonesty_list": 0.0001,
}
_RISK_SLOPE = 0.7
_AUTHORITIES = ("market_regulation", "tax", "ecology_environment", "emergency_management")
_UTILITIES = ("water", "electricity", "gas")
_COURTS = ("lianyungang_intermediate", "haizhou_district", "ganyu_district", "donghai_county")


def event_feed(
    rng: np.random.Generator,
    uscc: np.ndarray,
    risk: np.ndarray,
    eligible: dict[str, np.ndarray],
    *,
    as_of: date,
    days: int,
) -> pd.DataFrame:
    """Events for ``days`` days after ``as_of``, sorted by date, uscc and type.

    ``risk`` is on the log-odds scale; ``eligible`` restricts a type to the
    enterprises it can happen to (no housing-fund stop without an account).
    """
    weight = np.exp(_RISK_SLOPE * (risk - risk.mean()))
    weight /= weight.mean()
    parts = []
    for kind, rate in EVENT_RATES.items():
        mask = eligible.get(kind, np.ones(uscc.size, dtype=bool))
        counts = rng.poisson(days * rate * weight * mask)
        who = np.repeat(np.arange(uscc.size), counts)
        parts.append(
            pd.DataFrame(
                {
                    "day": rng.integers(1, days + 1, size=who.size),
                    "uscc": uscc[who],
                    "event_type": kind,
                    "details": _details(rng, kind, who.size),
                }
            )
        )
    events = pd.concat(parts, ignore_index=True)
    events = events.sort_values(["day", "uscc", "event_type"], kind="stable", ignore_index=True)
    calendar = np.array([as_of + timedelta(days=d) for d in range(days + 1)], dtype=object)
    events.insert(0, "date", calendar[events.pop("day").to_numpy()])
    return events


def _details(rng: np.random.Generator, kind: str, n: int) -> list[str]:
    """A small JSON object per event, as the source registries report them."""
    amounts = np.round(np.exp(rng.normal(10.5, 1.2, size=n)), -2).astype(np.int64)
    if kind in ("new_enforcement", "tax_arrears"):
        rows = [{"amount_cny": int(a)} for a in amounts]
    elif kind == "new_judgment":
        rows = [{"role": "defendant", "amount_cny": int(a)} for a in amounts]
    elif kind == "admin_penalty":
        rows = [{"authority": _AUTHORITIES[i]} for i in rng.integers(len(_AUTHORITIES), size=n)]
    elif kind == "utility_arrears":
        which = rng.integers(len(_UTILITIES), size=n)
        rows = [
            {"utility": _UTILITIES[i], "amount_cny": int(a // 100)} for i, a in zip(which, amounts)
        ]
    elif kind == "dishonesty_list":
        rows = [{"court": _COURTS[i]} for i in rng.integers(len(_COURTS), size=n)]
    else:
        rows = [{"months_unpaid": int(m)} for m in rng.integers(1, 4, size=n)]
    return [json.dumps(row, separators=(",", ":")) for row in rows]
