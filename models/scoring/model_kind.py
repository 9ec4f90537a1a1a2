"""Which kind of joint model a stored part belongs to, for the scoring jobs to dispatch on.

Each party decides from its own part, so neither trusts the other's word on what the
model is: a SecureBoost part holds trees (the bank's) or split references (the
platform's), a scorecard part its ``scorecard`` points.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from models.scorecard.stored import SCORECARD

SECUREBOOST = "secureboost"


def stored_kind(part: Mapping[str, Any], model_id: str) -> str:
    """``part`` is the bank's ``model`` entry of ``bank.json`` or the platform's ``platform.json``."""
    if SCORECARD in part:
        return SCORECARD
    if "trees" in part or "splits" in part:
        return SECUREBOOST
    raise ValueError(f"model {model_id}: the stored part (keys {sorted(part)}) is neither a {SECUREBOOST} nor a "
                     f"{SCORECARD} model; encrypted scoring serves only those kinds")
