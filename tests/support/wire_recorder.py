"""A client interceptor that keeps every message a party receives, serialized as on the wire,
and the platform agent (jobs and the online scoring stream) run in the test's process with it."""

from __future__ import annotations

import contextlib
import threading
from dataclasses import dataclass
from pathlib import Path
from collections.abc import Iterator
from typing import Any

import grpc

from federation.data import PartyTable, load_table
from federation.data.synthetic import generate
from federation.launcher import OPERATOR, PartySpec
from federation.party.agent import PartyAgent
from federation.party.client import CoordinatorClient
from federation.party.handlers import handlers, platform_labels
from federation.party.online_serving import ScoringServer
from federation.security.certs import init_certificates, load_credentials
from federation.security.roles import Role


class _RecordingStream:
    def __init__(self, call: Any, record: "WireRecorder") -> None:
        self._call = call
        self._record = record

    def __iter__(self) -> Iterator[Any]:
        return self

    def __next__(self) -> Any:
        message = next(self._call)
        self._record.add(message)
        return message

    def __getattr__(self, name: str) -> Any:
        return getattr(self._call, name)


class WireRecorder(grpc.UnaryUnaryClientInterceptor, grpc.UnaryStreamClientInterceptor,
                   grpc.StreamUnaryClientInterceptor, grpc.StreamStreamClientInterceptor):
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.received: list[bytes] = []

    def add(self, message: Any) -> None:
        with self._lock:
            self.received.append(message.SerializeToString())

    def _unary_response(self, call: Any) -> Any:
        try:
            self.add(call.result())
        except grpc.RpcError:
            pass
        return call

    def intercept_unary_unary(self, continuation: Any, details: Any, request: Any) -> Any:
        return self._unary_response(continuation(details, request))

    def intercept_stream_unary(self, continuation: Any, details: Any, request_iterator: Any) -> Any:
        return self._unary_response(continuation(details, request_iterator))

    def intercept_unary_stream(self, continuation: Any, details: Any, request: Any) -> Any:
        return _RecordingStream(continuation(details, request), self)

    def intercept_stream_stream(self, continuation: Any, details: Any, request_iterator: Any) -> Any:
        return _RecordingStream(continuation(details, request_iterator), self)

    def everything(self) -> bytes:
        with self._lock:
            return b"".join(self.received)


@contextlib.contextmanager
def recorded_platform(federation: Any, table: Any, workdir: Any) -> Iterator[WireRecorder]:
    """The platform's agent in this process, recorded, beside a federation's processes.

    It is serving online scores and registered before yielding, so a bank may submit a job
    naming it, or score an applicant, at once.
    """
    recorder = WireRecorder()
    client = CoordinatorClient(federation.target, load_credentials(federation.certs, "platform"),
                               interceptors=(recorder,))
    labels = platform_labels(False, table.features.columns)
    agent = PartyAgent(client, Role.PLATFORM, table, workdir, handlers(enforce_consent=False, psi_workers=1),
                       labels=labels)
    serving = ScoringServer(client, workdir / "models")
    client.register(labels)
    stop = threading.Event()
    threads = [threading.Thread(target=agent.run, args=(stop,), daemon=True),
               threading.Thread(target=serving.run, args=(stop,), daemon=True)]
    for thread in threads:
        thread.start()
    try:
        if not serving.ready.wait(30):
            raise RuntimeError("the recorded platform is not serving online scores")
        yield recorder
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=30)
        client.close()
    if any(thread.is_alive() for thread in threads):
        raise RuntimeError("the recorded platform agent did not stop")


@dataclass(frozen=True)
class RecordedSetup:
    """Synthetic data for one bank, certificates for it, the platform and the operator."""

    bank: PartySpec
    platform_table: PartyTable
    run: Path


def recorded_setup(root: Path, *, enterprises: int, seed: int) -> RecordedSetup:
    """What a test needs before starting a federation whose platform it records: the bank
    runs as a process from the files, the platform's table is loaded for this process."""
    generate(root / "data", enterprises=enterprises, banks=1, seed=seed)
    bank = PartySpec("bank_a", Role.BANK, root / "data" / "bank_a.parquet", root / "data" / "bank_a.yaml")
    platform_table = load_table(root / "data" / "platform.parquet", root / "data" / "platform.yaml", role="platform")
    init_certificates(root / "run" / "certs", {"bank_a": Role.BANK, "platform": Role.PLATFORM,
                                               OPERATOR: Role.OPERATOR})
    return RecordedSetup(bank, platform_table, root / "run")
