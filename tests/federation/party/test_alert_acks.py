"""Acknowledgements leave in batches: what the inbox committed while one was on the wire goes
in the next, and closing sends whatever is left."""

from __future__ import annotations

import threading
from types import SimpleNamespace

from federation.party.alert_subscriber import Acknowledger
from federation.rpc import coordinator_pb2 as pb


class _Client:
    """Answers AckAlerts, holding the first call until released, and records each call's ids."""

    def __init__(self) -> None:
        self.calls: list[list[str]] = []
        self.first_call = threading.Event()
        self.release = threading.Event()
        self._timeout = 5
        self._stub = SimpleNamespace(AckAlerts=self._ack)

    def _retrying(self, call):
        return call()

    def _ack(self, request: pb.AckAlertsRequest, timeout: float) -> pb.AckAlertsResponse:
        self.calls.append(list(request.ids))
        self.first_call.set()
        self.release.wait(5)
        return pb.AckAlertsResponse(acknowledged=len(request.ids))


def test_ids_committed_during_an_acknowledgement_go_together_in_the_next() -> None:
    client = _Client()
    acks = Acknowledger(client)
    acks.put("id-0")
    assert client.first_call.wait(5)
    for k in range(1, 50):
        acks.put(f"id-{k}")
    client.release.set()
    acks.close()
    assert client.calls == [["id-0"], [f"id-{k}" for k in range(1, 50)]]
