"""The synthetic twin keeps the table's columns and marginals and repeats no real row."""

from __future__ import annotations


import numpy as np
import pandas as pd
import pytest

from federation.data import PartyTable, load_table
from federation.data.synthetic import generate
from federation.syft_bridge.twin import real_rows_in, synthetic_twin


@pytest.fixture(scope="module")
def table(tmp_path_factory: pytest.TempPathFactory) -> PartyTable:
    data = tmp_path_factory.mktemp("twin")
    generate(data, enterprises=400, banks=1, seed=5)
    return load_table(data / "platform.parquet", data / "platform.yaml", role="platform")


def test_the_twin_has_the_tables_columns_and_dtypes(table: PartyTable) -> None:
    twin = synthetic_twin(table.features, 300, np.random.default_rng(0))
    assert list(twin.columns) == list(table.features.columns)
    assert (twin.dtypes == table.features.dtypes).all() and len(twin) == 300


def test_the_twin_repeats_no_real_row(table: PartyTable) -> None:
    assert real_rows_in(synthetic_twin(table.features, len(table), np.random.default_rng(1)), table.features) == 0


def test_real_rows_in_finds_a_copied_row(table: PartyTable) -> None:
    twin = synthetic_twin(table.features, 50, np.random.default_rng(2))
    assert real_rows_in(pd.concat([twin, table.features.iloc[[7]]], ignore_index=True), table.features) == 1


def test_the_twin_keeps_missing_shares_and_category_frequencies(table: PartyTable) -> None:
    real = table.features
    twin = synthetic_twin(real, 20_000, np.random.default_rng(3))
    assert np.abs(twin.isna().mean() - real.isna().mean()).max() < 0.02
    shares = real["reg_size"].value_counts(normalize=True)
    assert (twin["reg_size"].value_counts(normalize=True)[shares.index] - shares).abs().max() < 0.02


def test_numeric_quantiles_follow_the_real_column(table: PartyTable) -> None:
    real = table.features["tax_paid_12m"].dropna()
    twin = synthetic_twin(table.features, 20_000, np.random.default_rng(4))["tax_paid_12m"].dropna()
    for q in (0.25, 0.5, 0.75):
        assert abs((twin <= real.quantile(q)).mean() - q) < 0.03


def test_an_empty_table_has_no_twin() -> None:
    with pytest.raises(ValueError, match="empty"):
        synthetic_twin(pd.DataFrame({"tax_x": pd.Series([], dtype=float)}), 5, np.random.default_rng(0))
