"""Run the same function over independent shards, on local processes or on Ray.

Scoring a portfolio and evaluating alert rules split into shards that share nothing,
so the work scales out by handing shards to workers. Two engines do that, chosen by
one option so the calling code never changes:

* local worker processes (``concurrent.futures``), the default: nothing to install or
  start, and the party agent's gRPC threads stay out of the workers because they are
  spawned, not forked;
* Ray, when ``ray_address`` is given: ``"local"`` starts a private Ray instance on this
  machine, anything else (``"auto"``, ``"ray://head:10001"``) joins an existing cluster.

Functions and shards must be picklable (module-level functions, bytes and arrays);
results come back in shard order.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any, Protocol, TypeVar

T = TypeVar("T")
R = TypeVar("R")

LOCAL_RAY = "local"


class ShardExecutor(Protocol):
    """Maps a function over shards; ``close`` releases the workers."""

    workers: int

    def map(self, fn: Callable[[T], R], shards: Sequence[T]) -> list[R]: ...

    def close(self) -> None: ...


class LocalProcesses:
    """Shards on this machine's cores; one shard runs in-process (no worker to start)."""

    def __init__(self, workers: int | None = None) -> None:
        self.workers = max(1, workers or os.cpu_count() or 1)
        self._pool: ProcessPoolExecutor | None = None

    def map(self, fn: Callable[[T], R], shards: Sequence[T]) -> list[R]:
        if self.workers == 1 or len(shards) <= 1:
            return [fn(shard) for shard in shards]
        if self._pool is None:
            self._pool = ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("spawn"))
        return list(self._pool.map(fn, shards))

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown()
            self._pool = None


class RayCluster:
    """Shards as Ray tasks on a local instance or an existing cluster."""

    def __init__(self, address: str, workers: int | None = None) -> None:
        import ray

        self._ray = ray
        self._started_here = not ray.is_initialized()
        if self._started_here:
            options: dict[str, Any] = {"include_dashboard": False, "log_to_driver": False}
            if address == LOCAL_RAY:
                options["num_cpus"] = workers or os.cpu_count() or 1
            else:
                options["address"] = address
            ray.init(**options)
        self.workers = int(ray.cluster_resources().get("CPU", 1))

    def map(self, fn: Callable[[T], R], shards: Sequence[T]) -> list[R]:
        task = self._ray.remote(fn)
        return list(self._ray.get([task.remote(shard) for shard in shards]))

    def close(self) -> None:
        if self._started_here:
            self._ray.shutdown()


def shard_executor(ray_address: str | None = None, workers: int | None = None) -> ShardExecutor:
    """Local processes unless a Ray address is given."""
    if ray_address:
        return RayCluster(ray_address, workers)
    return LocalProcesses(workers)
