"""SecureBoost training jobs as the party agents run them, over the coordinator's relay.

The bank (label holder) drives: it aligns on a finished PSI job's intersection, sends
the platform the PSI handles of the training rows (never an id), and runs the same
:class:`~models.secureboost.estimator.SecureBoostClassifier` code as a notebook, with
the platform reached through :class:`RelayTransport`. The platform turns the handles
into its own rows and answers requests with :class:`PlatformTrainer`.

Resuming after either party dies: requests are filed per boosting round
(``sb/round-<k>/<n>``), the bank checkpoints after every tree and keeps its key pair in
an owner-only file, the platform persists its splits after replying to a round's last
request. A restarted party replays from its checkpoint; what its earlier incarnation
already relayed stands (``RelayChannel(keep_first=True)``) and it reads the peer's
answers from the mailbox, so the job ends with the model an uninterrupted run grows.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from federation.crypto import get_backend
from federation.crypto.backend import SecretContext
from federation.files import read_json, write_atomic, write_json
from federation.party.agent import JobContext
from federation.party.channel import RelayChannel
from federation.party.alignment import aligned_rows, platform_rows
from federation.party.consent import check_consent, job_scope
from federation.security.roles import Role
from models.evaluation import HoldoutSpec, auc, holdout_rows, ks
from models.scoring.paths import leaves, platform_paths
from models.secureboost.booster import PassiveParty
from models.secureboost.estimator import SecureBoostClassifier, TrainingPlan
from models.secureboost.messages import Message, pack_ints, unpack_ints
from models.secureboost.passive import LocalPassiveParty
from models.secureboost.remote import (
    SETUP_SCOPE,
    HoldoutRouter,
    PlatformTrainer,
    RemotePlatform,
    round_scope,
)

KIND = "secureboost"
KEY_FILE = "he_key.bin"
CHECKPOINT_DIR = "checkpoint"
PLATFORM_STATE_FILE = "secureboost_state.json"
PREDICTIONS_FILE = "predictions.parquet"
BANK_PART = "bank.json"
PLATFORM_PART = "platform.json"
DEFAULT_ENCRYPTION = "heu-ou"


class RelayTransport:
    """Requests to the platform over the relay, one numbered channel per scope."""

    def __init__(self, context: JobContext, platform: str) -> None:
        self._context = context
        self._platform = platform
        self._channels: dict[str, RelayChannel] = {}

    def exchange(self, request: bytes, scope: str) -> bytes:
        channel = self._channels.get(scope)
        if channel is None:
            channel = self._channels[scope] = RelayChannel(self._context, self._platform, f"sb/{scope}",
                                                           keep_first=True)
        channel.send(request)
        return channel.receive()


def bank_secureboost(context: JobContext) -> dict[str, Any]:
    model_params = dict(context.params.get("model", {}))
    model_params.setdefault("random_state", 0)
    model_params.setdefault("encryption", DEFAULT_ENCRYPTION)
    if model_params["encryption"] is None:
        raise ValueError("a federated job never sends gradients in the clear: name an HE backend")
    model = SecureBoostClassifier(**model_params)
    psi_job = str(context.params.get("psi_job", ""))
    aligned = aligned_rows(context, psi_job)
    labels = context.table.labels[aligned["bank_row"].to_numpy()]
    holdout = context.params.get("holdout")
    train_rows, test_rows = np.arange(len(aligned)), np.arange(0)
    if holdout is not None:
        train_rows, test_rows = holdout_rows(labels, HoldoutSpec.from_dict(holdout))
    train, test = aligned.iloc[train_rows], aligned.iloc[test_rows]
    secret = _key_pair(context.workdir / KEY_FILE, model_params["encryption"], model.key_bits)
    transport = RelayTransport(context, context.peer(Role.PLATFORM))
    connected: list[RemotePlatform] = []

    def connect(plan: TrainingPlan, trees_done: int) -> PassiveParty:
        valid = np.arange(0) if plan.valid is None else plan.valid
        setup = Message("setup", {"psi_job": psi_job, "max_bin": model.max_bin, "colsample": model.colsample,
                                  "seed": plan.platform_seed, "scheme": model.encryption},
                        (pack_ints(train["platform_handle"]), pack_ints(plan.train), pack_ints(valid),
                         pack_ints(test["platform_handle"])))
        Message.from_bytes(transport.exchange(setup.to_bytes(), SETUP_SCOPE), expect="setup")
        connected.append(RemotePlatform(transport, secret, trees_done))
        return connected[0]

    features = context.table.features
    model.fit_with(features.iloc[train["bank_row"]], labels[train_rows], connect,
                   checkpoint_dir=context.workdir / CHECKPOINT_DIR)
    platform = connected[0]
    metrics: dict[str, Any] = {"n_intersection": len(aligned), "n_train": len(train), "n_test": len(test),
                               "n_trees": model.n_trees_}
    if len(test):
        scores = model.decision_function_routed(features.iloc[test["bank_row"]], HoldoutRouter(platform))
        pd.DataFrame({"id": test["id"].to_numpy(), "label": labels[test_rows], "score": scores}).to_parquet(
            context.workdir / PREDICTIONS_FILE)
        metrics |= {"auc": auc(labels[test_rows], scores), "ks": ks(labels[test_rows], scores)}
    platform.finish(model.n_trees_, platform_paths(model.trees_, leaves(model.trees_)).to_dict())
    part = context.models_dir / context.job.id / BANK_PART
    write_json(part, {"model": model.bank_model(), "encryption": platform.description, "psi_job": psi_job})
    return {"model": {"kind": KIND, "params": model.get_params(), "encryption": platform.description,
                      "metrics": metrics, "part": _part_entry(part)}}


def platform_secureboost(context: JobContext, enforce_consent: bool) -> dict[str, Any]:
    bank = context.peer(Role.BANK)
    scope = job_scope(context, enforce_consent)
    setup_channel = RelayChannel(context, bank, f"sb/{SETUP_SCOPE}", keep_first=True)
    setup = Message.from_bytes(setup_channel.receive(), expect="setup")
    train_handles, train, valid, test_handles = (unpack_ints(blob) for blob in _blobs(setup, 4))
    rows_for = platform_rows(context, str(setup.fields["psi_job"]))
    train_rows, test_rows = rows_for(train_handles), rows_for(test_handles)
    check_consent(context, scope, bank, np.concatenate([train_rows, test_rows]))
    features = context.table.features
    training = features.iloc[train_rows].reset_index(drop=True)
    local = LocalPassiveParty(training, train, valid if len(valid) else None, max_bin=int(setup.fields["max_bin"]),
                              colsample=float(setup.fields["colsample"]), seed=int(setup.fields["seed"]))
    state_file = context.workdir / PLATFORM_STATE_FILE
    rounds = 0
    if state_file.exists():
        saved = read_json(state_file)
        rounds = int(saved["rounds"])
        local.restore(saved["model"], rounds)
    part = context.models_dir / context.job.id / PLATFORM_PART
    trainer = PlatformTrainer(local, get_backend(str(setup.fields["scheme"])),
                              holdout=features.iloc[test_rows].reset_index(drop=True),
                              rounds=rounds, on_finish=lambda _, paths: write_json(
                                  part, {**local.model.to_dict(), "paths": paths}))
    setup_channel.send(Message("setup", {"rows": len(training)}).to_bytes())
    setup_channel.send(trainer.handle(setup_channel.receive()))
    while not trainer.finished:
        channel = RelayChannel(context, bank, f"sb/{round_scope(rounds)}", keep_first=True)
        while not trainer.finished and trainer.rounds == rounds:
            channel.send(trainer.handle(channel.receive()))
        if trainer.rounds != rounds:
            rounds = trainer.rounds
            write_json(state_file, {"rounds": rounds, "model": local.model.to_dict()})
    return {"model_part": _part_entry(part), "rows": len(training), "features": local.layout.n_features,
            "consent": scope.report()}


def _key_pair(path: Path, scheme: str, key_bits: int) -> SecretContext:
    """The bank's key pair for this job: made once, owner-only, reloaded on resume."""
    backend = get_backend(scheme)
    if path.exists():
        return backend.load_secret(path.read_bytes())
    _, secret = backend.generate(key_bits)
    write_atomic(path, secret.to_bytes(), private=True)
    return secret


def _blobs(message: Message, count: int) -> tuple[bytes, ...]:
    if len(message.blobs) != count:
        raise ValueError(f"a {message.kind!r} message needs {count} blobs, got {len(message.blobs)}")
    return message.blobs


def _part_entry(path: Path) -> dict[str, Any]:
    """What the registry records of a stored part: where it is at its holder, and a digest."""
    return {"file": f"models/{path.parent.name}/{path.name}", "sha256": hashlib.sha256(path.read_bytes()).hexdigest()}

