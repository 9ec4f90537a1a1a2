"""Generating a model's card at its owning bank, the one party holding its holdout predictions.

The registry row and the training job come from the coordinator; the holdout predictions
(``predictions.parquet``) and the owner's model part from the bank agent's work folder;
segment attributes from public records the platform published to the bank. A model
package registers its own card sections when imported (``models.model_card.sections``),
so the package named by the model's kind is imported first.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
from pathlib import Path
from typing import Any

import pandas as pd

from federation.files import read_json
from federation.party.client import CoordinatorClient
from federation.party.secureboost_job import BANK_PART, PREDICTIONS_FILE
from models.model_card import build_card
from models.model_card.facts import facts_from_registry


def generate_card(client: CoordinatorClient, model_id: str, workdir: Path, segments: list[Path] | None = None,
                  drift: Path | None = None) -> dict[str, Any]:
    """``segments`` are files of public records (several publish jobs, e.g. one per region)."""
    model = next((m for m in client.list_models() if m.id == model_id), None)
    if model is None:
        raise ValueError(f"model {model_id!r} is not in {client.name}'s registry")
    if importlib.util.find_spec(f"models.{model.kind}") is not None:
        importlib.import_module(f"models.{model.kind}")
    predictions_path = workdir / "jobs" / model_id / PREDICTIONS_FILE
    if not predictions_path.exists():
        raise FileNotFoundError(f"no holdout predictions at {predictions_path}: the card's metrics need a model "
                                f"trained with a holdout (--test-size)")
    part = workdir / "models" / model_id / BANK_PART
    facts = facts_from_registry(
        model, client.get_job(model_id), predictions=pd.read_parquet(predictions_path),
        segments=pd.concat([pd.read_parquet(path) for path in segments]).drop_duplicates("uscc") if segments else None,
        drift=None if drift is None else json.loads(drift.read_text(encoding="utf-8")),
        owner_part=read_json(part) if part.exists() else None)
    return build_card(facts)
