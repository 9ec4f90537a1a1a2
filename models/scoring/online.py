"""Online scoring of one applicant without the platform learning who, or the score.

The platform's contribution to a score is its 0/1 path indicator per leaf. Ahead of time
(nightly, and when an enterprise authorizes the bank) it encrypts those indicators
under **its own** BFV key, for every enterprise that authorized the bank, and hands the
ciphertexts to the bank: one 256-slot block per enterprise, 32 to a ciphertext. To score
an applicant the bank works alone on the applicant's ciphertext: it multiplies slot by
slot with its leaf values masked by its own path indicators (zero outside the applicant's
block) and adds an independent uniform mask to every slot. The platform decrypts the
slots, each of them uniform, and returns only their sum: the score plus the sum of the
masks, which the bank removes. Summing at the platform rather than by rotations at the
bank costs the platform one decryption and saves the bank some thirty milliseconds.

The platform learns that the bank scored one of the enterprises that authorized it, not
which, and not the score (every value it decrypts is masked uniformly modulo the
plaintext prime). The bank learns the score; the indicators stay encrypted under a key
it does not hold. As in any decryption service, a bank that deviated from the protocol
could submit other ciphertexts for decryption: the threat model is semi-honest, and
every decryption request is counted and audited per bank (docs/leakage.md).
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
import tenseal as ts

from models.scoring.keys import PLAIN_PRIME, SLOTS, BfvKeys, decode_sums, encode_leaves, load_public
from models.scoring.paths import PlatformPaths, bank_indicators, leaves, platform_indicators, platform_paths
from models.secureboost.messages import Message, MessageFormatError
from models.secureboost.passive import PassiveModel
from models.secureboost.tree import Tree



def block_size(n_leaves: int) -> int:
    """Slots per enterprise: the next power of two that holds every leaf."""
    size = 1 << max(n_leaves - 1, 0).bit_length()
    if size > SLOTS:
        raise ValueError(f"a model with {n_leaves} leaves does not fit one {SLOTS}-slot vector")
    return size


def publish_masks(paths: PlatformPaths, model: PassiveModel, features: pd.DataFrame,
                  keys: BfvKeys, split_groups: Mapping[str, str] | None = None) -> bytes:
    """The platform's encrypted path indicators for ``features``' rows, in row order, and
    (for reason codes, ``models.portrait.reasons``) the feature group of each of its splits."""
    indicators = platform_indicators(paths, model.router(features), len(features)).astype(np.int64)
    block = block_size(len(paths.leaves))
    fields = {"rows": len(features), "leaves": len(paths.leaves), "block": block,
              "split_groups": dict(split_groups or {})}
    return Message("platform_masks", fields, (keys.public_bytes(), *encrypt_blocks(indicators, block, keys))).to_bytes()


def encrypt_blocks(values: np.ndarray, block: int, keys: BfvKeys) -> list[bytes]:
    """Row i of ``values`` (rows, at most ``block`` columns) in the i-th ``block`` slots,
    zero-padded, ``SLOTS // block`` rows to a ciphertext under ``keys``."""
    per_ciphertext = SLOTS // block
    blobs = []
    for start in range(0, len(values), per_ciphertext):
        chunk = values[start : start + per_ciphertext]
        slots = np.zeros((per_ciphertext, block), dtype=np.int64)
        slots[: len(chunk), : chunk.shape[1]] = chunk
        blobs.append(ts.bfv_vector(keys.context, slots.ravel().tolist()).serialize())
    return blobs


class BankOnlineScorer:
    """The bank's half: its trees, and the platform's encrypted indicators it was given."""

    def __init__(self, trees: Sequence[Tree], base_score: float, n_bins: int, masks: bytes) -> None:
        self._trees = list(trees)
        self._leaves = leaves(trees)
        self.paths = platform_paths(trees, self._leaves)
        self._values = encode_leaves(np.array([leaf.value for leaf in self._leaves]), len(trees))
        self._base = base_score
        self._n_bins = n_bins
        message = Message.from_bytes(masks, expect="platform_masks")
        self._rows = int(message.fields["rows"])
        self._block = int(message.fields["block"])
        if int(message.fields["leaves"]) != len(self._leaves) or self._block != block_size(len(self._leaves)):
            raise MessageFormatError("the platform's indicators were made for another model")
        self.split_groups: dict[str, str] = dict(message.fields.get("split_groups", {}))
        self._context = load_public(message.blobs[0])
        self._ciphertexts = message.blobs[1:]

    def request(self, row: int, bank_bins: np.ndarray) -> tuple[bytes, int]:
        """The masked encrypted score of the enterprise at ``row`` (of the published rows),
        from its bank bins (one row); returns the request and the mask to remove."""
        return self._masked(row, self._bank_row(row, bank_bins) * self._values)

    def explain(self, row: int, bank_bins: np.ndarray, contributions: np.ndarray) -> list[tuple[bytes, int]]:
        """One masked request per column of ``contributions`` (leaves by feature groups,
        ``models.portrait.reasons``): the applicant's contribution of each group."""
        if contributions.shape[0] != len(self._leaves):
            raise ValueError(f"contributions hold {contributions.shape[0]} leaves, the model {len(self._leaves)}")
        indicators = self._bank_row(row, bank_bins)
        encoded = encode_leaves(contributions, len(self._trees))
        return [self._masked(row, indicators * encoded[:, group]) for group in range(encoded.shape[1])]

    def _bank_row(self, row: int, bank_bins: np.ndarray) -> np.ndarray:
        if not 0 <= row < self._rows:
            raise IndexError(f"row {row} is not among the {self._rows} enterprises the platform published")
        return bank_indicators(self._trees, self._leaves, bank_bins.reshape(1, -1), self._n_bins)[0]

    def _masked(self, row: int, weights: np.ndarray) -> tuple[bytes, int]:
        return masked_request(self._context, self._ciphertexts, self._block, row, weights)

    def score(self, reply: bytes, mask: int) -> float:
        (value,) = (int(v) for v in Message.from_bytes(reply, expect="decrypt").fields["values"])
        return self._base + unmask(value, mask)


def masked_request(context: ts.Context, ciphertexts: Sequence[bytes], block: int, row: int,
                   weights: np.ndarray) -> tuple[bytes, int]:
    """Published row ``row``'s block times ``weights`` (every other slot times zero), plus an
    independent uniform mask in every slot: the request, and the masks' sum to remove."""
    index, offset = divmod(row, SLOTS // block)
    plain = np.zeros(SLOTS, dtype=np.int64)
    plain[offset * block : offset * block + len(weights)] = weights
    masks = uniform_masks(SLOTS)
    encrypted = ts.bfv_vector_from(context, ciphertexts[index])
    masked = encrypted * plain.tolist() + masks.tolist()
    return Message("decrypt", {}, (masked.serialize(),)).to_bytes(), int(masks.sum() % PLAIN_PRIME)


def unmask(value: int, mask: int) -> float:
    """The signed sum behind a masked value the platform returned."""
    unmasked = (value - mask) % PLAIN_PRIME
    centered = unmasked - PLAIN_PRIME if unmasked > PLAIN_PRIME // 2 else unmasked
    return float(decode_sums([centered])[0])


def decrypt_masked(request: bytes, keys: BfvKeys) -> bytes:
    """The platform's half of each online score: decrypt the masked slots, return their sum only."""
    (blob,) = Message.from_bytes(request, expect="decrypt").blobs
    vector = ts.bfv_vector_from(keys.context, blob)
    if vector.size() != SLOTS:
        raise MessageFormatError(f"a score request holds {SLOTS} slots, not {vector.size()}")
    value = int(np.asarray(vector.decrypt(), dtype=object).sum() % PLAIN_PRIME)
    return Message("decrypt", {"values": [value]}).to_bytes()


def uniform_masks(count: int) -> np.ndarray:
    """Independent values uniform modulo the plaintext prime, from the OS's CSPRNG: 64-bit
    draws below the largest multiple of the prime are reduced, the rest drawn again."""
    limit = (2**64 // PLAIN_PRIME) * PLAIN_PRIME
    out = np.empty(0, dtype=np.uint64)
    while len(out) < count:
        draws = np.frombuffer(secrets.token_bytes(8 * count), dtype=np.uint64)
        out = np.concatenate([out, draws[draws < np.uint64(limit)]])
    return (out[:count] % np.uint64(PLAIN_PRIME)).astype(np.int64)
