"""A joint model and 10k aligned enterprises to score (synthetic, so categorical and missing
values are in it)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pytest

from federation.data import generate, load_table
from models.secureboost import SecureBoostClassifier


@dataclass(frozen=True)
class Scored:
    model: SecureBoostClassifier
    bank: pd.DataFrame
    platform: pd.DataFrame


@pytest.fixture(scope="session")
def scored(tmp_path_factory: pytest.TempPathFactory) -> Scored:
    root = tmp_path_factory.mktemp("scoring")
    generate(root, enterprises=60_000, banks=1, seed=4)
    bank = load_table(root / "bank_a.parquet", root / "bank_a.yaml", role="bank")
    platform = load_table(root / "platform.parquet", root / "platform.yaml", role="platform")
    left = pd.DataFrame({"id": bank.ids, "bank_row": np.arange(len(bank))})
    right = pd.DataFrame({"id": platform.ids, "platform_row": np.arange(len(platform))})
    aligned = left.merge(right, on="id").head(10_000)
    assert len(aligned) == 10_000
    bank_X = bank.features.iloc[aligned["bank_row"]].reset_index(drop=True)
    platform_X = platform.features.iloc[aligned["platform_row"]].reset_index(drop=True)
    model = SecureBoostClassifier(n_estimators=30, max_depth=3, random_state=0)
    model.fit(bank_X, bank.labels[aligned["bank_row"]], platform_X)
    return Scored(model, bank_X, platform_X)
