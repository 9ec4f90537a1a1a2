"""The syft boundary's messages: what is sent is what arrives, and a bad line is named."""

from __future__ import annotations

import pytest

from federation.syft_bridge import messages as m


@pytest.mark.parametrize("message", [
    m.Publish("t.parquet", "m.parquet", "id", "platform", "d"),
    m.Pending([m.PendingRequest("r1", "bank_a", "summary", "def summary(data): ...")]),
    m.Result("approved", {"rows": 3, "mean": 1.5}),
    m.Approve("r1", ["91320706MA1MXYWN2F"]),
])
def test_a_message_survives_the_boundary(message: object) -> None:
    assert m.decode(m.encode(message)) == message


def test_an_unknown_type_is_named() -> None:
    with pytest.raises(m.MessageError, match="'Explode'"):
        m.decode('{"type": "Explode", "body": {}}')


def test_a_missing_field_is_named() -> None:
    with pytest.raises(m.MessageError, match="missing \\['reason'\\]"):
        m.decode('{"type": "Deny", "body": {"request_id": "r1"}}')


def test_an_unknown_field_is_named() -> None:
    with pytest.raises(m.MessageError, match="unknown field\\(s\\) \\['extra'\\]"):
        m.decode('{"type": "Denied", "body": {"request_id": "r1", "extra": 1}}')


def test_a_line_that_is_not_json_is_refused() -> None:
    with pytest.raises(m.MessageError, match="not JSON"):
        m.decode("hello")


def test_only_boundary_messages_are_encoded() -> None:
    with pytest.raises(m.MessageError, match="dict"):
        m.encode({"type": "Stop"})
