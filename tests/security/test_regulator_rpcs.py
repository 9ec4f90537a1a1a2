"""The regulator's certificate calling the RPCs of protocol parties over mutual TLS: every one
is refused with PERMISSION_DENIED by the real server. (Submitting a job and listing consent
records are refused in ``tests/federation/coordinator/test_governance_mtls.py``.)"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import grpc
import numpy as np
import pytest
from tests.federation.coordinator.test_server_mtls import client, server  # noqa: F401 (fixture)

from federation.data import random_usccs
from federation.rpc import coordinator_pb2 as pb
from federation.rpc import coordinator_pb2_grpc as pb_grpc
from federation.security.certs import load_credentials
from federation.security.tls import secure_channel

APPLICANT = str(random_usccs(np.random.default_rng(0), 1, ["110000"])[0])


def _send(stub: pb_grpc.CoordinatorStub, job: str) -> Any:
    header = pb.MessageHeader(job_id=job, recipient="bank_a", tag="psi/1", size=1,
                              sha256=hashlib.sha256(b"x").digest())
    return stub.Send(iter([pb.MessageChunk(header=header), pb.MessageChunk(data=b"x")]), timeout=10)


CALLS: dict[str, Callable[[pb_grpc.CoordinatorStub, str], Any]] = {
    "ScoreApplicant": lambda stub, job: stub.ScoreApplicant(
        pb.ScoreApplicantRequest(model_id=job, enterprise=APPLICANT, ciphertext=b"x"), timeout=10),
    "Send": _send,
    "Receive": lambda stub, job: list(stub.Receive(
        pb.ReceiveRequest(job_id=job, sender="bank_a", tag="psi/1"), timeout=10)),
    "ReportStatus": lambda stub, job: stub.ReportStatus(
        pb.ReportStatusRequest(job_id=job, state=pb.JOB_STATE_FAILED, detail="stop"), timeout=10),
    "ListAuthorizedEnterprises": lambda stub, job: stub.ListAuthorizedEnterprises(
        pb.ListAuthorizedEnterprisesRequest(job_id=job, categories=["tax"]), timeout=10),
    "ServeScoring": lambda stub, job: next(stub.ServeScoring(iter([]), timeout=10)),
}


@pytest.fixture()
def job(server: str, certs_dir: Path) -> str:  # noqa: F811
    with client(server, certs_dir, "platform") as platform, client(server, certs_dir, "bank_a") as bank, \
            client(server, certs_dir, "regulator") as regulator:
        for party in (platform, bank, regulator):
            party.register()
        return bank.submit_job("psi", ["platform"]).id


@pytest.mark.parametrize("rpc", sorted(CALLS))
def test_the_regulator_is_refused(server: str, certs_dir: Path, job: str, rpc: str) -> None:  # noqa: F811
    with secure_channel(server, load_credentials(certs_dir, "regulator")) as channel, \
            pytest.raises(grpc.RpcError) as err:
        CALLS[rpc](pb_grpc.CoordinatorStub(channel), job)
    assert err.value.code() == grpc.StatusCode.PERMISSION_DENIED
    assert "regulator (regulator) cannot" in err.value.details()
