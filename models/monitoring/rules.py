"""Alert rules as the platform writes them in YAML, checked before a night's run starts.

A typo in a rules file must stop the run with the key that is wrong, not silently drop
a rule: a bank relies on every configured alert firing. Score rules (grade drop, PD
above a threshold) travel to the bank in the monitoring job's parameters, since only
the bank ever knows a score; event rules stay with the platform, which holds the feed.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import yaml

from models.monitoring.events import EVENT_TYPES
from models.portrait.grades import SCALE

SEVERITIES: tuple[str, ...] = ("info", "warning", "critical")
KINDS: tuple[str, ...] = ("grade_drop", "pd_above", "adverse_event")
SCORE_KINDS: tuple[str, ...] = ("grade_drop", "pd_above")
_RULE_KEYS = {"grade_drop": {"grades"}, "pd_above": {"threshold"}, "adverse_event": {"events"}}
_COMMON_KEYS = {"id", "kind", "severity"}


class RuleError(ValueError):
    """A rules file that cannot be used; ``key`` is where, as ``rules[2].threshold``."""

    def __init__(self, key: str, message: str) -> None:
        super().__init__(f"{key}: {message}")
        self.key = key


@dataclass(frozen=True)
class Rule:
    """One alert rule; which of ``grades``, ``threshold`` or ``events`` applies depends on ``kind``."""

    id: str
    kind: str
    severity: str
    grades: int = 0
    threshold: float = 0.0
    events: tuple[str, ...] = ()

    @property
    def on_scores(self) -> bool:
        return self.kind in SCORE_KINDS

    def to_dict(self) -> dict[str, Any]:
        setting = {"grades": self.grades, "threshold": self.threshold, "events": list(self.events)}
        return {"id": self.id, "kind": self.kind, "severity": self.severity} | {
            key: setting[key] for key in _RULE_KEYS[self.kind]}


@dataclass(frozen=True)
class DriftThresholds:
    """PSI below ``watch`` is stable, from ``watch`` worth watching, from ``act`` worth acting on."""

    watch: float = 0.1
    act: float = 0.25

    def status(self, psi: float) -> str:
        if psi >= self.act:
            return "act"
        return "watch" if psi >= self.watch else "stable"


@dataclass(frozen=True)
class RuleSet:
    rules: tuple[Rule, ...]
    drift: DriftThresholds = field(default_factory=DriftThresholds)

    @property
    def score_rules(self) -> tuple[Rule, ...]:
        return tuple(rule for rule in self.rules if rule.on_scores)

    @property
    def event_rules(self) -> tuple[Rule, ...]:
        return tuple(rule for rule in self.rules if not rule.on_scores)

    def to_dict(self) -> dict[str, Any]:
        return {"rules": [rule.to_dict() for rule in self.rules], "drift": asdict(self.drift)}


def load_rules(path: Path) -> RuleSet:
    """The rule set in a YAML file; errors name the file and the key."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise RuleError(str(path), f"cannot read the rules file: {exc}") from exc
    try:
        return parse_rules(data)
    except RuleError as exc:
        raise RuleError(f"{path}: {exc.key}", str(exc).split(": ", 1)[1]) from exc


def parse_rules(data: Any, *, allow_empty: bool = False) -> RuleSet:
    """A rule set from plain data (a parsed YAML file, or a job's parameters, which may hold
    no score rule at all: ``allow_empty``)."""
    if not isinstance(data, dict):
        raise RuleError("(top level)", "must be a mapping with 'rules' and optionally 'drift'")
    unknown = sorted(set(data) - {"rules", "drift"})
    if unknown:
        raise RuleError(unknown[0], "unknown key; expected 'rules' and 'drift'")
    entries = data.get("rules")
    if not isinstance(entries, list) or not (entries or allow_empty):
        raise RuleError("rules", "must be a non-empty list of rules")
    rules = tuple(_rule(entry, f"rules[{i}]") for i, entry in enumerate(entries))
    seen: set[str] = set()
    for i, rule in enumerate(rules):
        if rule.id in seen:
            raise RuleError(f"rules[{i}].id", f"{rule.id!r} is used by an earlier rule; ids must be unique")
        seen.add(rule.id)
    return RuleSet(rules, _drift(data.get("drift", {})))


def _rule(entry: Any, key: str) -> Rule:
    if not isinstance(entry, dict):
        raise RuleError(key, "must be a mapping with id, kind and severity")
    for name in sorted(_COMMON_KEYS):
        if name not in entry:
            raise RuleError(f"{key}.{name}", "is missing")
    rule_id, kind, severity = entry["id"], entry["kind"], entry["severity"]
    if not isinstance(rule_id, str) or not rule_id.replace("_", "").replace("-", "").isalnum():
        raise RuleError(f"{key}.id", f"must be letters, digits, '_' or '-', got {rule_id!r}")
    if kind not in KINDS:
        raise RuleError(f"{key}.kind", f"{kind!r} is not one of {', '.join(KINDS)}")
    if severity not in SEVERITIES:
        raise RuleError(f"{key}.severity", f"{severity!r} is not one of {', '.join(SEVERITIES)}")
    extra = sorted(set(entry) - _COMMON_KEYS - _RULE_KEYS[kind])
    if extra:
        raise RuleError(f"{key}.{extra[0]}", f"is not a setting of a {kind} rule")
    missing = sorted(_RULE_KEYS[kind] - set(entry))
    if missing:
        raise RuleError(f"{key}.{missing[0]}", f"is missing (a {kind} rule needs it)")
    if kind == "grade_drop":
        grades = entry["grades"]
        if isinstance(grades, bool) or not isinstance(grades, int) or not 1 <= grades < len(SCALE):
            raise RuleError(f"{key}.grades", f"must be a whole number of grades from 1 to {len(SCALE) - 1}, "
                                             f"got {grades!r}")
        return Rule(rule_id, kind, severity, grades=grades)
    if kind == "pd_above":
        threshold = entry["threshold"]
        if isinstance(threshold, bool) or not isinstance(threshold, (int, float)) or not 0 < threshold < 1:
            raise RuleError(f"{key}.threshold", f"must be a probability between 0 and 1, got {threshold!r}")
        return Rule(rule_id, kind, severity, threshold=float(threshold))
    events = entry["events"]
    if not isinstance(events, list) or not events:
        raise RuleError(f"{key}.events", "must be a non-empty list of event types")
    for j, event in enumerate(events):
        if event not in EVENT_TYPES:
            raise RuleError(f"{key}.events[{j}]", f"{event!r} is not one of {', '.join(EVENT_TYPES)}")
    return Rule(rule_id, kind, severity, events=tuple(dict.fromkeys(events)))


def _drift(entry: Any) -> DriftThresholds:
    if not isinstance(entry, dict):
        raise RuleError("drift", "must be a mapping with watch and act")
    extra = sorted(set(entry) - {"watch", "act"})
    if extra:
        raise RuleError(f"drift.{extra[0]}", "unknown key; expected watch and act")
    default = DriftThresholds()
    values = {name: entry.get(name, getattr(default, name)) for name in ("watch", "act")}
    for name, value in values.items():
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
            raise RuleError(f"drift.{name}", f"must be a positive number, got {value!r}")
    if values["watch"] >= values["act"]:
        raise RuleError("drift.act", f"must exceed drift.watch ({values['watch']}), got {values['act']}")
    return DriftThresholds(float(values["watch"]), float(values["act"]))
