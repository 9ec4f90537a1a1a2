"""The process pool must return exactly what one process computes, in order."""

import pytest

from federation.psi.blinding import LowOrderPointError, blind, blind_ids, new_scalar
from federation.psi.parallel import map_chunks

IDS = [f"91440300MA5{i:07d}" for i in range(60)]


def test_pool_matches_single_process_for_points():
    scalar = new_scalar()
    points = blind_ids(new_scalar(), IDS)
    pooled = map_chunks(blind, scalar, points, workers=2, chunk_rows=16)
    assert (pooled == blind(scalar, points)).all()


def test_pool_matches_single_process_for_ids():
    scalar = new_scalar()
    pooled = map_chunks(blind_ids, scalar, IDS, workers=2, chunk_rows=7)
    assert (pooled == blind_ids(scalar, IDS)).all()


def test_no_rows_give_an_empty_point_array():
    assert map_chunks(blind_ids, new_scalar(), [], workers=2).shape == (0, 32)


def test_workers_must_be_positive():
    with pytest.raises(ValueError, match="workers"):
        map_chunks(blind_ids, new_scalar(), IDS, workers=0)


def test_pool_propagates_worker_errors():
    points = blind_ids(new_scalar(), IDS).copy()
    points[50] = 0
    with pytest.raises(LowOrderPointError, match="small order"):
        map_chunks(blind, new_scalar(), points, workers=2, chunk_rows=16)
