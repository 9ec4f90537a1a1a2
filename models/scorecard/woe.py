"""Weight of evidence and information value, from event and non-event counts per bin.

``WOE = ln(share of non-events / share of events)``: positive bins are safer than
average. Counts get half an observation of smoothing so that a bin without events (or
without non-events) has a finite WOE; the minimum bin size keeps that rare.
IV = sum over bins of (share of non-events - share of events) * WOE, the usual screen:
below 0.02 a feature predicts nothing worth a scorecard line.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

SMOOTHING = 0.5
DEFAULT_MIN_IV = 0.02


@dataclass(frozen=True)
class WoeTable:
    """One feature's bins: counts, WOE per bin and the feature's IV."""

    events: np.ndarray
    nonevents: np.ndarray
    woe: np.ndarray
    iv: float


def weight_of_evidence(events: np.ndarray, nonevents: np.ndarray) -> WoeTable:
    events = np.asarray(events, dtype=np.float64)
    nonevents = np.asarray(nonevents, dtype=np.float64)
    if events.shape != nonevents.shape or events.ndim != 1 or not len(events):
        raise ValueError(f"event and non-event counts must be 1-D of one length, got {events.shape}, {nonevents.shape}")
    if (events < 0).any() or (nonevents < 0).any():
        raise ValueError("counts cannot be negative")
    share_events = (events + SMOOTHING) / (events.sum() + SMOOTHING * len(events))
    share_nonevents = (nonevents + SMOOTHING) / (nonevents.sum() + SMOOTHING * len(nonevents))
    woe = np.log(share_nonevents / share_events)
    return WoeTable(events, nonevents, woe, float(np.sum((share_nonevents - share_events) * woe)))

