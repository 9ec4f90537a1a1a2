"""Waiting, bounded, for a process elsewhere to reach a point a test needs."""

from __future__ import annotations

import time
from collections.abc import Callable


def wait_until(reached: Callable[[], bool], what: str, timeout: float = 300.0) -> None:
    """Poll ``reached`` until it holds; a TimeoutError names ``what`` never happened."""
    give_up = time.monotonic() + timeout
    while not reached():
        if time.monotonic() > give_up:
            raise TimeoutError(f"{what} did not happen within {timeout:.0f} s")
        time.sleep(0.05)
