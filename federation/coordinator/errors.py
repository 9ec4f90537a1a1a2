"""Failures the coordinator reports to a caller; the servicer maps each to a gRPC status."""

from __future__ import annotations

import json
from typing import Any

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


# Far above any card, report or parameters, far below the interpreter's recursion limit,
# which a deeper value exhausts being parsed, or later being stored from a deeper stack.
MAX_JSON_DEPTH = 64


def _depth(value: Any) -> int:
    depth, level = 0, [value]
    while level:
        depth += 1
        level = [child for item in level if isinstance(item, (dict, list))
                 for child in (item.values() if isinstance(item, dict) else item)]
    return depth


def parse_json(text: str, field: str) -> Any:
    """A caller's JSON text, or InvalidArgument naming ``field``: not JSON (a number too long
    for Python's int too), or nested deeper than ``MAX_JSON_DEPTH``."""
    try:
        value = json.loads(text)
    except ValueError as exc:
        raise InvalidArgument(f"{field} is not valid JSON: {exc}") from exc
    except RecursionError as exc:
        raise InvalidArgument(f"{field} nests deeper than {MAX_JSON_DEPTH} levels") from exc
    if _depth(value) > MAX_JSON_DEPTH:
        raise InvalidArgument(f"{field} nests deeper than {MAX_JSON_DEPTH} levels")
    return value
