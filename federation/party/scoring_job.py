"""Batch scoring jobs as the party agents run them (``score_batch``), over the relay.

The bank scores every enterprise of a PSI alignment with a registered joint model: it
checks its table against the model's schema, sends the platform the PSI handles (never
ids), then one message per chunk of 8192 rows holding the leaf values its own splits
select, encrypted under a fresh BFV key (``models.scoring.batch``). The platform
answers each chunk with one ciphertext of scores it cannot read. The bank writes
``scores.parquet`` (id, raw score, probability of default) to the job's folder.

The platform uses the paths it stored when the model was trained and refuses a request
whose paths differ, so a bank cannot ask about splits the model does not have.
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
from federation.party.secureboost_job import BANK_PART, PLATFORM_PART
from federation.security.roles import Role
from models.scoring.batch import BankBatchScorer, answer_batch
from models.scoring.drift import aligned_for_scoring
from models.scoring.keys import SLOTS
from models.scoring.paths import PlatformPaths
from models.secureboost.binning import Binner
from models.secureboost.messages import Message, MessageFormatError, pack_ints, unpack_ints
from models.secureboost.passive import PassiveModel
from models.secureboost.tree import Tree

SCORES_FILE = "scores.parquet"


def bank_score_batch(context: JobContext) -> dict[str, Any]:
    model_id, psi_job = str(context.params["model"]), str(context.params["psi_job"])
    part = read_json(context.models_dir / model_id / BANK_PART)["model"]
    binner = Binner.from_dict(part["binner"])
    trees = [Tree.from_dict(tree) for tree in part["trees"]]
    aligned = aligned_rows(context, psi_job)
    features = aligned_for_scoring(binner, context.table.features.iloc[aligned["bank_row"]])
    scorer = BankBatchScorer(trees, float(part["base_score"]), binner.transform(features), binner.max_bin + 1)
    channel = RelayChannel(context, context.peer(Role.PLATFORM), "score")
    channel.send(Message("setup", {"model": model_id, "psi_job": psi_job, "chunks": scorer.chunks},
                         (pack_ints(aligned["platform_handle"]),)).to_bytes())
    raw = []
    for chunk in range(scorer.chunks):
        channel.send(scorer.request(chunk))
        raw.append(scorer.scores(chunk, channel.receive()))
    scores = np.concatenate(raw)
    pd.DataFrame({"id": aligned["id"].to_numpy(), "raw_score": scores, "probability": expit(scores)}).to_parquet(
        context.workdir / SCORES_FILE)
    return {"scored": len(scores), "model_id": model_id, "encryption": scorer.keys.describe()}


def platform_score_batch(context: JobContext, enforce_consent: bool) -> dict[str, Any]:
    bank = context.peer(Role.BANK)
    scope = job_scope(context, enforce_consent)
    channel = RelayChannel(context, bank, "score")
    setup = Message.from_bytes(channel.receive(), expect="setup")
    model_id = str(setup.fields["model"])
    if model_id != str(context.params["model"]):
        raise MessageFormatError(f"the bank's setup names model {model_id}, the job {context.params['model']}")
    part = read_json(context.models_dir / model_id / PLATFORM_PART)
    model, paths = PassiveModel.from_dict(part), PlatformPaths.from_dict(part["paths"])
    rows = platform_rows(context, str(context.params["psi_job"]))(unpack_ints(setup.blobs[0]))
    check_consent(context, scope, bank, rows)
    features = context.table.features.iloc[rows].reset_index(drop=True)
    chunks = -(-len(rows) // SLOTS)
    if int(setup.fields["chunks"]) != chunks:
        raise MessageFormatError(f"{len(rows)} rows make {chunks} chunks, the bank announced {setup.fields['chunks']}")
    for chunk in range(chunks):
        request = channel.receive()
        if PlatformPaths.from_dict(Message.from_bytes(request).fields["paths"]) != paths:
            raise MessageFormatError(f"the bank's request does not follow model {model_id}'s paths")
        chunk_features = features.iloc[chunk * SLOTS : (chunk + 1) * SLOTS].reset_index(drop=True)
        channel.send(answer_batch(request, model, chunk_features))
    return {"rows": len(rows), "consent": scope.report()}
