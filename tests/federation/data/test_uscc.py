import time

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from federation.data.uscc import (
    ALPHABET,
    invalid_uscc_mask,
    random_usccs,
    uscc_check_char,
    uscc_error,
)

KNOWN_GOOD = "91350100M000100Y43"
DIVISIONS = ["320703", "320706", "320707", "320722", "320723", "320724"]

valid_codes = st.text(alphabet=ALPHABET, min_size=17, max_size=17).map(
    lambda head: head + uscc_check_char(head)
)


def gb11714_check(body: str) -> str:
    """Independent reimplementation of the organisation-code check character."""
    values = [int(c) if c.isdigit() else ord(c) - 55 for c in body]
    check = 11 - sum(v * w for v, w in zip(values, [3, 7, 9, 10, 5, 8, 4, 2])) % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def test_known_good_code_is_valid():
    assert uscc_error(KNOWN_GOOD) is None


def test_check_char_of_known_good_code():
    assert uscc_check_char(KNOWN_GOOD[:17]) == "3"


def test_wrong_check_char_is_reported_with_expected_value():
    assert uscc_error(KNOWN_GOOD[:17] + "X") == "check character is 'X', expected '3'"


def test_wrong_length_is_reported():
    assert uscc_error(KNOWN_GOOD[:17]) == "length 17, expected 18"


def test_disallowed_character_is_reported_with_position():
    code = KNOWN_GOOD[:4] + "I" + KNOWN_GOOD[5:]
    assert uscc_error(code) == "character 'I' at position 5 not allowed"


def test_lower_case_is_not_valid():
    assert uscc_error(KNOWN_GOOD.lower()) == "character 'm' at position 9 not allowed"


@pytest.mark.parametrize(
    ("value", "reason"), [(None, "missing"), (float("nan"), "missing"), (123, "not a string (int)")]
)
def test_non_strings_are_invalid(value, reason):
    assert uscc_error(value) == reason


def test_mask_agrees_with_scalar_validation():
    codes = np.array(
        [
            KNOWN_GOOD,
            KNOWN_GOOD[:17] + "X",
            KNOWN_GOOD[:17],
            KNOWN_GOOD + "0",
            KNOWN_GOOD.lower(),
            "９" + KNOWN_GOOD[1:],
            None,
            float("nan"),
            913501001,
        ],
        dtype=object,
    )
    expected = np.array([uscc_error(c) is not None for c in codes])
    np.testing.assert_array_equal(invalid_uscc_mask(codes), expected)


@pytest.mark.parametrize(
    "container",
    [
        lambda codes: pd.Series(codes, dtype="str"),
        lambda codes: pd.Series(codes, dtype=object),
        lambda codes: np.array(codes),
        list,
    ],
)
def test_mask_accepts_series_arrays_and_lists(container):
    codes = [KNOWN_GOOD, KNOWN_GOOD[:17] + "X"]
    np.testing.assert_array_equal(invalid_uscc_mask(container(codes)), [False, True])


def test_mask_of_nothing_is_empty():
    assert invalid_uscc_mask(np.array([], dtype=object)).shape == (0,)


@given(valid_codes)
def test_check_char_completes_any_head_to_a_valid_code(code):
    assert uscc_error(code) is None


@given(valid_codes, st.integers(0, 17), st.sampled_from(ALPHABET + "IOSVZa -"))
def test_any_single_character_change_is_rejected(code, position, replacement):
    if code[position] == replacement:
        replacement = ALPHABET[(ALPHABET.index(replacement) + 1) % len(ALPHABET)]
    changed = code[:position] + replacement + code[position + 1 :]
    assert uscc_error(changed) is not None
    assert invalid_uscc_mask([changed])[0]


def test_random_codes_are_valid_and_unique():
    codes = random_usccs(np.random.default_rng(0), 20_000, DIVISIONS)
    assert codes.size == 20_000
    assert np.unique(codes).size == codes.size
    assert not invalid_uscc_mask(codes).any()


def test_random_codes_look_like_market_regulation_registrations():
    codes = random_usccs(np.random.default_rng(1), 5_000, DIVISIONS)
    assert {c[0] for c in codes} == {"9"}
    assert {c[1] for c in codes} <= {"1", "2", "3"}
    assert {c[2:8] for c in codes} == set(DIVISIONS)


def test_random_codes_satisfy_the_inner_organisation_code_check():
    codes = random_usccs(np.random.default_rng(2), 5_000, DIVISIONS)
    assert all(gb11714_check(c[8:16]) == c[16] for c in codes)


def test_random_codes_are_deterministic_by_seed():
    first = random_usccs(np.random.default_rng(3), 1_000, DIVISIONS)
    again = random_usccs(np.random.default_rng(3), 1_000, DIVISIONS)
    np.testing.assert_array_equal(first, again)


def test_random_codes_need_six_digit_divisions():
    with pytest.raises(ValueError, match="6-digit"):
        random_usccs(np.random.default_rng(0), 10, ["3207"])


@pytest.mark.slow
def test_mask_validates_a_million_codes_quickly():
    codes = pd.Series(random_usccs(np.random.default_rng(5), 1_000_000, DIVISIONS), dtype="str")
    start = time.perf_counter()
    invalid_uscc_mask(codes)
    assert time.perf_counter() - start < 2.0
