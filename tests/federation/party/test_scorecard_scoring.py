"""A trained scorecard over mutual TLS: its model card, encrypted batch and online scores,
and a portrait, with the platform's side recorded off the wire.

One federation (coordinator and bank as processes, the platform in this process) trains a
scorecard with a holdout, then the bank generates the card, publishes masks, scores a few
applicants online, draws a portrait and scores the whole alignment in a batch job.
"""

from __future__ import annotations

import json
import struct
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pytest
from tests.support.wire_recorder import recorded_platform
from typer.testing import CliRunner

from federation.cli import app
from federation.data import load_table
from federation.data.synthetic import generate
from federation.launcher import OPERATOR, LocalFederation, PartySpec
from federation.party.online_scoring import OnlineScorer
from federation.party.scoring_job import SCORES_FILE
from federation.security.certs import init_certificates
from federation.security.roles import Role
from models.model_card import validate_card
from models.scorecard.stored import ScorecardHalf

pytestmark = pytest.mark.slow  # one federation trains and scores for about a minute

MODEL = {"max_prebins": 10, "max_bins": 5, "min_bin_size": 40, "max_iter": 25}
APPLICANTS = 4


@dataclass(frozen=True)
class Run:
    card: dict[str, Any]
    markdown: str
    bank_part: dict[str, Any]
    platform_part: dict[str, Any]
    applicants: list[str]
    online: list[float]
    online_wire: bytes
    portrait: dict[str, Any]
    portrait_wire: bytes
    batch: pd.DataFrame
    batch_wire: bytes
    bank_features: pd.DataFrame
    platform_features: pd.DataFrame

    def expected(self, ids: list[str]) -> np.ndarray:
        """The plaintext scorecard on both parties' rows of ``ids``, from the stored parts."""
        bank = ScorecardHalf.of_bank(self.bank_part).log_odds(self.bank_features.loc[ids])
        return bank + ScorecardHalf.from_part(self.platform_part).log_odds(self.platform_features.loc[ids])


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    root = tmp_path_factory.mktemp("scorecard-scoring")
    generate(root / "data", enterprises=3000, banks=1, seed=6)
    data = root / "data"
    bank_spec = PartySpec("bank_a", Role.BANK, data / "bank_a.parquet", data / "bank_a.yaml")
    platform_table = load_table(data / "platform.parquet", data / "platform.yaml", role="platform")
    bank_table = load_table(bank_spec.data, bank_spec.schema, role="bank")
    init_certificates(root / "run" / "certs", {"bank_a": Role.BANK, "platform": Role.PLATFORM,
                                               OPERATOR: Role.OPERATOR, "regulator": Role.REGULATOR})
    runner = CliRunner()
    with LocalFederation(root / "run", [bank_spec]) as federation, \
            recorded_platform(federation, platform_table, root / "platform-work") as recorder:
        bank_dir = federation.workdir / "parties" / "bank_a"
        args = ["--name", "bank_a", "--coordinator", federation.target, "--certs", str(federation.certs)]
        with federation.client("bank_a") as client:
            psi = client.submit_job("psi", ["platform"]).id
            client.wait_for_job(psi, timeout=300)
            model = client.submit_job("scorecard", ["platform"], {
                "psi_job": psi, "model": MODEL, "holdout": {"test_size": 0.3, "seed": 0}}).id
            client.wait_for_job(model, timeout=900)
            card = runner.invoke(app, ["model-card", "show", model, *args, "--workdir", str(bank_dir), "--format", "json"])
            markdown = runner.invoke(app, ["model-card", "show", model, *args, "--workdir", str(bank_dir)])
            client.wait_for_job(client.submit_job("publish_masks", ["platform"],
                                                  {"psi_job": psi, "model": model}).id, timeout=600)
            scorer = OnlineScorer(bank_dir, model)
            index = pd.read_parquet(bank_dir / "models" / model / "online" / "index.parquet")
            applicants = index["id"].iloc[:: len(index) // APPLICANTS][:APPLICANTS].tolist()
            rows = pd.Series(np.arange(len(bank_table)), index=bank_table.ids)
            recorder.received.clear()
            online = [scorer.score(client, e, bank_table.features.iloc[[rows[e]]]).raw_score for e in applicants]
            online_wire = recorder.everything()
            recorder.received.clear()
            portrait = runner.invoke(app, ["portrait", *args, "--workdir", str(bank_dir), "--model", model,
                                           "--enterprise", applicants[0], "--data", str(bank_spec.data),
                                           "--schema", str(bank_spec.schema), "--out", str(root / "p.html"),
                                           "--json"])
            portrait_wire = recorder.everything()
            recorder.received.clear()
            batch_job = client.submit_job("score_batch", ["platform"], {"psi_job": psi, "model": model}).id
            client.wait_for_job(batch_job, timeout=600)
            batch_wire = recorder.everything()
        bank_part = json.loads((bank_dir / "models" / model / "bank.json").read_text())["model"]
        batch = pd.read_parquet(bank_dir / "jobs" / batch_job / SCORES_FILE)
    assert card.exit_code == 0, card.output
    assert portrait.exit_code == 0, portrait.output
    platform_part = json.loads((root / "platform-work" / "models" / model / "platform.json").read_text())
    return Run(json.loads(card.output), markdown.output, bank_part, platform_part, applicants, online, online_wire,
               json.loads(portrait.output.strip().splitlines()[-1]), portrait_wire, batch, batch_wire,
               bank_table.features.set_axis(bank_table.ids), platform_table.features.set_axis(platform_table.ids))


def _score_forms(values: np.ndarray) -> list[bytes]:
    """float64 and text: a lone float32 pattern turns up by chance in megabytes of ciphertext."""
    return [struct.pack("<d", v) for v in values] + [f"{v:.6f}".encode() for v in values]


def test_the_card_shows_the_points_table_and_is_schema_valid(run: Run) -> None:
    validate_card(run.card)
    (section,) = [s for s in run.card["model_sections"] if s["id"] == "points_table"]
    rows = [dict(zip(section["table"]["columns"], row)) for row in section["table"]["rows"]]
    assert rows[0]["feature"] == "(base points)" and rows[0]["points"] == run.bank_part["scorecard"]["base_points"]
    assert {r["feature_group"] for r in rows if r["party"] == "platform"} == {
        g["group"] for g in run.bank_part["scorecard"]["platform_groups"]}


def test_the_markdown_card_shows_the_points_table(run: Run) -> None:
    assert "## Scorecard points table" in run.markdown and "| bank | base | (base points) |" in run.markdown


def test_the_card_names_no_platform_feature_or_edge(run: Run) -> None:
    features = run.platform_part["scorecard"]["features"]
    names = [f["name"] for f in features]
    bank_labels = {label for f in run.bank_part["scorecard"]["features"] for label in f["bins"]}
    labels = [label for f in features for label in f["bins"] if not any(label in own for own in bank_labels)]
    text = json.dumps(run.card) + run.markdown
    assert names and [n for n in names if n in text] == [] and [b for b in labels if b in text] == []


def test_the_card_quotes_the_scorecard_leakage_table(run: Run) -> None:
    titles = [s["title"] for s in run.card["privacy"]["leakage"]]
    assert any(t.startswith("Scorecard") for t in titles)


def test_online_scores_equal_plaintext_scores(run: Run) -> None:
    assert np.abs(np.array(run.online) - run.expected(run.applicants)).max() <= 1e-6


def test_batch_scores_equal_plaintext_scores(run: Run) -> None:
    expected = run.expected(run.batch["id"].tolist())
    assert len(run.batch) > 100 and np.abs(run.batch["raw_score"].to_numpy() - expected).max() <= 1e-6


def test_the_portraits_group_contributions_add_up_to_its_score(run: Run) -> None:
    reasons = run.portrait["reasons"]
    total = reasons["expected_raw_score"] + sum(g["log_odds"] for g in reasons["groups"])
    assert {g["party"] for g in reasons["groups"]} == {"bank", "platform"}
    assert abs(total - run.portrait["score"]["raw_score"]) <= 1e-6
    assert abs(run.portrait["score"]["raw_score"] - run.expected(run.applicants[:1])[0]) <= 1e-6


def test_the_platform_receives_no_enterprise_id_or_score_online(run: Run) -> None:
    wire = run.online_wire + run.portrait_wire
    scores = np.array(run.online)
    assert run.online_wire and run.portrait_wire
    assert [e for e in run.applicants if e.encode() in wire] == []
    assert [f for f in _score_forms(np.r_[scores, 1 / (1 + np.exp(-scores))]) if f in wire] == []


def test_the_platform_receives_no_enterprise_id_or_score_in_a_batch(run: Run) -> None:
    scores = run.batch["raw_score"].to_numpy()[:64]
    bank_share = ScorecardHalf.of_bank(run.bank_part).log_odds(run.bank_features.loc[run.batch["id"][:64]])
    assert len(run.batch_wire) > 100_000
    assert [e for e in run.batch["id"][:200] if e.encode() in run.batch_wire] == []
    assert [f for f in _score_forms(np.r_[scores, bank_share]) if f in run.batch_wire] == []
