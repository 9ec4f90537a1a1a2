"""Fixed-point encoding of (gradient, hessian) pairs, two values per plaintext.

Additive schemes work on integers, so each float is scaled by 2**frac_bits and rounded.
With the default 64 fractional bits every float64 with magnitude at least 2**-12 is
encoded *exactly* (its 53-bit mantissa fits), smaller ones within 2**-65. Sums of the
integers are exact, so a decrypted bucket sum is the exact sum of the encoded values,
rounded once to float64: at least as accurate as numpy summing the same floats, which
is what keeps encrypted split decisions equal to plaintext ones.

g and h share one plaintext, ``g * 2**slot_bits + h``, halving encryptions,
additions, bytes on the wire and decryptions. Both are signed: every backend here
decrypts into a symmetric range around zero (Paillier mod n, OU mod p), so a negative
h simply borrows from the g slot and unpacking undoes it. No offsets are needed,
hence no per-bucket instance counts travel with the sums.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np


class PlaintextRangeError(ValueError):
    """A value to encrypt, or a decrypted sum, lies outside the packing's range.

    On decryption this is also the defence HEU recommends against OU's plaintext
    overflow attack: a forged ciphertext decrypts to a huge number, which is refused
    instead of being turned into a split decision the platform could observe.
    """


@dataclass(frozen=True)
class FixedPointPacking:
    """Slot layout shared by the bank (encode/decode) and reported in the model card.

    frac_bits: fractional bits of the fixed-point scale.
    int_bits: every |g| and |h| must be below 2**int_bits.
    count_bits: at most 2**count_bits instances per encryption batch, so no bucket sum
        can overflow its slot.
    """

    frac_bits: int = 64
    int_bits: int = 16
    count_bits: int = 24

    @property
    def slot_bits(self) -> int:
        """Bits per signed slot: magnitude of the largest possible sum plus a sign bit."""
        return self.frac_bits + self.int_bits + self.count_bits + 1

    @property
    def plaintext_bits(self) -> int:
        """Bits a packed sum can occupy; the scheme's plaintext range must exceed it."""
        return 2 * self.slot_bits

    def describe(self) -> dict[str, int | str]:
        return {
            "frac_bits": self.frac_bits,
            "int_bits": self.int_bits,
            "count_bits": self.count_bits,
            "layout": f"g * 2^{self.slot_bits} + h, both signed fixed-point",
        }

    def pack(self, g: np.ndarray, h: np.ndarray) -> list[int]:
        """One signed integer per instance: ``round(g * 2**F) << slot_bits`` plus ``round(h * 2**F)``."""
        g = np.asarray(g, dtype=np.float64)
        h = np.asarray(h, dtype=np.float64)
        if g.ndim != 1 or g.shape != h.shape:
            raise ValueError(f"g and h must be 1-D of equal length, got {g.shape} and {h.shape}")
        if len(g) > 1 << self.count_bits:
            raise PlaintextRangeError(f"{len(g)} instances exceed 2**{self.count_bits}")
        limit = 2.0**self.int_bits
        for name, values in (("g", g), ("h", h)):
            if not np.all(np.isfinite(values)) or np.any(np.abs(values) >= limit):
                raise PlaintextRangeError(f"{name} must be finite with |{name}| < 2**{self.int_bits}")
        shift = self.slot_bits
        scaled_g = np.rint(np.ldexp(g, self.frac_bits)).tolist()
        scaled_h = np.rint(np.ldexp(h, self.frac_bits)).tolist()
        return [(int(a) << shift) + int(b) for a, b in zip(scaled_g, scaled_h)]

    def unpack(self, packed: Iterable[int]) -> tuple[np.ndarray, np.ndarray]:
        """Split decrypted sums back into float64 (G, H), refusing anything out of range."""
        shift = self.slot_bits
        half = 1 << (shift - 1)
        low_mask = (1 << shift) - 1
        limit = 1 << (self.frac_bits + self.int_bits + self.count_bits)
        scale = 1 << self.frac_bits
        sums_g: list[float] = []
        sums_h: list[float] = []
        for value in packed:
            low = ((value + half) & low_mask) - half
            high = (value - low) >> shift
            if abs(high) >= limit or abs(low) >= limit:
                raise PlaintextRangeError("decrypted sum is outside the packing range")
            sums_g.append(high / scale)
            sums_h.append(low / scale)
        return np.array(sums_g, dtype=np.float64), np.array(sums_h, dtype=np.float64)
