"""Oversized input refused by a real coordinator over mutual TLS, before it is stored or
forwarded. (A single gRPC message above the transport's limit is refused with
RESOURCE_EXHAUSTED in ``tests/federation/coordinator/test_server_mtls.py``.)"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import grpc
import numpy as np
import pytest

from federation.coordinator.server import CoordinatorConfig, build_server
from federation.data import random_usccs
from federation.party.client import CoordinatorClient
from federation.rpc import coordinator_pb2 as pb
from federation.rpc import coordinator_pb2_grpc as pb_grpc
from federation.security.certs import load_credentials
from federation.security.tls import secure_channel

LIMIT = 1024 * 1024


@pytest.fixture()
def server(certs_dir: Path, tmp_path: Path) -> Iterator[str]:
    """A coordinator relaying messages of at most ``LIMIT`` bytes."""
    srv, port = build_server(CoordinatorConfig(certs=certs_dir, store=tmp_path / "store", listen="127.0.0.1:0",
                                               max_message_bytes=LIMIT))
    srv.start()
    yield f"127.0.0.1:{port}"
    srv.stop(grace=None)


@pytest.fixture()
def job(server: str, certs_dir: Path) -> str:
    with CoordinatorClient(server, load_credentials(certs_dir, "platform")) as platform, \
            CoordinatorClient(server, load_credentials(certs_dir, "bank_a")) as bank:
        platform.register()
        bank.register()
        return bank.submit_job("psi", ["platform"]).id


def _send(server: str, certs_dir: Path, header: pb.MessageHeader, data: list[bytes]) -> None:
    with secure_channel(server, load_credentials(certs_dir, "bank_a")) as channel:
        chunks = [pb.MessageChunk(header=header), *(pb.MessageChunk(data=piece) for piece in data)]
        pb_grpc.CoordinatorStub(channel).Send(iter(chunks), timeout=30)


def test_a_relayed_message_above_the_limit_is_refused(server: str, certs_dir: Path, job: str) -> None:
    payload = b"x" * (LIMIT + 1)
    header = pb.MessageHeader(job_id=job, recipient="platform", tag="psi/1", size=len(payload),
                              sha256=hashlib.sha256(payload).digest())
    with pytest.raises(grpc.RpcError) as err:
        _send(server, certs_dir, header, [payload[:LIMIT // 2], payload[LIMIT // 2:]])
    assert err.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
    assert f"exceeds the limit of {LIMIT} bytes" in err.value.details()


def test_a_message_longer_than_its_header_is_refused_and_not_stored(server: str, certs_dir: Path, job: str) -> None:
    announced = b"short"
    header = pb.MessageHeader(job_id=job, recipient="platform", tag="psi/1", size=len(announced),
                              sha256=hashlib.sha256(announced).digest())
    with pytest.raises(grpc.RpcError) as err:
        _send(server, certs_dir, header, [announced, b"x" * 4096])
    assert err.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    with CoordinatorClient(server, load_credentials(certs_dir, "platform")) as platform, \
            pytest.raises(TimeoutError):
        platform.receive(job, "bank_a", "psi/1", timeout=1)


def test_an_applicant_ciphertext_above_four_mib_is_refused(server: str, certs_dir: Path, job: str) -> None:
    applicant = str(random_usccs(np.random.default_rng(0), 1, ["110000"])[0])
    with CoordinatorClient(server, load_credentials(certs_dir, "bank_a")) as bank, \
            pytest.raises(grpc.RpcError) as err:
        bank.score_applicant(job, applicant, b"x" * (4 * 1024 * 1024 + 1))
    assert err.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "ciphertext must hold 1 to" in err.value.details()


def test_job_parameters_above_64_kib_are_refused(server: str, certs_dir: Path, job: str) -> None:
    with CoordinatorClient(server, load_credentials(certs_dir, "bank_a")) as bank, \
            pytest.raises(grpc.RpcError) as err:
        bank.submit_job("psi", ["platform"], {"padding": "x" * (64 * 1024)})
    assert err.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "params_json is longer than" in err.value.details()
