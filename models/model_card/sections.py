"""Sections a model type adds to its card (a scorecard's points table, for instance).

The card's fixed sections are the same for every model; what only one kind of model has
is contributed by a provider registered for that kind, so the card module never imports
a model package and a new model type adds its sections without editing the card.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from models.model_card.facts import CardFacts


@dataclass(frozen=True)
class Section:
    """A titled block of text and/or one table (columns, then rows of plain JSON values)."""

    id: str
    title: str
    text: str = ""
    columns: list[str] = field(default_factory=list)
    rows: list[list[Any]] = field(default_factory=list)

    @classmethod
    def from_frame(cls, id: str, title: str, frame: pd.DataFrame, text: str = "") -> "Section":
        """A table section from a DataFrame; NaN becomes null, numpy scalars plain numbers."""
        rows = [[None if isinstance(v, float) and np.isnan(v) else v.item() if isinstance(v, np.generic) else v
                 for v in row] for row in frame.itertuples(index=False, name=None)]
        return cls(id, title, text, [str(c) for c in frame.columns], rows)

    def to_dict(self) -> dict[str, Any]:
        section: dict[str, Any] = {"id": self.id, "title": self.title, "text": self.text}
        if self.columns:
            section["table"] = {"columns": self.columns, "rows": self.rows}
        return section


SectionProvider = Callable[["CardFacts"], list[Section]]
_PROVIDERS: dict[str, list[SectionProvider]] = {}


def register_sections(kind: str, provider: SectionProvider) -> None:
    """Add ``provider``'s sections to the card of every model of ``kind``."""
    _PROVIDERS.setdefault(kind, []).append(provider)


def sections_for(facts: "CardFacts") -> list[Section]:
    return [section for provider in _PROVIDERS.get(facts.kind, []) for section in provider(facts)]
