"""The coordinator over real gRPC with mutual TLS: who gets in and what they may do."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc

from federation.coordinator.server import CoordinatorConfig, build_server
from federation.party.client import CoordinatorClient
from federation.rpc import coordinator_pb2 as pb
from federation.rpc import coordinator_pb2_grpc as pb_grpc
from federation.security.certs import CA_CERT, load_credentials
from federation.security.tls import secure_channel


@pytest.fixture()
def server(certs_dir: Path, tmp_path: Path) -> Iterator[str]:
    srv, port = build_server(CoordinatorConfig(certs=certs_dir, store=tmp_path / "store", listen="127.0.0.1:0"))
    srv.start()
    yield f"127.0.0.1:{port}"
    srv.stop(grace=None)


def client(target: str, certs: Path, name: str) -> CoordinatorClient:
    return CoordinatorClient(target, load_credentials(certs, name), reconnect_seconds=0)


def test_party_registers_under_its_certificate_name(server: str, certs_dir: Path) -> None:
    with client(server, certs_dir, "bank_a") as c:
        party = c.register()
    assert party.name == "bank_a" and party.role == pb.ROLE_BANK


def test_certificate_from_another_ca_is_refused(server: str, rogue_certs_dir: Path) -> None:
    with client(server, rogue_certs_dir, "bank_a") as c, pytest.raises(grpc.RpcError) as err:
        c.register()
    assert err.value.code() == grpc.StatusCode.UNAVAILABLE


def test_client_without_certificate_is_refused(server: str, certs_dir: Path) -> None:
    creds = grpc.ssl_channel_credentials(root_certificates=(certs_dir / CA_CERT).read_bytes())
    with grpc.secure_channel(server, creds) as channel, pytest.raises(grpc.RpcError) as err:
        pb_grpc.CoordinatorStub(channel).Register(pb.RegisterRequest(), timeout=10)
    assert err.value.code() == grpc.StatusCode.UNAVAILABLE


def test_plaintext_connection_is_refused(server: str) -> None:
    with grpc.insecure_channel(server) as channel, pytest.raises(grpc.RpcError) as err:
        pb_grpc.CoordinatorStub(channel).Register(pb.RegisterRequest(), timeout=10)
    assert err.value.code() == grpc.StatusCode.UNAVAILABLE


def test_client_refuses_a_coordinator_from_another_ca(certs_dir: Path, rogue_certs_dir: Path, tmp_path: Path) -> None:
    srv, port = build_server(CoordinatorConfig(certs=rogue_certs_dir, store=tmp_path / "s", listen="127.0.0.1:0"))
    srv.start()
    try:
        with client(f"127.0.0.1:{port}", certs_dir, "bank_a") as c, pytest.raises(grpc.RpcError) as err:
            c.register()
        assert err.value.code() == grpc.StatusCode.UNAVAILABLE
    finally:
        srv.stop(grace=None)


def test_bank_cannot_act_as_another_bank_by_naming_it(server: str, certs_dir: Path) -> None:
    """Relay requests name the counterpart; the caller's own name always comes from its certificate."""
    with client(server, certs_dir, "platform") as p, client(server, certs_dir, "bank_a") as a, \
            client(server, certs_dir, "bank_b") as b:
        for c in (p, a, b):
            c.register()
        job = a.submit_job("psi", ["platform"])
        p.send(job.id, "bank_a", "psi/reply", b"for bank_a only")
        with pytest.raises(grpc.RpcError) as err:
            b.receive(job.id, "platform", "psi/reply", timeout=2)
        assert err.value.code() == grpc.StatusCode.NOT_FOUND
        assert a.receive(job.id, "platform", "psi/reply", timeout=5) == b"for bank_a only"


def test_coordinator_certificate_cannot_be_used_as_a_client(server: str, certs_dir: Path) -> None:
    with client(server, certs_dir, "coordinator") as c, pytest.raises(grpc.RpcError) as err:
        c.register()
    assert err.value.code() in (grpc.StatusCode.UNAUTHENTICATED, grpc.StatusCode.UNAVAILABLE)


def test_message_larger_than_grpc_default_limit_streams_through(server: str, certs_dir: Path) -> None:
    payload = os.urandom(9 * 1024 * 1024)
    with client(server, certs_dir, "platform") as p, client(server, certs_dir, "bank_a") as a:
        p.register()
        a.register()
        job = a.submit_job("psi", ["platform"])
        a.send(job.id, "platform", "psi/big", payload)
        assert p.receive(job.id, "bank_a", "psi/big", timeout=30) == payload


def test_single_message_over_the_limit_is_rejected(server: str, certs_dir: Path) -> None:
    creds = load_credentials(certs_dir, "bank_a")
    with secure_channel(server, creds) as channel, pytest.raises(grpc.RpcError) as err:
        pb_grpc.CoordinatorStub(channel).Register(pb.RegisterRequest(labels={"x": "y" * (9 * 1024 * 1024)}),
                                                 timeout=10)
    assert err.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED


def test_health_service_reports_serving(server: str, certs_dir: Path) -> None:
    with secure_channel(server, load_credentials(certs_dir, "operator")) as channel:
        response = health_pb2_grpc.HealthStub(channel).Check(
            health_pb2.HealthCheckRequest(service="fedcredit.v1.Coordinator"), timeout=10)
    assert response.status == health_pb2.HealthCheckResponse.SERVING


def test_reflection_lists_the_coordinator_service(server: str, certs_dir: Path) -> None:
    from grpc_reflection.v1alpha import reflection_pb2, reflection_pb2_grpc

    with secure_channel(server, load_credentials(certs_dir, "operator")) as channel:
        stub = reflection_pb2_grpc.ServerReflectionStub(channel)
        responses = stub.ServerReflectionInfo(iter([reflection_pb2.ServerReflectionRequest(list_services="")]),
                                              timeout=10)
        names = {s.name for r in responses for s in r.list_services_response.service}
    assert "fedcredit.v1.Coordinator" in names


@pytest.mark.parametrize("rpc", ["WatchJobs", "SubscribeAlerts"])
def test_a_cancelled_stream_gives_its_server_thread_back_before_its_heartbeat(
        rpc: str, certs_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two server threads, both taken by streams that are then cancelled; with an hour-long
    heartbeat, the next call is served only if the cancellations freed them."""
    monkeypatch.setattr("federation.coordinator.servicer.WATCH_HEARTBEAT_SECONDS", 3600.0)
    srv, port = build_server(CoordinatorConfig(certs=certs_dir, store=tmp_path / "store", listen="127.0.0.1:0",
                                               workers=2))
    srv.start()
    channel = secure_channel(f"127.0.0.1:{port}", load_credentials(certs_dir, "bank_a"))
    try:
        stub = pb_grpc.CoordinatorStub(channel)
        stub.Register(pb.RegisterRequest(), timeout=10)
        request = pb.WatchJobsRequest() if rpc == "WatchJobs" else pb.SubscribeAlertsRequest()
        streams = [getattr(stub, rpc)(request) for _ in range(2)]
        for stream in streams:
            with pytest.raises(grpc.FutureTimeoutError):
                stream.result(timeout=0.5)  # the stream is open, its handler waiting for news
            stream.cancel()
        assert stub.ListJobs(pb.ListJobsRequest(), timeout=30).jobs is not None
    finally:
        channel.close()
        srv.stop(grace=None)
