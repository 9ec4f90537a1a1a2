"""Hash-to-curve against RFC 9380's published vectors, plus the properties PSI relies on."""

import gmpy2
import pytest

from federation.psi.hash_to_curve import (
    A,
    P,
    PSI_DST,
    encode_to_curve,
    expand_message_xmd,
    hash_to_field,
)

EXPANDER_DST = b"QUUX-V01-CS02-with-expander-SHA512-256"
NU_DST = b"QUUX-V01-CS02-with-curve25519_XMD:SHA-512_ELL2_NU_"

# RFC 9380 appendix K.3, expand_message_xmd(SHA-512), len_in_bytes = 0x20.
EXPAND_VECTORS = [
    (b"", "6b9a7312411d92f921c6f68ca0b6380730a1a4d982c507211a90964c394179ba"),
    (b"abc", "0da749f12fbe5483eb066a5f595055679b976e93abe9be6f0f6318bce7aca8dc"),
    (b"abcdef0123456789", "087e45a86e2939ee8b91100af1583c4938e0f5fc6c9db4b107b83346bc967f58"),
]

# RFC 9380 appendix J.4.2, curve25519_XMD:SHA-512_ELL2_NU_: msg, u[0], Q.x (the map's
# output before cofactor clearing, which is what we hand to X25519).
NU_VECTORS = [
    (
        b"",
        "608d892b641f0328523802a6603427c26e55e6f27e71a91a478148d45b5093cd",
        "51125222da5e763d97f3c10fcc92ea6860b9ccbbd2eb1285728f566721c1e65b",
    ),
    (
        b"abc",
        "46f5b22494bfeaa7f232cc8d054be68561af50230234d7d1d63d1d9abeca8da5",
        "7d56d1e08cb0ccb92baf069c18c49bb5a0dcd927eff8dcf75ca921ef7f3e6eeb",
    ),
    (
        b"abcdef0123456789",
        "235fe40c443766ce7e18111c33862d66c3b33267efa50d50f9e8e5d252a40aaa",
        "3fbe66b9c9883d79e8407150e7c2a1c8680bee496c62fabe4619a72b3cabe90f",
    ),
    (
        b"q128_" + b"q" * 128,
        "001e92a544463bda9bd04ddbe3d6eed248f82de32f522669efc5ddce95f46f5b",
        "227e0bb89de700385d19ec40e857db6e6a3e634b1c32962f370d26f84ff19683",
    ),
    (
        b"a512_" + b"a" * 512,
        "1a68a1af9f663592291af987203393f707305c7bac9c8d63d6a729bdc553dc19",
        "3bcd651ee54d5f7b6013898aab251ee8ecc0688166fce6e9548d38472f6bd196",
    ),
]

IDS = [f"91110108MA0{i:07d}".encode() for i in range(400)]


def as_u(row) -> int:
    return int.from_bytes(row.tobytes(), "little")


@pytest.mark.parametrize(("msg", "expected"), EXPAND_VECTORS)
def test_expand_message_xmd_matches_rfc_vectors(msg, expected):
    assert expand_message_xmd([msg], EXPANDER_DST, 0x20)[0].hex() == expected


@pytest.mark.parametrize(("msg", "u0"), [(msg, u0) for msg, u0, _ in NU_VECTORS])
def test_hash_to_field_matches_rfc_vectors(msg, u0):
    assert hash_to_field([msg], NU_DST)[0] == int(u0, 16)


def test_encode_to_curve_matches_rfc_vectors():
    points = encode_to_curve([msg for msg, _, _ in NU_VECTORS], NU_DST)
    assert [as_u(row) for row in points] == [int(qx, 16) for _, _, qx in NU_VECTORS]


def test_expand_message_xmd_refuses_more_than_one_block():
    with pytest.raises(ValueError, match="len_in_bytes"):
        expand_message_xmd([b"x"], PSI_DST, 65)


def test_expand_message_xmd_refuses_empty_tag():
    with pytest.raises(ValueError, match="domain-separation tag"):
        expand_message_xmd([b"x"], b"", 48)


def test_points_lie_on_the_curve_not_the_twist():
    for row in encode_to_curve(IDS):
        u = as_u(row)
        assert gmpy2.jacobi((u**3 + A * u**2 + u) % P, P) != -1


def test_both_elligator_branches_are_taken():
    """u = x1 when g(x1) is square, else x2 = -x1 - A; a map stuck on one branch would
    still produce valid-looking bytes."""
    branches = set()
    for u, row in zip(hash_to_field(IDS, PSI_DST), encode_to_curve(IDS)):
        x1 = -A * gmpy2.invert(1 + 2 * u**2, P) % P
        u = as_u(row)
        assert u in (x1, (-x1 - A) % P)
        branches.add(u == x1)
    assert branches == {True, False}


def test_hashing_is_deterministic():
    assert (encode_to_curve(IDS[:20]) == encode_to_curve(IDS[:20])).all()


def test_tag_separates_domains():
    ours = encode_to_curve(IDS[:20])
    other = encode_to_curve(IDS[:20], b"FEDCREDIT-PSI-V2-CS01-with-curve25519_XMD:SHA-512_ELL2_NU_")
    assert not (ours == other).all(axis=1).any()

