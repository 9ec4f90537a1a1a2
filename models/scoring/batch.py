"""Batch scoring with enterprises packed across BFV slots (the nightly portfolio, a list).

For each leaf the bank encrypts, under its own BFV key, one vector over the batch: the
leaf's value where its own splits lead the row to that leaf, zero elsewhere. The platform
multiplies each vector slot by slot with its own 0/1 path indicators for the same rows
and adds everything up, so each slot of the one ciphertext it returns per 8192 rows holds
that row's score less the base score; only the bank can decrypt it. Cost per chunk of
8192 rows is one encryption and one plaintext multiplication per leaf, and chunks are
independent messages, so memory stays flat however large the batch.

The platform learns which enterprises are in the batch (it must, to evaluate its own
splits on them) and the model's leaf count and platform paths; not the leaf values, the
bank's decisions or any score. The bank learns the scores, not the platform's decisions.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import tenseal as ts

from models.scoring.keys import SLOTS, BfvKeys, decode_sums, encode_leaves, load_public
from models.scoring.paths import (
    PlatformPaths,
    bank_indicators,
    leaves,
    platform_indicators,
    platform_paths,
)
from models.secureboost.messages import Message, MessageFormatError
from models.secureboost.passive import PassiveModel
from models.secureboost.tree import Tree


class BankBatchScorer:
    """The bank's half: its trees and bins, its BFV key."""

    def __init__(self, trees: Sequence[Tree], base_score: float, bank_bins: np.ndarray, n_bins: int,
                 keys: BfvKeys | None = None) -> None:
        self._leaves = leaves(trees)
        self._paths = platform_paths(trees, self._leaves)
        self._values = encode_leaves(np.array([leaf.value for leaf in self._leaves]), len(trees))
        self._indicators = bank_indicators(trees, self._leaves, bank_bins, n_bins)
        self._base = base_score
        self.keys = keys or BfvKeys.generate()

    @property
    def rows(self) -> int:
        return self._indicators.shape[0]

    @property
    def chunks(self) -> int:
        return -(-self.rows // SLOTS)

    def chunk_rows(self, chunk: int) -> slice:
        return slice(chunk * SLOTS, min((chunk + 1) * SLOTS, self.rows))

    def request(self, chunk: int) -> bytes:
        """Public key, platform paths and one ciphertext per leaf for the chunk's rows."""
        masked = self._indicators[self.chunk_rows(chunk)] * self._values
        blobs = [self.keys.public_bytes()]
        blobs += [ts.bfv_vector(self.keys.context, column.tolist()).serialize() for column in masked.T]
        fields = {"rows": len(masked), "leaves": len(self._leaves), "paths": self._paths.to_dict()}
        return Message("score_batch", fields, tuple(blobs)).to_bytes()

    def scores(self, chunk: int, reply: bytes) -> np.ndarray:
        """Raw scores (log-odds) of the chunk's rows, in request order."""
        message = Message.from_bytes(reply, expect="score_batch")
        if len(message.blobs) != 1:
            raise MessageFormatError(f"{len(message.blobs)} result ciphertexts for one chunk")
        rows = self.chunk_rows(chunk)
        values = ts.bfv_vector_from(self.keys.context, message.blobs[0]).decrypt()
        if len(values) != rows.stop - rows.start:
            raise MessageFormatError(f"{len(values)} scores for {rows.stop - rows.start} rows")
        return self._base + decode_sums(values)


def answer_batch(request: bytes, model: PassiveModel, features: pd.DataFrame) -> bytes:
    """The platform's half for one chunk, ``features`` being its rows in request order."""
    message = Message.from_bytes(request, expect="score_batch")
    rows, n_leaves = int(message.fields["rows"]), int(message.fields["leaves"])
    if rows != len(features) or rows > SLOTS:
        raise MessageFormatError(f"the bank scores {rows} rows, the platform was given {len(features)}")
    paths = PlatformPaths.from_dict(message.fields["paths"])
    if len(paths.leaves) != n_leaves or len(message.blobs) != 1 + n_leaves:
        raise MessageFormatError(f"{n_leaves} leaves need {1 + n_leaves} blobs, got {len(message.blobs)}")
    context = load_public(message.blobs[0])
    own = platform_indicators(paths, model.router(features), rows)
    total = ts.bfv_vector(context, [0] * rows)
    for leaf in np.flatnonzero(own.any(axis=0)):
        total += ts.bfv_vector_from(context, message.blobs[1 + leaf]) * own[:, leaf].astype(np.int64).tolist()
    return Message("score_batch", {"rows": rows}, (total.serialize(),)).to_bytes()
