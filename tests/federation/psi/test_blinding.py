"""Blinding must commute (PSI matches on it) and refuse points that would blind to zero."""

import numpy as np
import pytest

from federation.psi.blinding import LowOrderPointError, blind, blind_ids, new_scalar
from federation.psi.hash_to_curve import encode_to_curve

IDS = [f"91310000MA1{i:07d}" for i in range(30)]


@pytest.fixture(scope="module")
def points():
    return encode_to_curve([id_.encode() for id_ in IDS])


RFC7748_VECTORS = [
    (
        "a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4",
        "e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c",
        "c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552",
    ),
    (
        "4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d",
        "e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493",
        "95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957",
    ),
]


@pytest.mark.parametrize(("scalar", "u", "expected"), RFC7748_VECTORS, ids=["vector-1", "vector-2"])
def test_blinding_is_rfc7748_x25519(scalar, u, expected):
    point = np.frombuffer(bytes.fromhex(u), dtype=np.uint8).reshape(1, 32)
    assert blind(bytes.fromhex(scalar), point).tobytes().hex() == expected


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
