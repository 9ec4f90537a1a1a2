"""Encrypted batch scoring of a portfolio in independent chunks, for a shard executor.

The protocol is ``models.scoring.batch``'s (one request per chunk of 8192 enterprises,
one ciphertext of scores back); what this adds is the cut into picklable shards, so that
the bank's encryptions and the platform's products run as separate tasks (worker
processes or Ray) instead of one after the other. Each bank task rebuilds the scorer
over its chunk's rows only, under the bank's one key, which travels to the task inside
the bank's own cluster and never leaves it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import tenseal as ts

from models.scoring.batch import BankBatchScorer, answer_batch
from models.scoring.keys import SLOTS, BfvKeys
from models.secureboost.passive import PassiveModel
from models.secureboost.tree import Tree


def chunk_bounds(rows: int) -> list[tuple[int, int]]:
    """Row ranges of the chunks, each at most one ciphertext's worth of enterprises."""
    return [(start, min(start + SLOTS, rows)) for start in range(0, rows, SLOTS)]


@dataclass(frozen=True)
class BankModel:
    """The bank's half of a joint model, as the scoring tasks need it."""

    trees: tuple[Tree, ...]
    base_score: float
    n_bins: int


@dataclass(frozen=True)
class RequestShard:
    model: BankModel
    bins: np.ndarray
    secret_context: bytes


@dataclass(frozen=True)
class AnswerShard:
    request: bytes
    model: PassiveModel
    features: pd.DataFrame


def _scorer(model: BankModel, bins: np.ndarray, keys: BfvKeys) -> BankBatchScorer:
    return BankBatchScorer(list(model.trees), model.base_score, bins, model.n_bins, keys)


def secret_context(keys: BfvKeys) -> bytes:
    return keys.context.serialize(save_secret_key=True, save_galois_keys=False, save_relin_keys=False)


def request_shards(model: BankModel, bins: np.ndarray, keys: BfvKeys) -> list[RequestShard]:
    secret = secret_context(keys)
    return [RequestShard(model, bins[start:stop], secret) for start, stop in chunk_bounds(len(bins))]


def encrypt_chunk(shard: RequestShard) -> bytes:
    """The bank's request for one chunk (a module-level function, so a worker or Ray task runs it)."""
    return _scorer(shard.model, shard.bins, BfvKeys(ts.context_from(shard.secret_context))).request(0)


def answer_chunk(shard: AnswerShard) -> bytes:
    """The platform's reply for one chunk (a module-level function, so a worker or Ray task runs it)."""
    return answer_batch(shard.request, shard.model, shard.features)


def decrypt_chunks(model: BankModel, bins: np.ndarray, keys: BfvKeys, replies: Sequence[bytes]) -> np.ndarray:
    """Raw scores of all rows from the replies, in chunk order (decryption is cheap: in-process)."""
    bounds = chunk_bounds(len(bins))
    if len(replies) != len(bounds):
        raise ValueError(f"{len(replies)} replies for {len(bounds)} chunks")
    return np.concatenate([_scorer(model, bins[start:stop], keys).scores(0, reply)
                           for (start, stop), reply in zip(bounds, replies)]) if bounds else np.zeros(0)
