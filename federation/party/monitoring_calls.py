"""The monitoring RPCs (loans, monitored enterprises, alerts, drift reports) on a party's
connection to the coordinator, batched so that no single call grows without bound.

They ride on ``CoordinatorClient``'s stub and its retry-while-unavailable policy, so a
monitoring run rides out a coordinator restart like every other job does.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from federation.coordinator.alerts import MAX_ALERTS_PER_CALL, Submitted
from federation.monitoring.wire import alert_to_proto, loan_to_proto
from federation.party.client import CoordinatorClient
from federation.rpc import coordinator_pb2 as pb
from models.monitoring.alerts import Alert
from models.monitoring.portfolio import Loan

LOANS_PER_CALL = 10_000


@dataclass(frozen=True)
class Monitored:
    """A bank's monitored enterprises on a day, each with the categories it authorizes, and
    the categories a joint score needs."""

    enterprises: dict[str, tuple[str, ...]]
    score_categories: tuple[str, ...]


def report_loans(client: CoordinatorClient, loans: Sequence[Loan]) -> tuple[int, int]:
    """Stored loans, and the bank's loans active today after the last batch."""
    stored = active = 0
    for start in range(0, len(loans), LOANS_PER_CALL):
        request = pb.ReportLoansRequest(loans=[loan_to_proto(loan) for loan in loans[start : start + LOANS_PER_CALL]])
        reply = client._retrying(lambda: client._stub.ReportLoans(request, timeout=client._timeout))
        stored, active = stored + reply.stored, reply.active
    return stored, active


def monitored_enterprises(client: CoordinatorClient, bank: str, day: dt.date) -> Monitored:
    request = pb.ListMonitoredEnterprisesRequest(bank=bank, date=day.isoformat())
    reply = client._retrying(lambda: client._stub.ListMonitoredEnterprises(request, timeout=client._timeout))
    return Monitored({m.enterprise: tuple(m.categories) for m in reply.enterprises}, tuple(reply.score_categories))


def submit_alerts(client: CoordinatorClient, alerts: Sequence[Alert]) -> Submitted:
    """File alerts; a batch re-sent after a lost reply only adds duplicates, which are counted."""
    stored = duplicates = withheld = 0
    for start in range(0, len(alerts), MAX_ALERTS_PER_CALL):
        request = pb.SubmitAlertsRequest(alerts=[alert_to_proto(a) for a in alerts[start : start + MAX_ALERTS_PER_CALL]])
        reply = client._retrying(lambda: client._stub.SubmitAlerts(request, timeout=client._timeout))
        stored, duplicates, withheld = stored + reply.stored, duplicates + reply.duplicates, withheld + reply.withheld
    return Submitted(stored, duplicates, withheld)


def subscribe_alerts(client: CoordinatorClient) -> Iterator[pb.Alert]:
    """The bank's alert stream (cancel it to hang up); it ends with an RpcError when the
    coordinator goes away."""
    return client._stub.SubscribeAlerts(pb.SubscribeAlertsRequest())


def ack_alerts(client: CoordinatorClient, ids: Sequence[str]) -> int:
    request = pb.AckAlertsRequest(ids=list(ids))
    return client._retrying(lambda: client._stub.AckAlerts(request, timeout=client._timeout)).acknowledged


def file_report(client: CoordinatorClient, day: str, bank: str, model_id: str, report: dict[str, Any]) -> None:
    request = pb.MonitoringReport(date=day, bank=bank, model_id=model_id, report_json=json.dumps(report))
    client._retrying(lambda: client._stub.SubmitMonitoringReport(request, timeout=client._timeout))


def monitoring_reports(client: CoordinatorClient, day: str = "") -> list[dict[str, Any]]:
    request = pb.ListMonitoringReportsRequest(date=day)
    reply = client._retrying(lambda: client._stub.ListMonitoringReports(request, timeout=client._timeout))
    return [{"date": r.date, "bank": r.bank, "model_id": r.model_id, "report": json.loads(r.report_json)}
            for r in reply.reports]
