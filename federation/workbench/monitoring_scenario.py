"""A small monitoring scenario for the operator's notebook: a loan book with consents for
the bank's aligned customers, and a day on which one of the platform's feeds broke.

Most borrowers authorize every data category (they are re-scored and hear of every
event), some only tax data (they hear of tax events but are not scored, since a joint
score needs every category the platform's table holds).
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import numpy as np

from federation.data import PartyTable
from federation.governance.categories import CATEGORIES
from federation.launcher import OPERATOR, LocalFederation
from federation.party.monitoring_calls import report_loans
from models.monitoring.portfolio import Loan


def book_loans_and_consents(federation: LocalFederation, bank: str, customers: list[str], as_of: dt.date, *,
                            rng: np.random.Generator, full_consent_share: float = 0.85) -> dict[str, int]:
    """Each customer borrows (a two-year loan granted before ``as_of``) and authorizes the bank."""
    loans = [Loan(f"L{i:06d}", enterprise, as_of - dt.timedelta(days=int(rng.integers(1, 300))),
                  as_of + dt.timedelta(days=730)) for i, enterprise in enumerate(customers)]
    with federation.client(bank) as client:
        report_loans(client, loans)
    full = rng.random(len(customers)) < full_consent_share
    until = (dt.date.today() + dt.timedelta(days=365)).isoformat()
    with federation.client(OPERATOR) as operator:
        for enterprise, everything in zip(customers, full):
            operator.grant_consent(enterprise, bank, list(CATEGORIES) if everything else ["tax"], until)
    return {"loans": len(loans), "full_consent": int(full.sum()), "tax_only": int((~full).sum())}


def feed_break(table: PartyTable, prefix: str, share: float, rng: np.random.Generator) -> PartyTable:
    """The table as it arrives on a day when the feed of ``prefix`` columns failed for
    ``share`` of the enterprises (their values missing)."""
    columns = [c for c in table.features.columns if c.startswith(prefix)]
    if not columns:
        raise ValueError(f"no column of the platform's table starts with {prefix!r}")
    features = table.features.copy()
    features.loc[rng.random(len(features)) < share, columns] = np.nan
    return dataclasses.replace(table, features=features)
