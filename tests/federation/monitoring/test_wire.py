"""Alerts survive the trip through their gRPC message, objection flags included."""

from __future__ import annotations

from federation.monitoring.wire import alert_from_proto, alert_to_proto
from models.monitoring.alerts import SCORE, Alert


def test_an_alert_comes_back_from_its_message_unchanged() -> None:
    alert = Alert(id="c" * 64, bank="bank_a", enterprise="91320706MA1MXXXX0X", date="2026-10-02", source=SCORE,
                  categories=("tax", "social_insurance"), sealed=b"\x00sealed body",
                  objections=("objection o1 to audit record 7, open", "objection o2 to audit record 9, forwarded"))
    assert alert_from_proto(alert_to_proto(alert)) == alert
