"""The callers and the coordinator the in-process coordinator tests share."""

from __future__ import annotations

from pathlib import Path

from federation.coordinator.mailbox import Mailbox
from federation.coordinator.service import CoordinatorService
from federation.coordinator.store import open_database
from federation.security.roles import Role
from federation.security.tls import Identity

PLATFORM = Identity("platform", Role.PLATFORM, "p" * 64)
BANK_A = Identity("bank_a", Role.BANK, "a" * 64)
BANK_B = Identity("bank_b", Role.BANK, "b" * 64)
OPERATOR = Identity("operator", Role.OPERATOR, "o" * 64)
REGULATOR = Identity("regulator", Role.REGULATOR, "r" * 64)


def make_service(root: Path, max_message_bytes: int = 1 << 20) -> CoordinatorService:
    sessions = open_database(f"sqlite:///{root / 'coordinator.db'}")
    return CoordinatorService(sessions, Mailbox(root / "messages", sessions, max_message_bytes=max_message_bytes))


def registered_service(root: Path, *callers: Identity) -> CoordinatorService:
    service = make_service(root)
    for caller in callers:
        service.register(caller, {})
    return service
