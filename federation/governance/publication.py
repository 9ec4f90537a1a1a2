"""Bulk publication of public records to a bank, by region and industry.

The sharing policy lets the platform push information that is already public by law to
banks in bulk, "by region, industry and similar dimensions" (seed 001; seed 002 item 7).
Only columns graded public (``federation.governance.classification``) are selected, so a
non-public value cannot be published by naming it: the selection is made from the grade,
not from a list the requester controls. Rows are matched on the public registration
fields ``reg_region`` and ``reg_industry``.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from federation.governance.categories import categories_of
from federation.governance.classification import Classification, Level

REGION = "reg_region"
INDUSTRY = "reg_industry"
ID_COLUMN = "uscc"


class PublicationError(ValueError):
    """A publication request that cannot be served; the message names the field."""


@dataclass(frozen=True)
class PublicSelection:
    """Which enterprises a bank asks for: every given dimension must match."""

    region: str | None = None
    industry: str | None = None

    def __post_init__(self) -> None:
        if self.region is None and self.industry is None:
            raise PublicationError("name a region, an industry or both; the platform does not publish its "
                                   "whole register in one request")

    @classmethod
    def from_params(cls, params: dict[str, Any]) -> "PublicSelection":
        values = {key: params.get(key) for key in ("region", "industry")}
        for key, value in values.items():
            if value is not None and (not isinstance(value, str) or not value.strip()):
                raise PublicationError(f"params.{key} must be a non-empty text, got {value!r}")
        return cls(**values)

    def to_params(self) -> dict[str, str]:
        return {key: value for key, value in (("region", self.region), ("industry", self.industry))
                if value is not None}


@dataclass(frozen=True)
class PublicRecords:
    """What the platform sends: ids and public columns of the matching enterprises;
    ``rows`` are their rows in the platform's table, which stay at the platform."""

    frame: pd.DataFrame
    rows: np.ndarray = field(default_factory=lambda: np.arange(0))

    @property
    def columns(self) -> list[str]:
        return [column for column in self.frame.columns if column != ID_COLUMN]

    @property
    def categories(self) -> list[str]:
        return categories_of(self.columns) if self.columns else []

    def to_bytes(self) -> bytes:
        """Parquet without compression: what crosses the wire can be inspected as it is."""
        buffer = io.BytesIO()
        self.frame.to_parquet(buffer, index=False, compression="none")
        return buffer.getvalue()

    @classmethod
    def from_bytes(cls, payload: bytes) -> "PublicRecords":
        return cls(pd.read_parquet(io.BytesIO(payload)))


def _match(features: pd.DataFrame, column: str, value: str | None, field: str,
           classification: Classification) -> pd.Series:
    if value is None:
        return pd.Series(True, index=features.index)
    if column not in features.columns:
        raise PublicationError(f"{field}: the platform's table has no {column} column to select by")
    if classification.level(column) is not Level.PUBLIC:
        raise PublicationError(f"{field}: {column} is not graded public, so enterprises cannot be selected by it")
    known = sorted(str(v) for v in features[column].dropna().unique())
    if value not in known:
        raise PublicationError(f"{field} {value!r} is not in the platform's register; known: {', '.join(known)}")
    return features[column] == value


def select_public(ids: Any, features: pd.DataFrame, classification: Classification,
                  selection: PublicSelection) -> PublicRecords:
    """The public columns of the enterprises matching ``selection``, with their ids."""
    rows = (_match(features, REGION, selection.region, "region", classification)
            & _match(features, INDUSTRY, selection.industry, "industry", classification)).to_numpy()
    public = classification.public(features.columns)
    frame = features.loc[rows, public].reset_index(drop=True)
    frame.insert(0, ID_COLUMN, pd.Series(ids)[rows].to_numpy())
    return PublicRecords(frame, np.flatnonzero(rows))
