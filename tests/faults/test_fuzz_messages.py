"""Fuzzing the protocol message parsers with what a relay payload could hold: random bytes,
and well-framed messages damaged in one place (magic, version, kind, lengths, JSON).

A party reading a peer's message either gets the message or a MessageFormatError saying
what is wrong with it; the job then fails with that line, never with a traceback from
deep inside numpy or json.
"""

from __future__ import annotations

import struct

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.support.fuzzing import fuzz

from federation.psi import messages as psi
from models.secureboost import messages as sb

PSI_KINDS = (psi.BankBlinded, psi.PlatformBlinded, psi.DoubleBlinded)


@st.composite
def psi_payloads(draw: st.DrawFn) -> bytes:
    """Mostly near-valid: a real header with one field off, or points that do not add up."""
    magic = draw(st.sampled_from([psi.MAGIC, b"FCSB", b"\0\0\0\0"]))
    version = draw(st.sampled_from([psi.VERSION, 0, 2, 255]))
    kind = draw(st.integers(0, 255))
    count = draw(st.one_of(st.integers(0, 4), st.integers(0, 2**64 - 1)))
    body = draw(st.binary(max_size=4 * 32 + 3))
    return struct.pack(">4sBBQ", magic, version, kind, count) + body


@fuzz
@given(st.one_of(st.binary(max_size=300), psi_payloads()), st.sampled_from(PSI_KINDS))
def test_a_psi_payload_parses_or_says_what_is_wrong(payload: bytes, kind: type) -> None:
    try:
        message = kind.from_bytes(payload)
    except psi.MessageFormatError as exc:
        assert kind.__name__ in str(exc)
        return
    assert message.to_bytes() == payload


JSON_VALUES = st.recursive(st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False),
                                     st.text(max_size=8)),
                           lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner,
                                                                                      max_size=3), max_leaves=8)


@st.composite
def secureboost_payloads(draw: st.DrawFn) -> bytes:
    """A real message, then one of: a wrong header field, a lying length, cut or padded bytes."""
    fields = draw(st.dictionaries(st.text(max_size=6), JSON_VALUES, max_size=3))
    message = sb.Message(draw(st.sampled_from(["histograms", "apply_split", "x"])), fields,
                         tuple(draw(st.lists(st.binary(max_size=16), max_size=3))))
    payload = bytearray(message.to_bytes())
    damage = draw(st.sampled_from(["none", "magic", "version", "json_length", "blob_count", "cut", "pad", "json"]))
    if damage == "magic":
        payload[0:4] = draw(st.binary(min_size=4, max_size=4))
    elif damage == "version":
        payload[4] = draw(st.integers(0, 255))
    elif damage == "json_length":
        payload[5:9] = struct.pack(">I", draw(st.integers(0, 2**32 - 1)))
    elif damage == "blob_count":
        payload[9:11] = struct.pack(">H", draw(st.integers(0, 2**16 - 1)))
    elif damage == "cut":
        del payload[draw(st.integers(0, len(payload))):]
    elif damage == "pad":
        payload += draw(st.binary(min_size=1, max_size=9))
    elif damage == "json":
        start = 11 + draw(st.integers(0, 8))
        payload[start:start + 1] = draw(st.binary(min_size=1, max_size=1))
    return bytes(payload)


@fuzz
@given(st.one_of(st.binary(max_size=300), secureboost_payloads()), st.sampled_from([None, "histograms"]))
def test_a_secureboost_payload_parses_or_says_what_is_wrong(payload: bytes, expect: str | None) -> None:
    try:
        message = sb.Message.from_bytes(payload, expect=expect)
    except sb.MessageFormatError as exc:
        assert str(exc)
        return
    assert expect is None or message.kind == expect
    assert sb.Message.from_bytes(message.to_bytes()) == message


def test_a_header_announcing_more_json_than_follows_is_named() -> None:
    payload = bytearray(sb.Message("histograms").to_bytes())
    payload[5:9] = struct.pack(">I", 100)
    with pytest.raises(sb.MessageFormatError, match="announces 100 bytes of JSON, 22 follow"):
        sb.Message.from_bytes(bytes(payload))


@fuzz
@given(st.binary(max_size=64), st.integers(0, 300))
def test_packed_masks_and_integers_unpack_or_say_what_is_wrong(data: bytes, rows: int) -> None:
    for unpack in (lambda: sb.unpack_masks(data, (rows,)), lambda: sb.unpack_ints(data)):
        try:
            unpack()
        except sb.MessageFormatError as exc:
            assert str(exc)
