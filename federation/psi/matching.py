"""Find equal doubly-blinded points between the two parties' lists.

Blinded points are uniformly random 32-byte strings, so their first 8 bytes already
almost never collide: sorting one list on that 64-bit prefix and binary-searching the
other is about twice as fast as sorting whole 32-byte rows, and comparing the full rows
of the candidates keeps the answer exact. Only if two points of the sorted list share a
prefix (probability ~1e-7 at a million points) could a match hide behind its twin, and
then we sort whole rows instead.
"""

import numpy as np


def match(sorted_side: np.ndarray, probe_side: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Index pairs (i, j) with ``probe_side[i] == sorted_side[j]``, ascending in i.

    Both sides are (n, 32) uint8 arrays of points without repeats within a side (distinct
    ids blind to distinct points except with negligible probability).
    """
    if len(sorted_side) == 0 or len(probe_side) == 0:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    sorted_keys = _prefix_keys(sorted_side)
    order = np.argsort(sorted_keys)
    sorted_keys = sorted_keys[order]
    if np.any(sorted_keys[1:] == sorted_keys[:-1]):
        return _match_whole_rows(sorted_side, probe_side)
    probe_keys = _prefix_keys(probe_side)
    slots = np.minimum(np.searchsorted(sorted_keys, probe_keys), len(order) - 1)
    candidates = order[slots]
    found = (sorted_keys[slots] == probe_keys) & np.all(
        sorted_side[candidates] == probe_side, axis=1
    )
    return np.flatnonzero(found).astype(np.int64), candidates[found].astype(np.int64)


def _prefix_keys(points: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(points[:, :8]).view(np.uint64).ravel()


def _match_whole_rows(
    sorted_side: np.ndarray, probe_side: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    rows = _as_void(sorted_side)
    order = np.argsort(rows)
    rows = rows[order]
    probes = _as_void(probe_side)
    slots = np.minimum(np.searchsorted(rows, probes), len(order) - 1)
    found = rows[slots] == probes
    return np.flatnonzero(found).astype(np.int64), order[slots][found].astype(np.int64)


def _as_void(points: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(points).view(np.dtype((np.void, points.shape[1]))).ravel()

