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

from typing import Any

import numpy as np

from federation.crypto import get_backend
from federation.files import read_json, write_json
from federation.party.agent import JobContext
from federation.party.alignment import platform_rows
from federation.party.channel import RelayChannel
from federation.party.consent import check_consent, job_scope
from federation.party.training import (
    BANK_PART,
    DEFAULT_ENCRYPTION,
    KEY_FILE,
    PLATFORM_PART,
    bank_training_rows,
    holdout_metrics,
    key_pair,
    part_entry,
)
from federation.security.roles import Role
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
CHECKPOINT_DIR = "checkpoint"
PLATFORM_STATE_FILE = "secureboost_state.json"


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
    rows = bank_training_rows(context)
    train, test = rows.train, rows.test
    secret = key_pair(context.workdir / KEY_FILE, model_params["encryption"], model.key_bits)
    transport = RelayTransport(context, context.peer(Role.PLATFORM))
    connected: list[RemotePlatform] = []

    def connect(plan: TrainingPlan, trees_done: int) -> PassiveParty:
        valid = np.arange(0) if plan.valid is None else plan.valid
        setup = Message("setup", {"psi_job": rows.psi_job, "max_bin": model.max_bin, "colsample": model.colsample,
                                  "seed": plan.platform_seed, "scheme": model.encryption},
                        (pack_ints(train["platform_handle"]), pack_ints(plan.train), pack_ints(valid),
                         pack_ints(test["platform_handle"])))
        Message.from_bytes(transport.exchange(setup.to_bytes(), SETUP_SCOPE), expect="setup")
        connected.append(RemotePlatform(transport, secret, trees_done))
        return connected[0]

    features = context.table.features
    model.fit_with(features.iloc[train["bank_row"]], rows.labels[rows.train_rows], connect,
                   checkpoint_dir=context.workdir / CHECKPOINT_DIR)
    platform = connected[0]
    metrics: dict[str, Any] = rows.counts() | {"n_trees": model.n_trees_}
    if len(test):
        scores = model.decision_function_routed(features.iloc[test["bank_row"]], HoldoutRouter(platform))
        metrics |= holdout_metrics(context, rows, scores)
    platform.finish(model.n_trees_, platform_paths(model.trees_, leaves(model.trees_)).to_dict())
    part = context.models_dir / context.job.id / BANK_PART
    write_json(part, {"model": model.bank_model(), "encryption": platform.description, "psi_job": rows.psi_job})
    return {"model": {"kind": KIND, "params": model.get_params(), "encryption": platform.description,
                      "metrics": metrics, "part": part_entry(part)}}


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
    return {"model_part": part_entry(part), "rows": len(training), "features": local.layout.n_features,
            "consent": scope.report()}


def _blobs(message: Message, count: int) -> tuple[bytes, ...]:
    if len(message.blobs) != count:
        raise ValueError(f"a {message.kind!r} message needs {count} blobs, got {len(message.blobs)}")
    return message.blobs
