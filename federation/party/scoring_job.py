"""Batch scoring jobs as the party agents run them (``score_batch``), over the relay.

The bank scores every enterprise of a PSI alignment with a registered joint model: it
checks its table against the model's schema, sends the platform the PSI handles (never
ids), then one message per chunk of 8192 rows holding the leaf values its own splits
select, encrypted under a fresh BFV key (``models.scoring.batch``). The platform
answers each chunk with one ciphertext of scores it cannot read. The bank writes
``scores.parquet`` (id, raw score, probability of default) to the job's folder.

Chunks are independent, so each side spreads them over its own shard executor (local
worker processes, or Ray with ``fedcredit party --ray-address``): the bank encrypts a
wave of chunks at once and sends them, the platform takes the wave the bank announced,
answers its chunks in parallel, and the next wave follows.

The platform uses the paths it stored when the model was trained and refuses a request
whose paths differ, so a bank cannot ask about splits the model does not have.

Each party reads the model's kind from its own stored part (``models.scoring.model_kind``):
a scorecard is scored by ``models.scoring.scorecard`` instead, the bank's share of each
chunk encrypted, the platform's added to it as a plaintext, the same setup and files.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from scipy.special import expit

from federation.files import read_json
from federation.party.agent import JobContext
from federation.party.channel import RelayChannel
from federation.party.alignment import aligned_rows, platform_rows
from federation.party.consent import check_consent, job_scope
from federation.party.training import BANK_PART, PLATFORM_PART
from federation.scaleout.executor import shard_executor
from federation.security.roles import Role
from models.monitoring.scoring import (
    AnswerShard, BankModel, answer_chunk, chunk_bounds, decrypt_chunks, encrypt_chunk, request_shards,
)
from models.scorecard.stored import ScorecardHalf
from models.scoring import scorecard
from models.scoring.drift import aligned_for_scoring
from models.scoring.keys import BfvKeys
from models.scoring.model_kind import SCORECARD, stored_kind
from models.scoring.paths import PlatformPaths
from models.secureboost.binning import Binner
from models.secureboost.messages import Message, MessageFormatError, pack_ints, unpack_ints
from models.secureboost.passive import PassiveModel
from models.secureboost.tree import Tree

SCORES_FILE = "scores.parquet"


def bank_score_batch(context: JobContext, ray_address: str | None = None, workers: int | None = None
                     ) -> dict[str, Any]:
    model_id, psi_job = str(context.params["model"]), str(context.params["psi_job"])
    part = read_json(context.models_dir / model_id / BANK_PART)["model"]
    if stored_kind(part, model_id) == SCORECARD:
        return _bank_scorecard_batch(context, model_id, psi_job, part)
    binner = Binner.from_dict(part["binner"])
    model = BankModel(tuple(Tree.from_dict(tree) for tree in part["trees"]), float(part["base_score"]),
                      binner.max_bin + 1)
    aligned = aligned_rows(context, psi_job)
    bins = binner.transform(aligned_for_scoring(binner, context.table.features.iloc[aligned["bank_row"]]))
    keys = BfvKeys.generate()
    shards = request_shards(model, bins, keys)
    executor = shard_executor(ray_address, workers)
    try:
        wave = executor.workers
        channel = RelayChannel(context, context.peer(Role.PLATFORM), "score")
        channel.send(Message("setup", {"model": model_id, "psi_job": psi_job, "chunks": len(shards), "wave": wave},
                             (pack_ints(aligned["platform_handle"]),)).to_bytes())
        replies: list[bytes] = []
        for start in range(0, len(shards), wave):
            for request in executor.map(encrypt_chunk, shards[start : start + wave]):
                channel.send(request)
            replies += [channel.receive() for _ in shards[start : start + wave]]
    finally:
        executor.close()
    scores = decrypt_chunks(model, bins, keys, replies)
    _write_scores(context, aligned, scores)
    return {"scored": len(scores), "model_id": model_id, "encryption": keys.describe(), "workers": wave}


def _bank_scorecard_batch(context: JobContext, model_id: str, psi_job: str, part: dict[str, Any]) -> dict[str, Any]:
    """A scorecard's chunks, one request and reply at a time: each is one encryption at the
    bank and one plaintext addition at the platform, nothing worth a shard executor."""
    aligned = aligned_rows(context, psi_job)
    own = ScorecardHalf.of_bank(part).log_odds(context.table.features.iloc[aligned["bank_row"]])
    keys = BfvKeys.generate()
    bounds = chunk_bounds(len(aligned))
    channel = RelayChannel(context, context.peer(Role.PLATFORM), "score")
    channel.send(Message("setup", {"model": model_id, "psi_job": psi_job, "chunks": len(bounds)},
                         (pack_ints(aligned["platform_handle"]),)).to_bytes())
    chunks = []
    for start, stop in bounds:
        channel.send(scorecard.batch_request(own[start:stop], keys))
        chunks.append(scorecard.batch_scores(channel.receive(), keys, stop - start))
    scores = np.concatenate(chunks) if chunks else np.zeros(0)
    _write_scores(context, aligned, scores)
    return {"scored": len(scores), "model_id": model_id, "encryption": keys.describe(), "workers": 1}


def _write_scores(context: JobContext, aligned: pd.DataFrame, scores: np.ndarray) -> None:
    pd.DataFrame({"id": aligned["id"].to_numpy(), "raw_score": scores, "probability": expit(scores)}).to_parquet(
        context.workdir / SCORES_FILE)


def platform_score_batch(context: JobContext, enforce_consent: bool, ray_address: str | None = None,
                         workers: int | None = None) -> dict[str, Any]:
    bank = context.peer(Role.BANK)
    scope = job_scope(context, enforce_consent)
    channel = RelayChannel(context, bank, "score")
    setup = Message.from_bytes(channel.receive(), expect="setup")
    model_id = str(setup.fields["model"])
    if model_id != str(context.params["model"]):
        raise MessageFormatError(f"the bank's setup names model {model_id}, the job {context.params['model']}")
    part = read_json(context.models_dir / model_id / PLATFORM_PART)
    kind = stored_kind(part, model_id)
    rows = platform_rows(context, str(context.params["psi_job"]))(unpack_ints(setup.blobs[0]))
    check_consent(context, scope, bank, rows)
    features = context.table.features.iloc[rows].reset_index(drop=True)
    bounds = chunk_bounds(len(rows))
    if int(setup.fields["chunks"]) != len(bounds):
        raise MessageFormatError(f"{len(rows)} rows make {len(bounds)} chunks, the bank announced {setup.fields['chunks']}")
    if kind == SCORECARD:
        platform = ScorecardHalf.from_part(part)
        for start, stop in bounds:
            channel.send(scorecard.answer_batch(channel.receive(), platform, features.iloc[start:stop]))
        return {"rows": len(rows), "consent": scope.report()}
    model, paths = PassiveModel.from_dict(part), PlatformPaths.from_dict(part["paths"])
    features = aligned_for_scoring(model.binner, features, ignore_extra=True)
    wave = int(setup.fields.get("wave", 1))
    if wave < 1:
        raise MessageFormatError(f"the bank announced waves of {wave} chunks")
    executor = shard_executor(ray_address, workers)
    try:
        for first in range(0, len(bounds), wave):
            shards = []
            for start, stop in bounds[first : first + wave]:
                request = channel.receive()
                if PlatformPaths.from_dict(Message.from_bytes(request).fields["paths"]) != paths:
                    raise MessageFormatError(f"the bank's request does not follow model {model_id}'s paths")
                shards.append(AnswerShard(request, model, features.iloc[start:stop].reset_index(drop=True)))
            for reply in executor.map(answer_chunk, shards):
                channel.send(reply)
    finally:
        executor.close()
    return {"rows": len(rows), "consent": scope.report()}
