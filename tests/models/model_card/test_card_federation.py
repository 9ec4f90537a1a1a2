"""A real federation end to end: train with a holdout, publish public records for segments,
the owner publishes the card, the regulator reads and approves it, and an enterprise whose
data trained the model finds that use in its history."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest
from tests.support.chromium import artifacts_dir, chromium_binary, rendered_dom, screenshot
from typer.testing import CliRunner

from federation.cli import app
from federation.data.synthetic import generate
from federation.data.synthetic.platform import HOME_DIVISIONS
from federation.demo import demo_parties
from federation.launcher import OPERATOR, LocalFederation
from federation.party.publish_job import PUBLIC_RECORDS_FILE
from federation.party.training import PREDICTIONS_FILE
from federation.security.certs import init_certificates
from federation.security.roles import Role

runner = CliRunner()
MODEL = {"n_estimators": 3, "max_depth": 2, "random_state": 0}


@dataclass(frozen=True)
class Run:
    federation: LocalFederation
    model_id: str
    bank_work: Path
    segments: list[Path]

    def args(self, name: str) -> list[str]:
        return ["--name", name, "--coordinator", self.federation.target, "--certs", str(self.federation.certs)]


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Run]:
    root = tmp_path_factory.mktemp("card")
    generate(root / "data", enterprises=1500, banks=1, seed=4)
    parties = demo_parties(root / "data")[:2]
    init_certificates(root / "run" / "certs", {p.name: p.role for p in parties} | {
        OPERATOR: Role.OPERATOR, "regulator": Role.REGULATOR})
    with LocalFederation(root / "run", parties, receive_timeout=120) as federation:
        with federation.client("bank_a") as bank:
            psi = bank.submit_job("psi", ["platform"])
            bank.wait_for_job(psi.id, timeout=300)
            train = bank.submit_job("secureboost", ["platform"], {
                "psi_job": psi.id, "model": MODEL, "holdout": {"test_size": 0.3, "seed": 0}})
            bank.wait_for_job(train.id, timeout=600)
            published = [bank.submit_job("publish", ["platform"], {"region": name}).id
                         for name, _ in HOME_DIVISIONS.values()]
            for job in published:
                bank.wait_for_job(job, timeout=120)
        bank_work = root / "run" / "parties" / "bank_a"
        yield Run(federation, train.id, bank_work,
                  [bank_work / "jobs" / job / PUBLIC_RECORDS_FILE for job in published])


@pytest.mark.slow
def test_the_owner_publishes_and_the_regulator_reads_every_section(run: Run) -> None:
    segments = [arg for path in run.segments for arg in ("--segments", str(path))]
    owner = runner.invoke(app, ["model-card", "show", run.model_id, *run.args("bank_a"), "--workdir", str(run.bank_work),
                                *segments, "--publish", "--format", "json"])
    assert owner.exit_code == 0, owner.output
    regulator = runner.invoke(app, ["model-card", "show", run.model_id, *run.args("regulator"), "--format", "json"])
    card = json.loads(regulator.output)
    assert card["model_details"]["model_id"] == run.model_id
    assert card["training_data"]["intersection_size"] > 0
    assert card["metrics"]["overall"]["auc"] > 0.5
    assert {row["segment"] for row in card["metrics"]["by_segment"]["region"]} <= {
        name for name, _ in HOME_DIVISIONS.values()}
    assert card["privacy"]["parameters"]["key_bits"] >= 2048


@pytest.mark.slow
def test_the_regulators_approval_shows_on_the_card(run: Run) -> None:
    segments = [arg for path in run.segments for arg in ("--segments", str(path))]
    runner.invoke(app, ["model-card", "show", run.model_id, *run.args("bank_a"), "--workdir", str(run.bank_work),
                        *segments, "--publish"])
    approved = runner.invoke(app, ["approve-model", run.model_id, *run.args("regulator"), "--decision",
                                   "approved", "--note", "validated on holdout"])
    assert approved.exit_code == 0, approved.output
    markdown = runner.invoke(app, ["model-card", "show", run.model_id, *run.args("regulator")]).output
    assert "| regulator | approved | validated on holdout |" in markdown


@pytest.mark.slow
def test_the_regulator_reads_the_card_as_a_page(run: Run, tmp_path: Path) -> None:
    segments = [arg for path in run.segments for arg in ("--segments", str(path))]
    runner.invoke(app, ["model-card", "show", run.model_id, *run.args("bank_a"), "--workdir", str(run.bank_work),
                        *segments, "--publish"])
    page = runner.invoke(app, ["model-card", "show", run.model_id, *run.args("regulator"), "--format", "html"])
    assert page.exit_code == 0, page.output
    assert run.model_id in page.output and "<h3>By region</h3>" in page.output
    binary = chromium_binary()
    if binary is not None:
        path = tmp_path / "card.html"
        path.write_text(page.output, encoding="utf-8")
        assert "<h2>Approvals</h2>" in rendered_dom(binary, path)
        screenshot(binary, path, artifacts_dir() / "model_card_federation.png", window="1280,4000")


@pytest.mark.slow
def test_an_enterprise_in_the_training_set_finds_the_training_job(run: Run) -> None:
    predictions = pd.read_parquet(run.bank_work / "jobs" / run.model_id / PREDICTIONS_FILE)
    uscc = str(predictions["id"].iloc[0])
    issued = runner.invoke(app, ["certs", "enterprise", "--dir", str(run.federation.certs), "--uscc", uscc,
                                 "--platform-workdir", str(run.federation.workdir / "parties" / "platform")])
    assert issued.exit_code == 0, issued.output
    history = runner.invoke(app, ["enterprise", "history", *run.args(uscc)])
    uses = [json.loads(line) for line in history.output.splitlines()]
    assert [(u["action"], u["subject"]) for u in uses if u["subject"] == run.model_id] == [
        ("data.use", run.model_id)]
