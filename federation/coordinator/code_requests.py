"""Code requests on the platform's syft datasite, as the coordinator's audit log sees them.

A bank's data scientist explores the mock of the platform's table and submits code to run
on the real one; the platform operator reviews it. The datasite runs at the platform, so
without this record the regulator would not see that platform data was used. The bank
records its submission, the platform its decision, each once per request and the decision
only after a recorded submission of the same bank. An approval is also the moment consent
is applied: it returns the enterprises that authorize the bank for the code's categories
right now, and the operator runs the code on those rows only. Entries hold the code's
digest and counts, never the code's result or an enterprise id.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from federation.coordinator.audit import AuditLog
from federation.coordinator.consents import ConsentRegistry
from federation.coordinator.errors import Conflict, InvalidArgument, NotFound, PermissionDenied, require_role
from federation.coordinator.store import AuditRow
from federation.governance.categories import PURPOSE, UnknownCategory, checked_categories
from federation.security.roles import Role
from federation.security.tls import Identity

SUBMITTED, APPROVED, DENIED = "submitted", "approved", "denied"
ACTION_PREFIX = "code_request."
_ID_RE = re.compile(r"[A-Za-z0-9_-]{1,64}")
_FUNCTION_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,127}")
_SHA256_RE = re.compile(r"[0-9a-f]{64}")
_MAX_REASON = 500


@dataclass(frozen=True)
class CodeRequestEvent:
    request_id: str
    bank: str
    action: str
    function: str = ""
    code_sha256: str = ""
    categories: tuple[str, ...] = ()
    reason: str = ""


@dataclass(frozen=True)
class Recorded:
    audit_seq: int
    authorized: list[str]


def _checked(event: CodeRequestEvent) -> list[str]:
    if not _ID_RE.fullmatch(event.request_id):
        raise InvalidArgument(f"request_id {event.request_id!r} must be 1 to 64 letters, digits, '-' or '_'")
    if event.action not in (SUBMITTED, APPROVED, DENIED):
        raise InvalidArgument(f"action {event.action!r} must be one of {SUBMITTED}, {APPROVED}, {DENIED}")
    if len(event.reason) > _MAX_REASON:
        raise InvalidArgument(f"reason is {len(event.reason)} characters; at most {_MAX_REASON}")
    if event.action != SUBMITTED:
        return []
    try:
        return checked_categories(list(event.categories))
    except UnknownCategory as exc:
        raise InvalidArgument(f"categories: {exc}") from exc


class CodeRequestLog:
    def __init__(self, audit: AuditLog, consents: ConsentRegistry) -> None:
        self._audit = audit
        self._consents = consents

    def record(self, caller: Identity, event: CodeRequestEvent) -> Recorded:
        categories = _checked(event)
        if event.action == SUBMITTED:
            return Recorded(self._submitted(caller, event, categories), [])
        return self._decided(caller, event)

    def _submitted(self, caller: Identity, event: CodeRequestEvent, categories: list[str]) -> int:
        require_role(caller, "record a code request", Role.BANK)
        if event.bank != caller.name:
            raise PermissionDenied(f"{caller.name} cannot record a code request for bank {event.bank!r}")
        if not _FUNCTION_RE.fullmatch(event.function):
            raise InvalidArgument(f"function {event.function!r} is not a Python function name")
        if not _SHA256_RE.fullmatch(event.code_sha256):
            raise InvalidArgument("code_sha256 must be 64 lowercase hex digits (the SHA-256 of the code)")
        with self._audit.transaction() as session:
            if self._entries(session, event.request_id):
                raise Conflict(f"code request {event.request_id} was already recorded")
            row = self._audit.record(session, caller, ACTION_PREFIX + SUBMITTED, event.request_id, {
                "bank": event.bank, "purpose": PURPOSE, "function": event.function,
                "code_sha256": event.code_sha256, "categories": categories})
        return row.seq

    def _decided(self, caller: Identity, event: CodeRequestEvent) -> Recorded:
        """The decision names no categories of its own: it covers those the bank submitted."""
        require_role(caller, "decide a code request", Role.PLATFORM)
        with self._audit.transaction() as session:
            submitted = self._submission(session, event)
        categories = list(submitted.details["categories"])
        authorized = self._consents.authorized(caller, event.request_id, event.bank, categories) \
            if event.action == APPROVED else []
        details = {"bank": event.bank, "purpose": PURPOSE, "function": submitted.details["function"],
                   "code_sha256": submitted.details["code_sha256"], "categories": categories,
                   "reason": event.reason}
        if event.action == APPROVED:
            details["enterprises"] = len(authorized)
        with self._audit.transaction() as session:
            self._submission(session, event)
            row = self._audit.record(session, caller, ACTION_PREFIX + event.action, event.request_id, details)
        return Recorded(row.seq, authorized)

    def _submission(self, session: Session, event: CodeRequestEvent) -> AuditRow:
        entries = self._entries(session, event.request_id)
        submitted = next((e for e in entries if e.action == ACTION_PREFIX + SUBMITTED), None)
        if submitted is None:
            raise NotFound(f"code request {event.request_id} was never recorded as submitted")
        if submitted.details["bank"] != event.bank:
            raise InvalidArgument(f"code request {event.request_id} was submitted by {submitted.details['bank']}, "
                                  f"not {event.bank}")
        decided = [e.action.removeprefix(ACTION_PREFIX) for e in entries if e is not submitted]
        if decided:
            raise Conflict(f"code request {event.request_id} was already {decided[0]}")
        return submitted

    @staticmethod
    def _entries(session: Session, request_id: str) -> list[AuditRow]:
        return list(session.scalars(select(AuditRow).where(
            AuditRow.subject == request_id, AuditRow.action.startswith(ACTION_PREFIX)).order_by(AuditRow.seq)))
