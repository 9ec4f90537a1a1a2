"""The coordinator's alert store: alerts wait here until their bank acknowledges them.

Alerts arrive from the platform (adverse events) and from a bank's monitoring job (its
own score alerts, sealed so that only the bank reads rule, severity and reason). Each
is stored once per id, so a repeated or resumed run adds nothing. An alert on an
enterprise its bank does not monitor is withheld at submission, and every delivery
checks again (a consent revoked after the run stops the alert from leaving). A bank's
subscription sends its unacknowledged alerts and then each new one; what was sent but
not acknowledged is sent again on the next subscription: at least once, with the
bank's inbox de-duplicating by id. Each alert leaves with the enterprise's unresolved
objections as they stand at delivery (seed 002: a disputed record is flagged until the
objection is resolved), so they are never stored with it.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import select

from federation.coordinator.audit import AuditLog
from federation.coordinator.errors import InvalidArgument, PermissionDenied, require_role
from federation.coordinator.objections import ObjectionRegistry
from federation.coordinator.portfolio import PortfolioRegistry, parse_day
from federation.coordinator.store import AlertRow, MonitoringReportRow, PartyRow, utcnow
from federation.data.uscc import uscc_error
from federation.security.roles import Role
from federation.security.tls import Identity
from models.monitoring.alerts import EVENT, SCORE, Alert
from models.monitoring.events import EVENT_CATEGORIES
from models.monitoring.rules import SEVERITIES

MAX_ALERTS_PER_CALL = 10_000
MAX_SEALED_BYTES = 4096
_ID = re.compile(r"^[0-9a-f]{64}\Z")
_DELIVERY_BATCH = 1000


@dataclass(frozen=True)
class Submitted:
    stored: int
    duplicates: int
    withheld: int


def _check(index: int, alert: Alert, caller: Identity) -> None:
    """Refuse a malformed alert naming it (``alerts[3].severity``); a bank may file only its own
    sealed score alerts, the platform only readable event alerts."""
    where = f"alerts[{index}]"
    if alert.objections:
        raise InvalidArgument(f"{where}.objections: the coordinator adds them on delivery")
    if not _ID.match(alert.id):
        raise InvalidArgument(f"{where}.id must be 64 lowercase hex characters")
    problem = uscc_error(alert.enterprise)
    if problem is not None:
        raise InvalidArgument(f"{where}.enterprise {alert.enterprise!r} is not a valid USCC: {problem}")
    parse_day(alert.date, f"{where}.date")
    if caller.role is Role.BANK:
        if alert.bank != caller.name:
            raise PermissionDenied(f"{caller.name} cannot file alerts for {alert.bank!r}")
        if alert.source != SCORE or not alert.sealed or alert.rule or alert.kind or alert.severity or alert.reason:
            raise InvalidArgument(f"{where}: a bank files score alerts with rule, kind, severity and reason "
                                  f"sealed, and nothing of them in the clear")
        if len(alert.sealed) > MAX_SEALED_BYTES:
            raise InvalidArgument(f"{where}.sealed is longer than {MAX_SEALED_BYTES} bytes")
        return
    if alert.source != EVENT or alert.sealed:
        raise InvalidArgument(f"{where}.source: the platform files event alerts, in the clear")
    if alert.event_type not in EVENT_CATEGORIES:
        raise InvalidArgument(f"{where}.event_type {alert.event_type!r} is not one of {', '.join(EVENT_CATEGORIES)}")
    if list(alert.categories) != [EVENT_CATEGORIES[alert.event_type]]:
        raise InvalidArgument(f"{where}.categories must be [{EVENT_CATEGORIES[alert.event_type]!r}] for "
                              f"{alert.event_type}")
    if alert.severity not in SEVERITIES:
        raise InvalidArgument(f"{where}.severity {alert.severity!r} is not one of {', '.join(SEVERITIES)}")
    if not (alert.rule and alert.kind and alert.reason):
        raise InvalidArgument(f"{where}: rule, kind and reason must be set")


def _to_row(alert: Alert) -> AlertRow:
    return AlertRow(id=alert.id, bank=alert.bank, enterprise=alert.enterprise, run_date=alert.date,
                    source=alert.source, rule=alert.rule, kind=alert.kind, severity=alert.severity,
                    reason=alert.reason, event_type=alert.event_type, categories=list(alert.categories),
                    sealed=alert.sealed)


def stored_alert(row: AlertRow) -> Alert:
    return Alert(id=row.id, bank=row.bank, enterprise=row.enterprise, date=row.run_date, source=row.source,
                 rule=row.rule, kind=row.kind, severity=row.severity, reason=row.reason, event_type=row.event_type,
                 categories=tuple(row.categories), sealed=row.sealed)


class AlertBox:
    def __init__(self, sessions: Any, audit: AuditLog, portfolio: PortfolioRegistry,
                 objections: ObjectionRegistry) -> None:
        self._sessions = sessions
        self._audit = audit
        self._portfolio = portfolio
        self._objections = objections
        self._changed = threading.Condition()
        self._version = 0

    def submit(self, caller: Identity, alerts: Sequence[Alert]) -> Submitted:
        require_role(caller, "file alerts", Role.PLATFORM, Role.BANK)
        if len(alerts) > MAX_ALERTS_PER_CALL:
            raise InvalidArgument(f"alerts: at most {MAX_ALERTS_PER_CALL} per call, got {len(alerts)}")
        for index, alert in enumerate(alerts):
            _check(index, alert, caller)
        if caller.role is Role.BANK:
            categories = tuple(self._portfolio.score_categories())
            alerts = [replace(alert, categories=categories) for alert in alerts]
        stored = duplicates = withheld = 0
        for bank in sorted({alert.bank for alert in alerts}):
            mine = [alert for alert in alerts if alert.bank == bank]
            ok = self._portfolio.eligible(bank, [(a.enterprise, dt.date.fromisoformat(a.date), a.categories)
                                                 for a in mine])
            with self._audit.transaction() as session:
                party = session.get(PartyRow, bank)
                if party is None or party.role != Role.BANK.value:
                    raise InvalidArgument(f"alerts name {bank!r}, which is not a registered bank")
                kept = [alert for alert, eligible in zip(mine, ok) if eligible]
                existing = set(session.scalars(select(AlertRow.id).where(AlertRow.id.in_([a.id for a in kept]))))
                fresh = list({a.id: a for a in kept if a.id not in existing}.values())
                session.add_all(_to_row(alert) for alert in fresh)
                self._audit.record(session, caller, "alerts.submit", bank, {
                    "bank": bank, "source": SCORE if caller.role is Role.BANK else EVENT,
                    "enterprises": len(fresh), "duplicates": len(kept) - len(fresh),
                    "withheld": len(mine) - len(kept)})
            stored += len(fresh)
            duplicates += len(kept) - len(fresh)
            withheld += len(mine) - len(kept)
        if stored:
            with self._changed:
                self._version += 1
                self._changed.notify_all()
        return Submitted(stored, duplicates, withheld)

    def pending(self, caller: Identity, sent: set[str]) -> list[Alert]:
        """The caller's unacknowledged alerts not in ``sent``, oldest first, each checked again
        against its loan and current consent (one that fails stays stored, undelivered), with
        its enterprise's unresolved objections. ``sent`` is pruned here to the ids still
        unacknowledged: a subscription lasts months, and what it remembers must stay bounded
        by the alerts in flight, not grow with every alert it ever sent."""
        require_role(caller, "receive alerts", Role.BANK)
        with self._sessions() as session:
            unacked = list(session.scalars(
                select(AlertRow).where(AlertRow.bank == caller.name, AlertRow.acked_at.is_(None))
                .order_by(AlertRow.created_at, AlertRow.id)))
        sent.intersection_update({row.id for row in unacked})
        rows = [row for row in unacked if row.id not in sent]
        ok = self._portfolio.eligible(caller.name, [(row.enterprise, dt.date.fromisoformat(row.run_date),
                                                     row.categories) for row in rows])
        due = [stored_alert(row) for row, eligible in zip(rows, ok) if eligible][:_DELIVERY_BATCH]
        flags = self._objections.flags_of({alert.enterprise for alert in due})
        return [replace(alert, objections=tuple(flag.text() for flag in flags.get(alert.enterprise, [])))
                for alert in due]

    def ack(self, caller: Identity, ids: Sequence[str]) -> int:
        """Mark the caller's own alerts delivered; other ids are ignored (they are not its own)."""
        require_role(caller, "acknowledge alerts", Role.BANK)
        with self._audit.transaction() as session:
            rows = list(session.scalars(select(AlertRow).where(
                AlertRow.id.in_(list(ids)), AlertRow.bank == caller.name, AlertRow.acked_at.is_(None))))
            now = utcnow()
            for row in rows:
                row.acked_at = now
            if rows:
                self._audit.record(session, caller, "alerts.ack", caller.name, {"enterprises": len(rows)})
        return len(rows)

    def stream(self, caller: Identity, is_active: Callable[[], bool], heartbeat: float) -> Iterator[Alert]:
        """A subscription: pending alerts, then new ones as they are filed, while ``is_active``.
        Every ``heartbeat`` seconds the pending ones are looked at again, so an alert held back
        by a missing consent flows once the consent is granted."""
        sent: set[str] = set()
        while is_active():
            with self._changed:
                seen = self._version
            batch = self.pending(caller, sent)
            for alert in batch:
                sent.add(alert.id)
                yield alert
            if not batch:
                with self._changed:
                    self._changed.wait_for(lambda: self._version != seen or not is_active(), timeout=heartbeat)

    def wake_subscribers(self) -> None:
        """Called when a subscription's call ends, so its server thread returns at once, not at
        its next heartbeat."""
        with self._changed:
            self._changed.notify_all()

    # drift reports -----------------------------------------------------------------
    def file_report(self, caller: Identity, day: str, bank: str, model_id: str, report: dict[str, Any]
                    ) -> MonitoringReportRow:
        require_role(caller, "file monitoring reports", Role.PLATFORM)
        day = parse_day(day, "date").isoformat()  # stored as the date filter reads it
        with self._audit.transaction() as session:
            party = session.get(PartyRow, bank)
            if party is None or party.role != Role.BANK.value:
                raise InvalidArgument(f"bank {bank!r} is not a registered bank")
            row = session.merge(MonitoringReportRow(run_date=day, bank=bank, model_id=model_id, report=report,
                                                    updated_at=utcnow()))
            self._audit.record(session, caller, "monitoring.report", f"{day}/{bank}",
                               {"bank": bank, "date": day, "model": model_id})
        return row

    def reports(self, caller: Identity, day: str) -> list[MonitoringReportRow]:
        """Regulator, operator and platform read every report; a bank its own (the drift
        section of its model's card)."""
        require_role(caller, "read monitoring reports", Role.REGULATOR, Role.OPERATOR, Role.PLATFORM, Role.BANK)
        query = select(MonitoringReportRow).order_by(MonitoringReportRow.run_date, MonitoringReportRow.bank)
        if caller.role is Role.BANK:
            query = query.where(MonitoringReportRow.bank == caller.name)
        if day:
            query = query.where(MonitoringReportRow.run_date == parse_day(day, "date").isoformat())
        with self._sessions() as session:
            return list(session.scalars(query))
