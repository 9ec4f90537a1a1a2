"""A client interceptor that keeps every message a party receives, serialized as on the wire."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import grpc


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
                   grpc.StreamUnaryClientInterceptor):
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

    def everything(self) -> bytes:
        with self._lock:
            return b"".join(self.received)
