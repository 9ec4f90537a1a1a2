"""Failing a job whose party went away, instead of letting its peers wait for it forever.

A party that dies mid-job and comes back resumes its job, so a short absence must not
fail anything; a party that never comes back must not leave its peers blocked on the
relay either. Each job therefore has a deadline (``params.party_deadline_seconds``, or the
coordinator's default): once a participant that has not finished has been disconnected
(see :class:`~federation.coordinator.presence.Presence`) for longer than that, the
coordinator marks it failed, naming it in the job's error. Its peers' next relay call is
then refused with the failure, and they stop.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import grpc
from sqlalchemy.exc import SQLAlchemyError

from federation.coordinator.errors import CoordinatorError, InvalidArgument
from federation.coordinator.jobs import State
from federation.coordinator.presence import Presence

if TYPE_CHECKING:  # the service validates this module's parameter when a job is submitted
    from federation.coordinator.service import CoordinatorService

log = logging.getLogger(__name__)
PARAM = "party_deadline_seconds"
DEFAULT_PARTY_DEADLINE_SECONDS = 300.0
MAX_PARTY_DEADLINE_SECONDS = 7 * 24 * 3600.0
CHECK_SECONDS = 2.0


def party_deadline(params: dict[str, Any], default: float) -> float:
    """The job's deadline for an absent party, refusing a value that is not a sensible duration."""
    value = params.get(PARAM, default)
    if isinstance(value, bool) or not isinstance(value, (int, float)) \
            or not 0 < value <= MAX_PARTY_DEADLINE_SECONDS:
        raise InvalidArgument(f"params.{PARAM} must be a number of seconds above 0 and at most "
                              f"{MAX_PARTY_DEADLINE_SECONDS:.0f}, got {value!r}")
    return float(value)


class AbsentPartyDeadlines:
    def __init__(self, service: "CoordinatorService", presence: Presence,
                 default_seconds: float = DEFAULT_PARTY_DEADLINE_SECONDS) -> None:
        self._service = service
        self._presence = presence
        self._default = default_seconds

    def check(self) -> list[tuple[str, str]]:
        """Fail every unfinished job one of whose unfinished parties is away past the job's
        deadline; returns the (job, party) pairs failed."""
        failed = []
        for job in self._service.unfinished_jobs():
            deadline = party_deadline(job.params, self._default)
            for participant in job.participants:
                away = self._presence.absent_for(participant.party)
                if State(participant.state).terminal or away <= deadline:
                    continue
                detail = (f"absent: not connected to the coordinator for {away:.0f} s, past the job's deadline "
                          f"of {deadline:g} s (params.{PARAM})")
                if self._service.fail_absent_party(job.id, participant.party, detail):
                    log.warning("job %s failed: %s %s", job.id, participant.party, detail)
                    failed.append((job.id, participant.party))
                break
        return failed

    def run(self, server: grpc.Server, interval: float = CHECK_SECONDS) -> None:
        """Check every ``interval`` seconds until ``server`` has stopped."""
        while server.wait_for_termination(timeout=interval):
            try:
                self.check()
            except (SQLAlchemyError, CoordinatorError) as exc:  # the next round tries again
                log.error("checking absent parties failed: %s", exc)
