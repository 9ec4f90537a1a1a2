"""A bank's credit portrait of one enterprise, as JSON for systems and HTML for people.

Everything in it is what the bank may know: the joint score it decrypted, the grade and
points derived from it, its standing among peers the bank scored itself, the feature
groups' contributions (totals per group, decrypted like the score), the public records
the platform published, and any open objection on the enterprise's records. No platform
value, threshold or per-tree decision is in it, because the bank never holds one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from models.portrait.grades import SCALE, Grade, grade_of
from models.portrait.peers import PeerStanding
from models.portrait.points import points, points_moved
from models.portrait.public_facts import PublicFact

SCHEMA_VERSION = 1
TOP_REASONS = 3


@dataclass(frozen=True)
class Reason:
    """One feature group's push on the score: ``contribution`` in log-odds of default."""

    group: str
    contribution: float

    @property
    def party(self) -> str:
        return self.group.split(":", 1)[0]

    @property
    def name(self) -> str:
        return self.group.split(":", 1)[1]

    @property
    def raises_risk(self) -> bool:
        return self.contribution > 0

    def to_dict(self) -> dict[str, Any]:
        return {"party": self.party, "group": self.name, "log_odds": self.contribution,
                "points": round(points_moved(self.contribution), 1),
                "effect": "raises risk" if self.raises_risk else "lowers risk"}


@dataclass(frozen=True)
class CreditPortrait:
    enterprise: str
    model_id: str
    generated_at: datetime
    raw_score: float
    probability: float
    expected_raw_score: float
    reasons: tuple[Reason, ...]
    peers: PeerStanding | None
    facts: tuple[PublicFact, ...]
    objections: tuple[str, ...] = field(default=())

    @property
    def grade(self) -> Grade:
        return grade_of(self.probability)

    @property
    def points(self) -> float:
        return points(self.raw_score)

    def ranked_reasons(self) -> list[Reason]:
        """Strongest push first, whichever its direction."""
        return sorted(self.reasons, key=lambda reason: -abs(reason.contribution))

    def top(self, raises_risk: bool) -> list[Reason]:
        return [r for r in self.ranked_reasons() if r.raises_risk == raises_risk][:TOP_REASONS]

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema_version": SCHEMA_VERSION,
            "enterprise": self.enterprise,
            "model_id": self.model_id,
            "generated_at": self.generated_at.isoformat(),
            "score": {"points": round(self.points, 1), "raw_score": self.raw_score,
                      "probability_of_default": self.probability},
            "grade": self.grade.to_dict(),
            "peers": None if self.peers is None else self.peers.to_dict(),
            "reasons": {"expected_raw_score": self.expected_raw_score,
                        "groups": [reason.to_dict() for reason in self.ranked_reasons()]},
            "public_facts": [fact.to_dict() for fact in self.facts],
            "objections": list(self.objections),
            "grade_scale": [grade.to_dict() for grade in SCALE],
        }
