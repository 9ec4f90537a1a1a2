"""Loading one party's table (CSV or Parquet) against its schema.

Loading is where bad data is cheapest to catch: after alignment and
encryption nobody can look at a row any more. So the loader refuses rather
than repairs. The single exception is USCC ids, which are stripped of
surrounding whitespace and upper-cased before validation, because registries
and bank core systems routinely export them that way and the code itself is
defined over upper-case characters only; string ids are taken as they are.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from federation.data.errors import DataError, SchemaError
from federation.data.schema import Schema, load_schema
from federation.data.uscc import invalid_uscc_mask, uscc_error

Role = Literal["bank", "platform"]

SUFFIXES: dict[str, str] = {".csv": "csv", ".parquet": "parquet", ".pq": "parquet"}
_SHOWN_VALUES = 5


@dataclass
class PartyTable:
    """One party's validated table.

    ``ids`` are in file order and unique; ``features`` has the schema's
    columns in schema order (numeric as float64 with NaN for missing,
    categorical as pandas ``category``); ``labels`` are int8 with 1 meaning
    the schema's positive label, or None for the platform.
    """

    ids: np.ndarray
    features: pd.DataFrame
    labels: np.ndarray | None
    schema: Schema
    source: Path

    def __len__(self) -> int:
        return len(self.ids)


def load_table(
    data_path: str | Path, schema: Schema | str | Path, *, role: Role
) -> PartyTable:
    """Read ``data_path`` and check it against ``schema`` for a party of ``role``.

    Raises :class:`DataError` (or its subclass :class:`SchemaError`) naming the
    file, the column and the first offending rows.
    """
    path = Path(data_path)
    schema = schema if isinstance(schema, Schema) else load_schema(schema)
    _check_role(schema, role)
    frame = _read(path, schema)
    _check_columns(frame, schema, path)
    ids = _ids(frame[schema.id], schema, path)
    labels = None
    if schema.label is not None:
        labels = _labels(frame[schema.label], schema.label, schema.positive_label, path)
    features = pd.DataFrame(
        {name: _feature(frame[name], name, kind, path) for name, kind in schema.features.items()},
        index=pd.RangeIndex(len(frame)),
    )
    return PartyTable(ids=ids, features=features, labels=labels, schema=schema, source=path)


def _check_role(schema: Schema, role: Role) -> None:
    if role not in ("bank", "platform"):
        raise ValueError(f"role must be 'bank' or 'platform', got {role!r}")
    if role == "bank" and schema.label is None:
        raise SchemaError(schema.source, "label", "a bank's schema must declare its label column")
    if role == "platform" and schema.label is not None:
        raise SchemaError(schema.source, "label", "the platform's schema must not declare a label")


def _read(path: Path, schema: Schema) -> pd.DataFrame:
    kind = SUFFIXES.get(path.suffix.lower())
    if kind is None:
        raise DataError(
            path, f"unsupported file type {path.suffix!r} (expected {', '.join(SUFFIXES)})"
        )
    if not path.is_file():
        raise DataError(path, "file not found")
    try:
        if kind == "parquet":
            return pd.read_parquet(path)
        # Ids and categories are read as text so that ids keep leading zeros and
        # category codes stay codes. Numbers and labels go through the fast
        # native parser; a numeric column holding words comes back as text
        # and is diagnosed row by row in _feature.
        categorical = [c for c, kind in schema.features.items() if kind == "categorical"]
        return pd.read_csv(path, dtype={c: str for c in (schema.id, *categorical)})
    except (OSError, ValueError, ImportError) as exc:
        raise DataError(path, f"cannot read file: {exc}") from exc


def _check_columns(frame: pd.DataFrame, schema: Schema, path: Path) -> None:
    present = [str(c) for c in frame.columns]
    missing = [c for c in schema.columns if c not in present]
    if missing:
        raise DataError(path, f"missing columns {_quoted(missing)} declared in the schema")
    extra = [c for c in present if c not in schema.columns]
    if extra:
        raise DataError(
            path,
            f"columns {_quoted(extra)} are not declared in the schema; "
            "declare them as features or drop them from the file",
        )


def _ids(raw: pd.Series, schema: Schema, path: Path) -> np.ndarray:
    column = schema.id
    if pd.api.types.is_float_dtype(raw.dtype) and raw.notna().any():
        raise DataError(path, "ids are floating-point numbers; store them as text", column=column)
    text = raw.astype("str")
    missing = raw.isna().to_numpy() | (text.str.strip() == "").to_numpy()
    _raise_rows(missing, path, column, "missing or empty id")
    if schema.id_type == "uscc":
        text = text.str.strip().str.upper()
        invalid = invalid_uscc_mask(text)
        if invalid.any():
            _raise_rows(invalid, path, column, f"invalid USCC ({_uscc_reasons(text, invalid)})")
    duplicated = text.duplicated(keep=False).to_numpy()
    if duplicated.any():
        first = text.iat[int(np.flatnonzero(duplicated)[0])]
        _raise_rows(duplicated, path, column, f"duplicate ids (first: {first!r})")
    return text.to_numpy(dtype=str)


def _uscc_reasons(codes: pd.Series, invalid: np.ndarray) -> str:
    """One reason if the first bad codes share it, else a reason per row."""
    reasons = {r: uscc_error(codes.iat[r]) for r in np.flatnonzero(invalid)[:_SHOWN_VALUES]}
    if len(set(reasons.values())) == 1:
        return next(iter(reasons.values()))
    return "; ".join(f"row {r + 1}: {why}" for r, why in reasons.items())


def _labels(raw: pd.Series, column: str, positive: object, path: Path) -> np.ndarray:
    _raise_rows(raw.isna().to_numpy(), path, column, "missing label")
    values = pd.unique(raw)
    if len(values) > 2:
        counts = raw.value_counts()
        kept = [positive, counts.drop(positive, errors="ignore").index[0]]
        stray = ~raw.isin(kept).to_numpy()
        message = f"label is not binary: {len(values)} distinct values {_listed(values)}"
        _raise_rows(stray, path, column, message)
    # Compared as Python objects: a text label column against a numeric
    # positive_label is a mismatch to report, not a TypeError.
    hits = (raw.to_numpy(dtype=object) == positive).astype(bool)
    if not hits.any():
        raise DataError(
            path,
            f"positive_label {positive!r} not found among label values {_listed(values)}",
            column=column,
        )
    return hits.astype(np.int8)


def _feature(raw: pd.Series, name: str, kind: str, path: Path) -> pd.Series:
    if kind == "categorical":
        return raw.astype("category")
    if pd.api.types.is_bool_dtype(raw.dtype) or pd.api.types.is_numeric_dtype(raw.dtype):
        values = raw.astype("float64")
    else:
        values = pd.to_numeric(raw, errors="coerce").astype("float64")
        text = (raw.notna() & values.isna()).to_numpy()
        if text.any():
            found = _listed(pd.unique(raw[text]))
            _raise_rows(text, path, name, f"non-numeric values {found} in a numeric column")
    _raise_rows(np.isinf(values.to_numpy()), path, name, "infinite value in a numeric column")
    return values


def _raise_rows(mask: np.ndarray, path: Path, column: str, message: str) -> None:
    if mask.any():
        raise DataError(path, message, column=column, rows=np.flatnonzero(mask) + 1)


def _quoted(names: list[str]) -> str:
    return ", ".join(f"'{n}'" for n in names)


def _listed(values: object) -> str:
    values = [v.item() if isinstance(v, np.generic) else v for v in values]
    shown = ", ".join(repr(v) for v in values[:_SHOWN_VALUES])
    return f"({shown}{', ...' if len(values) > _SHOWN_VALUES else ''})"
