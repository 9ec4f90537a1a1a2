"""The federated scorecard job: coordinator as a process, platform and bank agents in this
process with every message each receives recorded as it came off the wire.

Checks what crosses the wire (no plaintext label at the platform; no platform value or
bin edge at the bank), that the job trains the in-process estimator's model, and that the
registry lists it with each party's part.
"""

from __future__ import annotations

import contextlib
import io
import json
import struct
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from tests.support.wire_recorder import WireRecorder, recorded_platform, recorded_setup
from typer.testing import CliRunner

from federation.cli import app
from federation.data import PartyTable, load_table
from federation.launcher import LocalFederation
from federation.party.agent import PartyAgent
from federation.party.client import CoordinatorClient, job_summary
from federation.party.handlers import handlers
from federation.security.certs import issue_certificate, load_credentials
from federation.security.roles import Role
from models.evaluation import HoldoutSpec, holdout_rows
from models.scorecard import ScorecardClassifier
from models.scorecard.logistic import RESIDUAL_BITS
from models.scorecard.points import platform_bins_table

MODEL = {"max_prebins": 10, "max_bins": 5, "min_bin_size": 40, "max_iter": 25}
HOLDOUT = HoldoutSpec(seed=2, test_size=0.25)


@dataclass(frozen=True)
class Run:
    job: str
    summary: dict[str, Any]
    models: list[Any]
    platform_wire: bytes
    bank_wire: bytes
    bank_dir: Path
    platform_dir: Path
    bank: PartyTable
    platform: PartyTable
    aligned: pd.DataFrame
    disclosed: dict[str, Any]


@contextlib.contextmanager
def recorded_bank(federation: LocalFederation, table: PartyTable, workdir: Path) -> Iterator[WireRecorder]:
    recorder = WireRecorder()
    client = CoordinatorClient(federation.target, load_credentials(federation.certs, "bank_a"),
                               interceptors=(recorder,))
    agent = PartyAgent(client, Role.BANK, table, workdir, handlers(enforce_consent=False))
    client.register()
    stop = threading.Event()
    thread = threading.Thread(target=agent.run, args=(stop,), daemon=True)
    thread.start()
    try:
        yield recorder
    finally:
        stop.set()
        thread.join(timeout=30)
        client.close()


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    root = tmp_path_factory.mktemp("scorecard-job")
    setup = recorded_setup(root, enterprises=3000, seed=5)
    bank = load_table(setup.bank.data, setup.bank.schema, role="bank")
    bank_dir, platform_dir = root / "bank-work", root / "platform-work"
    with LocalFederation(setup.run, []) as federation, \
            recorded_platform(federation, setup.platform_table, platform_dir) as platform_recorder, \
            recorded_bank(federation, bank, bank_dir) as bank_recorder, \
            federation.client("bank_a") as client:
        psi = client.submit_job("psi", ["platform"]).id
        client.wait_for_job(psi, timeout=300)
        platform_recorder.received.clear()
        bank_recorder.received.clear()
        job = client.submit_job("scorecard", ["platform"], {"psi_job": psi, "model": MODEL,
                                                            "holdout": HOLDOUT.to_dict()}).id
        summary = job_summary(client.wait_for_job(job, timeout=600))
        models = list(client.list_models())
        aligned = pd.read_parquet(bank_dir / "jobs" / psi / "intersection.parquet").sort_values("id")
        disclosed = _disclose_to_the_regulator(federation, job, platform_dir)
    return Run(job, summary, models, platform_recorder.everything(), bank_recorder.everything(), bank_dir,
               platform_dir, bank, setup.platform_table, aligned.reset_index(drop=True), disclosed)


def _disclose_to_the_regulator(federation: LocalFederation, job: str, platform_dir: Path) -> dict[str, Any]:
    """The platform seals its bins to a regulator over mutual TLS; the regulator opens them,
    the bank asks for them too."""
    issue_certificate(federation.certs, "regulator", Role.REGULATOR)
    with federation.client("regulator") as regulator:
        regulator.register()
    runner = CliRunner()
    connection = ["--coordinator", federation.target, "--certs", str(federation.certs)]
    sent = runner.invoke(app, ["disclosure", "send", job, "--name", "platform", "--to", "regulator",
                               "--workdir", str(platform_dir), *connection])
    shown = runner.invoke(app, ["disclosure", "show", job, "--name", "regulator", "--format", "csv", *connection])
    asked_by_bank = runner.invoke(app, ["disclosure", "show", job, "--name", "bank_a", *connection])
    database = b"".join(path.read_bytes() for path in (federation.workdir / "coordinator").glob("coordinator.db*"))
    return {"sent": sent, "shown": shown, "asked_by_bank": asked_by_bank, "coordinator_db": database}


def _part(directory: Path, job: str, name: str) -> dict[str, Any]:
    return json.loads((directory / "models" / job / name).read_text())


def _training(run: Run) -> tuple[pd.DataFrame, np.ndarray, pd.DataFrame]:
    labels = run.bank.labels[run.aligned["bank_row"].to_numpy()]
    train, _ = holdout_rows(labels, HOLDOUT)
    rows = run.aligned.iloc[train]
    platform_row = pd.Series(np.arange(len(run.platform)), index=run.platform.ids)[rows["id"].to_numpy()]
    return (run.bank.features.iloc[rows["bank_row"]], labels[train],
            run.platform.features.iloc[platform_row.to_numpy()])


def test_the_job_succeeds_with_holdout_metrics(run) -> None:
    metrics = run.summary["results"]["bank_a"]["model"]["metrics"]
    assert run.summary["state"] == "succeeded" and metrics["n_test"] > 0 and 0.5 < metrics["auc"] <= 1.0


def test_the_federated_job_trains_the_in_process_model(run) -> None:
    bank_X, y, platform_X = _training(run)
    model = ScorecardClassifier(**MODEL).fit(bank_X, y, platform_X)
    assert _part(run.bank_dir, run.job, "bank.json")["model"]["scorecard"] == model.bank_model()["scorecard"]
    assert _part(run.platform_dir, run.job, "platform.json") == json.loads(json.dumps(model.platform_model()))


def test_the_registry_lists_the_scorecard_with_each_partys_part(run) -> None:
    (entry,) = [m for m in run.models if m.id == run.job]
    assert entry.kind == "scorecard" and {p.party for p in entry.parts} == {"bank_a", "platform"}


def test_the_platform_never_receives_a_label_in_the_clear(run) -> None:
    _, y, _ = _training(run)
    forms = [np.packbits(y[:128]).tobytes(), y[:32].astype(np.int8).tobytes(), y[:32].astype(np.float64).tobytes(),
             ",".join(map(str, y[:32])).encode()]
    first_residuals = np.where(y[:16] == 1, -0.5, 0.5)
    forms += [first_residuals.astype("<f8").tobytes(), json.dumps([str(int(r * 2**RESIDUAL_BITS))
                                                                   for r in first_residuals])[1:-1].encode()]
    assert len(run.platform_wire) > 256 * len(y) and [f for f in forms if f in run.platform_wire] == []


def test_the_bank_never_receives_a_platform_value_or_bin_edge(run) -> None:
    _, _, platform_X = _training(run)
    binnings = _part(run.platform_dir, run.job, "platform.json")["binnings"]
    edges = [cut for b in binnings for cut in b["cuts"]]
    assert edges
    # Text forms only where long enough not to turn up by chance in megabytes of ciphertext.
    texts = [text for cut in edges for text in (json.dumps(cut), f"{cut:.6g}") if len(text) >= 8]
    forms = [form for cut in edges for form in (struct.pack("<d", cut), struct.pack(">d", cut))]
    forms += [text.encode() for text in texts]
    numeric = platform_X.select_dtypes("number")
    forms += [numeric[c].to_numpy(np.float64)[:8].tobytes() for c in numeric.columns]
    assert [f for f in forms if f in run.bank_wire] == []


def _edges(run: Run) -> list[float]:
    return [cut for b in _part(run.platform_dir, run.job, "platform.json")["binnings"] for cut in b["cuts"]]


def test_the_regulator_reads_the_platforms_bins_disclosed_to_it(run) -> None:
    assert run.disclosed["sent"].exit_code == 0, run.disclosed["sent"].output
    assert run.disclosed["shown"].exit_code == 0, run.disclosed["shown"].output
    shown = pd.read_csv(io.StringIO(run.disclosed["shown"].output), keep_default_na=False, dtype={"bin": str})
    expected = platform_bins_table(_part(run.platform_dir, run.job, "platform.json"))
    assert shown["bin"].tolist() == expected["bin"].tolist()
    np.testing.assert_allclose(shown["points"], expected["points"])
    assert any(f"{_edges(run)[0]:g}" in label for label in shown["bin"])


def test_the_bank_may_not_read_the_disclosure(run) -> None:
    refused = run.disclosed["asked_by_bank"]
    assert refused.exit_code != 0 and "bank_a" in refused.output and "ListDisclosures" in refused.output


def test_the_coordinator_stores_the_bins_sealed(run) -> None:
    labels = [b for b in platform_bins_table(_part(run.platform_dir, run.job, "platform.json"))["bin"] if len(b) >= 8]
    assert labels and [label for label in labels if label.encode() in run.disclosed["coordinator_db"]] == []
