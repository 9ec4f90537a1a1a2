"""The bank's side of alert delivery: a subscription that writes every alert to a local inbox.

Delivery is at least once: the coordinator sends an alert again on every subscription
until the bank acknowledges it, and the bank acknowledges only after the alert is
committed to its inbox (SQLite, keyed by alert id). A subscriber killed between the two
steps receives the alert again and the inbox ignores the copy, so nothing is lost and
nothing is doubled. Acknowledgements go in batches from a thread of their own (whatever
was committed while the last one was on the wire), so a night's burst of alerts costs a
few round trips rather than one per alert. Sealed score alerts are opened here with the
bank's own key.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import queue
import sqlite3
import threading
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import grpc

from federation.monitoring.wire import alert_from_proto
from federation.party.client import CoordinatorClient
from federation.party.monitoring_calls import ack_alerts, subscribe_alerts
from models.monitoring.alerts import Alert, SealError, unseal

log = logging.getLogger(__name__)
INBOX_FILE = "alerts.db"
ACK_BATCH = 1000
_FIELDS = ("id", "bank", "enterprise", "date", "source", "rule", "kind", "severity", "reason", "event_type",
           "categories", "objections", "received_at")


class AlertInbox:
    """The bank's local store of received alerts, one row per alert id."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._db = sqlite3.connect(path, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute(f"CREATE TABLE IF NOT EXISTS alerts ({', '.join(f + ' TEXT' for f in _FIELDS)}, "
                         f"PRIMARY KEY (id))")
        columns = {row[1] for row in self._db.execute("PRAGMA table_info(alerts)")}
        if "objections" not in columns:
            self._db.execute("ALTER TABLE alerts ADD COLUMN objections TEXT DEFAULT '[]'")
        self._db.commit()

    def add(self, alert: Alert) -> bool:
        """Store the alert unless its id is already here; True when it was new."""
        values = {**{f: getattr(alert, f) for f in _FIELDS[:-3]}, "categories": ",".join(alert.categories),
                  "objections": json.dumps(list(alert.objections), ensure_ascii=False),
                  "received_at": dt.datetime.now(dt.timezone.utc).isoformat()}
        with self._db:
            cursor = self._db.execute(f"INSERT OR IGNORE INTO alerts ({', '.join(_FIELDS)}) "
                                      f"VALUES ({', '.join('?' * len(_FIELDS))})", [values[f] for f in _FIELDS])
        return cursor.rowcount == 1

    def alerts(self) -> list[dict[str, Any]]:
        rows = self._db.execute(f"SELECT {', '.join(_FIELDS)} FROM alerts ORDER BY received_at, id").fetchall()
        return [{**dict(zip(_FIELDS, row)), "objections": json.loads(row[_FIELDS.index("objections")] or "[]")}
                for row in rows]

    def close(self) -> None:
        self._db.close()


def _opened(alert: Alert, key: bytes) -> Alert:
    try:
        return unseal(alert, key)
    except SealError as exc:
        log.error("%s", exc)
        return replace(alert, sealed=b"", reason=f"unreadable: {exc}")


class Acknowledger:
    """Acknowledges committed alert ids in batches, in order, until closed (closing flushes)."""

    def __init__(self, client: CoordinatorClient) -> None:
        self._client = client
        self._queue: queue.Queue[str | None] = queue.Queue()
        self._thread = threading.Thread(target=self._run, name="alert-acks", daemon=True)
        self._thread.start()

    def put(self, alert_id: str) -> None:
        self._queue.put(alert_id)

    def close(self) -> None:
        self._queue.put(None)
        self._thread.join()

    def _run(self) -> None:
        closing = False
        while not closing:
            batch: list[str] = []
            item = self._queue.get()
            while item is not None:
                batch.append(item)
                if len(batch) == ACK_BATCH:
                    break
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    break
            closing = item is None
            if not batch:
                continue
            try:
                ack_alerts(self._client, batch)
            except grpc.RpcError as exc:
                log.warning("acknowledging %d alerts failed (%s); the next subscription sends them again",
                            len(batch), exc.code().name)


class AlertSubscriber:
    def __init__(self, client: CoordinatorClient, inbox: AlertInbox, key: bytes,
                 on_new: Callable[[Alert], None] | None = None) -> None:
        self._client = client
        self._inbox = inbox
        self._key = key
        self._on_new = on_new

    def run(self, stop: threading.Event) -> None:
        """Follow the alert stream until ``stop`` is set, reconnecting whenever it breaks."""
        while not stop.is_set():
            stream = subscribe_alerts(self._client)
            canceller = threading.Thread(target=lambda: (stop.wait(), stream.cancel()), daemon=True)
            canceller.start()
            acks = Acknowledger(self._client)
            try:
                for message in stream:
                    alert = _opened(alert_from_proto(message), self._key)
                    new = self._inbox.add(alert)
                    acks.put(alert.id)
                    if new and self._on_new is not None:
                        self._on_new(alert)
            except grpc.RpcError as exc:
                if exc.code() == grpc.StatusCode.CANCELLED and stop.is_set():
                    return
                if exc.code() in (grpc.StatusCode.PERMISSION_DENIED, grpc.StatusCode.UNAUTHENTICATED):
                    raise
                log.warning("alert stream ended (%s); reconnecting", exc.code().name)
                stop.wait(1.0)
            finally:
                acks.close()


def alert_line(alert: Alert) -> str:
    """One received alert as a JSON line for the bank's operators."""
    return json.dumps({"id": alert.id, "date": alert.date, "enterprise": alert.enterprise, "source": alert.source,
                       "rule": alert.rule, "severity": alert.severity, "reason": alert.reason,
                       "objections": list(alert.objections)}, ensure_ascii=False)
