"""Score rules (grade drop, probability of default above a threshold), applied at the bank.

Only the bank ever learns a score, so these rules run inside its monitoring job, on the
scores it just decrypted and the grades it kept from its previous run. Grades are the
fixed master scale, so a drop is meaningful even when the model changed in between.
Per enterprise and rule kind only the most severe firing rule raises an alert (a
four-grade drop is one critical alert, not also a warning for two grades).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from models.monitoring.alerts import SCORE, Alert, score_alert_id, seal
from models.monitoring.rules import SEVERITIES, Rule
from models.portrait.grades import SCALE, grade_numbers

NO_GRADE = 0


@dataclass(frozen=True)
class ScoreShard:
    """One slice of a bank's monitored enterprises with this run's probabilities of default
    and the grades of the previous run (``NO_GRADE`` where there was none)."""

    bank: str
    date: str
    previous_date: str
    enterprises: np.ndarray
    probability: np.ndarray
    previous_grade: np.ndarray
    rules: tuple[Rule, ...]
    categories: tuple[str, ...]
    secret: bytes


def _strictness(rule: Rule) -> float:
    return rule.grades if rule.kind == "grade_drop" else rule.threshold


def _reason(rule: Rule, shard: ScoreShard, row: int, grade: int) -> str:
    label, probability = SCALE[grade - 1].label, shard.probability[row]
    if rule.kind == "grade_drop":
        before = int(shard.previous_grade[row])
        return (f"grade fell from {before} ({SCALE[before - 1].label}) on {shard.previous_date} to {grade} "
                f"({label}), {grade - before} grades; probability of default {probability:.2%}")
    return (f"probability of default {probability:.2%} is above the {rule.threshold:.2%} threshold "
            f"(grade {grade}, {label})")


def shard_alerts(shard: ScoreShard) -> list[Alert]:
    """Sealed alerts of one shard (a module-level function, so a worker process or Ray task runs it)."""
    grades = grade_numbers(shard.probability)
    had_grade = shard.previous_grade != NO_GRADE
    alerts = []
    for kind in ("grade_drop", "pd_above"):
        chosen = np.full(len(grades), -1)
        rules = sorted((r for r in shard.rules if r.kind == kind),
                       key=lambda r: (SEVERITIES.index(r.severity), _strictness(r)))
        for index, rule in enumerate(rules):
            if kind == "grade_drop":
                fired = had_grade & (grades - shard.previous_grade >= rule.grades)
            else:
                fired = shard.probability > rule.threshold
            chosen[fired] = index
        for row in np.flatnonzero(chosen >= 0):
            rule, enterprise = rules[chosen[row]], str(shard.enterprises[row])
            alert = Alert(id=score_alert_id(shard.secret, shard.bank, enterprise, rule.id, shard.date),
                          bank=shard.bank, enterprise=enterprise, date=shard.date, source=SCORE, rule=rule.id,
                          kind=kind, severity=rule.severity, reason=_reason(rule, shard, row, int(grades[row])),
                          categories=shard.categories)
            alerts.append(seal(alert, shard.secret))
    return alerts


def score_shards(bank: str, date: str, previous_date: str, enterprises: np.ndarray, probability: np.ndarray,
                 previous_grade: np.ndarray, rules: Sequence[Rule], categories: Sequence[str], secret: bytes,
                 shards: int) -> list[ScoreShard]:
    bounds = np.linspace(0, len(enterprises), shards + 1).astype(int)
    chosen = tuple(rule for rule in rules if rule.on_scores)
    return [ScoreShard(bank, date, previous_date, enterprises[a:b], probability[a:b], previous_grade[a:b], chosen,
                       tuple(categories), secret) for a, b in zip(bounds[:-1], bounds[1:])]
