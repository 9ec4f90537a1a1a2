"""The three PSI messages and their wire format.

Each message is a bare array of 32-byte X25519 u-coordinates. The header carries a kind
byte so that one message can never be parsed as another (the bank must not mistake a
DoubleBlinded for a PlatformBlinded when a transport mixes them up), and the exact
length is checked so a truncated or padded payload fails loudly instead of shifting
every point after the damage.
"""

import struct
from dataclasses import dataclass
from typing import ClassVar, Self

import numpy as np

from federation.psi.hash_to_curve import POINT_BYTES

MAGIC = b"FCPS"
VERSION = 1
_HEADER = struct.Struct(">4sBBQ")  # magic, version, kind, count


class MessageFormatError(ValueError):
    """A payload that is not a well-formed message of the expected kind."""


@dataclass(frozen=True, eq=False)
class _PointsMessage:
    points: np.ndarray
    kind: ClassVar[int]

    def __post_init__(self) -> None:
        points = self.points
        if points.dtype != np.uint8 or points.ndim != 2 or points.shape[1] != POINT_BYTES:
            raise MessageFormatError(
                f"{type(self).__name__} needs an (n, {POINT_BYTES}) uint8 array, "
                f"got {points.dtype} {points.shape}"
            )

    def __len__(self) -> int:
        return len(self.points)

    def to_bytes(self) -> bytes:
        header = _HEADER.pack(MAGIC, VERSION, self.kind, len(self.points))
        return header + np.ascontiguousarray(self.points).tobytes()

    @classmethod
    def from_bytes(cls, payload: bytes) -> Self:
        """Parse without copying the points (the array is read-only)."""
        name = cls.__name__
        if len(payload) < _HEADER.size:
            raise MessageFormatError(
                f"{name}: payload of {len(payload)} bytes is shorter than the "
                f"{_HEADER.size}-byte header"
            )
        magic, version, kind, count = _HEADER.unpack_from(payload)
        if magic != MAGIC:
            raise MessageFormatError(f"{name}: bad magic {magic!r}, not a PSI message")
        if version != VERSION:
            raise MessageFormatError(f"{name}: unsupported version {version} (want {VERSION})")
        if kind != cls.kind:
            raise MessageFormatError(f"{name}: payload is message kind {kind}, want {cls.kind}")
        body = len(payload) - _HEADER.size
        if body != count * POINT_BYTES:
            raise MessageFormatError(
                f"{name}: header announces {count} points ({count * POINT_BYTES} bytes) "
                f"but {body} bytes follow"
            )
        points = np.frombuffer(payload, dtype=np.uint8, offset=_HEADER.size)
        return cls(points.reshape(count, POINT_BYTES))


@dataclass(frozen=True, eq=False)
class BankBlinded(_PointsMessage):
    """bank -> platform: H(x)^a for the bank's ids, in an order only the bank knows."""

    kind: ClassVar[int] = 1


@dataclass(frozen=True, eq=False)
class PlatformBlinded(_PointsMessage):
    """platform -> bank: H(y)^b for the platform's ids; row j is platform handle j."""

    kind: ClassVar[int] = 2


@dataclass(frozen=True, eq=False)
class DoubleBlinded(_PointsMessage):
    """platform -> bank: (H(x)^a)^b, row for row as BankBlinded arrived."""

    kind: ClassVar[int] = 3
