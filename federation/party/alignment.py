"""Rows of a PSI alignment, as each party resolves them for the jobs built on it.

The bank holds the intersection (ids, its rows, the platform's handles); the platform
holds the PSI state that turns handles into its rows. Both sides of training and scoring
go through here, the bank in id order so that anything drawn from the rows (a holdout)
is the same wherever it is drawn.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import numpy as np
import pandas as pd

from federation.party.agent import JobContext
from federation.party.psi_job import INTERSECTION_FILE, STATE_FILE, offered_rows
from federation.psi import PartyState
from federation.psi.platform import PlatformPSI


def aligned_rows(context: JobContext, psi_job: str) -> pd.DataFrame:
    """The intersection, sorted by id so that a holdout is the same wherever it is drawn."""
    path = context.job_dir(psi_job) / INTERSECTION_FILE
    if not path.exists():
        raise FileNotFoundError(f"{context.me} has no intersection for PSI job {psi_job!r}; run PSI first")
    aligned = pd.read_parquet(path).sort_values("id", kind="stable").reset_index(drop=True)
    if aligned.empty:
        raise ValueError(f"PSI job {psi_job} found no enterprise in common with the platform")
    return aligned


def platform_rows(context: JobContext, psi_job: str) -> Callable[[np.ndarray], np.ndarray]:
    """A function from the bank's handles to the platform's rows."""
    path = context.job_dir(psi_job) / STATE_FILE
    if not path.exists():
        raise FileNotFoundError(f"{context.me} has no state for PSI job {psi_job!r}")
    psi = PlatformPSI(context.table.ids.tolist(), state=PartyState.load(path))
    return partial(offered_rows, context.job_dir(psi_job), psi)
