"""Which job kinds exist, who may start them and who takes part."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from federation.security.roles import Role


class State(str, Enum):
    PENDING = "pending"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"

    @property
    def terminal(self) -> bool:
        return self in (State.SUCCEEDED, State.FAILED)


@dataclass(frozen=True)
class JobKind:
    """A protocol the coordinator can run: the initiator's role and the others' roles.

    ``aligned_on`` names the kind of an earlier job, between the same parties, whose
    result this one builds on (training on a PSI intersection); the job's ``params``
    name it under ``<kind>_job``. A job that ``trains_model`` enters the registry when it
    succeeds, from what the parties reported: the initiator its ``model`` (parameters,
    metrics, protocol, its part), every other party its ``model_part``. A job that
    ``uses_model`` (scoring) names in ``params.model`` a registered model of its initiator
    of which every other party holds a part.
    """

    name: str
    initiator: Role
    participants: tuple[Role, ...]
    aligned_on: str | None = None
    trains_model: bool = False
    uses_model: bool = False


JOB_KINDS: dict[str, JobKind] = {
    kind.name: kind
    for kind in (
        JobKind("psi", initiator=Role.BANK, participants=(Role.PLATFORM,)),
        JobKind("secureboost", initiator=Role.BANK, participants=(Role.PLATFORM,), aligned_on="psi",
                trains_model=True),
        JobKind("score_batch", initiator=Role.BANK, participants=(Role.PLATFORM,), aligned_on="psi",
                uses_model=True),
        JobKind("publish_masks", initiator=Role.BANK, participants=(Role.PLATFORM,), aligned_on="psi",
                uses_model=True),
        JobKind("publish", initiator=Role.BANK, participants=(Role.PLATFORM,)),
        JobKind("scorecard", initiator=Role.BANK, participants=(Role.PLATFORM,), aligned_on="psi",
                trains_model=True),
        JobKind("monitor", initiator=Role.PLATFORM, participants=(Role.BANK,)),
    )
}


def job_state(participant_states: list[State]) -> State:
    """A job fails as soon as one party fails, and succeeds when all have."""
    if State.FAILED in participant_states:
        return State.FAILED
    if all(s is State.SUCCEEDED for s in participant_states):
        return State.SUCCEEDED
    if all(s is State.PENDING for s in participant_states):
        return State.PENDING
    return State.RUNNING
