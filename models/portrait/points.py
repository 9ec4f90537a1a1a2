"""Scores in points, the scale credit committees read.

A probability of default is turned into points with the convention of scorecards:
``BASE_POINTS`` at good:bad odds of ``BASE_ODDS`` and ``POINTS_TO_DOUBLE_ODDS`` more
points each time the odds of being good double. So a raw score (log-odds of default) of
``r`` is ``offset - factor * r`` points, and a feature group that moved the raw score by
``c`` moved the points by ``-factor * c``: positive points are good news.
"""

from __future__ import annotations

import math

BASE_POINTS = 600.0
BASE_ODDS = 50.0
POINTS_TO_DOUBLE_ODDS = 20.0
FACTOR = POINTS_TO_DOUBLE_ODDS / math.log(2)
OFFSET = BASE_POINTS - FACTOR * math.log(BASE_ODDS)


def points(raw_score: float) -> float:
    """Points of a raw score (the log-odds of default)."""
    return OFFSET - FACTOR * raw_score


def points_moved(contribution: float) -> float:
    """Points a change of the raw score by ``contribution`` is worth."""
    return -FACTOR * contribution
