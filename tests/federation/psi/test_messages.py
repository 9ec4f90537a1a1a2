"""Wire format: exact round trips, and loud failures for anything else."""

import struct

import numpy as np
import pytest

from federation.psi.messages import BankBlinded, DoubleBlinded, MessageFormatError, PlatformBlinded

KINDS = [BankBlinded, PlatformBlinded, DoubleBlinded]


def random_points(count: int) -> np.ndarray:
    return np.random.default_rng(count).integers(0, 256, (count, 32), dtype=np.uint8)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("count", [0, 1, 257])
def test_round_trip(kind, count):
    points = random_points(count)
    parsed = kind.from_bytes(kind(points).to_bytes())
    assert type(parsed) is kind
    assert parsed.points.shape == (count, 32)
    assert (parsed.points == points).all()


def test_payload_is_header_plus_points():
    assert len(BankBlinded(random_points(10)).to_bytes()) == 14 + 10 * 32


def test_truncated_payload_is_rejected():
    payload = BankBlinded(random_points(5)).to_bytes()
    with pytest.raises(MessageFormatError, match="announces 5 points"):
        BankBlinded.from_bytes(payload[:-1])


def test_trailing_bytes_are_rejected():
    payload = BankBlinded(random_points(5)).to_bytes()
    with pytest.raises(MessageFormatError, match="announces 5 points"):
        BankBlinded.from_bytes(payload + b"\x00" * 32)


def test_payload_shorter_than_header_is_rejected():
    with pytest.raises(MessageFormatError, match="shorter than"):
        BankBlinded.from_bytes(b"FCPS\x01")


def test_bad_magic_is_rejected():
    payload = bytearray(BankBlinded(random_points(2)).to_bytes())
    payload[0] ^= 0xFF
    with pytest.raises(MessageFormatError, match="bad magic"):
        BankBlinded.from_bytes(bytes(payload))


def test_unknown_version_is_rejected():
    payload = bytearray(BankBlinded(random_points(2)).to_bytes())
    payload[4] = 2
    with pytest.raises(MessageFormatError, match="unsupported version 2"):
        BankBlinded.from_bytes(bytes(payload))


def test_message_of_another_kind_is_rejected():
    payload = DoubleBlinded(random_points(3)).to_bytes()
    with pytest.raises(MessageFormatError, match="kind 3, want 2"):
        PlatformBlinded.from_bytes(payload)


def test_count_overflowing_the_payload_is_rejected():
    payload = struct.pack(">4sBBQ", b"FCPS", 1, 1, 2**60) + bytes(64)
    with pytest.raises(MessageFormatError, match="announces"):
        BankBlinded.from_bytes(payload)


@pytest.mark.parametrize(
    "points",
    [np.zeros((3, 31), np.uint8), np.zeros((3, 32), np.int16), np.zeros(32, np.uint8)],
    ids=["width", "dtype", "flat"],
)
def test_malformed_array_is_rejected(points):
    with pytest.raises(MessageFormatError, match=r"\(n, 32\) uint8"):
        BankBlinded(points)
