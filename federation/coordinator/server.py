"""Starting the coordinator: store, mailbox, servicer, health and reflection over mutual TLS."""

from __future__ import annotations

import logging
import signal
import threading
from concurrent import futures
from dataclasses import dataclass
from pathlib import Path

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection

from federation.coordinator.deadlines import DEFAULT_PARTY_DEADLINE_SECONDS, AbsentPartyDeadlines
from federation.coordinator.mailbox import Mailbox
from federation.coordinator.service import CoordinatorService
from federation.coordinator.servicer import CoordinatorServicer
from federation.coordinator.store import open_database
from federation.governance.data_use import INDEX_KEY_FILE, IndexKey
from federation.rpc import coordinator_pb2 as pb
from federation.rpc import coordinator_pb2_grpc as pb_grpc
from federation.security.certs import COORDINATOR, load_credentials
from federation.security.tls import CHANNEL_OPTIONS, server_credentials

log = logging.getLogger(__name__)
SERVICE_NAME = pb.DESCRIPTOR.services_by_name["Coordinator"].full_name


@dataclass(frozen=True)
class CoordinatorConfig:
    certs: Path
    store: Path
    listen: str = "127.0.0.1:50051"
    database_url: str | None = None
    max_message_bytes: int = 2 * 1024**3
    workers: int = 64
    party_deadline_seconds: float = DEFAULT_PARTY_DEADLINE_SECONDS


def build_server(config: CoordinatorConfig) -> tuple[grpc.Server, int]:
    """Create (not start) the server; returns it with the port actually bound. Absent
    parties' deadlines are enforced from the moment it starts until it stops."""
    config.store.mkdir(parents=True, exist_ok=True)
    url = config.database_url or f"sqlite:///{config.store / 'coordinator.db'}"
    sessions = open_database(url)
    mailbox = Mailbox(config.store / "messages", sessions, max_message_bytes=config.max_message_bytes)
    service = CoordinatorService(sessions, mailbox, index_key=IndexKey.load_or_create(config.store / INDEX_KEY_FILE))
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=config.workers), options=CHANNEL_OPTIONS)
    pb_grpc.add_CoordinatorServicer_to_server(CoordinatorServicer(service), server)
    health_servicer = health.HealthServicer()
    health_pb2_grpc.add_HealthServicer_to_server(health_servicer, server)
    for name in (SERVICE_NAME, ""):
        health_servicer.set(name, health_pb2.HealthCheckResponse.SERVING)
    reflection.enable_server_reflection(
        (SERVICE_NAME, health_pb2.DESCRIPTOR.services_by_name["Health"].full_name, reflection.SERVICE_NAME),
        server,
    )
    port = server.add_secure_port(config.listen, server_credentials(load_credentials(config.certs, COORDINATOR)))
    if port == 0:
        raise OSError(f"could not listen on {config.listen}")
    deadlines = AbsentPartyDeadlines(service, service.presence, config.party_deadline_seconds)
    threading.Thread(target=deadlines.run, args=(server,), name="party-deadlines", daemon=True).start()
    return server, port


def serve(config: CoordinatorConfig, port_file: Path | None = None) -> None:
    """Run until SIGINT/SIGTERM, then drain in-flight calls for a few seconds."""
    server, port = build_server(config)
    server.start()
    log.info("coordinator listening on port %d (mutual TLS)", port)
    if port_file is not None:
        tmp = port_file.with_suffix(".tmp")
        tmp.write_text(str(port))
        tmp.replace(port_file)
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    stop.wait()
    server.stop(grace=3).wait()
    log.info("coordinator stopped")
