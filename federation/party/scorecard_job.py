"""Federated scorecard training jobs as the party agents run them, over the coordinator's relay.

The bank (label holder) drives: it aligns on a finished PSI job's intersection, sends the
platform the PSI handles of its training and test rows (never an id) and runs the same
:class:`~models.scorecard.ScorecardClassifier` code as a notebook, with the platform
reached over one relay channel. The platform turns the handles into its own rows and
answers with :class:`~models.scorecard.remote.PlatformScorecardTrainer`. Each party
stores its part of the model: ``bank.json`` (its bins and points, the platform's points
by feature group only) and ``platform.json`` (the platform's bins with their edges, WOE,
weights and points), and the registry records both parts' digests.

The platform refuses a minimum bin size under ``PLATFORM_MIN_BIN_SIZE``: its bins' event
counts go to the bank and their WOE comes back, so a small bin would single enterprises
out.

Resuming after either party dies is by replay: every step is a function of the
plaintexts exchanged before it, so a restarted party runs the job again from the start.
The bank keeps its key pair in an owner-only file (``KEY_FILE``) and the platform the
seed its gradient masks are derived from (``MASK_SEED_FILE``); the copies the earlier
incarnation relayed stand (``RelayChannel(keep_first=True)``), the peer's answers are
read back from the mailbox, and the job ends with the model an undisturbed run trains.
A replay repeats the restarted party's HE work (minutes, against SecureBoost's hours of
trees, which is why those are checkpointed per tree instead).
"""

from __future__ import annotations

import secrets
from typing import Any

import numpy as np

from federation.files import write_atomic, write_json
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
from models.scorecard import ScorecardClassifier
from models.scorecard.ciphers import BankCipher, EncryptedBank
from models.scorecard.platform import LocalPlatform
from models.scorecard.remote import PlatformScorecardTrainer, RemotePlatform
from models.secureboost.messages import Message, pack_ints, unpack_ints

KIND = "scorecard"
CHANNEL = "sc"
PLATFORM_MIN_BIN_SIZE = 20
MASK_SEED_FILE = "mask_seed.bin"


class ChannelTransport:
    """Requests to the platform and its replies, in order, over one relay channel."""

    def __init__(self, channel: RelayChannel) -> None:
        self._channel = channel

    def exchange(self, request: bytes) -> bytes:
        self._channel.send(request)
        return self._channel.receive()


def bank_scorecard(context: JobContext) -> dict[str, Any]:
    model_params = dict(context.params.get("model", {}))
    model_params.setdefault("encryption", DEFAULT_ENCRYPTION)
    if model_params["encryption"] is None:
        raise ValueError("a federated job never sends labels in the clear: name an HE backend")
    model = ScorecardClassifier(**model_params)
    rows = bank_training_rows(context)
    train, test = rows.train, rows.test
    channel = RelayChannel(context, context.peer(Role.PLATFORM), CHANNEL, keep_first=True)
    transport = ChannelTransport(channel)

    def connect(cipher: BankCipher) -> RemotePlatform:
        setup = Message("setup", {"psi_job": rows.psi_job, "max_prebins": model.max_prebins,
                                  "min_bin_size": model.min_bin_size},
                        (pack_ints(train["platform_handle"]), pack_ints(test["platform_handle"])))
        Message.from_bytes(transport.exchange(setup.to_bytes()), expect="setup")
        return RemotePlatform(transport, cipher)

    features = context.table.features
    cipher = EncryptedBank(key_pair(context.workdir / KEY_FILE, str(model_params["encryption"]), model.key_bits))
    model.fit_with(features.iloc[train["bank_row"]], rows.labels[rows.train_rows], connect, cipher)
    platform = model.remote_
    metrics: dict[str, Any] = rows.counts() | {"n_iter": model.n_iter_, "converged": model.converged_,
                                               "bank_features": len(model.bank_binnings_),
                                               "platform_features": len(model.platform_features_)}
    if len(test):
        scores = model.bank_decision(features.iloc[test["bank_row"]]) + platform.holdout(len(test))
        metrics |= holdout_metrics(context, rows, scores)
    platform.close()
    part = context.models_dir / context.job.id / BANK_PART
    write_json(part, {"model": model.bank_model(), "encryption": model.encryption_, "psi_job": rows.psi_job})
    return {"model": {"kind": KIND, "params": model.get_params(), "encryption": model.encryption_,
                      "metrics": metrics, "part": part_entry(part)}}


def platform_scorecard(context: JobContext, enforce_consent: bool) -> dict[str, Any]:
    bank = context.peer(Role.BANK)
    scope = job_scope(context, enforce_consent)
    channel = RelayChannel(context, bank, CHANNEL, keep_first=True)
    setup = Message.from_bytes(channel.receive(), expect="setup")
    if len(setup.blobs) != 2:
        raise ValueError(f"a scorecard setup needs 2 blobs, got {len(setup.blobs)}")
    min_bin_size = int(setup.fields["min_bin_size"])
    if min_bin_size < PLATFORM_MIN_BIN_SIZE:
        raise ValueError(f"the bank asked for bins of {min_bin_size} rows; the platform's floor is "
                         f"{PLATFORM_MIN_BIN_SIZE} (min_bin_size)")
    train_handles, test_handles = (unpack_ints(blob) for blob in setup.blobs)
    rows_for = platform_rows(context, str(setup.fields["psi_job"]))
    train_rows, test_rows = rows_for(train_handles), rows_for(test_handles)
    check_consent(context, scope, bank, np.concatenate([train_rows, test_rows]))
    features = context.table.features
    local = LocalPlatform(features.iloc[train_rows], max_prebins=int(setup.fields["max_prebins"]),
                          min_bin_size=min_bin_size, mask_seed=_mask_seed(context))
    part = context.models_dir / context.job.id / PLATFORM_PART
    trainer = PlatformScorecardTrainer(local, holdout=features.iloc[test_rows].reset_index(drop=True),
                                       on_finish=lambda model: write_json(part, model))
    channel.send(Message("setup", {"rows": len(train_rows)}).to_bytes())
    while not trainer.closed:
        channel.send(trainer.handle(channel.receive()))
    return {"model_part": part_entry(part), "rows": len(train_rows), "features": len(local.binnings),
            "consent": scope.report()}


def _mask_seed(context: JobContext) -> bytes:
    """The platform's secret for this job's gradient masks: made once, owner-only, reloaded on resume."""
    path = context.workdir / MASK_SEED_FILE
    if path.exists():
        return path.read_bytes()
    seed = secrets.token_bytes(32)
    write_atomic(path, seed, private=True)
    return seed
