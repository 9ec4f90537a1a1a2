"""The audit log: append-only and hash-chained, so an edited or deleted entry shows.

Each entry holds the SHA-256 of the previous entry's canonical bytes (sorted-key JSON
of every field but its own digest), and its own digest. Changing any field of an entry
breaks its digest; recomputing that digest breaks the next entry's link; deleting an
entry leaves a gap in the sequence numbers and a broken link. Deleting entries from
the end leaves a shorter but consistent chain, which only a head digest noted earlier
(``AuditSummary`` and ``fedcredit audit verify`` print it) can expose.

Entries say who did what, for which purpose and how many enterprises were involved:
counts only, never enterprise ids, except in the consent records an enterprise's own
authorization is about.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session, sessionmaker

from federation.coordinator.store import AuditRow
from federation.security.tls import Identity

GENESIS = "0" * 64


def canonical_bytes(row: AuditRow) -> bytes:
    """What an entry's digest covers: every field but the digest itself."""
    fields = {"seq": row.seq, "at": row.at, "actor": row.actor, "role": row.role, "action": row.action,
              "subject": row.subject, "details": row.details, "prev_sha256": row.prev_sha256}
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def digest(row: AuditRow) -> str:
    return hashlib.sha256(canonical_bytes(row)).hexdigest()


class AuditLog:
    """Appends entries inside the transaction of the change they record, one at a time."""

    def __init__(self, sessions: sessionmaker) -> None:
        self._sessions = sessions
        self._lock = threading.Lock()

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A transaction whose audit entries are chained in order: appends are serialized."""
        with self._lock, self._sessions.begin() as session:
            yield session

    @staticmethod
    def record(session: Session, caller: Identity, action: str, subject: str, details: dict[str, Any]) -> AuditRow:
        last = session.scalars(select(AuditRow).order_by(AuditRow.seq.desc()).limit(1)).first()
        row = AuditRow(seq=1 if last is None else last.seq + 1,
                       at=dt.datetime.now(dt.timezone.utc).isoformat(timespec="microseconds"),
                       actor=caller.name, role=caller.role.value, action=action, subject=subject,
                       details=details, prev_sha256=GENESIS if last is None else last.sha256)
        row.sha256 = digest(row)
        session.add(row)
        session.flush()
        return row

    def summary(self) -> "AuditSummary":
        with self._sessions() as session:
            return AuditSummary.of(session.scalars(select(AuditRow).order_by(AuditRow.seq)))


@dataclass
class AuditSummary:
    """Counts over the log for regulators and data-providing departments: no ids."""

    entries: int = 0
    head_sha256: str = GENESIS
    by_action: Counter[str] = field(default_factory=Counter)
    by_party: Counter[str] = field(default_factory=Counter)
    by_category: Counter[str] = field(default_factory=Counter)
    enterprises_by_action: Counter[str] = field(default_factory=Counter)

    @classmethod
    def of(cls, rows: Iterator[AuditRow] | Any) -> "AuditSummary":
        summary = cls()
        for row in rows:
            summary.entries += 1
            summary.head_sha256 = row.sha256
            summary.by_action[row.action] += 1
            summary.by_party[row.actor] += 1
            for category in row.details.get("categories", []):
                summary.by_category[category] += 1
            if isinstance(row.details.get("enterprises"), int):
                summary.enterprises_by_action[row.action] += row.details["enterprises"]
        return summary


@dataclass(frozen=True)
class Verdict:
    """The outcome of checking a chain: ``first_bad`` is the sequence number to look at."""

    ok: bool
    entries: int
    head_sha256: str
    first_bad: int | None = None
    problem: str = ""


def verify_rows(rows: Iterator[AuditRow] | Any, expect_head: str | None = None) -> Verdict:
    """Walk the chain from the first entry; stop at the first that does not hold."""
    previous, expected_seq, count, seen_head = GENESIS, 1, 0, expect_head is None
    for row in rows:
        if row.seq != expected_seq:
            return Verdict(False, count, previous, expected_seq,
                           f"entry {expected_seq} is missing: the next entry is {row.seq}")
        if row.prev_sha256 != previous:
            return Verdict(False, count, previous, row.seq,
                           f"entry {row.seq} does not link to entry {row.seq - 1}: "
                           f"one of them was edited or an entry between them deleted")
        if digest(row) != row.sha256:
            return Verdict(False, count, previous, row.seq,
                           f"entry {row.seq} ({row.action} by {row.actor}) was edited: "
                           f"its content does not match its SHA-256")
        previous, expected_seq, count = row.sha256, expected_seq + 1, count + 1
        seen_head = seen_head or row.sha256 == expect_head
    if not seen_head:
        return Verdict(False, count, previous, expected_seq,
                       f"the chain does not contain the head {expect_head}: entries were removed from its end")
    return Verdict(True, count, previous)


def verify_database(url: str, expect_head: str | None = None) -> Verdict:
    """Check a copy of the coordinator's database as an auditor would: read-only, no coordinator."""
    engine = create_engine(url)
    try:
        with Session(engine) as session:
            return verify_rows(session.scalars(select(AuditRow).order_by(AuditRow.seq)), expect_head)
    finally:
        engine.dispose()
