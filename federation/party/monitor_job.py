"""The nightly monitoring job (``monitor``): a bank re-scores its monitored portfolio.

The platform's monitoring run starts one job per bank (initiator: the platform's
monitoring identity, participant: the bank). The bank scores, with its latest registered
joint model, every enterprise it monitors that day (an active loan and a valid consent,
from the coordinator), through the encrypted batch-scoring protocol of
``models.scoring.batch`` cut into chunks that run as parallel tasks:

1. bank -> platform ``setup``: model id, date, wave size, and the monitored enterprises it
   holds rows for (ids: the platform must evaluate its splits on exactly them);
2. platform -> bank ``accepted``: the positions it scores, those it holds and that
   authorize the bank for every category its table contributes (when it enforces consent),
   after reporting them for the enterprises' self-query (``federation.party.data_use``);
3. per chunk, bank -> platform a request (leaf values under the bank's BFV key), platform
   -> bank one ciphertext of scores, a wave of chunks at a time.

The bank then applies the score rules it was sent (grade drop against its previous run,
probability of default above a threshold), seals the alerts under its own key and files
them with the coordinator, and measures score drift. The platform learns which
enterprises were scored, never a score or a grade; the job's result holds counts and the
score PSI only. Both sides keep the first copy of each relayed message and the bank
keeps its BFV key in the job's folder, so a party restarted mid-job finishes the same job.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict
from typing import Any

import numpy as np
import pandas as pd
import tenseal as ts
from scipy.special import expit

from federation.files import read_json, write_atomic
from federation.governance.categories import categories_of
from federation.party.agent import JobContext
from federation.party.channel import RelayChannel
from federation.party.data_use import record_data_use
from federation.party.monitoring_calls import monitored_enterprises, submit_alerts
from federation.party.monitoring_state import BankMonitoringState
from federation.party.training import BANK_PART, PLATFORM_PART
from federation.rpc import coordinator_pb2 as pb
from federation.scaleout.executor import ShardExecutor, shard_executor
from federation.security.roles import Role
from models.monitoring import score_rules
from models.monitoring.alerts import Alert
from models.monitoring.drift import score_drift
from models.monitoring.rules import RuleSet, parse_rules
from models.monitoring.scoring import (
    AnswerShard,
    BankModel,
    answer_chunk,
    chunk_bounds,
    decrypt_chunks,
    encrypt_chunk,
    request_shards,
    secret_context,
)
from models.portrait.grades import grade_numbers
from models.scoring.drift import aligned_for_scoring
from models.scoring.keys import BfvKeys
from models.scoring.paths import PlatformPaths
from models.secureboost.binning import Binner
from models.secureboost.messages import Message, MessageFormatError, pack_ints, unpack_ints
from models.secureboost.passive import PassiveModel
from models.secureboost.tree import Tree

KIND = "monitor"
SCORED_KIND = "secureboost"
MAX_WAVE = 16
_KEY_FILE = "bfv_context.bin"


def monitor_params(day: dt.date, rules: RuleSet) -> dict[str, Any]:
    """What the platform's run sends a bank: the date, the score rules and drift thresholds."""
    return {"date": day.isoformat(), "score_rules": [rule.to_dict() for rule in rules.score_rules],
            "drift": asdict(rules.drift)}


def _rules(params: dict[str, Any]) -> RuleSet:
    rules = parse_rules({"rules": params.get("score_rules", []), "drift": params.get("drift", {})}, allow_empty=True)
    if rules.event_rules:
        raise ValueError(f"params.score_rules holds event rules {[r.id for r in rules.event_rules]}; the bank "
                         f"applies score rules only")
    return rules


def latest_model(models: list[pb.Model], owner: str) -> pb.Model | None:
    """The bank's most recent joint model of the kind batch scoring serves."""
    own = [m for m in models if m.owner == owner and m.kind == SCORED_KIND]
    return max(own, key=lambda m: m.version) if own else None


def _job_keys(context: JobContext) -> BfvKeys:
    """One BFV key per job, kept in the job's folder: a restarted bank decrypts the replies
    to the requests its earlier incarnation relayed."""
    path = context.workdir / _KEY_FILE
    if path.exists():
        return BfvKeys(ts.context_from(path.read_bytes()))
    keys = BfvKeys.generate()
    write_atomic(path, secret_context(keys), private=True)
    return keys


def bank_monitor(context: JobContext, ray_address: str | None = None, workers: int | None = None) -> dict[str, Any]:
    day = dt.date.fromisoformat(str(context.params["date"]))
    rules = _rules(context.params)
    channel = RelayChannel(context, context.peer(Role.PLATFORM), KIND, keep_first=True)
    model = latest_model(context.client.list_models(), context.me)
    monitored = monitored_enterprises(context.client, context.me, day)
    own_rows = pd.Series(np.arange(len(context.table.ids)), index=context.table.ids)
    listed = sorted(e for e in monitored.enterprises if e in own_rows.index)
    if model is None or not listed:
        channel.send(Message("setup", {"model": "", "date": day.isoformat(), "wave": 1}, ()).to_bytes())
        return {"scored": 0, "monitored": len(monitored.enterprises), "model_id": model.id if model else None}
    part = read_json(context.models_dir / model.id / BANK_PART)["model"]
    binner = Binner.from_dict(part["binner"])
    bank_model = BankModel(tuple(Tree.from_dict(t) for t in part["trees"]), float(part["base_score"]),
                           binner.max_bin + 1)
    executor = shard_executor(ray_address, workers)
    try:
        wave = min(MAX_WAVE, executor.workers)
        channel.send(Message("setup", {"model": model.id, "date": day.isoformat(), "wave": wave},
                             ("\n".join(listed).encode(),)).to_bytes())
        accepted = Message.from_bytes(channel.receive(), expect="accepted")
        enterprises = np.array(listed, dtype=object)[unpack_ints(accepted.blobs[0])]
        features = aligned_for_scoring(binner, context.table.features.iloc[own_rows[enterprises].to_numpy()])
        bins = binner.transform(features)
        keys = _job_keys(context)
        shards = request_shards(bank_model, bins, keys)
        replies: list[bytes] = []
        for start in range(0, len(shards), wave):
            requests = executor.map(encrypt_chunk, shards[start : start + wave])
            for request in requests:
                channel.send(request)
            replies += [channel.receive() for _ in requests]
        raw = decrypt_chunks(bank_model, bins, keys, replies)
        alerts, drift = _apply_rules(context, executor, day, rules, model.id, enterprises, raw,
                                     monitored.score_categories)
    finally:
        executor.close()
    submit_alerts(context.client, alerts)
    return {"scored": len(enterprises), "monitored": len(monitored.enterprises), "model_id": model.id,
            "score_drift": drift, "encryption": keys.describe()}


def _apply_rules(context: JobContext, executor: ShardExecutor, day: dt.date, rules: RuleSet, model_id: str,
                 enterprises: np.ndarray, raw: np.ndarray, categories: tuple[str, ...]
                 ) -> tuple[list[Alert], dict[str, Any]]:
    """Score alerts (sealed) and score drift; this run's scores and grades are kept for the next."""
    state = BankMonitoringState(context.models_dir.parent)
    probability = expit(raw)
    previous = state.previous(day)
    previous_grade = np.zeros(len(enterprises), dtype=int)
    previous_date = ""
    if previous is not None:
        previous_date = previous[0].isoformat()
        grades = previous[1].set_index("enterprise")["grade"]
        previous_grade = grades.reindex(enterprises).fillna(score_rules.NO_GRADE).astype(int).to_numpy()
    shards = score_rules.score_shards(context.me, day.isoformat(), previous_date, enterprises, probability,
                                      previous_grade, rules.score_rules, categories, state.sealing_key(),
                                      executor.workers)
    alerts = [alert for part in executor.map(score_rules.shard_alerts, shards) for alert in part]
    scores = pd.DataFrame({"enterprise": enterprises, "raw_score": raw, "probability": probability,
                           "grade": grade_numbers(probability), "model_id": model_id})
    baseline = state.baseline(model_id)
    drift = score_drift((scores if baseline is None else baseline)["raw_score"].to_numpy(), raw, rules.drift)
    state.save_scores(day, scores)
    return alerts, drift


def platform_monitor(context: JobContext, executor: ShardExecutor, enforce_consent: bool) -> dict[str, Any]:
    """The platform's half, run by the monitoring run itself (it holds the run's executor)."""
    bank = context.peer(Role.BANK)
    day = dt.date.fromisoformat(str(context.params["date"]))
    channel = RelayChannel(context, bank, KIND, keep_first=True)
    setup = Message.from_bytes(channel.receive(), expect="setup")
    model_id, wave = str(setup.fields["model"]), int(setup.fields["wave"])
    if not model_id:
        return {"rows": 0}
    if not 1 <= wave <= MAX_WAVE:
        raise MessageFormatError(f"{bank} asks for waves of {wave} chunks; at most {MAX_WAVE}")
    path = context.models_dir / model_id / PLATFORM_PART
    if not path.exists():
        raise FileNotFoundError(f"{context.me} holds no platform part of {bank}'s model {model_id} at {path}")
    part = read_json(path)
    model, paths = PassiveModel.from_dict(part), PlatformPaths.from_dict(part["paths"])
    asked = setup.blobs[0].decode().split("\n")
    required = set(categories_of(context.table.features.columns)) if enforce_consent else set()
    monitored = monitored_enterprises(context.client, bank, day).enterprises
    allowed = {e for e, categories in monitored.items() if required <= set(categories)}
    rows = pd.Index(context.table.ids).get_indexer(asked)
    positions = np.array([i for i, (e, row) in enumerate(zip(asked, rows)) if row >= 0 and e in allowed], dtype=int)
    features = aligned_for_scoring(model.binner, context.table.features.iloc[rows[positions]].reset_index(drop=True),
                                   ignore_extra=True)
    record_data_use(context, rows[positions])
    channel.send(Message("accepted", {"rows": len(positions)}, (pack_ints(positions),)).to_bytes())
    bounds = chunk_bounds(len(positions))
    for start in range(0, len(bounds), wave):
        batch = bounds[start : start + wave]
        requests = [channel.receive() for _ in batch]
        for request in requests:
            if PlatformPaths.from_dict(Message.from_bytes(request).fields["paths"]) != paths:
                raise MessageFormatError(f"{bank}'s request does not follow model {model_id}'s paths")
        shards = [AnswerShard(request, model, features.iloc[a:b].reset_index(drop=True))
                  for request, (a, b) in zip(requests, batch)]
        for reply in executor.map(answer_chunk, shards):
            channel.send(reply)
    return {"rows": len(positions), "consent": {
        "basis": "consent" if enforce_consent else "not_checked", "categories": sorted(required),
        "authorized": len(allowed) if enforce_consent else None}}
