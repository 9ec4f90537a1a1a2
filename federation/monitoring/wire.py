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


def _day(index: int, field: str, text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise InvalidArgument(f"loans[{index}].{field} {text!r} is not an ISO date (YYYY-MM-DD)") from exc


def loan_from_proto(index: int, message: pb.Loan) -> Loan:
    """The loan, or InvalidArgument naming ``loans[index].<field>``."""
    closed = _day(index, "closed_on", message.closed_on) if message.closed_on else None
    return Loan(message.loan_id, message.enterprise, _day(index, "granted_on", message.granted_on),
                _day(index, "matures_on", message.matures_on), closed)


def alert_to_proto(alert: Alert) -> pb.Alert:
    return pb.Alert(id=alert.id, bank=alert.bank, enterprise=alert.enterprise, date=alert.date,
                    source=alert.source, rule=alert.rule, kind=alert.kind, severity=alert.severity,
                    reason=alert.reason, event_type=alert.event_type, categories=list(alert.categories),
                    sealed=alert.sealed, objections=list(alert.objections))


def alert_from_proto(message: pb.Alert) -> Alert:
    return Alert(id=message.id, bank=message.bank, enterprise=message.enterprise, date=message.date,
                 source=message.source, rule=message.rule, kind=message.kind, severity=message.severity,
                 reason=message.reason, event_type=message.event_type, categories=tuple(message.categories),
                 sealed=message.sealed, objections=tuple(message.objections))
