"""Fixed-point packing of (g, h) into one signed integer, without any encryption."""

from __future__ import annotations

import math

import numpy as np
import pytest

from federation.crypto import FixedPointPacking, PlaintextRangeError

PACKING = FixedPointPacking()


def test_values_on_the_fixed_point_grid_round_trip_exactly() -> None:
    g = np.array([0.5, -0.25, 3.0, -(1.0 + 2.0**-40)])
    h = np.array([0.125, 0.0, -2.0, 2.0**-64])

    got_g, got_h = PACKING.unpack(PACKING.pack(g, h))

    assert got_g.tolist() == g.tolist()
    assert got_h.tolist() == h.tolist()


def test_sum_of_packed_values_unpacks_to_the_exact_sums() -> None:
    rng = np.random.default_rng(7)
    g = rng.normal(size=5000)
    h = rng.normal(size=5000)

    got_g, got_h = PACKING.unpack([sum(PACKING.pack(g, h))])

    assert got_g[0] == pytest.approx(math.fsum(g), abs=5000 * 2.0**-65)
    assert got_h[0] == pytest.approx(math.fsum(h), abs=5000 * 2.0**-65)


def test_negative_h_sum_borrows_from_the_g_slot_and_comes_back() -> None:
    packed = PACKING.pack(np.array([1.0, 2.0]), np.array([-3.0, -4.0]))

    got_g, got_h = PACKING.unpack([packed[0] + packed[1]])

    assert (got_g[0], got_h[0]) == (3.0, -7.0)


def test_values_below_one_quantum_are_rounded_to_the_nearest_multiple_of_2_pow_minus_64() -> None:
    tiny = np.array([2.0**-66, 3 * 2.0**-66])

    got_g, _ = PACKING.unpack(PACKING.pack(tiny, np.zeros(2)))

    assert got_g.tolist() == [0.0, 2.0**-64]


def test_magnitude_at_the_int_bits_limit_is_refused() -> None:
    with pytest.raises(PlaintextRangeError):
        PACKING.pack(np.array([2.0**PACKING.int_bits]), np.array([0.0]))


def test_non_finite_values_are_refused() -> None:
    with pytest.raises(PlaintextRangeError):
        PACKING.pack(np.array([0.0]), np.array([np.nan]))


def test_a_decrypted_value_beyond_any_valid_sum_is_refused() -> None:
    with pytest.raises(PlaintextRangeError):
        PACKING.unpack([1 << (PACKING.plaintext_bits + 5)])


def test_packed_sums_fit_every_schemes_plaintext_space() -> None:
    # OU's plaintext bound at 2048 bits is 2^682, the smallest of the three schemes.
    assert PACKING.plaintext_bits < 682
