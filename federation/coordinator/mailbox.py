"""Durable store-and-forward for protocol messages between parties.

Parties cannot reach each other (both only dial out), so every protocol message is
written here by its sender and read by its recipient, possibly much later or after
either side or the coordinator restarted. A message is identified by (job, sender,
recipient, tag); sending the same bytes again is a no-op, which is what lets a
restarted party replay its steps, while different bytes under the same address are
refused as a replay or a protocol error.
"""

from __future__ import annotations

import hashlib
import os
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import sessionmaker

from federation.coordinator.errors import AlreadyRelayed, InvalidArgument, TooLarge
from federation.coordinator.store import MessageRow

READ_CHUNK = 1024 * 1024


@dataclass(frozen=True)
class Address:
    job_id: str
    sender: str
    recipient: str
    tag: str


@dataclass(frozen=True)
class StoredMessage:
    id: str
    address: Address
    size: int
    sha256: str


class Mailbox:
    def __init__(self, directory: Path, sessions: sessionmaker, *, max_message_bytes: int) -> None:
        self._dir = directory
        self._dir.mkdir(parents=True, exist_ok=True)
        self._sessions = sessions
        self._max = max_message_bytes
        self._arrived = threading.Condition()
        self._generation = 0

    def put(self, address: Address, size: int, sha256: bytes, chunks: Iterable[bytes]) -> StoredMessage:
        """Spool ``chunks`` to disk, check them against the header, then publish the message."""
        if size > self._max:
            raise TooLarge(f"message {address.tag!r} of {size} bytes exceeds the limit of {self._max} bytes")
        if len(sha256) != 32:
            raise InvalidArgument("message header must carry a 32-byte SHA-256 of the payload")
        message_id = str(uuid.uuid4())
        tmp = self._dir / f".{message_id}.part"
        digest = hashlib.sha256()
        received = 0
        try:
            with open(tmp, "wb") as f:
                for chunk in chunks:
                    received += len(chunk)
                    if received > size:
                        raise InvalidArgument(f"message {address.tag!r} is longer than its header's {size} bytes")
                    digest.update(chunk)
                    f.write(chunk)
            if received != size:
                raise InvalidArgument(f"message {address.tag!r} ended after {received} of {size} bytes")
            if digest.digest() != sha256:
                raise InvalidArgument(f"message {address.tag!r} does not match its SHA-256")
            return self._publish(message_id, address, size, digest.hexdigest(), tmp)
        finally:
            tmp.unlink(missing_ok=True)

    def _publish(self, message_id: str, address: Address, size: int, sha_hex: str, tmp: Path) -> StoredMessage:
        existing = self.find(address)
        if existing is not None:
            return self._same_or_conflict(existing, sha_hex)
        os.replace(tmp, self._path(message_id))
        row = MessageRow(id=message_id, size=size, sha256=sha_hex, **address.__dict__)
        try:
            with self._sessions.begin() as session:
                session.add(row)
        except IntegrityError:
            self._path(message_id).unlink(missing_ok=True)
            existing = self.find(address)
            assert existing is not None
            return self._same_or_conflict(existing, sha_hex)
        with self._arrived:
            self._generation += 1
            self._arrived.notify_all()
        return StoredMessage(message_id, address, size, sha_hex)

    @staticmethod
    def _same_or_conflict(existing: StoredMessage, sha_hex: str) -> StoredMessage:
        if existing.sha256 != sha_hex:
            raise AlreadyRelayed(
                f"{existing.address.sender} already sent a different {existing.address.tag!r} "
                f"to {existing.address.recipient} in job {existing.address.job_id}"
            )
        return existing

    def find(self, address: Address) -> StoredMessage | None:
        with self._sessions() as session:
            row = session.scalars(
                select(MessageRow).filter_by(
                    job_id=address.job_id, sender=address.sender, recipient=address.recipient, tag=address.tag
                )
            ).first()
        return None if row is None else StoredMessage(row.id, address, row.size, row.sha256)

    def wait(
        self, address: Address, timeout: float | None, is_active: Callable[[], bool] = lambda: True
    ) -> StoredMessage | None:
        """Block until the message exists, the timeout passes or ``is_active`` turns false."""
        end = None if timeout is None else time.monotonic() + timeout
        while True:
            with self._arrived:
                generation = self._generation
            message = self.find(address)
            if message is not None or not is_active():
                return message
            remaining = 1.0 if end is None else min(1.0, end - time.monotonic())
            if remaining <= 0:
                return None
            with self._arrived:
                if self._generation == generation:
                    self._arrived.wait(remaining)

    def read(self, message: StoredMessage) -> Iterator[bytes]:
        with open(self._path(message.id), "rb") as f:
            while chunk := f.read(READ_CHUNK):
                yield chunk

    def purge(self, job_id: str) -> None:
        """Drop a finished job's messages: nothing needs them once every party succeeded."""
        with self._sessions.begin() as session:
            ids = session.scalars(select(MessageRow.id).filter_by(job_id=job_id)).all()
            session.execute(delete(MessageRow).where(MessageRow.job_id == job_id))
        for message_id in ids:
            self._path(message_id).unlink(missing_ok=True)

    def _path(self, message_id: str) -> Path:
        return self._dir / f"{message_id}.bin"
