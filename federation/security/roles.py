"""Roles a certificate can carry, and their mapping to the wire enum."""

from __future__ import annotations

from enum import Enum

from federation.rpc import coordinator_pb2 as pb


class Role(str, Enum):
    PLATFORM = "platform"
    BANK = "bank"
    OPERATOR = "operator"
    REGULATOR = "regulator"
    # A data subject, named by its USCC: sees every use of its own data and files objections.
    ENTERPRISE = "enterprise"
    COORDINATOR = "coordinator"

    def to_proto(self) -> int:
        return _TO_PROTO[self]

    @classmethod
    def from_proto(cls, value: int) -> "Role":
        for role, number in _TO_PROTO.items():
            if number == value:
                return role
        raise ValueError(f"unknown role number {value}")


_TO_PROTO = {
    Role.PLATFORM: pb.ROLE_PLATFORM,
    Role.BANK: pb.ROLE_BANK,
    Role.OPERATOR: pb.ROLE_OPERATOR,
    Role.REGULATOR: pb.ROLE_REGULATOR,
    Role.ENTERPRISE: pb.ROLE_ENTERPRISE,
    Role.COORDINATOR: pb.ROLE_UNSPECIFIED,
}
