"""Who counts as connected: a party with an open job stream, and for how long the others are away."""

from __future__ import annotations

from tests.support.clock import Clock

from federation.coordinator.presence import Presence


def test_a_party_never_seen_is_away_since_the_coordinator_started() -> None:
    clock = Clock()
    presence = Presence(clock)
    clock.now += 7
    assert presence.absent_for("platform") == 7


def test_a_connected_party_is_not_away() -> None:
    clock = Clock()
    presence = Presence(clock)
    presence.connect("platform")
    clock.now += 7
    assert presence.absent_for("platform") == 0


def test_a_party_is_away_from_when_its_last_stream_ended() -> None:
    clock = Clock()
    presence = Presence(clock)
    first, second = presence.connect("platform"), presence.connect("platform")
    clock.now += 5
    first()
    assert presence.absent_for("platform") == 0
    second()
    clock.now += 3
    assert presence.absent_for("platform") == 3


def test_a_stream_reported_ended_twice_counts_once() -> None:
    clock = Clock()
    presence = Presence(clock)
    ended = presence.connect("platform")
    presence.connect("platform")
    ended()
    ended()
    clock.now += 3
    assert presence.absent_for("platform") == 0
