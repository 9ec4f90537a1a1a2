"""Every RPC's roles, checked through the servicer with real certificates of each role.

The enterprise reaches its self-service RPCs only; the regulator never reaches a job, a
message, a score or a consent record. A refused call is PERMISSION_DENIED before the
request is looked at.
"""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import grpc
import pytest
from tests.support.coordinator import make_service

from federation.coordinator.authorization import ENTERPRISE_RPCS, RPC_ROLES
from federation.coordinator.servicer import CoordinatorServicer
from federation.rpc import coordinator_pb2 as pb
from federation.security.certs import create_ca, issue_certificate, issue_enterprise_certificate
from federation.security.roles import Role

SERVICE = pb.DESCRIPTOR.services_by_name["Coordinator"]
ENTERPRISE = "91320706MA1MXYWN2F"
ROLES = (Role.BANK, Role.PLATFORM, Role.OPERATOR, Role.REGULATOR, Role.ENTERPRISE)


class Aborted(Exception):
    def __init__(self, code: grpc.StatusCode, details: str) -> None:
        super().__init__(details)
        self.code = code


class _Context:
    """What the servicer reads of a call before it authorizes it: the verified certificate."""

    def __init__(self, pem: bytes) -> None:
        self._pem = pem

    def auth_context(self) -> dict[str, list[bytes]]:
        return {"transport_security_type": [b"ssl"], "x509_pem_cert": [self._pem]}

    def abort(self, code: grpc.StatusCode, details: str) -> None:
        raise Aborted(code, details)

    def __getattr__(self, name: str) -> Any:
        raise AssertionError(f"the servicer used context.{name} before refusing the call")


@pytest.fixture(scope="module")
def certificates(tmp_path_factory: pytest.TempPathFactory) -> dict[Role, bytes]:
    folder = tmp_path_factory.mktemp("certs")
    create_ca(folder)
    names = {role: role.value for role in ROLES if role is not Role.ENTERPRISE}
    for role, name in names.items():
        issue_certificate(folder, name, role)
    issue_enterprise_certificate(folder, ENTERPRISE, b"t" * 16)
    names[Role.ENTERPRISE] = ENTERPRISE
    return {role: (folder / f"{name}.pem").read_bytes() for role, name in names.items()}


@pytest.fixture(scope="module")
def servicer(tmp_path_factory: pytest.TempPathFactory) -> CoordinatorServicer:
    return CoordinatorServicer(make_service(tmp_path_factory.mktemp("coordinator")))


def _call(servicer: CoordinatorServicer, rpc: str, pem: bytes) -> None:
    method = SERVICE.methods_by_name[rpc]
    request = pb.__dict__[method.input_type.name]()
    argument: Any = iter([request]) if method.client_streaming else request
    answer = getattr(servicer, rpc)(argument, _Context(pem))
    if method.server_streaming:
        next(iter(answer))


def test_every_rpc_of_the_contract_is_in_the_table() -> None:
    assert sorted(SERVICE.methods_by_name) == sorted(RPC_ROLES)


def test_the_enterprise_reaches_only_its_self_service() -> None:
    assert ENTERPRISE_RPCS == {"EnterpriseHistory", "FileObjection", "ListObjections"}


REFUSED = [(rpc, role) for rpc, role in itertools.product(sorted(RPC_ROLES), ROLES) if role not in RPC_ROLES[rpc]]


@pytest.mark.parametrize(("rpc", "role"), REFUSED, ids=[f"{rpc}-{role.value}" for rpc, role in REFUSED])
def test_a_role_outside_an_rpcs_roles_is_refused(servicer: CoordinatorServicer, certificates: dict[Role, bytes],
                                                 rpc: str, role: Role) -> None:
    with pytest.raises(Aborted) as refused:
        _call(servicer, rpc, certificates[role])
    assert refused.value.code is grpc.StatusCode.PERMISSION_DENIED
    assert f"cannot call {rpc}" in str(refused.value)


@pytest.mark.parametrize("rpc", ["SubmitJob", "ScoreApplicant", "Send", "Receive", "ListConsents", "ReportStatus"])
def test_the_regulator_cannot_reach_a_bank_or_protocol_rpc(servicer: CoordinatorServicer,
                                                            certificates: dict[Role, bytes], rpc: str) -> None:
    with pytest.raises(Aborted, match="regulator \\(regulator\\) cannot call"):
        _call(servicer, rpc, certificates[Role.REGULATOR])


def test_the_regulator_reads_the_audit_summary(servicer: CoordinatorServicer,
                                               certificates: dict[Role, bytes]) -> None:
    summary = servicer.AuditSummary(pb.AuditSummaryRequest(), _Context(certificates[Role.REGULATOR]))
    assert summary.head_sha256 == "0" * 64


def test_an_enterprise_reads_its_own_history(servicer: CoordinatorServicer,
                                             certificates: dict[Role, bytes]) -> None:
    history = servicer.EnterpriseHistory(pb.EnterpriseHistoryRequest(), _Context(certificates[Role.ENTERPRISE]))
    assert list(history.records) == []
