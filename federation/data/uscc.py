"""Unified social credit codes (USCC, GB 32100-2015).

The USCC is the join key between the platform and the banks, so a malformed
code is not a cosmetic problem: it silently drops an enterprise from the
private set intersection. Layout of the 18 characters:

====  ===========================================================
1     registration department (``9`` = market regulation)
2     organisation type (``1`` enterprise, ``2`` individual business,
      ``3`` farmers' cooperative under department ``9``)
3-8   administrative division code (6 digits)
9-17  organisation code (GB 11714, its own check character at 17)
18    check character, mod 31 over positions 1-17
====  ===========================================================

Validation enforces length, alphabet and the mod-31 check character, which is
what the standard requires of a code. The inner GB 11714 check is not
enforced because real registries hold codes that violate it; generated codes
satisfy it anyway so that they look like the real thing to any other tool.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
LENGTH = 18
WEIGHTS = np.array([pow(3, i, 31) for i in range(LENGTH - 1)], dtype=np.int64)

_ORG_WEIGHTS = np.array([3, 7, 9, 10, 5, 8, 4, 2], dtype=np.int64)
_VALUE = {ch: i for i, ch in enumerate(ALPHABET)}
# Code point -> alphabet value, -1 where the character is not allowed.
_LUT = np.full(128, -1, dtype=np.int64)
_LUT[[ord(ch) for ch in ALPHABET]] = np.arange(len(ALPHABET))
_ALPHABET_CODES = np.frombuffer(ALPHABET.encode("ascii"), dtype=np.uint8)


def uscc_check_char(first17: str) -> str:
    """Return the mod-31 check character for the first 17 characters."""
    if len(first17) != LENGTH - 1:
        raise ValueError(f"expected 17 characters, got {len(first17)}")
    try:
        total = sum(_VALUE[ch] * int(w) for ch, w in zip(first17, WEIGHTS))
    except KeyError as exc:
        raise ValueError(f"character {exc.args[0]!r} not allowed in a USCC") from None
    return ALPHABET[(31 - total % 31) % 31]


def uscc_error(code: object) -> str | None:
    """Say why ``code`` is not a valid USCC, or return None if it is.

    The reason is meant for a person fixing a file, so it names the first
    offending character by its 1-based position.
    """
    if code is None or (isinstance(code, float) and np.isnan(code)):
        return "missing"
    if not isinstance(code, str):
        return f"not a string ({type(code).__name__})"
    if len(code) != LENGTH:
        return f"length {len(code)}, expected {LENGTH}"
    for position, ch in enumerate(code, start=1):
        if ch not in _VALUE:
            return f"character {ch!r} at position {position} not allowed"
    expected = uscc_check_char(code[:-1])
    if code[-1] != expected:
        return f"check character is {code[-1]!r}, expected {expected!r}"
    return None


def invalid_uscc_mask(codes: pd.Series | np.ndarray | Sequence[object]) -> np.ndarray:
    """Vectorised validity test: True where a code is not a valid USCC.

    Anything that is not a string (None, NaN, numbers) counts as invalid.
    """
    values = codes.to_numpy() if isinstance(codes, pd.Series) else np.asarray(codes)
    values = values.ravel()
    if values.dtype.kind != "U":
        objects = values.astype(object)
        is_str = np.fromiter((isinstance(v, str) for v in objects), bool, count=objects.size)
        values = np.where(is_str, objects, "").astype(str) if objects.size else np.array([], "U1")
    invalid = np.ones(values.size, dtype=bool)
    candidates = np.flatnonzero(np.strings.str_len(values) == LENGTH)
    if candidates.size == 0:
        return invalid
    points = values[candidates].astype(f"U{LENGTH}").view(np.uint32).reshape(-1, LENGTH)
    digits = _LUT[np.minimum(points, 127)]
    digits[points > 127] = -1
    expected = (31 - (digits[:, :-1] @ WEIGHTS) % 31) % 31
    invalid[candidates] = ~((digits >= 0).all(axis=1) & (digits[:, -1] == expected))
    return invalid


def random_usccs(
    rng: np.random.Generator,
    n: int,
    divisions: Sequence[str],
    *,
    weights: Sequence[float] | None = None,
) -> np.ndarray:
    """Draw ``n`` distinct valid USCCs registered with market regulation.

    Organisation types follow a registry's rough mix (mostly enterprises,
    some individual businesses, few cooperatives), and about half of the
    organisation codes use the post-2015 ``MA`` prefix. Both check characters
    (GB 11714 and GB 32100) are correct. Returns a ``U18`` array.
    """
    divisions = [str(d) for d in divisions]
    if not divisions or any(len(d) != 6 or not d.isdigit() for d in divisions):
        raise ValueError("divisions must be non-empty 6-digit administrative division codes")
    if n < 0:
        raise ValueError("n must be non-negative")
    p = None if weights is None else np.asarray(weights, dtype=float) / np.sum(weights)
    division_codes = np.array([list(d.encode("ascii")) for d in divisions], dtype=np.uint8)
    chars = np.empty((0, LENGTH), dtype=np.uint8)
    while len(chars) < n:
        chars = np.concatenate([chars, _draw(rng, n - len(chars), division_codes, p)])
        _, first = np.unique(_identity(chars), return_index=True)
        chars = chars[np.sort(first)]
    return chars.view(f"S{LENGTH}").ravel().astype(f"U{LENGTH}")


def _draw(
    rng: np.random.Generator, n: int, division_codes: np.ndarray, p: np.ndarray | None
) -> np.ndarray:
    chars = np.empty((n, LENGTH), dtype=np.uint8)
    chars[:, 0] = ord("9")
    chars[:, 1] = rng.choice(np.frombuffer(b"123", np.uint8), size=n, p=[0.82, 0.15, 0.03])
    chars[:, 2:8] = division_codes[rng.choice(len(division_codes), size=n, p=p)]
    chars[:, 8:16] = rng.integers(ord("0"), ord("9") + 1, size=(n, 8), dtype=np.uint8)
    new_style = rng.random(n) < 0.5
    chars[new_style, 8] = ord("M")
    chars[new_style, 9] = ord("A")
    chars[new_style, 10:16] = rng.choice(_ALPHABET_CODES, size=(int(new_style.sum()), 6))
    chars[:, 16] = _org_check_codes(chars[:, 8:16])
    values = _LUT[chars[:, :17]]
    chars[:, 17] = _ALPHABET_CODES[(31 - (values @ WEIGHTS) % 31) % 31]
    return chars


def _identity(chars: np.ndarray) -> np.ndarray:
    """One int64 per drawn code, equal exactly when the codes are equal.

    Position 1 is always '9' and positions 17-18 follow from the rest, so the
    type, the division and the 8-character organisation body identify a code;
    deduplicating integers is several times faster than deduplicating strings.
    """
    kind = chars[:, 1].astype(np.int64) - ord("0")
    division = (chars[:, 2:8].astype(np.int64) - ord("0")) @ (10 ** np.arange(5, -1, -1))
    body = _LUT[chars[:, 8:16]] @ (31 ** np.arange(7, -1, -1, dtype=np.int64))
    return (kind * 10**6 + division) * 31**8 + body


def _org_check_codes(body: np.ndarray) -> np.ndarray:
    """GB 11714 check character: digits count as themselves, A-Z as 10-35."""
    values = np.where(body >= ord("A"), body.astype(np.int64) - 55, body.astype(np.int64) - 48)
    check = 11 - (values @ _ORG_WEIGHTS) % 11
    return np.where(check == 10, ord("X"), np.where(check == 11, ord("0"), check + 48)).astype(
        np.uint8
    )
