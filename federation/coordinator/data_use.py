"""The coordinator's index of which enterprises each recorded use touched, by keyed tag.

The platform reports, for every job that used its rows, the tags of those enterprises
(``federation.governance.data_use``); the coordinator writes one ``data.use`` audit entry
per batch (who, job kind, purpose, basis, categories, how many, and the SHA-256 of the
sorted tags, so an edited index no longer matches the chained entry) and keeps the tags in
``data_use`` beside it. Online scores, whose applicant the coordinator sees, are tagged
under the coordinator's own key. An enterprise's history is every entry carrying one of
its tags, plus the consent and objection entries that name it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from federation.coordinator.audit import AuditLog
from federation.coordinator.errors import Conflict, InvalidArgument, NotFound, require_role
from federation.coordinator.jobs import State
from federation.coordinator.store import AuditRow, DataUseRow, JobRow
from federation.governance.categories import PURPOSE, UnknownCategory, checked_categories
from federation.governance.data_use import MAX_TAGS_PER_BATCH, IndexKey, unpack_tags
from federation.security.roles import Role
from federation.security.tls import Identity

ACTION = "data.use"
# Actions whose details name the enterprise (its own consent records and objections).
NAMED_ACTIONS = ("consent.grant", "consent.revoke", "objection.file", "objection.update")


def _bank_of(job: JobRow) -> str:
    """The bank a job serves: its initiator, or for a job the platform starts (nightly
    monitoring) its bank participant."""
    banks = [p.party for p in sorted(job.participants, key=lambda p: p.position) if p.role == Role.BANK.value]
    return job.initiator if not banks or job.initiator in banks else banks[0]


@dataclass(frozen=True)
class HistoryEntry:
    """One audit entry about an enterprise's data, as the enterprise sees it."""

    seq: int
    at: str
    actor: str
    action: str
    subject: str
    details: dict[str, Any]
    objection_ids: list[str] = field(default_factory=list)


def tags_digest(tags: list[bytes]) -> str:
    return hashlib.sha256(b"".join(sorted(tags))).hexdigest()


class DataUseIndex:
    def __init__(self, sessions: sessionmaker, audit: AuditLog, key: IndexKey) -> None:
        self._sessions = sessions
        self._audit = audit
        self._key = key

    def record(self, caller: Identity, job_id: str, batch: int, blob: bytes, categories: list[str]) -> int:
        """Index one batch of a job's tags; a replayed batch (a restarted platform) is a no-op."""
        require_role(caller, "record data use", Role.PLATFORM)
        try:
            tags = unpack_tags(blob)
            chosen = checked_categories(categories) if categories else []
        except (ValueError, UnknownCategory) as exc:
            raise InvalidArgument(str(exc)) from exc
        if len(tags) > MAX_TAGS_PER_BATCH or len(set(tags)) != len(tags):
            raise InvalidArgument(f"a batch holds at most {MAX_TAGS_PER_BATCH} distinct tags, got {len(tags)}")
        digest = tags_digest(tags)
        with self._audit.transaction() as session:
            job = session.get(JobRow, job_id)
            if job is None or caller.name not in {p.party for p in job.participants}:
                raise NotFound(f"job {job_id!r} not found for {caller.name}")
            if State(job.state).terminal:
                raise Conflict(f"job {job_id} is {job.state}; data use is recorded while it runs")
            earlier = self._batch_entry(session, job_id, batch)
            if earlier is not None:
                if earlier.details.get("index_sha256") != digest:
                    raise Conflict(f"batch {batch} of job {job_id} was recorded with other enterprises")
                return earlier.seq
            details = {"kind": job.kind, "bank": _bank_of(job), "purpose": job.params.get("purpose", PURPOSE),
                       "categories": chosen, "enterprises": len(tags), "batch": batch, "index_sha256": digest}
            if "legal_basis" in job.params:
                details["legal_basis"] = job.params["legal_basis"]
            entry = self._audit.record(session, caller, ACTION, job_id, details)
            session.add_all(DataUseRow(seq=entry.seq, tag=tag.hex()) for tag in tags)
            return entry.seq

    @staticmethod
    def _batch_entry(session: Session, job_id: str, batch: int) -> AuditRow | None:
        rows = session.scalars(select(AuditRow).where(AuditRow.action == ACTION, AuditRow.subject == job_id))
        return next((row for row in rows if row.details.get("batch") == batch), None)

    def index_entry(self, session: Session, seq: int, enterprise: str) -> None:
        """Tag an entry the coordinator wrote about an enterprise it saw (an online score)."""
        session.add(DataUseRow(seq=seq, tag=self._key.tag(enterprise).hex()))

    def history(self, enterprise: str, platform_tag: bytes | None) -> list[HistoryEntry]:
        """Every entry about ``enterprise``: tagged uses (under the platform's tag from its
        certificate, and the coordinator's own), and the consent and objection entries naming it."""
        tags = [self._key.tag(enterprise).hex()] + ([platform_tag.hex()] if platform_tag else [])
        with self._sessions() as session:
            tagged = set(session.scalars(select(DataUseRow.seq).where(DataUseRow.tag.in_(tags))))
            rows = session.scalars(select(AuditRow).where(
                AuditRow.seq.in_(tagged) | AuditRow.action.in_(NAMED_ACTIONS)).order_by(AuditRow.seq))
            return [HistoryEntry(row.seq, row.at, row.actor, row.action, row.subject, dict(row.details))
                    for row in rows if row.seq in tagged or row.details.get("enterprise") == enterprise]

    def tags_of(self, session: Session, seqs: list[int]) -> dict[int, set[str]]:
        """The tags of each entry, for usage counts (distinct enterprises per group)."""
        found: dict[int, set[str]] = {}
        for seq, tag in session.execute(select(DataUseRow.seq, DataUseRow.tag).where(DataUseRow.seq.in_(seqs))):
            found.setdefault(seq, set()).add(tag)
        return found
