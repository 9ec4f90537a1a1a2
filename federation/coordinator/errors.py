"""Failures the coordinator reports to a caller; the servicer maps each to a gRPC status."""

from __future__ import annotations


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
