"""Failures the coordinator reports to a caller; the servicer maps each to a gRPC status."""

from __future__ import annotations

from federation.security.roles import Role
from federation.security.tls import Identity


class CoordinatorError(Exception):
    """Base class: the message is shown to the caller as it is, so it names the party or field."""


class InvalidArgument(CoordinatorError):
    pass


class PermissionDenied(CoordinatorError):
    pass


class NotFound(CoordinatorError):
    pass


class Conflict(CoordinatorError):
    """The request contradicts the job's state or a message already relayed."""


class AlreadyRelayed(Conflict):
    """The sender already relayed different bytes under this address; the first copy stays."""


class TooLarge(CoordinatorError):
    pass


def require_role(caller: Identity, what: str, *roles: Role) -> None:
    """Refuse a caller whose certificate's role is not among ``roles``, naming both."""
    if caller.role not in roles:
        allowed = " or ".join(r.value for r in roles)
        raise PermissionDenied(f"{caller.name} ({caller.role.value}) cannot {what}; only the {allowed} role can")
