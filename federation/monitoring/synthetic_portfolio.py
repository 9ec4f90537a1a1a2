"""A synthetic loan book and consents over the synthetic banks' customers, and the event
alerts they should produce: the known answer the monitoring tests and benchmark check
the whole path (portfolio, consent, rules, store, delivery) against.

Each bank lends to a share of its customers (some loans close during the event window),
most borrowers authorize their bank for a random subset of the event categories, and
some customers authorize without borrowing, so every way of not being monitored occurs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from federation.data.uscc import uscc_error
from models.monitoring.events import EVENT_CATEGORIES
from models.monitoring.portfolio import Loan

EVENT_CATEGORY_SET: tuple[str, ...] = tuple(sorted(set(EVENT_CATEGORIES.values())))


@dataclass(frozen=True)
class Consent:
    enterprise: str
    bank: str
    categories: tuple[str, ...]


@dataclass(frozen=True)
class SyntheticPortfolio:
    loans: dict[str, list[Loan]]
    consents: list[Consent]


def synthetic_portfolio(customers: Mapping[str, Sequence[str]], rng: np.random.Generator, *, as_of: dt.date,
                        loan_share: float = 0.7, consent_share: float = 0.85, category_share: float = 0.7,
                        closing_share: float = 0.1, window_days: int = 30) -> SyntheticPortfolio:
    """Loans and consents for ``customers`` (bank -> its customers' ids, messy ones skipped)."""
    loans: dict[str, list[Loan]] = {}
    consents: list[Consent] = []
    for bank, ids in sorted(customers.items()):
        valid = np.array(sorted({i for i in ids if uscc_error(i) is None}), dtype=object)
        borrowing = rng.random(len(valid)) < loan_share
        granted = [as_of - dt.timedelta(days=int(d)) for d in rng.integers(1, 365, size=len(valid))]
        closes = rng.random(len(valid)) < closing_share
        closed = [as_of + dt.timedelta(days=int(d)) for d in rng.integers(1, window_days + 1, size=len(valid))]
        loans[bank] = [Loan(f"{bank}-{i:07d}", str(e), granted[i], granted[i] + dt.timedelta(days=730),
                            closed[i] if closes[i] else None) for i, e in enumerate(valid) if borrowing[i]]
        consenting = np.where(borrowing, rng.random(len(valid)) < consent_share, rng.random(len(valid)) < 0.1)
        for enterprise, yes in zip(valid, consenting):
            chosen = [c for c in EVENT_CATEGORY_SET if rng.random() < category_share]
            if yes and chosen:
                consents.append(Consent(str(enterprise), bank, tuple(chosen)))
    return SyntheticPortfolio(loans, consents)


def expected_event_alerts(feed: pd.DataFrame, portfolio: SyntheticPortfolio) -> set[tuple[str, str, str, str]]:
    """(bank, enterprise, date, event type) of every event that should alert a bank: the bank's
    loan to the enterprise is active that day and its consent covers the event's category."""
    consented = {(c.bank, c.enterprise): set(c.categories) for c in portfolio.consents}
    borrowers: dict[tuple[str, str], list[Loan]] = {}
    for bank, loans in portfolio.loans.items():
        for loan in loans:
            borrowers.setdefault((bank, loan.enterprise), []).append(loan)
    expected = set()
    for row in feed.itertuples(index=False):
        day = pd.Timestamp(row.date).date()
        for bank in portfolio.loans:
            if any(loan.active_on(day) for loan in borrowers.get((bank, row.uscc), ())) and \
                    EVENT_CATEGORIES[row.event_type] in consented.get((bank, row.uscc), set()):
                expected.add((bank, row.uscc, day.isoformat(), row.event_type))
    return expected
