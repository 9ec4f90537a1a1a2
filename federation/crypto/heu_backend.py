"""SecretFlow HEU (C++, multi-threaded): Okamoto-Uchiyama or Paillier (DJN variant).

The platform's histogram is HEU's ``batch_feature_wise_bucket_sum`` and ``batch_select_sum``
(C++, no Python per ciphertext), through the joint cells of feature groups for large
enough nodes (``federation.crypto.joint_cells``).
"""

from __future__ import annotations

import hashlib
import struct
from dataclasses import dataclass, field
from importlib.metadata import version
from typing import Any, Literal

import numpy as np
from heu import numpy as hnp
from heu import phe

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
from federation.crypto.joint_cells import JointCellPlan, Piece, bucket_sum_pieces

Schema = Literal["ou", "zpaillier"]
LIBRARY = f"sf-heu {version('sf-heu')}"

_SCHEMA_TYPES: dict[str, phe.SchemaType] = {"ou": phe.SchemaType.OU, "zpaillier": phe.SchemaType.ZPaillier}

# HEU's bucket sum takes bin indices as int8.
MAX_HEU_BINS = 128

SECURITY_NOTES: dict[str, str] = {
    "ou": (
        "n = p^2 q; factoring-based strength taken as equal to RSA-n (HEU's docs call it "
        "disputed, possibly lower). HEU draws 110-bit encryption randomness, so testing a "
        "guessed plaintext costs about 2^55 generic (kangaroo) work: see docs/crypto.md."
    ),
    "zpaillier": "n = pq, DJN encryption with n/2-bit randomness; as strong as RSA-n under DCR.",
}


@dataclass(frozen=True)
class HeuCiphertexts:
    array: hnp.CiphertextArray
    key_id: bytes
    scheme: str

    def __len__(self) -> int:
        return self.array.shape[0]

    def to_bytes(self) -> bytes:
        return Envelope(Kind.CIPHERTEXTS, self.scheme, self.key_id, self.array.serialize()).to_bytes()


@dataclass
class HeuPublicContext:
    """Built from the public key alone (HEU's ``DestinationHeKit`` has no decryptor).

    ``key_bits`` is the size the bank asked for; it travels with the key because an OU
    modulus p^2 q is a few bits longer than its nominal size.
    """

    schema: Schema
    key_bits: int
    public_key_bytes: bytes
    packing: FixedPointPacking
    kit: hnp.DestinationHeKit = field(init=False, repr=False)
    key_id: bytes = field(init=False)
    _encoder: phe.BigintEncoder = field(init=False, repr=False)
    _plan: tuple[bytes, JointCellPlan] | None = field(init=False, default=None, repr=False)

    def __post_init__(self) -> None:
        check_key_bits(self.key_bits)
        self.kit = hnp.setup(phe.PublicKey.load_from(self.public_key_bytes))
        self.key_id = key_id(self._payload())
        self._encoder = phe.BigintEncoder(self.kit.get_schema())
        bound_bits = self.kit.public_key().plaintext_bound().bit_count()
        if self.packing.plaintext_bits >= bound_bits:
            raise ValueError(f"{self.packing.plaintext_bits}-bit packed sums do not fit {bound_bits}-bit plaintexts")

    @property
    def scheme(self) -> str:
        return f"heu-{self.schema}"

    def describe(self) -> dict[str, Any]:
        return {
            "scheme": self.scheme,
            "library": LIBRARY,
            "key_bits": self.key_bits,
            "security_bits_nominal": nominal_security_bits(self.key_bits),
            "security_note": SECURITY_NOTES[self.schema],
            "packing": self.packing.describe(),
        }

    def to_bytes(self) -> bytes:
        return Envelope(Kind.PUBLIC_KEY, self.scheme, self.key_id, self._payload()).to_bytes()

    def _payload(self) -> bytes:
        return struct.pack(">H", self.key_bits) + self.public_key_bytes

    def encrypt_gh(self, g: np.ndarray, h: np.ndarray) -> HeuCiphertexts:
        packed = self.packing.pack(g, h)
        return HeuCiphertexts(self.kit.encryptor().encrypt(self._column(packed)), self.key_id, self.scheme)

    def load_ciphertexts(self, data: bytes) -> HeuCiphertexts:
        envelope = Envelope.from_bytes(data, Kind.CIPHERTEXTS, self.scheme)
        array = hnp.CiphertextArray.load_from(envelope.payload)
        if array.ndim != 2 or array.cols != 1:
            raise EnvelopeError(f"expected a column of ciphertexts, got shape {array.shape}")
        ciphertexts = HeuCiphertexts(array, envelope.key_id, self.scheme)
        check_same_key(self.key_id, ciphertexts)
        return ciphertexts

    def bucket_sums(
        self, ciphertexts: HeuCiphertexts, bins: np.ndarray, node_masks: list[np.ndarray], n_bins: int,
        keep: np.ndarray | None = None,
    ) -> list[HeuCiphertexts]:
        """Large enough nodes are summed through the joint cells of feature groups
        (``federation.crypto.joint_cells``: one addition per instance serves a group),
        everything else feature by feature.

        Sums are re-randomized with a fresh encryption of zero: HEU's raw output is
        deterministic, and a one-instance bucket would be byte-identical to that instance's
        ciphertext, which the relay sees on the way in."""
        check_same_key(self.key_id, ciphertexts)
        bins, masks, keep = check_bucket_request(len(ciphertexts), bins, node_masks, n_bins, keep)
        if n_bins > MAX_HEU_BINS:
            raise ValueError(f"HEU supports at most {MAX_HEU_BINS} bins, got {n_bins}")
        if not masks:
            return []
        pieces = bucket_sum_pieces(self.kit.evaluator(), ciphertexts.array, bins, masks, n_bins,
                                   self._joint_cell_plan(bins, n_bins, keep))
        position = np.full(bins.shape[1] * n_bins, -1, dtype=np.int64)
        position[keep] = np.arange(len(keep))
        return [HeuCiphertexts(self._rerandomized(node, position, len(keep)), self.key_id, self.scheme)
                for node in pieces]

    def _joint_cell_plan(self, bins: np.ndarray, n_bins: int, keep: np.ndarray) -> JointCellPlan:
        """The plan for these bins, rebuilt only when they change (once per tree at most: a
        training job's bins are fixed, a tree may sample other features)."""
        hasher = hashlib.blake2b(struct.pack(">HII", n_bins, *bins.shape))
        hasher.update(bins)
        hasher.update(np.ascontiguousarray(keep))
        digest = hasher.digest()
        if self._plan is None or self._plan[0] != digest:
            check_rows_kept(bins, n_bins, keep)
            live: list[list[int]] = [[] for _ in range(bins.shape[1])]
            for index in keep.tolist():
                live[index // n_bins].append(index % n_bins)
            self._plan = (digest, JointCellPlan(bins, live, n_bins))
        return self._plan[1]

    def _rerandomized(self, pieces: list[Piece], position: np.ndarray, width: int) -> hnp.CiphertextArray:
        """One node's kept sums, in order, each times its own fresh encryption of zero.

        ``position`` maps a layout row to its place in the output, -1 for rows left out."""
        evaluator = self.kit.evaluator()
        out = self._fresh_zeros(width)
        for rows, sums in pieces:
            places = position[rows]
            chosen = np.flatnonzero(places >= 0)
            if len(chosen):
                targets = places[chosen].tolist()
                out[targets] = evaluator.add(sums[chosen.tolist()], out[targets])
        return out

    def _fresh_zeros(self, count: int) -> hnp.CiphertextArray:
        return self.kit.encryptor().encrypt(self._column([0] * count))

    def _column(self, values: list[int]) -> hnp.PlaintextArray:
        return hnp.array(np.array(values, dtype=object).reshape(len(values), 1), self._encoder)


@dataclass
class HeuSecretContext:
    kit: hnp.HeKit = field(repr=False)
    public: HeuPublicContext

    def decrypt_gh(self, sums: HeuCiphertexts) -> tuple[np.ndarray, np.ndarray]:
        check_same_key(self.public.key_id, sums)
        encoder = phe.BigintEncoder(self.kit.get_schema())
        plain = self.kit.decryptor().decrypt(sums.array).to_numpy(encoder)
        return self.public.packing.unpack(plain.ravel().tolist())

    def to_bytes(self) -> bytes:
        public = self.public._payload()
        payload = struct.pack(">I", len(public)) + public + self.kit.secret_key().serialize()
        return Envelope(Kind.SECRET_KEY, self.public.scheme, self.public.key_id, payload).to_bytes()


@dataclass(frozen=True)
class HeuBackend:
    schema: Schema = "ou"
    packing: FixedPointPacking = FixedPointPacking()

    @property
    def name(self) -> str:
        return f"heu-{self.schema}"

    def describe(self) -> dict[str, Any]:
        return {"scheme": self.name, "library": LIBRARY, "packing": self.packing.describe()}

    def generate(self, key_bits: int = MIN_KEY_BITS) -> tuple[HeuPublicContext, HeuSecretContext]:
        check_key_bits(key_bits)
        kit = hnp.setup(_SCHEMA_TYPES[self.schema], key_bits)
        public = HeuPublicContext(self.schema, key_bits, kit.public_key().serialize(), self.packing)
        return public, HeuSecretContext(kit, public)

    def load_public(self, data: bytes) -> HeuPublicContext:
        envelope = Envelope.from_bytes(data, Kind.PUBLIC_KEY, self.name)
        if len(envelope.payload) < 2:
            raise EnvelopeError("public key envelope truncated")
        (key_bits,) = struct.unpack_from(">H", envelope.payload)
        if key_id(envelope.payload) != envelope.key_id:
            raise EnvelopeError("public key bytes do not match the envelope's key id")
        return HeuPublicContext(self.schema, key_bits, envelope.payload[2:], self.packing)

    def load_secret(self, data: bytes) -> HeuSecretContext:
        envelope = Envelope.from_bytes(data, Kind.SECRET_KEY, self.name)
        if len(envelope.payload) < 4:
            raise EnvelopeError("secret key envelope truncated")
        (public_len,) = struct.unpack_from(">I", envelope.payload)
        public_payload = envelope.payload[4 : 4 + public_len]
        if len(public_payload) != public_len or key_id(public_payload) != envelope.key_id:
            raise EnvelopeError("secret key envelope does not hold the public key it names")
        public = self.load_public(Envelope(Kind.PUBLIC_KEY, self.name, envelope.key_id, public_payload).to_bytes())
        try:
            secret_key = phe.SecretKey.load_from(envelope.payload[4 + public_len :])
        except (IndexError, ValueError, RuntimeError) as exc:
            raise EnvelopeError(f"secret key bytes do not parse: {exc}") from exc
        kit = hnp.HeKit(phe.setup(phe.PublicKey.load_from(public.public_key_bytes), secret_key))
        return HeuSecretContext(kit, public)

