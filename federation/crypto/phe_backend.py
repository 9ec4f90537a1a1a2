"""python-paillier (``phe``, with gmpy2): the well-known reference implementation.

Textbook Paillier with g = n + 1 and full-size randomness r^n mod n^2. Kept as the
baseline the HEU backends are checked and timed against; its pure-Python loops make it
far too slow for SecureBoost at the target scale (see docs/crypto.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib.metadata import version
from typing import Any

import gmpy2
import numpy as np
from phe import paillier

from federation.crypto.backend import (
    MIN_KEY_BITS,
    Envelope,
    EnvelopeError,
    Kind,
    check_bucket_request,
    check_key_bits,
    check_rows_kept,
    check_same_key,
    key_id,
    nominal_security_bits,
)
from federation.crypto.encoding import FixedPointPacking

SCHEME = "phe-paillier"
LIBRARY = f"phe {version('phe')} + gmpy2 {version('gmpy2')}"


@dataclass(frozen=True)
class PheCiphertexts:
    """Raw Paillier ciphertexts in [1, n^2), serialized as fixed-width big-endian."""

    values: list[gmpy2.mpz]
    key_id: bytes
    width: int

    def __len__(self) -> int:
        return len(self.values)

    def to_bytes(self) -> bytes:
        payload = b"".join(int(c).to_bytes(self.width, "big") for c in self.values)
        return Envelope(Kind.CIPHERTEXTS, SCHEME, self.key_id, payload).to_bytes()


@dataclass
class PhePublicContext:
    public_key: paillier.PaillierPublicKey
    packing: FixedPointPacking
    scheme: str = field(default=SCHEME, init=False)
    key_id: bytes = field(init=False)

    def __post_init__(self) -> None:
        check_key_bits(self.key_bits)
        self.key_id = key_id(self._n_bytes())
        if self.packing.plaintext_bits >= self.key_bits - 1:
            raise ValueError(f"{self.packing.plaintext_bits}-bit packed sums do not fit a {self.key_bits}-bit key")

    @property
    def key_bits(self) -> int:
        return self.public_key.n.bit_length()

    @property
    def ciphertext_width(self) -> int:
        """Bytes per serialized ciphertext: fixed, so sizes on the wire say nothing about values."""
        return (self.public_key.nsquare.bit_length() + 7) // 8

    def _n_bytes(self) -> bytes:
        return self.public_key.n.to_bytes((self.key_bits + 7) // 8, "big")

    def describe(self) -> dict[str, Any]:
        return {
            "scheme": SCHEME,
            "library": LIBRARY,
            "key_bits": self.key_bits,
            "security_bits_nominal": nominal_security_bits(self.key_bits),
            "security_note": "n = pq, textbook Paillier with r uniform in Z_n*; as strong as RSA-n under DCR.",
            "packing": self.packing.describe(),
        }

    def to_bytes(self) -> bytes:
        return Envelope(Kind.PUBLIC_KEY, SCHEME, self.key_id, self._n_bytes()).to_bytes()

    def encrypt_gh(self, g: np.ndarray, h: np.ndarray) -> PheCiphertexts:
        n = self.public_key.n
        values = [gmpy2.mpz(self.public_key.raw_encrypt(m % n)) for m in self.packing.pack(g, h)]
        return PheCiphertexts(values, self.key_id, self.ciphertext_width)

    def load_ciphertexts(self, data: bytes) -> PheCiphertexts:
        envelope = Envelope.from_bytes(data, Kind.CIPHERTEXTS, SCHEME)
        payload, width = envelope.payload, self.ciphertext_width
        if len(payload) % width:
            raise EnvelopeError(f"ciphertext payload is not a multiple of {width} bytes")
        nsquare = self.public_key.nsquare
        values = [gmpy2.mpz(int.from_bytes(payload[i : i + width], "big")) for i in range(0, len(payload), width)]
        if any(not 0 < c < nsquare for c in values):
            raise EnvelopeError("ciphertext outside [1, n^2)")
        ciphertexts = PheCiphertexts(values, envelope.key_id, width)
        check_same_key(self.key_id, ciphertexts)
        return ciphertexts

    def bucket_sums(
        self, ciphertexts: PheCiphertexts, bins: np.ndarray, node_masks: list[np.ndarray], n_bins: int,
        keep: np.ndarray | None = None,
    ) -> list[PheCiphertexts]:
        """Products mod n^2. Each bucket starts from a fresh Enc(0), so no output equals an
        input ciphertext the relay has seen, and empty buckets look like full ones."""
        check_same_key(self.key_id, ciphertexts)
        bins, masks, keep = check_bucket_request(len(ciphertexts), bins, node_masks, n_bins, keep)
        check_rows_kept(bins, n_bins, keep)
        nsquare = gmpy2.mpz(self.public_key.nsquare)
        offsets = np.arange(bins.shape[1], dtype=np.int64) * n_bins
        kept = keep.tolist()
        result = []
        for mask in masks:
            members = np.flatnonzero(mask)
            sums = {k: gmpy2.mpz(self.public_key.raw_encrypt(0)) for k in kept}
            slots = (bins[members].astype(np.int64) + offsets).tolist()
            for instance_slots, instance in zip(slots, members.tolist()):
                c = ciphertexts.values[instance]
                for slot in instance_slots:
                    sums[slot] = sums[slot] * c % nsquare
            result.append(PheCiphertexts([sums[k] for k in kept], self.key_id, self.ciphertext_width))
        return result


@dataclass
class PheSecretContext:
    private_key: paillier.PaillierPrivateKey = field(repr=False)
    public: PhePublicContext

    def decrypt_gh(self, sums: PheCiphertexts) -> tuple[np.ndarray, np.ndarray]:
        check_same_key(self.public.key_id, sums)
        n = self.public.public_key.n
        half = n // 2
        plain = (self.private_key.raw_decrypt(int(c)) for c in sums.values)
        return self.public.packing.unpack(m - n if m > half else m for m in plain)

    def to_bytes(self) -> bytes:
        n_bytes = self.public._n_bytes()
        primes = b"".join(int(x).to_bytes(len(n_bytes), "big") for x in (self.private_key.p, self.private_key.q))
        return Envelope(Kind.SECRET_KEY, SCHEME, self.public.key_id, n_bytes + primes).to_bytes()


@dataclass(frozen=True)
class PheBackend:
    packing: FixedPointPacking = FixedPointPacking()
    name: str = field(default=SCHEME, init=False)

    def describe(self) -> dict[str, Any]:
        return {"scheme": SCHEME, "library": LIBRARY, "packing": self.packing.describe()}

    def generate(self, key_bits: int = MIN_KEY_BITS) -> tuple[PhePublicContext, PheSecretContext]:
        check_key_bits(key_bits)
        public_key, private_key = paillier.generate_paillier_keypair(n_length=key_bits)
        public = PhePublicContext(public_key, self.packing)
        return public, PheSecretContext(private_key, public)

    def load_public(self, data: bytes) -> PhePublicContext:
        envelope = Envelope.from_bytes(data, Kind.PUBLIC_KEY, SCHEME)
        if key_id(envelope.payload) != envelope.key_id:
            raise EnvelopeError("public key bytes do not match the envelope's key id")
        return PhePublicContext(paillier.PaillierPublicKey(int.from_bytes(envelope.payload, "big")), self.packing)

    def load_secret(self, data: bytes) -> PheSecretContext:
        """The payload is n, p, q at n's width each."""
        envelope = Envelope.from_bytes(data, Kind.SECRET_KEY, SCHEME)
        width, rest = divmod(len(envelope.payload), 3)
        if rest or not width:
            raise EnvelopeError("secret key envelope is not n, p, q of one width")
        n, p, q = (int.from_bytes(envelope.payload[i * width : (i + 1) * width], "big") for i in range(3))
        if p * q != n:
            raise EnvelopeError("secret key envelope: p * q is not n")
        public = PhePublicContext(paillier.PaillierPublicKey(n), self.packing)
        if public.key_id != envelope.key_id:
            raise EnvelopeError("secret key envelope does not hold the public key it names")
        return PheSecretContext(paillier.PaillierPrivateKey(public.public_key, p, q), public)
