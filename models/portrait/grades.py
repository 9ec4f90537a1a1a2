"""The ten-grade master scale that turns a probability of default into a grade.

Banks compare grades across models and over time (a monitoring alert fires on a drop
of N grades), so the cut-offs are fixed here rather than fitted per model: a grade
means the same default risk whichever joint model produced the probability. The
bounds roughly double per grade from 0.5 % so that the scale separates the good
small-business borrowers finely and still keeps two grades for the distressed tail.

| grade | label | probability of default |
|---|---|---|
| 1 | AAA | < 0.5 % |
| 2 | AA | 0.5 – 1 % |
| 3 | A | 1 – 2 % |
| 4 | BBB | 2 – 3.5 % |
| 5 | BB | 3.5 – 5 % |
| 6 | B | 5 – 7.5 % |
| 7 | CCC | 7.5 – 10 % |
| 8 | CC | 10 – 15 % |
| 9 | C | 15 – 25 % |
| 10 | D | ≥ 25 % |
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

UPPER_BOUNDS: tuple[float, ...] = (0.005, 0.01, 0.02, 0.035, 0.05, 0.075, 0.10, 0.15, 0.25, 1.0)
LABELS: tuple[str, ...] = ("AAA", "AA", "A", "BBB", "BB", "B", "CCC", "CC", "C", "D")


@dataclass(frozen=True)
class Grade:
    """One step of the scale; ``number`` 1 is the best, 10 the worst."""

    number: int
    label: str
    lower: float
    upper: float

    def to_dict(self) -> dict[str, object]:
        return {"number": self.number, "label": self.label, "pd_from": self.lower, "pd_below": self.upper}


SCALE: tuple[Grade, ...] = tuple(
    Grade(i + 1, label, 0.0 if i == 0 else UPPER_BOUNDS[i - 1], upper)
    for i, (label, upper) in enumerate(zip(LABELS, UPPER_BOUNDS))
)


def grade_numbers(probabilities: np.ndarray) -> np.ndarray:
    """Grade numbers (1–10) for an array of probabilities of default."""
    p = np.asarray(probabilities, dtype=float)
    if np.isnan(p).any() or (p < 0).any() or (p > 1).any():
        raise ValueError("probabilities of default must lie in [0, 1] and not be NaN")
    return np.searchsorted(np.asarray(UPPER_BOUNDS[:-1]), p, side="right") + 1


def grade_of(probability: float) -> Grade:
    """The grade of one probability of default."""
    if math.isnan(probability):
        raise ValueError("probability of default is NaN")
    return SCALE[int(grade_numbers(np.array([probability]))[0]) - 1]
