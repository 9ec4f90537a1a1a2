"""Model cards from registry facts: every section filled, schema-valid, no ids, segment metrics."""

from __future__ import annotations

import json

import jsonschema
import numpy as np
import pandas as pd
import pytest
from tests.support.model_card import IDS, facts, holdout, registry_row

from models.model_card import Section, build_card, register_sections, to_markdown, validate_card
from models.model_card.facts import facts_from_registry
from models.model_card.metrics import calibration_error


def test_the_card_is_valid_against_its_schema() -> None:
    validate_card(build_card(facts()))


def test_a_card_without_a_section_fails_validation_naming_it() -> None:
    card = build_card(facts())
    del card["limitations"]
    with pytest.raises(jsonschema.ValidationError, match="'limitations' is a required property"):
        validate_card(card)


def test_the_registry_facts_fill_the_details_and_training_data() -> None:
    card = build_card(facts())
    assert (card["model_details"]["version"], card["privacy"]["parameters"]["key_bits"]) == (2, 2048)
    platform = card["training_data"]["parties"][1]
    assert (platform["categories"], platform["basis"], card["training_data"]["legal_basis"]) == (
        ["tax", "utilities"], "legal_basis", "loan contracts")
    assert card["training_data"]["intersection_size"] == 2000


def test_overall_metrics_are_computed_from_the_holdout() -> None:
    from sklearn.metrics import roc_auc_score

    data = holdout()
    overall = build_card(facts())["metrics"]["overall"]
    assert overall["auc"] == pytest.approx(roc_auc_score(data["label"], data["score"]))
    assert overall["gini"] == pytest.approx(2 * overall["auc"] - 1)


def test_metrics_are_given_per_industry_region_and_size() -> None:
    by_segment = build_card(facts())["metrics"]["by_segment"]
    assert sorted(by_segment) == ["industry", "region", "size"]
    assert [row["segment"] for row in by_segment["size"]] == ["micro", "small"]


def test_a_segment_too_small_to_measure_shows_counts_only() -> None:
    industry = {row["segment"]: row for row in build_card(facts())["metrics"]["by_segment"]["industry"]}
    assert industry["real_estate"]["n"] == 20 and industry["real_estate"]["auc"] is None
    assert industry["manufacturing"]["auc"] is not None


def test_without_segment_attributes_the_card_says_so() -> None:
    metrics = build_card(facts(with_segments=False))["metrics"]
    assert metrics["by_segment"] == {} and "no segment attributes" in metrics["source"]


def test_the_card_holds_no_enterprise_id() -> None:
    text = json.dumps(build_card(facts())) + to_markdown(build_card(facts()))
    assert [i for i in IDS if i in text] == []


def test_the_leakage_tables_are_quoted_from_the_document() -> None:
    titles = [s["title"] for s in build_card(facts())["privacy"]["leakage"]]
    assert any(t.startswith("2. Vertical SecureBoost") for t in titles)
    assert any(t.startswith("1. Private set intersection") for t in titles)


def test_monitoring_results_are_carried_when_given() -> None:
    assert build_card(facts())["monitoring"] == {"psi": 0.04, "run_date": "2026-11-21"}


def test_a_model_type_contributes_its_own_section() -> None:
    table = pd.DataFrame({"feature": ["(base points)", "tax_grade"], "bin": ["", "A"], "points": [600.0, np.nan]})
    register_sections("test_points_kind", lambda f: [Section.from_frame("points_table", "Points table", table)])
    card = build_card(facts(kind="test_points_kind"))
    assert card["model_sections"] == [{"id": "points_table", "title": "Points table", "text": "",
                                       "table": {"columns": ["feature", "bin", "points"],
                                                 "rows": [["(base points)", "", 600.0], ["tax_grade", "A", None]]}}]


def test_the_markdown_has_every_section() -> None:
    markdown = to_markdown(build_card(facts()))
    for heading in ("## Model details", "## Intended use", "## Training data", "## Metrics", "### By industry",
                    "## Privacy", "## Monitoring", "## Limitations and caveats", "## Approvals"):
        assert heading in markdown


def test_a_model_without_holdout_predictions_is_refused_clearly() -> None:
    model, job = registry_row()
    with pytest.raises(ValueError, match="no holdout predictions: train it with a holdout"):
        build_card(facts_from_registry(model, job))


def test_calibration_error_is_zero_for_matching_rates_and_grows_with_bias() -> None:
    labels = np.array([0, 0, 0, 1] * 25)
    assert calibration_error(labels, np.full(100, 0.25), bins=1) == pytest.approx(0.0)
    assert calibration_error(labels, np.full(100, 0.45), bins=1) == pytest.approx(0.2)
