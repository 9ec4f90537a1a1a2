"""Disclosures: a model part's details its holder seals to a regulator, kept here unopened.

The coordinator checks who may send what to whom, never the content: the sender must
hold a part of the model, the recipient must be a registered regulator, and the sealing
certificate must be the one that regulator registered with, so a platform cannot be led
into sealing to a key that is not the regulator's. A newer disclosure of the same kind
replaces the older. Sending and reading are audited, with sizes only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from federation.coordinator.audit import AuditLog
from federation.coordinator.errors import InvalidArgument, NotFound, require_role
from federation.coordinator.store import DisclosureRow, ModelRow, PartyRow, utcnow
from federation.security.roles import Role
from federation.security.tls import Identity

MAX_SEALED_BYTES = 1 << 20
_WHAT = re.compile(r"^[a-z][a-z0-9_]{0,62}\Z")
_SHA256 = re.compile(r"^[0-9a-f]{64}\Z")


@dataclass(frozen=True)
class Disclosure:
    model_id: str
    sender: str
    recipient: str
    recipient_sha256: str
    what: str
    sealed: bytes
    created_at: datetime | None = None


def _stored(row: DisclosureRow) -> Disclosure:
    return Disclosure(row.model_id, row.sender, row.recipient, row.recipient_sha256, row.what, row.sealed,
                      row.created_at)


class DisclosureRegistry:
    def __init__(self, sessions: sessionmaker, audit: AuditLog) -> None:
        self._sessions = sessions
        self._audit = audit

    def disclose(self, caller: Identity, disclosure: Disclosure) -> Disclosure:
        require_role(caller, "disclose model details", Role.PLATFORM)
        if not _WHAT.match(disclosure.what):
            raise InvalidArgument("what must be 1 to 63 lowercase letters, digits or underscores, from a letter")
        if not _SHA256.match(disclosure.recipient_sha256):
            raise InvalidArgument("recipient_sha256 must be 64 lowercase hex characters")
        if not disclosure.sealed or len(disclosure.sealed) > MAX_SEALED_BYTES:
            raise InvalidArgument(f"sealed must hold 1 to {MAX_SEALED_BYTES} bytes")
        with self._audit.transaction() as session:
            model = session.get(ModelRow, disclosure.model_id)
            if model is None or caller.name not in model.parts:
                raise NotFound(f"model {disclosure.model_id!r} not found for {caller.name}")
            recipient = session.get(PartyRow, disclosure.recipient)
            if recipient is None or recipient.role != Role.REGULATOR.value:
                raise InvalidArgument(f"recipient {disclosure.recipient!r} is not a registered regulator")
            if recipient.certificate_sha256 != disclosure.recipient_sha256:
                raise InvalidArgument(f"the document is sealed to a certificate {disclosure.recipient} did not "
                                      f"register with; seal it to its current certificate")
            stored = session.merge(DisclosureRow(
                model_id=model.id, sender=caller.name, recipient=recipient.name, what=disclosure.what,
                recipient_sha256=disclosure.recipient_sha256, sealed=disclosure.sealed, created_at=utcnow()))
            self._audit.record(session, caller, "disclosure.send", model.id, {
                "recipient": recipient.name, "what": disclosure.what, "bytes": len(disclosure.sealed)})
            session.flush()
            return _stored(stored)

    def addressed(self, caller: Identity, model_id: str) -> list[Disclosure]:
        """What is addressed to the calling regulator (of one model, or of all when empty)."""
        require_role(caller, "read disclosures", Role.REGULATOR)
        query = select(DisclosureRow).where(DisclosureRow.recipient == caller.name)
        if model_id:
            query = query.where(DisclosureRow.model_id == model_id)
        with self._audit.transaction() as session:
            found = [_stored(row) for row in session.scalars(query.order_by(DisclosureRow.created_at))]
            self._audit.record(session, caller, "disclosure.read", model_id or "*", {"documents": len(found)})
        return found
