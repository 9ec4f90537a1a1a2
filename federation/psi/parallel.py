"""Spread a per-chunk PSI task over worker processes.

Hashing and blinding are pure CPU work on independent rows, so they split into chunks of
rows; chunks are small enough (a fraction of a second each) that a worker sharing its
core with the other party's workers does not hold up the tail of the job.
"""

import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from functools import partial

import numpy as np

from federation.psi.hash_to_curve import POINT_BYTES

CHUNK_ROWS = 8192


def default_workers() -> int:
    return os.cpu_count() or 1


def map_chunks(
    task: Callable[[bytes, Sequence], np.ndarray],
    scalar: bytes,
    rows: Sequence,
    *,
    workers: int,
    chunk_rows: int = CHUNK_ROWS,
) -> np.ndarray:
    """``task(scalar, chunk)`` over consecutive chunks of ``rows``, results concatenated
    in order into one (n, 32) array.

    Workers come from a forkserver, not fork(): party agents run gRPC threads, and
    forking a threaded process can deadlock its children.
    """
    if workers < 1:
        raise ValueError(f"workers must be >= 1, got {workers}")
    chunks = [rows[start : start + chunk_rows] for start in range(0, len(rows), chunk_rows)]
    if not chunks:
        return np.empty((0, POINT_BYTES), dtype=np.uint8)
    if workers == 1 or len(chunks) == 1:
        return np.concatenate([task(scalar, chunk) for chunk in chunks])
    context = multiprocessing.get_context("forkserver")
    with ProcessPoolExecutor(max_workers=min(workers, len(chunks)), mp_context=context) as pool:
        return np.concatenate(list(pool.map(partial(task, scalar), chunks)))
