"""The deliberate imperfections of synthetic records.

Real registries and core banking exports have gaps and formatting noise; a
generator without them would let the loader and the models pass tests they
fail on real data. Everything here stays within what ``load_table`` accepts.
"""

from __future__ import annotations

import numpy as np


def with_missing(rng: np.random.Generator, values: np.ndarray, share: float) -> np.ndarray:
    """A copy with about ``share`` of the entries missing (None or NaN)."""
    text = values.dtype == object
    out = values.astype(object if text else float)
    out[rng.random(values.size) < share] = None if text else np.nan
    return out


def messy_ids(rng: np.random.Generator, codes: np.ndarray) -> np.ndarray:
    """USCCs as a core banking system exports them: a few lower-cased or padded."""
    ids = codes.astype(object)
    draw = rng.random(codes.size)
    lower, padded = draw < 0.004, (draw >= 0.004) & (draw < 0.008)
    ids[lower] = np.char.lower(codes[lower].astype(str))
    ids[padded] = np.char.add(np.char.add(" ", codes[padded].astype(str)), " ")
    return ids
