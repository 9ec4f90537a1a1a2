"""Coarse classing: which prebins form one scorecard bin, decided from event counts alone.

The label holder runs this for its own features and, on the decrypted counts, for the
platform's, so it never needs a platform value or cut point: prebins are only positions
(numeric prebins in value order). Numeric features get event rates that are monotonic in
the value (pool-adjacent-violators, the direction that fits the counts better), then the
closest neighbours are merged until at most ``max_groups`` remain and every group holds
``min_bin_size`` rows. Categorical prebins are ordered by event rate first, so the same
adjacent merging applies. A missing-value prebin stays a group of its own.

``optbinning`` (mixed-integer optimal binning) would be the library for this, but
optbinning 1.0.0 needs ortools, which pins ``protobuf<6.34`` against the ``protobuf``
our gRPC stubs are generated with; this is the greedy monotonic equivalent, in numpy.
"""

from __future__ import annotations

import numpy as np

from models.scorecard.woe import weight_of_evidence


def merge_plan(events: np.ndarray, nonevents: np.ndarray, *, categorical: bool, has_missing_prebin: bool,
               min_bin_size: int, max_groups: int, monotonic: bool = True) -> np.ndarray:
    """Group index per prebin (value prebins first, the missing prebin last)."""
    events = np.asarray(events, dtype=np.float64)
    nonevents = np.asarray(nonevents, dtype=np.float64)
    if events.shape != nonevents.shape or events.ndim != 1:
        raise ValueError(f"event and non-event counts must be 1-D of one length, got {events.shape}, {nonevents.shape}")
    if max_groups < 2:
        raise ValueError(f"max_groups must be at least 2, got {max_groups}")
    n_values = len(events) - int(has_missing_prebin)
    order = np.arange(n_values)
    if categorical:
        rates = events[:n_values] / np.maximum(events[:n_values] + nonevents[:n_values], 1.0)
        order = np.argsort(rates, kind="stable")
    blocks = [[int(k)] for k in order]
    if monotonic and not categorical:
        blocks = _monotonic_blocks(blocks, events, nonevents)
    limit = max_groups - int(has_missing_prebin)
    while len(blocks) > 1 and (len(blocks) > limit or _smallest(blocks, events, nonevents)[1] < min_bin_size):
        blocks = _merge_closest(blocks, events, nonevents, min_bin_size)
    groups = np.empty(len(events), dtype=np.int64)
    for g, block in enumerate(blocks):
        groups[block] = g
    if has_missing_prebin:
        groups[-1] = len(blocks)
    return groups


def _monotonic_blocks(blocks: list[list[int]], events: np.ndarray, nonevents: np.ndarray) -> list[list[int]]:
    """Pool adjacent violators in the direction that keeps more of the rates' spread."""
    up = _pooled(blocks, events, nonevents, increasing=True)
    down = _pooled(blocks, events, nonevents, increasing=False)
    return up if _information_value(up, events, nonevents) >= _information_value(down, events, nonevents) else down


def _pooled(blocks: list[list[int]], events: np.ndarray, nonevents: np.ndarray, *, increasing: bool) -> list[list[int]]:
    sign = 1.0 if increasing else -1.0
    out: list[list[int]] = []
    for block in blocks:
        out.append(list(block))
        while len(out) > 1 and sign * _rate(out[-2], events, nonevents) >= sign * _rate(out[-1], events, nonevents):
            last = out.pop()
            out[-1].extend(last)
    return out


def _merge_closest(blocks: list[list[int]], events: np.ndarray, nonevents: np.ndarray,
                   min_bin_size: int) -> list[list[int]]:
    """Merge the smallest block below the floor, else the adjacent pair of closest rates."""
    k, size = _smallest(blocks, events, nonevents)
    if size < min_bin_size:
        candidates = [j for j in (k - 1, k + 1) if 0 <= j < len(blocks)]
        other = min(candidates, key=lambda j: abs(_rate(blocks[j], events, nonevents) - _rate(blocks[k], events, nonevents)))
        left = min(k, other)
    else:
        gaps = [abs(_rate(blocks[j + 1], events, nonevents) - _rate(blocks[j], events, nonevents))
                for j in range(len(blocks) - 1)]
        left = int(np.argmin(gaps))
    return blocks[:left] + [blocks[left] + blocks[left + 1]] + blocks[left + 2:]


def _smallest(blocks: list[list[int]], events: np.ndarray, nonevents: np.ndarray) -> tuple[int, float]:
    sizes = [float(events[b].sum() + nonevents[b].sum()) for b in blocks]
    k = int(np.argmin(sizes))
    return k, sizes[k]


def _rate(block: list[int], events: np.ndarray, nonevents: np.ndarray) -> float:
    e = float(events[block].sum())
    return e / max(e + float(nonevents[block].sum()), 1.0)


def _information_value(blocks: list[list[int]], events: np.ndarray, nonevents: np.ndarray) -> float:
    e = np.array([events[b].sum() for b in blocks])
    ne = np.array([nonevents[b].sum() for b in blocks])
    return weight_of_evidence(e, ne).iv
