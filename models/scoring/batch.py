"""Batch scoring with enterprises packed across BFV slots (the nightly portfolio, a list).

For each leaf the bank encrypts, under its own BFV key, one vector over the batch: the
leaf's value where its own splits lead the row to that leaf, zero elsewhere. The platform
multiplies each vector slot by slot with its own 0/1 path indicators for the same rows
and adds everything up, so each slot of the one ciphertext it returns per 8192 rows holds
that row's score less the base score; only the bank can decrypt it. Cost per 8192 rows
is one encryption and one plaintext multiplication per leaf, whatever the batch size.

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

    def request(self) -> bytes:
        """Public key, platform paths and, per chunk of rows, one ciphertext per leaf."""
        blobs = [self.keys.public_bytes()]
        for start in range(0, self.rows, SLOTS):
            masked = self._indicators[start : start + SLOTS] * self._values
            blobs += [ts.bfv_vector(self.keys.context, column.tolist()).serialize() for column in masked.T]
        fields = {"rows": self.rows, "leaves": len(self._leaves), "paths": self._paths.to_dict()}
        return Message("score_batch", fields, tuple(blobs)).to_bytes()

    def scores(self, reply: bytes) -> np.ndarray:
        """Raw scores (log-odds) of the batch, in request order."""
        message = Message.from_bytes(reply, expect="score_batch")
        chunks = -(-self.rows // SLOTS)
        if len(message.blobs) != chunks:
            raise MessageFormatError(f"{len(message.blobs)} result ciphertexts for {chunks} chunks")
        sums = [ts.bfv_vector_from(self.keys.context, blob).decrypt() for blob in message.blobs]
        values = np.concatenate([np.asarray(s, dtype=np.int64) for s in sums])[: self.rows]
        return self._base + decode_sums(values)


def answer_batch(request: bytes, model: PassiveModel, features: pd.DataFrame) -> bytes:
    """The platform's half, for the rows ``features`` (aligned with the bank's request)."""
    message = Message.from_bytes(request, expect="score_batch")
    rows, n_leaves = int(message.fields["rows"]), int(message.fields["leaves"])
    if rows != len(features):
        raise MessageFormatError(f"the bank scores {rows} rows, the platform was given {len(features)}")
    paths = PlatformPaths.from_dict(message.fields["paths"])
    chunks = -(-rows // SLOTS)
    if len(paths.leaves) != n_leaves or len(message.blobs) != 1 + chunks * n_leaves:
        raise MessageFormatError(f"a batch of {rows} rows and {n_leaves} leaves needs "
                                 f"{1 + chunks * n_leaves} blobs, got {len(message.blobs)}")
    context = load_public(message.blobs[0])
    indicators = platform_indicators(paths, model.router(features), rows)
    results = []
    for chunk in range(chunks):
        own = indicators[chunk * SLOTS : (chunk + 1) * SLOTS]
        total = ts.bfv_vector(context, [0] * len(own))
        for leaf in np.flatnonzero(own.any(axis=0)):
            blob = message.blobs[1 + chunk * n_leaves + leaf]
            total += ts.bfv_vector_from(context, blob) * own[:, leaf].astype(np.int64).tolist()
        results.append(total.serialize())
    return Message("score_batch", {"rows": rows}, tuple(results)).to_bytes()
