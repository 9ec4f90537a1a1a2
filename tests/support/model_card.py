"""A model card's facts as the registry, a training job and holdout predictions give them:
600 holdout rows, segments of industry, region and size, a drift report."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
from google.protobuf.timestamp_pb2 import Timestamp

from federation.data.uscc import random_usccs
from federation.rpc import coordinator_pb2 as pb
from models.model_card.facts import CardFacts, facts_from_registry

N = 600
IDS = random_usccs(np.random.default_rng(5), N, ["320706"]).tolist()


def holdout() -> pd.DataFrame:
    rng = np.random.default_rng(5)
    score = rng.normal(-2.0, 1.0, N)
    label = (rng.random(N) < 1 / (1 + np.exp(-score))).astype(int)
    return pd.DataFrame({"id": IDS, "label": label, "score": score})


def segments() -> pd.DataFrame:
    industry = np.where(np.arange(N) < 580, "manufacturing", "real_estate")
    return pd.DataFrame({"uscc": IDS, "reg_industry": industry, "reg_region": "haizhou",
                         "reg_size": np.where(np.arange(N) % 2, "micro", "small")})


def registry_row(kind: str = "secureboost") -> tuple[pb.Model, pb.Job]:
    created = Timestamp()
    created.FromJsonString("2026-11-20T08:00:00Z")
    model = pb.Model(id="m-1", kind=kind, owner="bank_a", version=2, params_json='{"n_estimators": 30}',
                     metrics_json=json.dumps({"n_intersection": 2000, "n_train": 1400, "n_test": N, "auc": 0.8}),
                     protocol_json='{"scheme": "heu-ou", "key_bits": 2048}', created_at=created,
                     parts=[pb.ModelPart(party="bank_a", sha256="a" * 64), pb.ModelPart(party="platform", sha256="p" * 64)])
    job = pb.Job(id="m-1", kind=kind, params_json='{"purpose": "financing", "legal_basis": "loan contracts"}',
                 participants=[pb.Participant(party="bank_a", role=pb.ROLE_BANK, result_json="{}"),
                               pb.Participant(party="platform", role=pb.ROLE_PLATFORM, result_json=json.dumps(
                                   {"features": 36, "consent": {"basis": "legal_basis",
                                                                "categories": ["tax", "utilities"]}}))])
    return model, job


def facts(kind: str = "secureboost", with_segments: bool = True) -> CardFacts:
    model, job = registry_row(kind)
    return facts_from_registry(model, job, predictions=holdout(), segments=segments() if with_segments else None,
                               drift={"psi": 0.04, "run_date": "2026-11-21"})
