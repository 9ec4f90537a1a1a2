"""What a card is generated from: the registry row, the training job, the holdout.

Everything here is something the system already holds: the coordinator's registry
(``ListModels``: version, parameters, metrics, HE scheme, parts and digests), the training
job as its initiator sees it (purpose, legal basis, each party's reported basis, data
categories and counts), the bank's holdout predictions (``predictions.parquet`` in the
training job's folder) and the platform's public registration fields for segments
(published to the bank by a ``publish`` job). No enterprise id reaches the card: ids are
used only to join predictions with segments.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from federation.governance.categories import PURPOSE
from federation.rpc import coordinator_pb2 as pb
from federation.security.roles import Role

SEGMENT_COLUMNS = {"industry": "reg_industry", "region": "reg_region", "size": "reg_size"}


@dataclass(frozen=True)
class PartyData:
    """One party's contribution to the training data, as categories and counts."""

    party: str
    role: str
    categories: list[str]
    features: int | None
    basis: str


@dataclass(frozen=True)
class CardFacts:
    model_id: str
    kind: str
    owner: str
    version: int
    created_at: str
    params: dict[str, Any]
    metrics: dict[str, Any]
    protocol: dict[str, Any]
    parts: dict[str, str]
    purpose: str = PURPOSE
    legal_basis: str | None = None
    parties: list[PartyData] = field(default_factory=list)
    predictions: pd.DataFrame | None = None
    segments: pd.DataFrame | None = None
    drift: dict[str, Any] | None = None
    owner_part: dict[str, Any] | None = None

    @property
    def intersection_size(self) -> int | None:
        value = self.metrics.get("n_intersection")
        return None if value is None else int(value)


def _party_data(participant: pb.Participant) -> PartyData:
    result = json.loads(participant.result_json or "{}")
    consent = result.get("consent") if isinstance(result.get("consent"), dict) else {}
    role = Role.from_proto(participant.role).value
    if role == Role.BANK.value:
        return PartyData(participant.party, role, ["own loan and account records, with default labels"],
                         None, "own data")
    return PartyData(participant.party, role, list(consent.get("categories", [])), result.get("features"),
                     str(consent.get("basis", "not reported")))


def facts_from_registry(model: pb.Model, job: pb.Job, *, predictions: pd.DataFrame | None = None,
                        segments: pd.DataFrame | None = None, drift: dict[str, Any] | None = None,
                        owner_part: dict[str, Any] | None = None) -> CardFacts:
    """Facts from the registry row and the job that trained the model (its id is the model's)."""
    if job.id != model.id:
        raise ValueError(f"job {job.id} did not train model {model.id}")
    params = json.loads(job.params_json or "{}")
    return CardFacts(
        model_id=model.id, kind=model.kind, owner=model.owner, version=model.version,
        created_at=model.created_at.ToDatetime().isoformat(timespec="seconds") + "Z",
        params=json.loads(model.params_json or "{}"), metrics=json.loads(model.metrics_json or "{}"),
        protocol=json.loads(model.protocol_json or "{}"), parts={p.party: p.sha256 for p in model.parts},
        purpose=str(params.get("purpose", PURPOSE)), legal_basis=params.get("legal_basis"),
        parties=[_party_data(p) for p in job.participants], predictions=predictions, segments=segments,
        drift=drift, owner_part=owner_part)
