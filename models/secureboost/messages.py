"""The wire format of SecureBoost's requests and replies between the bank and the platform.

A message is a kind, a small JSON object of fields, and binary blobs (ciphertexts, packed
row masks). The kind travels in every message so that a reply can never be read as the
answer to another request, and lengths are checked so a truncated or padded payload fails
loudly. Nothing here is secret by itself: what each field reveals is the protocol's
business (see ``docs/leakage.md``).
"""

from __future__ import annotations

import json
import struct
from dataclasses import dataclass, field
from typing import Any

import numpy as np

MAGIC = b"FCSB"
VERSION = 1
_HEADER = struct.Struct(">4sBIH")  # magic, version, JSON length, blob count
_BLOB_LENGTH = struct.Struct(">Q")


class MessageFormatError(ValueError):
    """Bytes that are not a well-formed SecureBoost message of the expected kind."""


@dataclass(frozen=True)
class Message:
    kind: str
    fields: dict[str, Any] = field(default_factory=dict)
    blobs: tuple[bytes, ...] = ()

    def to_bytes(self) -> bytes:
        header = json.dumps({"kind": self.kind, **self.fields}, sort_keys=True).encode()
        parts = [_HEADER.pack(MAGIC, VERSION, len(header), len(self.blobs)), header]
        for blob in self.blobs:
            parts += [_BLOB_LENGTH.pack(len(blob)), blob]
        return b"".join(parts)

    @classmethod
    def from_bytes(cls, payload: bytes, expect: str | None = None) -> Message:
        if len(payload) < _HEADER.size:
            raise MessageFormatError(f"{len(payload)} bytes is shorter than a message header")
        magic, version, header_len, n_blobs = _HEADER.unpack_from(payload)
        if magic != MAGIC:
            raise MessageFormatError(f"bad magic {magic!r}: not a SecureBoost message")
        if version != VERSION:
            raise MessageFormatError(f"unsupported message version {version} (want {VERSION})")
        start = _HEADER.size
        if start + header_len > len(payload):
            raise MessageFormatError(f"message header announces {header_len} bytes of JSON, "
                                     f"{len(payload) - start} follow")
        try:
            fields = json.loads(payload[start : start + header_len])
        except ValueError as exc:
            raise MessageFormatError(f"message header is not JSON: {exc}") from exc
        if not isinstance(fields, dict) or not isinstance(fields.get("kind"), str):
            raise MessageFormatError("message header does not name its kind")
        kind = fields.pop("kind")
        if expect is not None and kind != expect:
            raise MessageFormatError(f"expected a {expect!r} message, got {kind!r}")
        offset, blobs = start + header_len, []
        for _ in range(n_blobs):
            if offset + _BLOB_LENGTH.size > len(payload):
                raise MessageFormatError(f"{kind!r} message truncated before blob {len(blobs)}")
            (length,) = _BLOB_LENGTH.unpack_from(payload, offset)
            offset += _BLOB_LENGTH.size
            if offset + length > len(payload):
                raise MessageFormatError(f"{kind!r} message truncated inside blob {len(blobs)}")
            blobs.append(bytes(payload[offset : offset + length]))
            offset += length
        if offset != len(payload):
            raise MessageFormatError(f"{kind!r} message has {len(payload) - offset} trailing bytes")
        return cls(kind, fields, tuple(blobs))


def pack_masks(masks: np.ndarray) -> bytes:
    """Boolean row masks, eight rows per byte."""
    return np.packbits(np.asarray(masks, dtype=bool)).tobytes()


def unpack_masks(data: bytes, shape: tuple[int, ...]) -> np.ndarray:
    count = int(np.prod(shape))
    if len(data) != (count + 7) // 8:
        raise MessageFormatError(f"{len(data)} mask bytes cannot hold {count} rows")
    return np.unpackbits(np.frombuffer(data, dtype=np.uint8), count=count).reshape(shape).astype(bool)


def pack_ints(values: np.ndarray) -> bytes:
    return np.asarray(values, dtype=">i8").tobytes()


def unpack_ints(data: bytes) -> np.ndarray:
    if len(data) % 8:
        raise MessageFormatError(f"{len(data)} bytes is not a whole number of 64-bit integers")
    return np.frombuffer(data, dtype=">i8").astype(np.int64)
