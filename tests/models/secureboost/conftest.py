"""Data for the SecureBoost tests: FATE's vertically split UCI credit data and synthetic parties."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.model_selection import train_test_split

from federation.data import generate, load_table

# The shared data sits next to the repository (../shared/data/fate);
# FEDCREDIT_FATE_DATA overrides it.
FATE_DIR = Path(
    os.environ.get(
        "FEDCREDIT_FATE_DATA", Path(__file__).resolve().parents[4] / "shared" / "data" / "fate"
    )
)


@dataclass(frozen=True)
class Split:
    """Aligned bank and platform features with labels, split 70/30 stratified (seed 0)."""

    bank: pd.DataFrame
    platform: pd.DataFrame
    y: np.ndarray
    train: np.ndarray
    test: np.ndarray

    def joined(self) -> pd.DataFrame:
        """The table LightGBM is compared on: bank columns first, as ties go to the bank."""
        return pd.concat(
            [self.bank.add_prefix("bank_"), self.platform.add_prefix("platform_")], axis=1
        )


def _split(bank: pd.DataFrame, platform: pd.DataFrame, y: np.ndarray) -> Split:
    rows = np.arange(len(y))
    train, test = train_test_split(rows, test_size=0.3, stratify=y, random_state=0)
    return Split(bank.reset_index(drop=True), platform.reset_index(drop=True), y, train, test)


@pytest.fixture(scope="session")
def default_credit() -> Split:
    guest_file = FATE_DIR / "default_credit_hetero_guest.csv"
    if not guest_file.exists():
        message = f"FATE data not found in {FATE_DIR} (set FEDCREDIT_FATE_DATA)"
        if os.environ.get("CI"):  # CI clones sit beside shared/: the real-data checks must run
            pytest.fail(message)
        pytest.skip(message)
    guest = pd.read_csv(guest_file)
    host = pd.read_csv(FATE_DIR / "default_credit_hetero_host.csv")
    joined = guest.merge(host, on="id", suffixes=("", "_host"))
    bank = joined[[c for c in guest.columns if c not in ("id", "y")]]
    platform = joined[[f"{c}_host" if c in guest.columns else c for c in host.columns if c != "id"]]
    return _split(bank, platform, joined["y"].to_numpy())


@pytest.fixture(scope="session")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Split:
    """One bank and the platform from the repo's generator, rows aligned by USCC."""
    summary = generate(tmp_path_factory.mktemp("synthetic"), enterprises=40_000, banks=1, seed=4)
    bank = load_table(summary.banks[0].data, summary.banks[0].schema, role="bank")
    platform = load_table(summary.platform, summary.platform_schema, role="platform")
    _, bank_rows, platform_rows = np.intersect1d(bank.ids, platform.ids, return_indices=True)
    assert bank.labels is not None
    return _split(
        bank.features.iloc[bank_rows], platform.features.iloc[platform_rows], bank.labels[bank_rows]
    )
