"""The synthetic twin of the platform's feature table: what a bank's scientist explores.

Each column is drawn on its own from the real column's marginal: the share of missing
values, the categories with their frequencies, numeric values through the empirical
quantile function (interpolated, so a value need not occur in the table; integral columns
stay integral). Columns are drawn independently, so the twin keeps each distribution but
none of the joint structure that could single out an enterprise; a twin row that still
equals a real row is drawn again. The twin has no id column.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

MAX_REDRAWS = 20


def _column(column: pd.Series, n: int, rng: np.random.Generator) -> pd.Series:
    present = column.dropna()
    missing = rng.random(n) < (1 - len(present) / len(column)) if len(column) else np.ones(n, dtype=bool)
    if isinstance(column.dtype, pd.CategoricalDtype) or not pd.api.types.is_numeric_dtype(column.dtype):
        counts = present.astype(str).value_counts()
        values = rng.choice(counts.index.to_numpy(), size=n, p=(counts / counts.sum()).to_numpy()) \
            if len(counts) else np.full(n, None)
        drawn = pd.Series(values, dtype=object).where(~missing, None)
        return drawn.astype(column.dtype) if isinstance(column.dtype, pd.CategoricalDtype) else drawn
    numbers = present.to_numpy(dtype=float)
    values = np.quantile(numbers, rng.random(n)) if len(numbers) else np.full(n, np.nan)
    if len(numbers) and np.all(numbers == np.round(numbers)):
        values = np.round(values)
    return pd.Series(np.where(missing, np.nan, values), dtype=float).astype(column.dtype)


def _row_keys(frame: pd.DataFrame) -> pd.Series:
    """A 64-bit hash of each row's values (categories by value, missing as missing)."""
    return pd.util.hash_pandas_object(frame, index=False)


def real_rows_in(twin: pd.DataFrame, real: pd.DataFrame) -> int:
    """How many rows of ``twin`` equal a row of ``real`` in every column (missing equals missing)."""
    return int(_row_keys(twin[list(real.columns)]).isin(set(_row_keys(real))).sum())


def synthetic_twin(real: pd.DataFrame, rows: int, rng: np.random.Generator) -> pd.DataFrame:
    """``rows`` synthetic rows with ``real``'s columns, dtypes and marginal distributions."""
    if real.empty:
        raise ValueError("the table is empty: a twin needs real rows to take the distributions from")
    twin = pd.DataFrame({name: _column(real[name], rows, rng) for name in real.columns})
    known = set(_row_keys(real))
    for _ in range(MAX_REDRAWS):
        clash = _row_keys(twin).isin(known).to_numpy()
        if not clash.any():
            return twin
        redrawn = pd.DataFrame({name: _column(real[name], int(clash.sum()), rng) for name in real.columns})
        twin = pd.concat([twin[~clash], redrawn], ignore_index=True)
    raise ValueError(f"after {MAX_REDRAWS} redraws the twin still repeats a real row: the table has too few "
                     f"distinct values per column for a twin")
