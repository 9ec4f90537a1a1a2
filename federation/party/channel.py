"""A two-party message channel carried by the coordinator's relay.

Protocol code (PSI, training) is written against an ordered send/receive channel to one
peer. Over the relay each message needs an address, so the k-th message in each
direction gets the tag ``<prefix>/<k>``. The numbering is deterministic: a party that
restarts and replays its steps with the same secrets re-sends byte-identical messages
under the same tags, which the coordinator accepts as duplicates.
"""

from __future__ import annotations

from federation.party.agent import JobContext


class RelayChannel:
    def __init__(self, context: JobContext, peer: str, prefix: str) -> None:
        self._context = context
        self._peer = peer
        self._prefix = prefix
        self._sent = 0
        self._received = 0

    def send(self, payload: bytes) -> None:
        self._sent += 1
        self._context.send(self._peer, f"{self._prefix}/{self._sent}", payload)

    def receive(self) -> bytes:
        self._received += 1
        return self._context.receive(self._peer, f"{self._prefix}/{self._received}")
