"""Training with the platform's histograms under homomorphic encryption."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from models.secureboost import SecureBoostClassifier
from models.secureboost.encrypted import EncryptedHistogramServer


def _data(n: int = 1500, seed: int = 0) -> tuple[pd.DataFrame, np.ndarray, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    bank = pd.DataFrame({"overdue": rng.poisson(1.0, n).astype(float), "util": rng.random(n)})
    platform = pd.DataFrame({"tax": rng.normal(size=n), "judgments": rng.poisson(0.3, n).astype(float),
                             "size": pd.Categorical(rng.choice(["micro", "small", "medium"], n))})
    logit = 0.8 * bank["overdue"] - 1.5 * platform["tax"] + platform["judgments"] - 2
    y = (rng.random(n) < 1 / (1 + np.exp(-logit.to_numpy()))).astype(int)
    return bank, y, platform


@pytest.mark.parametrize(("backend", "rows", "trees"), [("heu-ou", 1500, 3), ("phe-paillier", 250, 2)])
def test_encrypted_training_grows_the_plaintext_model(backend: str, rows: int, trees: int) -> None:
    bank, y, platform = _data(rows)
    params = dict(n_estimators=trees, max_depth=3, min_child_samples=5, random_state=0)
    plain = SecureBoostClassifier(**params).fit(bank, y, platform)
    secret = SecureBoostClassifier(**params, encryption=backend).fit(bank, y, platform)
    assert np.array_equal(plain.decision_function(bank, platform), secret.decision_function(bank, platform))
    assert secret.encryption_["key_bits"] >= 2048


def test_the_platform_half_receives_no_plaintext_gradient(monkeypatch: pytest.MonkeyPatch) -> None:
    """Record every byte string handed to the platform's server and look for the gradients in it."""
    received: list[bytes] = []
    for method in ("set_public_key", "begin_tree", "histograms"):
        original = getattr(EncryptedHistogramServer, method)

        def recording(self, *args, _original=original):  # type: ignore[no-untyped-def]
            received.extend(a for a in args if isinstance(a, bytes))
            return _original(self, *args)

        monkeypatch.setattr(EncryptedHistogramServer, method, recording)
    bank, y, platform = _data()
    SecureBoostClassifier(n_estimators=1, max_depth=2, random_state=0, encryption="heu-ou").fit(bank, y, platform)
    wire = b"".join(received)
    p = np.full(len(y), y.mean())
    grad = (p - y).astype(np.float32)
    assert len(wire) > 32 * len(y)
    for encoded in (grad.tobytes(), grad.astype(np.float64).tobytes(), y.astype(np.int8).tobytes()):
        assert encoded[:64] not in wire

