"""Hash ids to curve25519 points: RFC 9380, suite ``curve25519_XMD:SHA-512_ELL2_NU_``.

PSI's privacy rests on every id landing in the curve's group at a point whose discrete
log nobody knows. A raw hash used as a u-coordinate lands on the quadratic twist half
the time, i.e. in another group altogether, so we use the Elligator 2 map, which always
lands on the curve. Only the Montgomery u-coordinate is kept: X25519 is x-only, and its
scalar clamping (a multiple of the cofactor 8) clears the small-order component that the
non-uniform encoding leaves.
"""

from collections.abc import Iterable
from hashlib import sha512

import gmpy2
import numpy as np
from gmpy2 import mpz

SUITE = b"curve25519_XMD:SHA-512_ELL2_NU_"
PSI_DST = b"FEDCREDIT-PSI-V1-CS01-with-" + SUITE
"""Domain-separation tag for PSI v1: a new protocol version must change it, so points
hashed under different versions can never match."""

POINT_BYTES = 32
P = mpz(2**255 - 19)
A = mpz(486662)

_FIELD_BYTES = 48  # L = ceil((ceil(log2(p)) + k) / 8) with k = 128
_SHA512_BYTES = 64
_SHA512_BLOCK = 128
_NEG_A = P - A
_A_SQUARED = A * A
_NEG_A_IS_SQUARE = gmpy2.jacobi(_NEG_A, P) == 1


def expand_message_xmd(messages: Iterable[bytes], dst: bytes, len_in_bytes: int) -> list[bytes]:
    """RFC 9380 section 5.3.1 with SHA-512, for a batch of messages and one output block.

    Batched because the first SHA-512 block of every b_0 is the same all-zero pad: it is
    compressed once per batch and its state copied per message. Hashing to this field
    needs 48 bytes, so the RFC's multi-block branch is left out rather than carried
    untested.
    """
    if not 0 < len(dst) <= 255:
        raise ValueError(f"domain-separation tag must be 1..255 bytes, got {len(dst)}")
    if not 0 < len_in_bytes <= _SHA512_BYTES:
        raise ValueError(f"len_in_bytes must be 1..{_SHA512_BYTES}, got {len_in_bytes}")
    dst_prime = dst + bytes([len(dst)])
    b_0_tail = len_in_bytes.to_bytes(2, "big") + b"\x00" + dst_prime
    b_1_tail = b"\x01" + dst_prime
    zero_pad = sha512(bytes(_SHA512_BLOCK))
    out = []
    for msg in messages:
        b_0 = zero_pad.copy()
        b_0.update(msg + b_0_tail)
        out.append(sha512(b_0.digest() + b_1_tail).digest()[:len_in_bytes])
    return out


def hash_to_field(messages: Iterable[bytes], dst: bytes) -> list[mpz]:
    """RFC 9380 hash_to_field with count = 1 (what the non-uniform encoding uses), batched."""
    return [mpz.from_bytes(b, "big") % P for b in expand_message_xmd(messages, dst, _FIELD_BYTES)]


def encode_to_curve(messages: Iterable[bytes], dst: bytes = PSI_DST) -> np.ndarray:
    """u-coordinates of RFC 9380 ``encode_to_curve`` (before cofactor clearing), as an
    (n, 32) uint8 array of little-endian X25519 public values.

    Elligator 2 with Z = 2 picks x1 = -A / d, d = 1 + 2u^2, when g(x1) is square and
    x2 = -x1 - A = -A (d - 1) / d otherwise. The squareness test is done projectively,
    on g(x1) * d^4 = -A d (d^2 - A^2 d + A^2), so no element needs its own inversion:
    all denominators share one through Montgomery's batch-inversion trick, which is
    what makes the map cost about one Jacobi symbol per id.
    """
    denominators = [2 * u * u % P + 1 for u in hash_to_field(messages, dst)]
    # d != 0 (-1/2 is not a square mod p) and x^2 + A x + 1 has no root, so the symbol
    # is never 0 and a sign test is the RFC's is_square.
    numerators = [
        _NEG_A
        if (gmpy2.jacobi(d * (d * (d - _A_SQUARED) + _A_SQUARED), P) == 1) == _NEG_A_IS_SQUARE
        else _NEG_A * (d - 1)
        for d in denominators
    ]
    out = b"".join(
        [
            (numerator * inverse % P).to_bytes(POINT_BYTES, "little")
            for numerator, inverse in zip(numerators, _batch_invert(denominators))
        ]
    )
    return np.frombuffer(out, dtype=np.uint8).reshape(-1, POINT_BYTES)


def _batch_invert(values: list[mpz]) -> list[mpz]:
    """Inverses of non-zero field elements for one modular inversion plus three
    multiplications each (an inversion costs about seven)."""
    prefixes = []
    running = mpz(1)
    for value in values:
        prefixes.append(running)
        running = running * value % P
    inverse = gmpy2.invert(running, P)
    inverses = [mpz(0)] * len(values)
    for i in range(len(values) - 1, -1, -1):
        inverses[i] = inverse * prefixes[i] % P
        inverse = inverse * values[i] % P
    return inverses
