"""The nightly run end to end: coordinator, platform and bank as processes over mutual TLS,
a trained joint model, a loan book with consents and a day's feed with injected events.
The monitoring run (its platform half recorded off the wire) files event alerts, has the
bank re-score its portfolio under encryption and file sealed score alerts, and files the
drift report; a second run of the same date adds nothing; a run killed with SIGKILL and
started again finishes the day."""

from __future__ import annotations

import datetime as dt
import html
import json
import os
import re
import signal
import sqlite3
import struct
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from tests.support.chromium import artifacts_dir, chromium_binary, rendered_dom, screenshot
from tests.support.monitoring_federation import MonitoringWorld, monitoring_world
from tests.support.waiting import wait_until
from tests.support.wire_recorder import WireRecorder
from typer.testing import CliRunner

from federation.cli import app
from federation.data.synthetic.platform import HOME_DIVISIONS
from federation.governance.categories import CATEGORIES
from federation.governance.data_use import INDEX_KEY_FILE, IndexKey
from federation.monitoring.runner import report_path
from federation.monitoring.synthetic_portfolio import expected_event_alerts
from federation.party.client import CoordinatorClient
from federation.party.monitoring_calls import monitoring_reports
from federation.party.publish_job import PUBLIC_RECORDS_FILE
from federation.security.certs import issue_enterprise_certificate, load_credentials
from models.scoring.reference import plaintext_scores

pytestmark = pytest.mark.slow
DAY, NEXT_DAY = dt.date(2026, 10, 2), dt.date(2026, 10, 3)


def _feed(customers: list[str], others: list[str]) -> pd.DataFrame:
    """Injected events on DAY: tax arrears on every 5th customer, judgments on every 7th
    (covered by consent for the first 120 only), and arrears on enterprises nobody lends to."""
    rows = [(DAY, e, "tax_arrears", '{"amount_cny":100}') for e in customers[:200:5]]
    rows += [(DAY, e, "new_judgment", '{"role":"defendant"}') for e in customers[:200:7]]
    rows += [(DAY, e, "tax_arrears", "{}") for e in others[:10]]
    rows += [(NEXT_DAY, e, "tax_arrears", "{}") for e in customers[:30]]
    return pd.DataFrame(rows, columns=["date", "uscc", "event_type", "details"])


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MonitoringWorld]:
    with monitoring_world(tmp_path_factory.mktemp("monitor-run"), _feed) as world:
        yield world


@pytest.fixture(scope="module")
def segments(world: MonitoringWorld) -> list[Path]:
    """The public records of every home region, which the model card's segment metrics read."""
    with world.federation.client("bank_a") as client:
        published = [client.submit_job("publish", ["platform"], {"region": name}).id
                     for name, _ in HOME_DIVISIONS.values()]
        for job in published:
            client.wait_for_job(job, timeout=300)
    return [world.bank_dir / "jobs" / job / PUBLIC_RECORDS_FILE for job in published]


@pytest.fixture(scope="module")
def first(world):
    recorder = WireRecorder()
    summary = world.run(DAY, recorder)
    return {"summary": summary, "wire": recorder.everything(), "inbox": world.inbox(),
            "scores": pd.read_parquet(world.bank_dir / "monitoring" / "scores" / f"{DAY}.parquet")}


def test_the_run_succeeds_for_the_bank(first):
    assert first["summary"]["failed"] == []
    assert first["summary"]["banks"]["bank_a"]["job_state"] == "succeeded"


def test_the_bank_scores_the_borrowers_that_authorize_every_platform_category(first, world):
    fully = {c.enterprise for c in world.portfolio.consents if c.categories == CATEGORIES}
    borrowers = {loan.enterprise for loan in world.portfolio.loans["bank_a"]}
    assert set(first["scores"]["enterprise"]) == fully & borrowers


def test_encrypted_monitoring_scores_equal_the_plaintext_model(first, world):
    scores, bank, platform = first["scores"], world.bank_table, world.platform_table
    bank_part = json.loads((world.bank_dir / "models" / world.model / "bank.json").read_text())["model"]
    platform_part = json.loads((world.platform_dir / "models" / world.model / "platform.json").read_text())
    bank_rows = pd.Series(np.arange(len(bank)), index=bank.ids)[scores["enterprise"]].to_numpy()
    platform_rows = pd.Series(np.arange(len(platform)), index=platform.ids)[scores["enterprise"]].to_numpy()
    expected = plaintext_scores(bank_part, platform_part, bank.features.iloc[bank_rows],
                                platform.features.iloc[platform_rows])
    assert np.abs(scores["raw_score"].to_numpy() - expected).max() <= 1e-6


def test_every_injected_event_on_a_monitored_enterprise_reaches_the_bank(first, world):
    day_feed = world.feed[world.feed["date"] == DAY]
    expected = expected_event_alerts(day_feed, world.portfolio)
    received = {(a["bank"], a["enterprise"], a["date"], a["event_type"]) for a in first["inbox"]
                if a["source"] == "event"}
    assert received == expected
    assert len(expected) > 20


def test_score_alerts_arrive_opened_for_exactly_the_enterprises_above_the_threshold(first):
    above = set(first["scores"].loc[first["scores"]["probability"] > 0.08, "enterprise"])
    received = [a for a in first["inbox"] if a["source"] == "score"]
    assert {a["enterprise"] for a in received} == above
    assert above and all(a["rule"] == "pd_above_8pct" and "probability of default" in a["reason"] for a in received)


def test_the_platform_side_receives_no_score_and_the_coordinator_stores_none(first, world):
    raw, probability = first["scores"]["raw_score"].to_numpy(), first["scores"]["probability"].to_numpy()
    forms = [struct.pack("<d", v) for v in np.concatenate([raw, probability])]
    forms += [f"{v:.6f}".encode() for v in raw] + [f"{p:.2%}".encode() for p in probability]
    assert [f for f in forms if f in first["wire"]] == []
    with sqlite3.connect(world.database) as db:
        stored = db.execute("SELECT rule, kind, severity, reason FROM alerts WHERE source = 'score'").fetchall()
    assert stored and set(stored) == {("", "", "", "")}


def _history(world, uscc: str) -> list:
    """The enterprise's own self-query over mutual TLS, with the tag the platform's key gives it."""
    federation = world.federation
    tag = IndexKey.load_or_create(world.platform_dir / INDEX_KEY_FILE).tag(uscc)
    issue_enterprise_certificate(federation.certs, uscc, tag)
    with CoordinatorClient(federation.target, load_credentials(federation.certs, uscc)) as client:
        return list(client.enterprise_history())


def test_a_scored_borrower_finds_the_nights_monitoring_in_its_history_and_an_unscored_one_does_not(first, world):
    scored = sorted(first["scores"]["enterprise"])[0]
    uses = [json.loads(r.details_json) for r in _history(world, scored) if r.action == "data.use"]
    assert [(u["kind"], u["bank"]) for u in uses if u["kind"] == "monitor"] == [("monitor", "bank_a")]
    borrowers = {loan.enterprise for loan in world.portfolio.loans["bank_a"]}
    unscored = sorted(borrowers - set(first["scores"]["enterprise"]))[0]
    assert [r for r in _history(world, unscored) if r.action == "data.use" and '"monitor"' in r.details_json] == []


def test_the_drift_report_is_filed_and_the_regulator_reads_it(first, world):
    report = json.loads(report_path(world.platform_dir, DAY, "bank_a").read_text())
    assert report["score"]["psi"] == 0.0 and report["model_id"] == world.model
    assert {"tax", "social_insurance"} <= set(report["feature_groups"])
    federation = world.federation
    with CoordinatorClient(federation.target, load_credentials(federation.certs, "regulator")) as regulator:
        regulator.register()
        assert [r["report"] for r in monitoring_reports(regulator, DAY.isoformat())] == [report]


def test_the_models_card_with_the_nights_drift_shows_every_section_from_real_values(first, world, segments,
                                                                                     tmp_path):
    """The page a regulator reviews: the owner's card with segment metrics and the drift of
    the run above (as filed with the coordinator: the bank has no file of the platform's),
    an approval, exported and rendered in headless Chromium."""
    federation, model = world.federation, world.model
    def args(name: str) -> list[str]:
        return ["--name", name, "--coordinator", federation.target, "--certs", str(federation.certs)]
    segment_args = [arg for path in segments for arg in ("--segments", str(path))]
    drift = report_path(world.platform_dir, DAY, "bank_a")
    runner = CliRunner()
    owner = runner.invoke(app, ["model-card", "show", model, *args("bank_a"), "--workdir", str(world.bank_dir),
                                *segment_args, "--publish", "--format", "json"])
    assert owner.exit_code == 0, owner.output
    approved = runner.invoke(app, ["approve-model", model, *args("regulator"), "--decision", "conditional",
                                   "--note", "watch the social insurance feed"])
    assert approved.exit_code == 0, approved.output
    exported = runner.invoke(app, ["model-card", "export", model, *args("regulator"), "--out", str(tmp_path)])
    assert exported.exit_code == 0, exported.output
    card = json.loads((tmp_path / "model_card.json").read_text())
    report = json.loads(drift.read_text())
    assert card["monitoring"] == report and card["approvals"][0]["decision"] == "conditional"
    assert card["training_data"]["intersection_size"] > 0 and card["metrics"]["by_segment"]["region"]
    binary = chromium_binary()
    if binary is None:
        pytest.skip("no Chromium on this machine")
    page = tmp_path / "model_card.html"
    dom = rendered_dom(binary, page)
    shown = {
        "Model details": model, "Intended use": card["intended_use"]["uses"][0],
        "Training data": str(card["training_data"]["intersection_size"]),
        "Metrics": f"{card['metrics']['overall']['auc']:.4f}",
        "Privacy": str(card["privacy"]["parameters"]["key_bits"]),
        "Monitoring": f'"psi": {report["score"]["psi"]}', "Limitations and caveats": card["limitations"][0][:40],
        "Approvals": "watch the social insurance feed"}
    sections = re.split(r"<h2>", dom)
    missing = {title: value for title, value in shown.items()
               if not any(part.startswith(f"{title}</h2>") and html.escape(value, quote=False) in part
                          for part in sections)}
    assert missing == {}
    screenshot(binary, page, artifacts_dir() / "model_card_monitored.png", window="1280,5000")


def test_running_the_same_date_again_from_scratch_adds_no_alert(first, world):
    (world.platform_dir / "monitoring" / "runs" / DAY.isoformat() / "progress.json").unlink()
    again = world.run(DAY)
    events = again["banks"]["bank_a"]["events"]
    assert (events["stored"], events["duplicates"]) == (0, first["summary"]["banks"]["bank_a"]["events"]["stored"])
    assert again["banks"]["bank_a"]["job"] != first["summary"]["banks"]["bank_a"]["job"]
    assert world.inbox() == first["inbox"]


def test_a_run_killed_mid_way_and_started_again_finishes_the_day(first, world):
    federation, root = world.federation, world.root
    args = [sys.executable, "-m", "federation", "monitor", "run", "--date", NEXT_DAY.isoformat(),
            "--coordinator", federation.target, "--certs", str(federation.certs),
            "--data", str(world.platform.data), "--schema", str(world.platform.schema),
            "--workdir", str(world.platform_dir), "--events", str(root / "feed.parquet"),
            "--rules", str(root / "rules.yaml"), "--ray-address", "", "--json"]
    env = {**os.environ, "FEDCREDIT_PARENT_PID": str(os.getpid())}
    progress = world.platform_dir / "monitoring" / "runs" / NEXT_DAY.isoformat() / "progress.json"
    killed = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
    wait_until(lambda: progress.exists() and "job" in json.loads(progress.read_text())["banks"].get("bank_a", {}),
               "the interrupted run starting bank_a's job")
    killed.send_signal(signal.SIGKILL)
    killed.wait(timeout=30)
    job = json.loads(progress.read_text())["banks"]["bank_a"]["job"]
    finished = subprocess.run(args, capture_output=True, env=env, timeout=900)
    summary = json.loads(finished.stdout.decode().strip().splitlines()[-1])
    assert finished.returncode == 0, finished.stderr.decode()[-2000:]
    assert summary["banks"]["bank_a"]["job"] == job and summary["banks"]["bank_a"]["report"] == "done"
    inbox = world.inbox()
    assert len({a["id"] for a in inbox}) == len(inbox)
    assert {a["enterprise"] for a in inbox if a["date"] == NEXT_DAY.isoformat() and a["source"] == "event"} == \
        {e for _, e, d, _ in expected_event_alerts(world.feed, world.portfolio) if d == NEXT_DAY.isoformat()}
