import os

import pytest

from federation.scaleout.executor import LOCAL_RAY, LocalProcesses, shard_executor


def _square_with_pid(x: int) -> tuple[int, int]:
    return x * x, os.getpid()


def test_local_processes_return_results_in_shard_order_from_worker_processes():
    executor = LocalProcesses(workers=2)
    try:
        results = executor.map(_square_with_pid, list(range(8)))
    finally:
        executor.close()
    assert [r for r, _ in results] == [x * x for x in range(8)]
    assert os.getpid() not in {pid for _, pid in results}


def test_one_worker_runs_in_process():
    results = LocalProcesses(workers=1).map(_square_with_pid, [3])
    assert results == [(9, os.getpid())]


@pytest.mark.slow
def test_a_local_ray_instance_runs_the_same_shards():
    executor = shard_executor(LOCAL_RAY, workers=2)
    try:
        assert [r for r, _ in executor.map(_square_with_pid, list(range(5)))] == [0, 1, 4, 9, 16]
    finally:
        executor.close()
