"""A model card as JSON, built from ``CardFacts`` and checked against ``schema.json``.

The fixed sections are what a bank's model-risk team and a regulator read for every
model; a model type adds its own through ``register_sections`` (``model_sections``).
Approvals are recorded by a reviewer at the coordinator and added when the card is read.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

import jsonschema
import pandas as pd

from models.model_card.facts import SEGMENT_COLUMNS, CardFacts
from models.model_card.leakage import leakage_sections
from models.model_card.metrics import metrics_by_segment
from models.model_card.sections import sections_for

SCHEMA_FILE = Path(__file__).with_name("schema.json")
PROTOCOLS = {
    "secureboost": "Vertical SecureBoost (Cheng et al., 2019): PSI alignment on USCCs (ECDH over Curve25519), "
                   "the bank's gradients encrypted under its own additively homomorphic key, the platform's "
                   "histograms summed under encryption; scored under BFV without either side seeing the other's "
                   "features",
    "scorecard": "Federated scorecard: vertical WOE/IV binning with encrypted labels and a logistic model with "
                 "HE-protected gradients",
}
USES = ["credit decisions on small and micro enterprise loan applications (probability of default)",
        "pricing and limit setting within the bank's credit policy",
        "post-loan monitoring of borrowers who authorized the bank"]
USERS = ["the owning bank's credit officers and data scientists", "its model-risk team", "regulators (this card)"]
OUT_OF_SCOPE = ["any purpose other than financing (marketing, collection of unrelated debts, employment, "
                "insurance underwriting)",
                "enterprises that have not authorized the bank, unless a documented legal basis is recorded",
                "individuals (the model scores enterprises, not their owners or staff)",
                "enterprises outside the platform's region or very unlike the training population without "
                "revalidation",
                "automated refusal without human review"]
LIMITATIONS = [
    "Trained on the intersection of the bank's customers and the platform's register: applicants unlike the "
    "bank's past borrowers may be scored less accurately.",
    "Holdout metrics come from one split of that intersection; segment figures below "
    "30 enterprises are not computed.",
    "Platform data is as recorded by the administrations (missing and late records occur); the model treats "
    "missing values as informative.",
    "Scores are probabilities on the training population's default rate: recalibrate if the portfolio's rate "
    "moves.",
    "Semi-honest threat model: the privacy guarantees in the leakage tables assume parties follow the protocol.",
]


@lru_cache(maxsize=1)
def card_schema() -> dict[str, Any]:
    return json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def _card_validator() -> Any:
    """Built once: ``jsonschema.validate`` checks the schema itself on every call, twenty
    times the cost of checking a card."""
    schema = card_schema()
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema)


def validate_card(card: dict[str, Any]) -> None:
    """Raises ``jsonschema.ValidationError`` naming the path of the first offending field."""
    error = jsonschema.exceptions.best_match(_card_validator().iter_errors(card))
    if error is not None:
        raise error


def _metrics(facts: CardFacts) -> dict[str, Any]:
    if facts.predictions is None or facts.predictions.empty:
        raise ValueError(f"model {facts.model_id} has no holdout predictions: train it with a holdout "
                         f"(--test-size) so the card can report its metrics")
    segments = facts.segments
    report = metrics_by_segment(facts.predictions, segments, SEGMENT_COLUMNS)
    source = "holdout predictions of the training job"
    if segments is None:
        source += "; no segment attributes given (publish the platform's public registration fields to segment)"
    return {"source": source, **report}


def _training_data(facts: CardFacts) -> dict[str, Any]:
    return {"parties": [{"party": p.party, "role": p.role, "categories": p.categories, "features": p.features,
                         "basis": p.basis} for p in facts.parties],
            "legal_basis": facts.legal_basis, "intersection_size": facts.intersection_size,
            "n_train": facts.metrics.get("n_train"), "n_test": facts.metrics.get("n_test")}


def build_card(facts: CardFacts) -> dict[str, Any]:
    card = {
        "schema_version": "1",
        "model_details": {"model_id": facts.model_id, "kind": facts.kind, "owner": facts.owner,
                          "version": facts.version, "created_at": facts.created_at, "params": facts.params,
                          "parts": [{"party": party, "sha256": digest} for party, digest in sorted(facts.parts.items())]},
        "intended_use": {"purpose": facts.purpose, "uses": USES, "users": USERS, "out_of_scope": OUT_OF_SCOPE},
        "training_data": _training_data(facts),
        "metrics": _metrics(facts),
        "privacy": {"protocol": PROTOCOLS.get(facts.kind, facts.kind), "parameters": facts.protocol,
                    "leakage": [s.to_dict() for s in leakage_sections(facts.kind)]},
        "monitoring": facts.drift,
        "limitations": LIMITATIONS,
        "approvals": [],
        "model_sections": [s.to_dict() for s in sections_for(facts)],
    }
    card = json.loads(json.dumps(card, default=_plain))
    validate_card(card)
    return card


def _plain(value: Any) -> Any:
    """numpy and pandas scalars that reach the card from reported metrics."""
    if pd.isna(value):
        return None
    return value.item() if hasattr(value, "item") else str(value)
