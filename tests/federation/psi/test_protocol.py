"""The PSI protocol end to end in one process: results, handles, and what each side sees."""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from federation.psi import (
    BankBlinded,
    BankPSI,
    BankPSIResult,
    DoubleBlinded,
    PlatformBlinded,
    PlatformPSI,
)
from federation.psi.hash_to_curve import encode_to_curve


def uscc(number: int) -> str:
    return f"91110000{number:010d}"


def run(bank_ids, platform_ids) -> tuple[BankPSIResult, PlatformPSI]:
    """One job, every message through its wire format."""
    bank, platform = BankPSI(bank_ids, workers=1), PlatformPSI(platform_ids, workers=1)
    bank_blinded = BankBlinded.from_bytes(bank.blinded().to_bytes())
    bank.reblind(PlatformBlinded.from_bytes(platform.blinded().to_bytes()))
    double = DoubleBlinded.from_bytes(platform.double_blind(bank_blinded).to_bytes())
    return bank.finish(double), platform


def overlapping_sets(size: int, shared: int, seed: int) -> tuple[list[str], list[str]]:
    numbers = np.random.default_rng(seed).choice(10**9, 2 * size - shared, replace=False)
    ids = [uscc(number) for number in numbers]
    return ids[:size], ids[:shared] + ids[size:]


def test_finds_the_plaintext_intersection():
    bank_ids, platform_ids = overlapping_sets(300, 120, seed=1)
    result, _ = run(bank_ids, platform_ids)
    assert set(result.ids_in_intersection) == set(bank_ids) & set(platform_ids)
    assert len(result.ids_in_intersection) == 120


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    bank_ids=st.sets(st.text(min_size=0, max_size=20), max_size=25),
    platform_ids=st.sets(st.text(min_size=0, max_size=20), max_size=25),
)
def test_any_string_sets_intersect_exactly(bank_ids, platform_ids):
    result, _ = run(sorted(bank_ids), sorted(platform_ids))
    assert sorted(result.ids_in_intersection.tolist()) == sorted(bank_ids & platform_ids)


def test_disjoint_sets_give_an_empty_intersection():
    bank_ids, platform_ids = overlapping_sets(100, 0, seed=2)
    result, _ = run(bank_ids, platform_ids)
    assert result.ids_in_intersection.size == result.platform_handles.size == 0


def test_identical_sets_intersect_fully():
    ids, _ = overlapping_sets(150, 0, seed=3)
    result, _ = run(ids, ids[::-1])
    assert result.ids_in_intersection.tolist() == ids


def test_empty_bank_set_intersects_nothing():
    result, platform = run([], [uscc(1), uscc(2)])
    assert result.ids_in_intersection.size == 0
    assert platform.bank_set_size == 0


def test_results_follow_the_bank_input_order():
    bank_ids, platform_ids = overlapping_sets(200, 80, seed=4)
    result, _ = run(bank_ids, platform_ids)
    assert (np.diff(result.bank_rows) > 0).all()
    assert result.ids_in_intersection.tolist() == [bank_ids[row] for row in result.bank_rows]


def test_handles_map_to_the_platform_rows_of_the_same_ids():
    bank_ids, platform_ids = overlapping_sets(200, 80, seed=5)
    result, platform = run(bank_ids, platform_ids)
    rows = platform.rows_for_handles(result.platform_handles)
    assert [platform_ids[row] for row in rows] == result.ids_in_intersection.tolist()


def test_handles_are_not_platform_rows():
    """The shuffle keeps the platform's table order from the bank."""
    bank_ids, platform_ids = overlapping_sets(300, 300, seed=6)
    result, platform = run(bank_ids, platform_ids)
    assert not (platform.rows_for_handles(result.platform_handles) == result.platform_handles).all()


def test_platform_learns_the_bank_set_size():
    bank_ids, platform_ids = overlapping_sets(70, 10, seed=7)
    _, platform = run(bank_ids, platform_ids)
    assert platform.bank_set_size == 70


@pytest.mark.parametrize("party", [BankPSI, PlatformPSI])
def test_duplicate_ids_are_refused(party):
    with pytest.raises(ValueError, match="distinct: 1 repeated, e.g. \\['91110000"):
        party([uscc(1), uscc(2), uscc(1)])


@pytest.mark.parametrize("party", [BankPSI, PlatformPSI])
def test_non_string_ids_are_refused(party):
    with pytest.raises(TypeError, match="row 1 is int"):
        party([uscc(1), 91110000])


def test_blinded_messages_carry_no_id_or_id_hash():
    ids = [uscc(number) for number in range(100)]
    for message in (BankPSI(ids, workers=1).blinded(), PlatformPSI(ids, workers=1).blinded()):
        payload = message.to_bytes()
        assert not any(id_.encode() in payload for id_ in ids)
        hashed = {row.tobytes() for row in encode_to_curve([id_.encode() for id_ in ids])}
        assert not hashed & {row.tobytes() for row in message.points}


def test_blinded_messages_differ_between_jobs():
    ids = [uscc(number) for number in range(50)]
    first, second = BankPSI(ids, workers=1).blinded(), BankPSI(ids, workers=1).blinded()
    assert not {row.tobytes() for row in first.points} & {row.tobytes() for row in second.points}


def test_finish_needs_the_platform_set_first():
    bank = BankPSI([uscc(1)], workers=1)
    with pytest.raises(RuntimeError, match="reblind"):
        bank.finish(DoubleBlinded(np.zeros((1, 32), np.uint8)))


def test_double_blinded_of_the_wrong_size_is_refused():
    bank, platform = BankPSI([uscc(1), uscc(2)], workers=1), PlatformPSI([uscc(1)], workers=1)
    bank.reblind(platform.blinded())
    short = platform.double_blind(BankBlinded(bank.blinded().points[:1]))
    with pytest.raises(ValueError, match="1 points, we sent 2"):
        bank.finish(short)


def test_out_of_range_handles_are_refused():
    platform = PlatformPSI([uscc(1), uscc(2)], workers=1)
    with pytest.raises(ValueError, match="outside 0..1"):
        platform.rows_for_handles([0, 2])


def test_non_integer_handles_are_refused():
    with pytest.raises(TypeError, match="integers"):
        PlatformPSI([uscc(1)], workers=1).rows_for_handles([0.0])
