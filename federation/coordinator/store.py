"""The coordinator's durable registries: parties, jobs, messages, models, consents, audit log.

Everything the coordinator knows lives here, so a restarted coordinator carries on
where it stopped. Only metadata is stored: message payloads are ciphertexts or
blinded points, kept as files beside the database and referenced by path.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON, Date, DateTime, ForeignKey, Integer, LargeBinary, String, Text, UniqueConstraint, create_engine, event,
)
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship, sessionmaker


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


class Base(DeclarativeBase):
    type_annotation_map = {dt.datetime: DateTime(timezone=True), dict[str, Any]: JSON}


class PartyRow(Base):
    __tablename__ = "parties"

    name: Mapped[str] = mapped_column(String(63), primary_key=True)
    role: Mapped[str] = mapped_column(String(16))
    certificate_sha256: Mapped[str] = mapped_column(String(64))
    labels: Mapped[dict[str, Any]] = mapped_column(default=dict)
    registered_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_seen: Mapped[dt.datetime] = mapped_column(default=utcnow)


class JobRow(Base):
    __tablename__ = "jobs"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    initiator: Mapped[str] = mapped_column(String(63))
    state: Mapped[str] = mapped_column(String(16), index=True)
    params: Mapped[dict[str, Any]] = mapped_column(default=dict)
    error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    participants: Mapped[list["ParticipantRow"]] = relationship(
        back_populates="job", cascade="all, delete-orphan", order_by="ParticipantRow.position", lazy="selectin"
    )


class ParticipantRow(Base):
    __tablename__ = "participants"

    job_id: Mapped[str] = mapped_column(ForeignKey("jobs.id"), primary_key=True)
    party: Mapped[str] = mapped_column(String(63), primary_key=True, index=True)
    position: Mapped[int] = mapped_column(Integer)
    role: Mapped[str] = mapped_column(String(16))
    state: Mapped[str] = mapped_column(String(16))
    detail: Mapped[str] = mapped_column(Text, default="")
    result: Mapped[dict[str, Any]] = mapped_column(default=dict)
    job: Mapped[JobRow] = relationship(back_populates="participants")


class MessageRow(Base):
    __tablename__ = "messages"
    __table_args__ = (UniqueConstraint("job_id", "sender", "recipient", "tag"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    job_id: Mapped[str] = mapped_column(ForeignKey("jobs.id"), index=True)
    sender: Mapped[str] = mapped_column(String(63))
    recipient: Mapped[str] = mapped_column(String(63))
    tag: Mapped[str] = mapped_column(String(128))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class ModelRow(Base):
    """A trained model in the registry: metadata only, the parts stay with their holders."""

    __tablename__ = "models"
    __table_args__ = (UniqueConstraint("owner", "kind", "version"),)

    id: Mapped[str] = mapped_column(ForeignKey("jobs.id"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    owner: Mapped[str] = mapped_column(String(63), index=True)
    version: Mapped[int] = mapped_column(Integer)
    params: Mapped[dict[str, Any]] = mapped_column(default=dict)
    metrics: Mapped[dict[str, Any]] = mapped_column(default=dict)
    protocol: Mapped[dict[str, Any]] = mapped_column(default=dict)
    parts: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class DataUseRow(Base):
    """One enterprise a job used, as its keyed tag (``federation.governance.data_use``), beside
    the audit entry recording the use; an enterprise's self-query looks its tag up here."""

    __tablename__ = "data_use"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    seq: Mapped[int] = mapped_column(ForeignKey("audit_log.seq"), index=True)
    tag: Mapped[str] = mapped_column(String(32), index=True)


class ObjectionRow(Base):
    """An enterprise's objection to one audit record: flagged until resolved."""

    __tablename__ = "objections"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    enterprise: Mapped[str] = mapped_column(String(18), index=True)
    audit_seq: Mapped[int] = mapped_column(ForeignKey("audit_log.seq"))
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), index=True)
    filed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    forward_by: Mapped[dt.date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")
    updated_by: Mapped[str] = mapped_column(String(63), default="")
    updated_at: Mapped[dt.datetime | None] = mapped_column(default=None)


class ModelCardRow(Base):
    """The card a model's owner published (JSON text, validated against the card schema)."""

    __tablename__ = "model_cards"

    model_id: Mapped[str] = mapped_column(ForeignKey("models.id"), primary_key=True)
    card: Mapped[str] = mapped_column(Text)
    published_by: Mapped[str] = mapped_column(String(63))
    published_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class DisclosureRow(Base):
    """A model part's details sealed by its holder to one regulator; opaque to the coordinator."""

    __tablename__ = "disclosures"

    model_id: Mapped[str] = mapped_column(ForeignKey("models.id"), primary_key=True)
    sender: Mapped[str] = mapped_column(String(63), primary_key=True)
    recipient: Mapped[str] = mapped_column(String(63), primary_key=True)
    what: Mapped[str] = mapped_column(String(63), primary_key=True)
    recipient_sha256: Mapped[str] = mapped_column(String(64))
    sealed: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class ApprovalRow(Base):
    """A model-risk reviewer's decision on a model, shown in its card."""

    __tablename__ = "model_approvals"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    model_id: Mapped[str] = mapped_column(ForeignKey("models.id"), index=True)
    reviewer: Mapped[str] = mapped_column(String(63))
    decision: Mapped[str] = mapped_column(String(16))
    note: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class ConsentRow(Base):
    """An enterprise's authorization of one bank, for financing, for some data categories.

    Revocation stamps the row instead of deleting it: the record of what was allowed
    when is itself governance data.
    """

    __tablename__ = "consents"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    enterprise: Mapped[str] = mapped_column(String(18), index=True)
    bank: Mapped[str] = mapped_column(String(63), index=True)
    purpose: Mapped[str] = mapped_column(String(32))
    categories: Mapped[list[str]] = mapped_column(JSON)
    valid_until: Mapped[dt.date] = mapped_column(Date)
    granted_by: Mapped[str] = mapped_column(String(63))
    granted_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    revoked_by: Mapped[str] = mapped_column(String(63), default="")
    revoked_at: Mapped[dt.datetime | None] = mapped_column(default=None)


class AuditRow(Base):
    """One entry of the hash-chained audit log (see ``federation.coordinator.audit``).

    ``at`` is kept as the exact ISO text that was hashed, since databases differ in
    how they round-trip time zones.
    """

    __tablename__ = "audit_log"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[str] = mapped_column(String(40))
    actor: Mapped[str] = mapped_column(String(63))
    role: Mapped[str] = mapped_column(String(16))
    action: Mapped[str] = mapped_column(String(32), index=True)
    subject: Mapped[str] = mapped_column(String(64))
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)
    prev_sha256: Mapped[str] = mapped_column(String(64))
    sha256: Mapped[str] = mapped_column(String(64))


class LoanRow(Base):
    """A loan a bank granted through the platform, as the bank reported it (monitoring)."""

    __tablename__ = "loans"

    bank: Mapped[str] = mapped_column(String(63), primary_key=True)
    loan_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    enterprise: Mapped[str] = mapped_column(String(18), index=True)
    granted_on: Mapped[dt.date] = mapped_column(Date)
    matures_on: Mapped[dt.date] = mapped_column(Date)
    closed_on: Mapped[dt.date | None] = mapped_column(Date, default=None)
    reported_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class AlertRow(Base):
    """A monitoring alert waiting for, or acknowledged by, its bank; ``sealed`` holds a
    score alert's rule, severity and reason, readable by the bank only."""

    __tablename__ = "alerts"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    bank: Mapped[str] = mapped_column(String(63), index=True)
    enterprise: Mapped[str] = mapped_column(String(18))
    run_date: Mapped[str] = mapped_column(String(10), index=True)
    source: Mapped[str] = mapped_column(String(8))
    rule: Mapped[str] = mapped_column(String(64), default="")
    kind: Mapped[str] = mapped_column(String(32), default="")
    severity: Mapped[str] = mapped_column(String(16), default="")
    reason: Mapped[str] = mapped_column(Text, default="")
    event_type: Mapped[str] = mapped_column(String(32), default="")
    categories: Mapped[list[str]] = mapped_column(JSON, default=list)
    sealed: Mapped[bytes] = mapped_column(LargeBinary, default=b"")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    acked_at: Mapped[dt.datetime | None] = mapped_column(default=None)


class MonitoringReportRow(Base):
    """A monitoring run's drift report for one bank's model, as the platform filed it."""

    __tablename__ = "monitoring_reports"

    run_date: Mapped[str] = mapped_column(String(10), primary_key=True)
    bank: Mapped[str] = mapped_column(String(63), primary_key=True)
    model_id: Mapped[str] = mapped_column(String(36), default="")
    report: Mapped[dict[str, Any]] = mapped_column(default=dict)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def open_database(url: str) -> sessionmaker:
    """Create the tables if needed and return a session factory for ``url``."""
    engine: Engine = create_engine(url, pool_pre_ping=True)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    Base.metadata.create_all(engine)
    return sessionmaker(engine, expire_on_commit=False)
