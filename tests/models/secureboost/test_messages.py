"""SecureBoost's wire format: what goes in comes out, and damaged bytes fail loudly."""

import numpy as np
import pytest

from models.secureboost.messages import Message, MessageFormatError, pack_masks, unpack_masks


def test_a_message_survives_the_round_trip():
    message = Message("apply_split", {"tree": 3, "rule": {"feature": 1}}, (b"\x00\x01", b""))
    assert Message.from_bytes(message.to_bytes()) == message


def test_a_reply_of_another_kind_is_refused():
    with pytest.raises(MessageFormatError, match="expected a 'histograms' message, got 'route'"):
        Message.from_bytes(Message("route").to_bytes(), expect="histograms")


def test_a_truncated_message_is_refused():
    payload = Message("begin_tree", {"tree": 0}, (b"x" * 100,)).to_bytes()
    with pytest.raises(MessageFormatError, match="truncated"):
        Message.from_bytes(payload[:-1])


def test_trailing_bytes_are_refused():
    with pytest.raises(MessageFormatError, match="trailing"):
        Message.from_bytes(Message("finish").to_bytes() + b"\x00")


def test_bytes_of_another_protocol_are_refused():
    with pytest.raises(MessageFormatError, match="magic"):
        Message.from_bytes(b"FCPS" + bytes(20))


def test_masks_round_trip_with_a_row_count_not_a_multiple_of_eight():
    masks = np.random.default_rng(0).random((3, 13)) < 0.5
    assert np.array_equal(unpack_masks(pack_masks(masks), (3, 13)), masks)


def test_masks_of_the_wrong_length_are_refused():
    with pytest.raises(MessageFormatError, match="cannot hold"):
        unpack_masks(pack_masks(np.ones(16, bool)), (17,))
