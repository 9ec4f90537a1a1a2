"""Matching doubly-blinded points: exact, including when 64-bit prefixes collide."""

import numpy as np

from federation.psi.matching import match


def brute_force(sorted_side, probe_side):
    index = {row.tobytes(): j for j, row in enumerate(sorted_side)}
    keys = [row.tobytes() for row in probe_side]
    pairs = [(i, index[key]) for i, key in enumerate(keys) if key in index]
    return [i for i, _ in pairs], [j for _, j in pairs]


def sides(size: int, shared: int, seed: int):
    rng = np.random.default_rng(seed)
    sorted_side = rng.integers(0, 256, (size, 32), dtype=np.uint8)
    probe_side = rng.integers(0, 256, (size, 32), dtype=np.uint8)
    picks = rng.choice(size, shared, replace=False)
    probe_side[rng.choice(size, shared, replace=False)] = sorted_side[picks]
    return sorted_side, probe_side


def test_finds_exactly_the_shared_rows():
    sorted_side, probe_side = sides(2000, 700, seed=1)
    positions, handles = match(sorted_side, probe_side)
    assert (positions.tolist(), handles.tolist()) == brute_force(sorted_side, probe_side)
    assert len(positions) == 700


def test_equal_prefix_alone_is_not_a_match():
    sorted_side, probe_side = sides(100, 0, seed=2)
    probe_side[5, :8] = sorted_side[9, :8]
    positions, _ = match(sorted_side, probe_side)
    assert positions.size == 0


def test_prefix_collision_within_a_side_keeps_both_matches():
    sorted_side, probe_side = sides(500, 0, seed=3)
    sorted_side[11, :8] = sorted_side[40, :8]  # two rows share a 64-bit prefix
    probe_side[3] = sorted_side[40]
    probe_side[4] = sorted_side[11]
    positions, handles = match(sorted_side, probe_side)
    assert positions.tolist() == [3, 4]
    assert handles.tolist() == [40, 11]


def test_empty_sides_match_nothing():
    points, _ = sides(10, 0, seed=4)
    empty = np.empty((0, 32), np.uint8)
    for left, right in [(empty, points), (points, empty), (empty, empty)]:
        positions, handles = match(left, right)
        assert positions.size == handles.size == 0
