"""Blinding must commute (PSI matches on it) and refuse points that would blind to zero."""

import numpy as np
import pytest

from federation.psi.blinding import LowOrderPointError, blind, blind_ids, new_scalar
from federation.psi.hash_to_curve import encode_to_curve

IDS = [f"91310000MA1{i:07d}" for i in range(30)]


@pytest.fixture(scope="module")
def points():
    return encode_to_curve([id_.encode() for id_ in IDS])


def test_blinding_commutes(points):
    a, b = new_scalar(), new_scalar()
    assert (blind(b, blind(a, points)) == blind(a, blind(b, points))).all()


def test_blind_ids_is_hash_then_blind(points):
    scalar = new_scalar()
    assert (blind_ids(scalar, IDS) == blind(scalar, points)).all()


def test_blinding_hides_the_hashed_point(points):
    assert not (blind(new_scalar(), points) == points).all(axis=1).any()


@pytest.mark.parametrize("u", [0, 1], ids=["zero", "order-4"])
def test_small_order_point_is_rejected(points, u):
    bad = points.copy()
    bad[7] = np.frombuffer(u.to_bytes(32, "little"), dtype=np.uint8)
    with pytest.raises(LowOrderPointError, match="small order"):
        blind(new_scalar(), bad)


def test_fresh_scalars_differ():
    assert new_scalar() != new_scalar()
