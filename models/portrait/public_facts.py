"""The public-record facts a bank may read in the clear, grouped by data category.

They come from the bank's copy of what the platform published to it in bulk (public
columns only, ``federation.governance.publication``); nothing here asks the platform
about one enterprise, so looking up a portrait does not tell the platform who is being
looked at.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from federation.governance.categories import CATEGORIES_BY_PREFIX

ID_COLUMN = "uscc"


@dataclass(frozen=True)
class PublicFact:
    category: str
    category_zh: str
    field: str
    value: Any

    def to_dict(self) -> dict[str, Any]:
        return {"category": self.category, "category_zh": self.category_zh, "field": self.field, "value": self.value}


def public_facts(records: pd.DataFrame, enterprise: str) -> list[PublicFact]:
    """The enterprise's published fields, in the record's column order; empty when the
    platform has published nothing on it."""
    rows = records[records[ID_COLUMN] == enterprise]
    if rows.empty:
        return []
    row = rows.iloc[-1]
    facts = []
    for column in records.columns:
        if column == ID_COLUMN:
            continue
        category, category_zh = CATEGORIES_BY_PREFIX.get(column.split("_", 1)[0], ("other", "其他"))
        value = row[column]
        facts.append(PublicFact(category, category_zh, column, None if pd.isna(value) else _plain(value)))
    return facts


def _plain(value: Any) -> Any:
    return value.item() if hasattr(value, "item") else value
