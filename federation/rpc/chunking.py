"""Splitting protocol payloads into gRPC messages and putting them back together.

gRPC refuses single messages over 4 MiB by default, while a PSI or histogram payload
easily reaches hundreds of MiB, so every relayed payload travels as a header followed
by data chunks. The header's size and SHA-256 let both ends detect truncation.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator

from federation.rpc import coordinator_pb2 as pb

CHUNK_BYTES = 1024 * 1024


class ChunkingError(ValueError):
    """A chunk stream does not start with a header or does not match it."""


def header_for(job_id: str, recipient: str, tag: str, payload: bytes) -> pb.MessageHeader:
    return pb.MessageHeader(job_id=job_id, recipient=recipient, tag=tag, size=len(payload),
                            sha256=hashlib.sha256(payload).digest())


def split(payload: bytes, chunk_bytes: int = CHUNK_BYTES) -> Iterator[bytes]:
    view = memoryview(payload)
    for start in range(0, len(view), chunk_bytes):
        yield bytes(view[start:start + chunk_bytes])


def chunk_message(header: pb.MessageHeader, data: Iterable[bytes]) -> Iterator[pb.MessageChunk]:
    yield pb.MessageChunk(header=header)
    for piece in data:
        yield pb.MessageChunk(data=piece)


def read_header(chunks: Iterator[pb.MessageChunk]) -> pb.MessageHeader:
    first = next(chunks, None)
    if first is None or first.WhichOneof("part") != "header":
        raise ChunkingError("a message must start with its header chunk")
    return first.header


def assemble(chunks: Iterable[pb.MessageChunk]) -> tuple[pb.MessageHeader, bytes]:
    """Join a received chunk stream, checking it against its header."""
    iterator = iter(chunks)
    header = read_header(iterator)
    buffer = bytearray()
    for chunk in iterator:
        if chunk.WhichOneof("part") != "data":
            raise ChunkingError(f"message {header.tag!r} carries a second header")
        buffer += chunk.data
        if len(buffer) > header.size:
            raise ChunkingError(f"message {header.tag!r} is longer than its header's {header.size} bytes")
    if len(buffer) != header.size:
        raise ChunkingError(f"message {header.tag!r} ended after {len(buffer)} of {header.size} bytes")
    if hashlib.sha256(buffer).digest() != header.sha256:
        raise ChunkingError(f"message {header.tag!r} does not match its SHA-256")
    return header, bytes(buffer)
