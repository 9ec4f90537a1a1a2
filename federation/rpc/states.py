"""Mapping between job states in the process and on the wire."""

from __future__ import annotations

from federation.coordinator.jobs import State
from federation.rpc import coordinator_pb2 as pb

_TO_PROTO = {
    State.PENDING: pb.JOB_STATE_PENDING,
    State.RUNNING: pb.JOB_STATE_RUNNING,
    State.SUCCEEDED: pb.JOB_STATE_SUCCEEDED,
    State.FAILED: pb.JOB_STATE_FAILED,
}
_FROM_PROTO = {number: state for state, number in _TO_PROTO.items()}


def state_to_proto(state: State) -> int:
    return _TO_PROTO[state]


def state_from_proto(value: int) -> State | None:
    return _FROM_PROTO.get(value)
