"""Objections an enterprise files on the records of its data's use.

The platform must take an enterprise's objection and forward it to the provincial node
within 2 working days (seed 002 item 14). An objection is filed on one audit entry from
the enterprise's own history (it cannot object to, and so learn about, anyone else's);
it is ``open`` until the operator records it ``forwarded``, then ``resolved``. Until it
is resolved the entry is flagged: ``flags(uscc)`` is what portraits and alerts show.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from federation.coordinator.audit import AuditLog
from federation.coordinator.errors import Conflict, InvalidArgument, NotFound, require_role
from federation.coordinator.store import ObjectionRow, utcnow
from federation.governance.working_days import CHINA, forward_deadline
from federation.security.roles import Role
from federation.security.tls import Identity

OPEN, FORWARDED, RESOLVED = "open", "forwarded", "resolved"
_NEXT = {OPEN: (FORWARDED, RESOLVED), FORWARDED: (RESOLVED,), RESOLVED: ()}
_MAX_TEXT = 2000


@dataclass(frozen=True)
class ObjectionFlag:
    """What a portrait or an alert shows about an enterprise's unresolved objection."""

    objection_id: str
    audit_seq: int
    status: str
    filed_at: dt.datetime
    forward_by: dt.date
    overdue: bool

    def text(self) -> str:
        """One line for a bank's portrait of the enterprise."""
        late = ", overdue" if self.overdue else ""
        return (f"objection {self.objection_id} to audit record {self.audit_seq}, filed {self.filed_at:%Y-%m-%d}, "
                f"{self.status}, to be forwarded by {self.forward_by:%Y-%m-%d}{late}")


def overdue(row: ObjectionRow, now: dt.datetime) -> bool:
    """Still not forwarded after its deadline day has ended (China time)."""
    return row.status == OPEN and now.astimezone(CHINA).date() > row.forward_by


def _text(value: str, field: str) -> str:
    if not value.strip() or len(value) > _MAX_TEXT:
        raise InvalidArgument(f"{field} must be 1 to {_MAX_TEXT} characters")
    return value.strip()


class ObjectionRegistry:
    def __init__(self, sessions: sessionmaker, audit: AuditLog,
                 clock: Callable[[], dt.datetime] = utcnow) -> None:
        self._sessions = sessions
        self._audit = audit
        self._clock = clock

    def file(self, caller: Identity, audit_seq: int, reason: str, own_entries: set[int]) -> ObjectionRow:
        """``own_entries`` are the sequence numbers of the caller's history: an entry outside it
        is NOT_FOUND, so objecting cannot probe the log."""
        require_role(caller, "file an objection", Role.ENTERPRISE)
        if audit_seq not in own_entries:
            raise NotFound(f"audit record {audit_seq} is not in {caller.name}'s history")
        now = self._clock()
        row = ObjectionRow(id=str(uuid.uuid4()), enterprise=caller.name, audit_seq=audit_seq,
                           reason=_text(reason, "reason"), status=OPEN, filed_at=now,
                           forward_by=forward_deadline(now))
        with self._audit.transaction() as session:
            session.add(row)
            self._audit.record(session, caller, "objection.file", row.id, {
                "enterprise": caller.name, "audit_seq": audit_seq, "forward_by": row.forward_by.isoformat(),
                "enterprises": 1})
        return row

    def update(self, caller: Identity, objection_id: str, status: str, note: str) -> ObjectionRow:
        require_role(caller, "update an objection", Role.OPERATOR)
        with self._audit.transaction() as session:
            row = session.get(ObjectionRow, objection_id)
            if row is None:
                raise NotFound(f"objection {objection_id!r} not found")
            if status not in _NEXT[row.status]:
                allowed = ", ".join(_NEXT[row.status]) or "nothing (it is resolved)"
                raise Conflict(f"objection {objection_id} is {row.status}; it can become {allowed}, not {status!r}")
            row.status, row.note, row.updated_by, row.updated_at = status, note[:_MAX_TEXT], caller.name, self._clock()
            self._audit.record(session, caller, "objection.update", row.id, {
                "enterprise": row.enterprise, "audit_seq": row.audit_seq, "status": status,
                "overdue": row.updated_at.astimezone(CHINA).date() > row.forward_by, "enterprises": 1})
        return row

    def list(self, caller: Identity) -> list[ObjectionRow]:
        """The operator sees every objection, an enterprise its own."""
        require_role(caller, "list objections", Role.OPERATOR, Role.ENTERPRISE)
        query = select(ObjectionRow).order_by(ObjectionRow.filed_at)
        if caller.role is Role.ENTERPRISE:
            query = query.where(ObjectionRow.enterprise == caller.name)
        with self._sessions() as session:
            return list(session.scalars(query))

    def flags(self, enterprise: str) -> list[ObjectionFlag]:
        """Unresolved objections of ``enterprise``, for portraits and alerts to show."""
        return self.flags_of({enterprise}).get(enterprise, [])

    def flags_of(self, enterprises: set[str]) -> dict[str, list[ObjectionFlag]]:
        """The unresolved objections of many enterprises in one query, keyed by those that have any."""
        now = self._clock()
        found: dict[str, list[ObjectionFlag]] = {}
        with self._sessions() as session:
            rows = session.scalars(select(ObjectionRow).where(
                ObjectionRow.enterprise.in_(sorted(enterprises)), ObjectionRow.status != RESOLVED)
                .order_by(ObjectionRow.filed_at))
            for row in rows:
                found.setdefault(row.enterprise, []).append(
                    ObjectionFlag(row.id, row.audit_seq, row.status, row.filed_at, row.forward_by, overdue(row, now)))
        return found

    def is_overdue(self, row: ObjectionRow) -> bool:
        return overdue(row, self._clock())
