"""During real federated SecureBoost training, the platform receives no plaintext gradient,
hessian or label: everything it gets is recorded as it came off the wire."""

from __future__ import annotations

import struct

import numpy as np
import pandas as pd
import pytest
from tests.support.wire_recorder import recorded_platform, recorded_setup

from federation.data import load_table
from federation.launcher import LocalFederation

FRACTION_BITS = 64


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> tuple[bytes, np.ndarray]:
    """Coordinator and bank as processes; the platform agent in this process, recorded."""
    root = tmp_path_factory.mktemp("sb-wire")
    setup = recorded_setup(root, enterprises=3000, seed=11)
    bank, platform_table = setup.bank, setup.platform_table
    with LocalFederation(setup.run, [bank]) as federation, \
            recorded_platform(federation, platform_table, root / "platform-work") as recorder:
        with federation.client("bank_a") as bank_client:
            psi = bank_client.submit_job("psi", ["platform"]).id
            bank_client.wait_for_job(psi, timeout=300)
            recorder.received.clear()
            job = bank_client.submit_job("secureboost", ["platform"],
                                         {"psi_job": psi, "model": {"n_estimators": 3, "max_depth": 3}})
            bank_client.wait_for_job(job.id, timeout=600)
        intersection = pd.read_parquet(federation.workdir / "parties" / "bank_a" / "jobs" / psi
                                       / "intersection.parquet").sort_values("id")
    labels = load_table(bank.data, bank.schema, role="bank").labels[intersection["bank_row"].to_numpy()]
    return recorder.everything(), labels


def _first_tree_gradients(labels: np.ndarray) -> list[float]:
    """Tree 0 starts from the base score, so every g and h takes one of two values per label."""
    rate = labels.mean()
    p = rate  # sigmoid of the base score log(rate / (1 - rate))
    grads = [p - 1.0, p]
    return [float(np.float32(v)) for v in grads + [g * (1 - g) if g > 0 else -g * (1 + g) for g in grads]]


def _encodings(value: float) -> list[bytes]:
    fixed = int(round(value * 2**FRACTION_BITS))
    width = (fixed.bit_length() + 8) // 8 + 1
    # A lone float32 is 4 bytes, which megabytes of ciphertext contain by chance: float32
    # values are looked for as the array of a run of rows instead (_float32_runs).
    return [struct.pack("<d", value), struct.pack(">d", value),
            fixed.to_bytes(width, "big", signed=True)[1:], fixed.to_bytes(width, "little", signed=True)[:-1]]


def _float32_runs(labels: np.ndarray) -> list[bytes]:
    """The first tree's gradients and hessians of the first 16 rows, as float32 arrays."""
    rate = labels.mean()
    grad = np.where(labels[:16] == 1, rate - 1.0, rate)
    hess = np.abs(grad) * (1 - np.abs(grad))
    return [values.astype(dtype).tobytes() for values in (grad, hess) for dtype in ("<f4", ">f4")]


def test_ciphertexts_for_every_training_row_reached_the_platform(recorded) -> None:
    wire, labels = recorded
    assert len(wire) > 256 * len(labels)


def test_no_first_tree_gradient_or_hessian_in_any_plain_encoding(recorded) -> None:
    wire, labels = recorded
    found = [value for value in _first_tree_gradients(labels) for form in _encodings(value) if form in wire]
    assert found == [] and not [run for run in _float32_runs(labels) if run in wire]


def test_no_run_of_labels_in_the_clear(recorded) -> None:
    wire, labels = recorded
    forms = [np.packbits(labels[:128]).tobytes(), labels[:32].astype(np.int8).tobytes(),
             labels[:32].astype(np.float64).tobytes(), ",".join(map(str, labels[:32])).encode()]
    assert [form for form in forms if form in wire] == []
