"""Publishing the platform's encrypted indicators to a bank (``publish_masks`` jobs).

Online scoring (``models.scoring.online``) needs, ahead of time, the platform's path
indicators for every enterprise the bank may score, encrypted under a key only the
platform holds. The bank sends the PSI handles of an alignment (never ids); the platform
turns them into its rows, checks consent like any job, and answers with its indicators
under its own BFV key for (model, bank), generated once and kept owner-only beside its
model part so that the scoring stream can decrypt with it later. The bank keeps the
masks and an index from enterprise id to published row. For a scorecard (the platform
reads the kind from its own part) the masks are its share of the score per feature group
(``models.scoring.scorecard``).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pandas as pd
import tenseal as ts

from federation.files import read_json, write_atomic
from federation.party.agent import JOB_ID, JobContext
from federation.party.alignment import aligned_rows, platform_rows
from federation.party.channel import RelayChannel
from federation.party.consent import check_consent, job_scope
from federation.party.training import BANK_PART, PLATFORM_PART
from federation.security.roles import Role
from models.portrait.reasons import split_groups
from models.scorecard.stored import ScorecardHalf
from models.scoring import scorecard
from models.scoring.drift import aligned_for_scoring
from models.scoring.keys import BfvKeys
from models.scoring.model_kind import SCORECARD, stored_kind
from models.scoring.online import publish_masks
from models.scoring.paths import PlatformPaths
from models.secureboost.messages import Message, MessageFormatError, pack_ints, unpack_ints
from models.secureboost.passive import PassiveModel

ONLINE_DIR = "online"
MASKS_FILE = "masks.bin"
INDEX_FILE = "index.parquet"
_PARTY_NAME = re.compile(r"[A-Za-z0-9_.-]{1,63}")


def online_dir(models_dir: Path, model_id: str) -> Path:
    """The bank's masks and index for a model, beside its part."""
    return models_dir / model_id / ONLINE_DIR


def platform_key_path(models_dir: Path, model_id: str, bank: str) -> Path:
    """The platform's secret BFV context for (model, bank); both names are checked, as the
    scoring stream builds this path from what the coordinator forwards."""
    if not JOB_ID.fullmatch(model_id) or not _PARTY_NAME.fullmatch(bank):
        raise ValueError(f"model {model_id!r} or bank {bank!r} is not a valid name")
    return models_dir / model_id / ONLINE_DIR / f"{bank}.context"


def load_platform_keys(path: Path) -> BfvKeys:
    if not path.exists():
        raise FileNotFoundError(f"no online scoring key at {path.parent.parent.name}/{ONLINE_DIR}/{path.name}; "
                                f"the bank must run a publish_masks job first")
    return BfvKeys(ts.context_from(path.read_bytes()))


def _platform_keys(path: Path) -> BfvKeys:
    """Reloaded for a resumed or repeated job, so masks published earlier stay decryptable."""
    if path.exists():
        return load_platform_keys(path)
    keys = BfvKeys.generate()
    write_atomic(path, keys.context.serialize(save_public_key=True, save_secret_key=True, save_galois_keys=True,
                                              save_relin_keys=False), private=True)
    return keys


def bank_publish_masks(context: JobContext) -> dict[str, Any]:
    model_id, psi_job = str(context.params["model"]), str(context.params["psi_job"])
    if not (context.models_dir / model_id / BANK_PART).exists():
        raise FileNotFoundError(f"{context.me} holds no part of model {model_id}")
    aligned = aligned_rows(context, psi_job)
    channel = RelayChannel(context, context.peer(Role.PLATFORM), "masks")
    channel.send(Message("setup", {"model": model_id, "psi_job": psi_job},
                         (pack_ints(aligned["platform_handle"]),)).to_bytes())
    masks = channel.receive()
    fields = Message.from_bytes(masks, expect="platform_masks").fields
    if int(fields["rows"]) != len(aligned):
        raise MessageFormatError(f"the platform published {fields['rows']} rows for {len(aligned)} aligned ones")
    folder = online_dir(context.models_dir, model_id)
    write_atomic(folder / MASKS_FILE, masks)
    index = pd.DataFrame({"id": aligned["id"].to_numpy(), "row": range(len(aligned))})
    index.to_parquet(folder / (INDEX_FILE + ".tmp"))
    (folder / (INDEX_FILE + ".tmp")).replace(folder / INDEX_FILE)
    return {"published": len(aligned), "model_id": model_id, "block": int(fields["block"]),
            "bytes": len(masks)}


def platform_publish_masks(context: JobContext, enforce_consent: bool) -> dict[str, Any]:
    bank = context.peer(Role.BANK)
    scope = job_scope(context, enforce_consent)
    channel = RelayChannel(context, bank, "masks", keep_first=True)
    setup = Message.from_bytes(channel.receive(), expect="setup")
    model_id = str(context.params["model"])
    if str(setup.fields["model"]) != model_id:
        raise MessageFormatError(f"the bank's setup names model {setup.fields['model']}, the job {model_id}")
    part = read_json(context.models_dir / model_id / PLATFORM_PART)
    kind = stored_kind(part, model_id)
    rows = platform_rows(context, str(context.params["psi_job"]))(unpack_ints(setup.blobs[0]))
    check_consent(context, scope, bank, rows)
    keys = _platform_keys(platform_key_path(context.models_dir, model_id, bank))
    features = context.table.features.iloc[rows].reset_index(drop=True)
    if kind == SCORECARD:
        channel.send(scorecard.publish_masks(ScorecardHalf.from_part(part), features, keys))
    else:
        model, paths = PassiveModel.from_dict(part), PlatformPaths.from_dict(part["paths"])
        features = aligned_for_scoring(model.binner, features, ignore_extra=True)
        channel.send(publish_masks(paths, model, features, keys, split_groups(model, paths)))
    return {"rows": len(rows), "consent": scope.report()}
