"""The consent registry: which enterprise authorizes which bank, for what, until when.

The platform operator records grants and revocations on an enterprise's behalf (the
enterprise authorizes at the platform's counter or portal). A consent holds while it
is not revoked and today (UTC) is not past ``valid_until``; it is looked up afresh for
every job, so a revocation takes effect on the next request. Every change, and every
lookup the platform makes, enters the audit log.
"""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from federation.coordinator.audit import AuditLog
from federation.coordinator.errors import Conflict, InvalidArgument, NotFound, require_role
from federation.coordinator.store import ConsentRow, PartyRow, utcnow
from federation.data.uscc import uscc_error
from federation.governance.categories import PURPOSE, UnknownCategory, checked_categories
from federation.security.roles import Role
from federation.security.tls import Identity


def today() -> dt.date:
    return dt.datetime.now(dt.timezone.utc).date()


def _categories(categories: list[str], field: str) -> list[str]:
    try:
        return checked_categories(categories)
    except UnknownCategory as exc:
        raise InvalidArgument(f"{field}: {exc}") from exc


class ConsentRegistry:
    def __init__(self, sessions: sessionmaker, audit: AuditLog) -> None:
        self._sessions = sessions
        self._audit = audit

    def grant(self, caller: Identity, enterprise: str, bank: str, purpose: str, categories: list[str],
              valid_until: str) -> ConsentRow:
        require_role(caller, "record consent", Role.OPERATOR)
        problem = uscc_error(enterprise)
        if problem is not None:
            raise InvalidArgument(f"enterprise {enterprise!r} is not a valid USCC: {problem}")
        if purpose != PURPOSE:
            raise InvalidArgument(f"purpose {purpose!r} is not allowed; the only purpose is {PURPOSE!r}")
        chosen = _categories(categories, "categories")
        try:
            until = dt.date.fromisoformat(valid_until)
        except ValueError as exc:
            raise InvalidArgument(f"valid_until {valid_until!r} is not an ISO date (YYYY-MM-DD)") from exc
        if until < today():
            raise InvalidArgument(f"valid_until {valid_until} is in the past")
        row = ConsentRow(id=str(uuid.uuid4()), enterprise=enterprise, bank=bank, purpose=purpose,
                         categories=chosen, valid_until=until, granted_by=caller.name)
        with self._audit.transaction() as session:
            party = session.get(PartyRow, bank)
            if party is None or party.role != Role.BANK.value:
                raise InvalidArgument(f"bank {bank!r} is not a registered bank")
            session.add(row)
            self._audit.record(session, caller, "consent.grant", row.id, {
                "enterprise": enterprise, "bank": bank, "purpose": purpose, "categories": chosen,
                "valid_until": until.isoformat(), "enterprises": 1})
        return row

    def revoke(self, caller: Identity, consent_id: str) -> ConsentRow:
        require_role(caller, "revoke consent", Role.OPERATOR)
        with self._audit.transaction() as session:
            row = session.get(ConsentRow, consent_id)
            if row is None:
                raise NotFound(f"consent {consent_id!r} not found")
            if row.revoked_at is not None:
                raise Conflict(f"consent {consent_id} was already revoked by {row.revoked_by}")
            row.revoked_by, row.revoked_at = caller.name, utcnow()
            self._audit.record(session, caller, "consent.revoke", row.id, {
                "enterprise": row.enterprise, "bank": row.bank, "purpose": row.purpose,
                "categories": row.categories, "enterprises": 1})
        return row

    def list(self, caller: Identity) -> list[ConsentRow]:
        """The operator sees every record, a bank the records naming it."""
        require_role(caller, "list consents", Role.OPERATOR, Role.BANK)
        query = select(ConsentRow).order_by(ConsentRow.granted_at)
        if caller.role is Role.BANK:
            query = query.where(ConsentRow.bank == caller.name)
        with self._sessions() as session:
            return list(session.scalars(query))

    def authorizes(self, enterprise: str, bank: str, categories: list[str]) -> bool:
        """Whether ``enterprise`` lets ``bank`` use every one of ``categories`` for financing
        right now: one online score's check, audited with the score it allows."""
        chosen = _categories(categories, "categories")
        with self._sessions() as session:
            rows = session.scalars(select(ConsentRow).where(
                ConsentRow.enterprise == enterprise, ConsentRow.bank == bank, ConsentRow.purpose == PURPOSE,
                ConsentRow.revoked_at.is_(None), ConsentRow.valid_until >= today()))
            return any(set(chosen) <= set(row.categories) for row in rows)

    def authorized(self, caller: Identity, job_id: str, bank: str, categories: list[str]) -> list[str]:
        """Enterprises whose standing consent lets ``bank`` use every one of ``categories`` for
        financing, for the platform running ``job_id``; the lookup is audited as a count."""
        chosen = _categories(categories, "categories")
        with self._audit.transaction() as session:
            rows = session.scalars(select(ConsentRow).where(
                ConsentRow.bank == bank, ConsentRow.purpose == PURPOSE, ConsentRow.revoked_at.is_(None),
                ConsentRow.valid_until >= today()))
            enterprises = sorted({row.enterprise for row in rows if set(chosen) <= set(row.categories)})
            self._audit.record(session, caller, "consent.lookup", job_id, {
                "bank": bank, "purpose": PURPOSE, "categories": chosen, "enterprises": len(enterprises)})
        return enterprises
