"""The rules file: the example loads, and every mistake is named by its key."""

from __future__ import annotations

from pathlib import Path

import pytest

from models.monitoring.rules import DriftThresholds, RuleError, load_rules, parse_rules

EXAMPLE = Path(__file__).parents[3] / "examples" / "monitoring" / "rules.yaml"
GOOD = {"id": "drop", "kind": "grade_drop", "grades": 2, "severity": "warning"}


def test_the_example_rules_load_with_score_and_event_rules():
    rules = load_rules(EXAMPLE)
    assert {r.kind for r in rules.score_rules} == {"grade_drop", "pd_above"}
    assert {e for r in rules.event_rules for e in r.events} == {
        "new_enforcement", "new_judgment", "admin_penalty", "tax_arrears", "social_insurance_stop",
        "housing_fund_stop", "utility_arrears", "dishonesty_list"}


@pytest.mark.parametrize(("rules", "key"), [
    ([{**GOOD, "severity": "urgent"}], "rules[0].severity"),
    ([GOOD, {**GOOD, "id": "other", "grades": 0}], "rules[1].grades"),
    ([{**GOOD, "kind": "pd_above"}], "rules[0].grades"),
    ([{"id": "p", "kind": "pd_above", "threshold": 1.5, "severity": "info"}], "rules[0].threshold"),
    ([{"id": "e", "kind": "adverse_event", "events": ["tax_arrears", "fire"], "severity": "info"}],
     "rules[0].events[1]"),
    ([{k: v for k, v in GOOD.items() if k != "severity"}], "rules[0].severity"),
    ([GOOD, GOOD], "rules[1].id"),
    ([{**GOOD, "kind": "score_jump"}], "rules[0].kind"),
])
def test_a_bad_rule_is_refused_naming_its_key(rules, key):
    with pytest.raises(RuleError) as refused:
        parse_rules({"rules": rules})
    assert refused.value.key == key


def test_an_unknown_top_level_key_is_named():
    with pytest.raises(RuleError, match="^ruels: unknown key"):
        parse_rules({"ruels": [GOOD]})


def test_drift_thresholds_must_rise_from_watch_to_act():
    with pytest.raises(RuleError, match="^drift.act"):
        parse_rules({"rules": [GOOD], "drift": {"watch": 0.3, "act": 0.2}})


def test_a_file_error_names_the_file_and_key(tmp_path):
    path = tmp_path / "rules.yaml"
    path.write_text("rules:\n  - {id: x, kind: pd_above, threshold: high, severity: info}\n")
    with pytest.raises(RuleError, match=r"rules\.yaml: rules\[0\]\.threshold"):
        load_rules(path)


@pytest.mark.parametrize(("psi", "status"), [(0.05, "stable"), (0.1, "watch"), (0.2, "watch"), (0.25, "act")])
def test_drift_status_follows_the_thresholds(psi, status):
    assert DriftThresholds(0.1, 0.25).status(psi) == status
