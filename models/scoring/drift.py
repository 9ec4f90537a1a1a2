"""Refusing to score a table that no longer looks like the one the model was trained on.

Binning by position would quietly turn a renamed, dropped or retyped column into
nonsense scores, and an unseen category into the catch-all bin. A credit decision must
not rest on that, so before scoring every column is matched by name against the fitted
binner and checked for its kind and, if categorical, for categories never seen in
training; the first problem stops scoring with the column's name.

Both halves of a joint model check their own columns. The platform's table serves every
bank's models, each trained on the columns it had then, so a column the platform added
later is left aside there; on the bank's side an extra column is refused.
"""

from __future__ import annotations

import pandas as pd

from models.secureboost.binning import Binner, FeatureBins

_SHOWN = 5


class SchemaDriftError(ValueError):
    """The scoring table differs from the training table; ``column`` names where."""

    def __init__(self, column: str, message: str) -> None:
        super().__init__(f"column {column!r}: {message}")
        self.column = column


def aligned_for_scoring(binner: Binner, frame: pd.DataFrame, *, ignore_extra: bool = False) -> pd.DataFrame:
    """``frame``'s columns in training order, after checking each against the binner;
    with ``ignore_extra`` a column the model does not use is dropped instead of refused."""
    names = [feature.name for feature in binner.features]
    present = [str(c) for c in frame.columns]
    for name in names:
        if name not in present:
            raise SchemaDriftError(name, "used by the model but missing from the scoring table")
    for name in present:
        if name not in names and not ignore_extra:
            raise SchemaDriftError(name, "not a feature of the model; drop it or retrain")
    frame = frame.rename(columns=str)[names]
    for feature in binner.features:
        _check_column(feature, frame[feature.name])
    return frame


def _check_column(feature: FeatureBins, column: pd.Series) -> None:
    categorical = isinstance(column.dtype, pd.CategoricalDtype) or pd.api.types.is_object_dtype(column.dtype) \
        or pd.api.types.is_string_dtype(column.dtype)
    if feature.kind == "numeric" and categorical:
        raise SchemaDriftError(feature.name, f"numeric in training, now {column.dtype}")
    if feature.kind == "categorical":
        if not categorical:
            raise SchemaDriftError(feature.name, f"categorical in training, now {column.dtype}")
        seen = {str(c) for c in feature.seen}
        new = sorted({str(v) for v in column.dropna().unique()} - seen)
        if new:
            shown = ", ".join(repr(v) for v in new[:_SHOWN])
            raise SchemaDriftError(feature.name, f"{len(new)} categories never seen in training: {shown}")
