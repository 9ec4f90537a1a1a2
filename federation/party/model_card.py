"""Generating a model's card at its owning bank, the one party holding its holdout predictions.

The registry row and the training job come from the coordinator; the holdout predictions
(``predictions.parquet``) and the owner's model part from the bank agent's work folder;
segment attributes from public records the platform published to the bank; the drift
section from the newest monitoring report the platform filed for the model (a bank reads
its own), unless a report file is given. A model
package registers its own card sections when imported (``models.model_card.sections``),
so the package named by the model's kind is imported first.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import logging
from pathlib import Path
from typing import Any

import pandas as pd

from federation.files import read_json
from federation.party.client import CoordinatorClient
from federation.party.monitoring_calls import monitoring_reports
from federation.party.training import BANK_PART, PREDICTIONS_FILE
from federation.rpc import coordinator_pb2 as pb
from models.model_card import build_card, write_card
from models.model_card.facts import facts_from_registry

log = logging.getLogger(__name__)
TRAINED_TIMEOUT = 600.0


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
        drift=newest_drift(client, model_id) if drift is None else json.loads(drift.read_text(encoding="utf-8")),
        owner_part=read_json(part) if part.exists() else None)
    return build_card(facts)


def newest_drift(client: CoordinatorClient, model_id: str) -> dict[str, Any] | None:
    """The report of the latest night that monitored the model; None before its first."""
    filed = [report for report in monitoring_reports(client) if report["model_id"] == model_id]
    return max(filed, key=lambda report: report["date"])["report"] if filed else None


def card_after_training(client: CoordinatorClient, job: pb.Job, workdir: Path) -> None:
    """Every model trained with a holdout gets its card as soon as the job has finished: written
    beside the bank's part (``models/<id>/model_card.json|md|html``) and published for the
    regulator. The owner may publish a fuller one later (segments, drift); it replaces this."""
    client.wait_for_job(job.id, TRAINED_TIMEOUT)
    if not (workdir / "jobs" / job.id / PREDICTIONS_FILE).exists():
        log.info("model %s was trained without a holdout: no card (its metrics need one)", job.id)
        return
    card = generate_card(client, job.id, workdir)
    write_card(card, workdir / "models" / job.id)
    client.publish_model_card(job.id, json.dumps(card))
    log.info("model %s: card written to %s and published", job.id, workdir / "models" / job.id)
