"""Is the coordinator serving, as seen by a party over its own mutual-TLS link?

Container health checks and operators ask the coordinator's ``grpc.health.v1`` service with
a party's certificate, so a probe that passes has checked the network path, both
certificates and the service together. ``--registered`` also asks whether the party itself
is registered: the health of a party agent, which dials out and serves nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

from federation.coordinator.server import SERVICE_NAME
from federation.party.client import CoordinatorClient
from federation.security.certs import PartyCredentials
from federation.security.tls import secure_channel


@dataclass(frozen=True)
class Health:
    serving: bool
    status: str
    registered: bool | None = None

    @property
    def healthy(self) -> bool:
        return self.serving and self.registered is not False


def probe(target: str, credentials: PartyCredentials, *, registered: bool = False, timeout: float = 5.0) -> Health:
    """The coordinator's status for its service; an unreachable coordinator is 'UNAVAILABLE'."""
    channel = secure_channel(target, credentials)
    try:
        reply = health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(service=SERVICE_NAME),
                                                          timeout=timeout)
        status = health_pb2.HealthCheckResponse.ServingStatus.Name(reply.status)
    except grpc.RpcError as exc:
        return Health(False, exc.code().name)
    finally:
        channel.close()
    if not registered:
        return Health(status == "SERVING", status)
    try:
        with CoordinatorClient(target, credentials, call_timeout=timeout, reconnect_seconds=timeout) as client:
            names = {party.name for party in client.list_parties()}
    except grpc.RpcError:
        names = set()
    return Health(status == "SERVING", status, credentials.name in names)
