"""Encrypted portfolio scoring in chunk tasks equals the plaintext model, on worker
processes and on Ray."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from federation.data import generate, load_table
from federation.scaleout.executor import shard_executor
from models.monitoring.scoring import AnswerShard, BankModel, answer_chunk, chunk_bounds, decrypt_chunks, \
    encrypt_chunk, request_shards
from models.scoring.keys import SLOTS, BfvKeys
from models.secureboost import SecureBoostClassifier


@pytest.fixture(scope="module")
def joint(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("monitor-scoring")
    generate(root, enterprises=6_000, banks=1, seed=3)
    bank = load_table(root / "bank_a.parquet", root / "bank_a.yaml", role="bank")
    platform = load_table(root / "platform.parquet", root / "platform.yaml", role="platform")
    aligned = pd.DataFrame({"id": bank.ids, "b": np.arange(len(bank))}).merge(
        pd.DataFrame({"id": platform.ids, "p": np.arange(len(platform))}), on="id")
    bank_X = bank.features.iloc[aligned["b"]].reset_index(drop=True)
    platform_X = platform.features.iloc[aligned["p"]].reset_index(drop=True)
    model = SecureBoostClassifier(n_estimators=5, max_depth=3, random_state=0)
    model.fit(bank_X, bank.labels[aligned["b"]], platform_X)
    portfolio = np.random.default_rng(0).integers(0, len(bank_X), size=SLOTS + 500)  # two chunks
    return model, bank_X.iloc[portfolio].reset_index(drop=True), platform_X.iloc[portfolio].reset_index(drop=True)


def _scores(joint, executor) -> np.ndarray:
    model, bank_X, platform_X = joint
    bank_model = BankModel(tuple(model.trees_), model.base_score_, model.bank_binner_.max_bin + 1)
    bins = model.bank_binner_.transform(bank_X)
    keys = BfvKeys.generate()
    requests = executor.map(encrypt_chunk, request_shards(bank_model, bins, keys))
    answers = [AnswerShard(request, model.platform_model_, platform_X.iloc[a:b].reset_index(drop=True))
               for request, (a, b) in zip(requests, chunk_bounds(len(bins)))]
    return decrypt_chunks(bank_model, bins, keys, executor.map(answer_chunk, answers))


@pytest.mark.parametrize("ray_address", [None, "local"], ids=["worker-processes", "local-ray"])
def test_chunk_tasks_score_like_the_plaintext_model(joint, ray_address):
    executor = shard_executor(ray_address, 2)
    try:
        scores = _scores(joint, executor)
    finally:
        executor.close()
    model, bank_X, platform_X = joint
    assert np.abs(scores - model.decision_function(bank_X, platform_X)).max() <= 1e-6
