from __future__ import annotations

import pytest

from federation.rpc import coordinator_pb2 as pb
from federation.rpc.chunking import ChunkingError, assemble, chunk_message, header_for, split


def test_payload_round_trips_through_chunks() -> None:
    payload = bytes(range(256)) * 10_000
    header = header_for("job", "platform", "psi/x", payload)
    chunks = list(chunk_message(header, split(payload, chunk_bytes=4096)))
    assert len(chunks) == 1 + -(-len(payload) // 4096)
    assert assemble(chunks)[1] == payload


def test_stream_without_header_is_refused() -> None:
    with pytest.raises(ChunkingError, match="header"):
        assemble([pb.MessageChunk(data=b"x")])


def test_corrupted_chunk_is_detected() -> None:
    payload = b"a" * 10_000
    chunks = list(chunk_message(header_for("job", "p", "t", payload), split(payload, 1000)))
    chunks[3] = pb.MessageChunk(data=b"b" * 1000)
    with pytest.raises(ChunkingError, match="SHA-256"):
        assemble(chunks)


def test_missing_chunk_is_detected() -> None:
    payload = b"a" * 10_000
    chunks = list(chunk_message(header_for("job", "p", "t", payload), split(payload, 1000)))
    with pytest.raises(ChunkingError, match="ended after 9000 of 10000"):
        assemble(chunks[:-1])
