"""The bank's alert inbox: one row per alert id, objection flags kept, older inboxes still open."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from federation.party.alert_subscriber import AlertInbox, alert_line
from models.monitoring.alerts import EVENT, Alert

ALERT = Alert(id="a" * 64, bank="bank_a", enterprise="91320706MA1MXXXX0X", date="2026-10-02", source=EVENT,
              rule="arrears", kind="adverse_event", severity="warning", reason="tax arrears",
              event_type="tax_arrears", categories=("tax",),
              objections=("objection o1 to audit record 7, filed 2026-10-01, open, to be forwarded by 2026-10-05",))


def test_an_alert_is_stored_once_with_its_objections(tmp_path: Path) -> None:
    inbox = AlertInbox(tmp_path / "alerts.db")
    assert inbox.add(ALERT) is True
    assert inbox.add(ALERT) is False
    (row,) = inbox.alerts()
    assert row["objections"] == list(ALERT.objections)
    assert row["categories"] == "tax"


def test_an_inbox_made_before_objections_existed_opens_and_keeps_its_alerts(tmp_path: Path) -> None:
    path = tmp_path / "alerts.db"
    old_fields = ("id", "bank", "enterprise", "date", "source", "rule", "kind", "severity", "reason", "event_type",
                  "categories", "received_at")
    with sqlite3.connect(path) as db:
        db.execute(f"CREATE TABLE alerts ({', '.join(f + ' TEXT' for f in old_fields)}, PRIMARY KEY (id))")
        db.execute(f"INSERT INTO alerts VALUES ({', '.join('?' * len(old_fields))})",
                   ["b" * 64, "bank_a", ALERT.enterprise, "2026-10-01", EVENT, "arrears", "adverse_event", "warning",
                    "tax arrears", "tax_arrears", "tax", "2026-10-01T00:00:00+00:00"])
    inbox = AlertInbox(path)
    assert inbox.add(ALERT) is True
    assert [(row["id"][0], row["objections"]) for row in inbox.alerts()] == [("b", []), ("a", list(ALERT.objections))]


def test_the_operators_line_shows_the_objections() -> None:
    assert '"objections": ["objection o1 to audit record 7' in alert_line(ALERT)
