"""The coordinator's loan book: which enterprises each bank monitors, and may hear about.

An enterprise is monitored for a bank on a day when one of the bank's reported loans to
it is active that day and it authorizes the bank for financing right now (not revoked,
not expired): consent is read afresh for every look-up and every delivery, so a
revocation takes effect at the next request. The categories its consents cover decide
which alerts the bank may receive (a tax arrear needs the tax category).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, sessionmaker

from federation.coordinator.audit import AuditLog
from federation.coordinator.consents import today
from federation.coordinator.errors import InvalidArgument, PermissionDenied, require_role
from federation.coordinator.online import CONSENT_CATEGORIES, ENFORCES_CONSENT
from federation.coordinator.store import ConsentRow, LoanRow, PartyRow
from federation.governance.categories import PURPOSE
from federation.security.roles import Role
from federation.security.tls import Identity
from models.monitoring.portfolio import Loan, loan_problem

MAX_LOANS_PER_REPORT = 100_000
_IN_CLAUSE = 500


def parse_day(text: str, field: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise InvalidArgument(f"{field} {text!r} is not an ISO date (YYYY-MM-DD)") from exc


def _active_on(day: dt.date) -> Sequence[object]:
    return (LoanRow.granted_on <= day, LoanRow.matures_on >= day,
            or_(LoanRow.closed_on.is_(None), LoanRow.closed_on > day))


class PortfolioRegistry:
    def __init__(self, sessions: sessionmaker, audit: AuditLog) -> None:
        self._sessions = sessions
        self._audit = audit

    def report(self, caller: Identity, loans: list[Loan]) -> tuple[int, int]:
        """Store a bank's loans (a later report of a loan id replaces it); returns how many
        were stored and how many of the bank's loans are active today."""
        require_role(caller, "report loans", Role.BANK)
        if not loans or len(loans) > MAX_LOANS_PER_REPORT:
            raise InvalidArgument(f"loans: report 1 to {MAX_LOANS_PER_REPORT} loans per call, got {len(loans)}")
        for index, loan in enumerate(loans):
            problem = loan_problem(loan)
            if problem is not None:
                raise InvalidArgument(f"loans[{index}]: {problem}")
        with self._audit.transaction() as session:
            if session.get(PartyRow, caller.name) is None:
                raise PermissionDenied(f"{caller.name} has not registered with the coordinator")
            for loan in loans:
                session.merge(LoanRow(bank=caller.name, loan_id=loan.loan_id, enterprise=loan.enterprise,
                                      granted_on=loan.granted_on, matures_on=loan.matures_on,
                                      closed_on=loan.closed_on))
            session.flush()
            active = len(session.scalars(select(LoanRow.loan_id).where(
                LoanRow.bank == caller.name, *_active_on(today()))).all())
            self._audit.record(session, caller, "loans.report", caller.name,
                               {"loans": len(loans), "active": active, "purpose": PURPOSE})
        return len(loans), active

    def monitored(self, caller: Identity, bank: str, day: dt.date) -> dict[str, list[str]]:
        """Enterprises ``bank`` monitors on ``day``, each with the categories it authorizes;
        for the platform (any bank) or the bank itself. Audited as a count."""
        require_role(caller, "list monitored enterprises", Role.PLATFORM, Role.BANK)
        if caller.role is Role.BANK and bank != caller.name:
            raise PermissionDenied(f"{caller.name} can list only its own monitored enterprises, not {bank}'s")
        with self._audit.transaction() as session:
            party = session.get(PartyRow, bank)
            if party is None or party.role != Role.BANK.value:
                raise InvalidArgument(f"bank {bank!r} is not a registered bank")
            borrowers = set(session.scalars(select(LoanRow.enterprise).where(LoanRow.bank == bank,
                                                                            *_active_on(day))))
            consented = _consented(session, bank, day, None)
            found = {e: sorted(consented[e]) for e in sorted(borrowers) if e in consented}
            self._audit.record(session, caller, "portfolio.lookup", bank,
                               {"bank": bank, "date": day.isoformat(), "purpose": PURPOSE,
                                "enterprises": len(found)})
        return found

    def score_categories(self) -> list[str]:
        """What a joint score draws on: the categories of every platform that enforces consent."""
        with self._sessions() as session:
            platforms = session.scalars(select(PartyRow).where(PartyRow.role == Role.PLATFORM.value))
            return sorted({c for p in platforms if p.labels.get(ENFORCES_CONSENT) == "true"
                           for c in str(p.labels.get(CONSENT_CATEGORIES, "")).split(",") if c})

    def eligible(self, bank: str, findings: Sequence[tuple[str, dt.date, Sequence[str]]]) -> list[bool]:
        """For each (enterprise, day, categories): did the bank hold an active loan to it that
        day, and does the enterprise authorize the bank for all those categories now?"""
        enterprises = sorted({enterprise for enterprise, _, _ in findings})
        with self._sessions() as session:
            loans: dict[str, list[LoanRow]] = defaultdict(list)
            for part in _batches(enterprises):
                for row in session.scalars(select(LoanRow).where(LoanRow.bank == bank, LoanRow.enterprise.in_(part))):
                    loans[row.enterprise].append(row)
            consented = _consented(session, bank, today(), enterprises)
        return [any(_loan(row).active_on(day) for row in loans.get(enterprise, ()))
                and set(categories) <= consented.get(enterprise, set())
                for enterprise, day, categories in findings]


def _loan(row: LoanRow) -> Loan:
    return Loan(row.loan_id, row.enterprise, row.granted_on, row.matures_on, row.closed_on)


def _batches(items: list[str]) -> Iterable[list[str]]:
    for start in range(0, len(items), _IN_CLAUSE):
        yield items[start : start + _IN_CLAUSE]


def _consented(session: Session, bank: str, day: dt.date, enterprises: list[str] | None) -> dict[str, set[str]]:
    """Enterprise -> categories of its standing financing consents for ``bank``, valid
    today and on ``day``."""
    query = select(ConsentRow).where(ConsentRow.bank == bank, ConsentRow.purpose == PURPOSE,
                                     ConsentRow.revoked_at.is_(None),
                                     ConsentRow.valid_until >= max(day, today()))
    rows: list[ConsentRow] = []
    if enterprises is None:
        rows = list(session.scalars(query))
    else:
        for part in _batches(enterprises):
            rows += session.scalars(query.where(ConsentRow.enterprise.in_(part)))
    consented: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        consented[row.enterprise] |= set(row.categories)
    return consented
