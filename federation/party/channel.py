"""A two-party message channel carried by the coordinator's relay.

Protocol code (PSI, training) is written against an ordered send/receive channel to one
peer. Over the relay each message needs an address, so the k-th message in each
direction gets the tag ``<prefix>/<k>``. The numbering is deterministic: a party that
restarts and replays its steps re-sends its messages under the same tags.

PSI replays byte-identical messages, which the coordinator accepts as duplicates.
Homomorphic encryption draws fresh randomness on every run, so a resumed SecureBoost
party re-sends the same plaintexts as different bytes; with ``keep_first`` the copy its
earlier incarnation relayed stands (only the authenticated sender can have put it
there, and the protocol re-derives the same plaintext), and the peer reads that one.
"""

from __future__ import annotations

import logging

import grpc

from federation.party.agent import JobContext

log = logging.getLogger(__name__)


class RelayChannel:
    def __init__(self, context: JobContext, peer: str, prefix: str, *, keep_first: bool = False) -> None:
        self._context = context
        self._peer = peer
        self._prefix = prefix
        self._keep_first = keep_first
        self._sent = 0
        self._received = 0

    def send(self, payload: bytes) -> None:
        self._sent += 1
        tag = f"{self._prefix}/{self._sent}"
        try:
            self._context.send(self._peer, tag, payload)
        except grpc.RpcError as exc:
            if not (self._keep_first and exc.code() == grpc.StatusCode.ALREADY_EXISTS):
                raise
            log.info("job %s: %s was relayed before this restart; that copy stands", self._context.job.id, tag)

    def receive(self) -> bytes:
        self._received += 1
        return self._context.receive(self._peer, f"{self._prefix}/{self._received}")
