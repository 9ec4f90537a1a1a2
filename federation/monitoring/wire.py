"""Loans and alerts between their in-process form and the gRPC messages."""

from __future__ import annotations

import datetime as dt

from federation.coordinator.errors import InvalidArgument
from federation.rpc import coordinator_pb2 as pb
from models.monitoring.alerts import Alert
from models.monitoring.portfolio import Loan


def loan_to_proto(loan: Loan) -> pb.Loan:
    return pb.Loan(loan_id=loan.loan_id, enterprise=loan.enterprise, granted_on=loan.granted_on.isoformat(),
                   matures_on=loan.matures_on.isoformat(),
                   closed_on=loan.closed_on.isoformat() if loan.closed_on else "")


def loan_from_proto(index: int, message: pb.Loan) -> Loan:
    """The loan, or InvalidArgument naming ``loans[index].<field>``."""
    dates: dict[str, dt.date | None] = {}
    for field in ("granted_on", "matures_on", "closed_on"):
        text = getattr(message, field)
        if field == "closed_on" and not text:
            dates[field] = None
            continue
        try:
            dates[field] = dt.date.fromisoformat(text)
        except ValueError as exc:
            raise InvalidArgument(f"loans[{index}].{field} {text!r} is not an ISO date (YYYY-MM-DD)") from exc
    return Loan(message.loan_id, message.enterprise, dates["granted_on"], dates["matures_on"],  # type: ignore[arg-type]
                dates["closed_on"])


def alert_to_proto(alert: Alert) -> pb.Alert:
    return pb.Alert(id=alert.id, bank=alert.bank, enterprise=alert.enterprise, date=alert.date,
                    source=alert.source, rule=alert.rule, kind=alert.kind, severity=alert.severity,
                    reason=alert.reason, event_type=alert.event_type, categories=list(alert.categories),
                    sealed=alert.sealed)


def alert_from_proto(message: pb.Alert) -> Alert:
    return Alert(id=message.id, bank=message.bank, enterprise=message.enterprise, date=message.date,
                 source=message.source, rule=message.rule, kind=message.kind, severity=message.severity,
                 reason=message.reason, event_type=message.event_type, categories=tuple(message.categories),
                 sealed=message.sealed)
