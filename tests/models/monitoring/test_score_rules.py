"""Score rules at the bank: grade drops against the previous run, PD above a threshold,
one alert per enterprise and kind, sealed so only the bank reads it."""

from __future__ import annotations

import numpy as np
import pytest

from models.monitoring.alerts import SealError, new_sealing_key, unseal
from models.monitoring.rules import parse_rules
from models.monitoring.score_rules import NO_GRADE, score_shards, shard_alerts

RULES = parse_rules({"rules": [
    {"id": "drop2", "kind": "grade_drop", "grades": 2, "severity": "warning"},
    {"id": "drop4", "kind": "grade_drop", "grades": 4, "severity": "critical"},
    {"id": "pd20", "kind": "pd_above", "threshold": 0.2, "severity": "critical"},
]}).score_rules
KEY = new_sealing_key()
# grade numbers on the master scale: 0.003 -> 1, 0.015 -> 3, 0.06 -> 6, 0.12 -> 8, 0.3 -> 10
PD = {1: 0.003, 3: 0.015, 6: 0.06, 8: 0.12, 10: 0.3}


def _alerts(probability, previous, usccs, shards=1):
    enterprises = np.array(usccs[: len(probability)], dtype=object)
    parts = score_shards("bank_a", "2026-10-02", "2026-10-01", enterprises, np.array(probability),
                         np.array(previous), RULES, ("tax",), KEY, shards)
    return [unseal(alert, KEY) for part in parts for alert in shard_alerts(part)]


def _fired(alerts):
    return sorted((a.enterprise, a.rule) for a in alerts)


def test_a_drop_of_n_grades_fires_and_one_less_does_not(usccs):
    alerts = _alerts([PD[3], PD[3]], [1, 2], usccs)
    assert _fired(alerts) == [(usccs[0], "drop2")]


def test_a_larger_drop_raises_only_the_most_severe_alert(usccs):
    (alert,) = _alerts([PD[8]], [3], usccs)
    assert (alert.rule, alert.severity) == ("drop4", "critical")
    assert alert.reason.startswith("grade fell from 3 (A) on 2026-10-01 to 8 (CC), 5 grades")


def test_without_a_previous_grade_there_is_no_grade_drop(usccs):
    assert _fired(_alerts([PD[10]], [NO_GRADE], usccs)) == [(usccs[0], "pd20")]
    assert _alerts([PD[8]], [NO_GRADE], usccs) == []


def test_pd_above_the_threshold_fires_beside_a_grade_drop(usccs):
    assert _fired(_alerts([PD[10]], [6], usccs)) == [(usccs[0], "drop4"), (usccs[0], "pd20")]


def test_sharding_changes_nothing(usccs):
    rng = np.random.default_rng(1)
    probability = rng.choice(list(PD.values()), size=30)
    previous = rng.integers(0, 11, size=30)
    assert sorted(a.id for a in _alerts(probability, previous, usccs, 1)) == \
        sorted(a.id for a in _alerts(probability, previous, usccs, 4))


def test_score_alerts_leave_the_bank_sealed(usccs):
    enterprises = np.array(usccs[:1], dtype=object)
    (shard,) = score_shards("bank_a", "2026-10-02", "", enterprises, np.array([0.3]), np.array([NO_GRADE]),
                            RULES, ("tax",), KEY, 1)
    (sealed,) = shard_alerts(shard)
    assert (sealed.rule, sealed.kind, sealed.severity, sealed.reason) == ("", "", "", "")
    assert b"30.00%" not in sealed.sealed and b"pd20" not in sealed.sealed
    with pytest.raises(SealError):
        unseal(sealed, new_sealing_key())


def test_ids_do_not_reveal_the_rule_without_the_banks_key(usccs):
    first = _alerts([PD[10]], [NO_GRADE], usccs)
    enterprises = np.array(usccs[:1], dtype=object)
    (shard,) = score_shards("bank_a", "2026-10-02", "", enterprises, np.array([PD[10]]), np.array([NO_GRADE]),
                            RULES, ("tax",), new_sealing_key(), 1)
    assert [a.id for a in first] != [a.id for a in shard_alerts(shard)]
    assert [a.id for a in first] == [a.id for a in _alerts([PD[10]], [NO_GRADE], usccs)]
