"""`fedcredit demo`: the whole federation on one machine, end to end, on synthetic data.

The demo plays every role at once, so unlike any real party it can see all tables; it
uses that only to check the federation's answers against the truth and says so.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from rich.console import Console
from rich.table import Table

from federation.data import load_table
from federation.files import read_json
from federation.data.synthetic import generate
from federation.launcher import LocalFederation, PartySpec
from federation.party.client import job_summary
from federation.party.online_scoring import OnlineScorer
from federation.party.portrait import build_portrait
from federation.party.scoring_job import SCORES_FILE
from federation.party.training import BANK_PART, PLATFORM_PART
from federation.security.roles import Role
from models.portrait.html import render_html
from models.scoring.reference import plaintext_scores

PLATFORM = "platform"
BANKS = ("bank_a", "bank_b")
DEMO_MODEL = {"n_estimators": 10, "max_depth": 3, "learning_rate": 0.3, "random_state": 0}


def demo_parties(data: Path) -> list[PartySpec]:
    parties = [PartySpec(PLATFORM, Role.PLATFORM, data / "platform.parquet", data / "platform.yaml")]
    parties += [PartySpec(b, Role.BANK, data / f"{b}.parquet", data / f"{b}.yaml") for b in BANKS]
    return parties


def run_psi_round(federation: LocalFederation, banks: list[PartySpec], platform: PartySpec,
                  timeout: float = 1800.0) -> dict[str, dict[str, Any]]:
    """Start PSI for every bank at once, wait for all, and check each against the true overlap."""
    jobs = {}
    for bank in banks:
        with federation.client(bank.name) as client:
            jobs[bank.name] = client.submit_job("psi", [platform.name]).id
    platform_ids = set(load_table(platform.data, platform.schema, role="platform").ids)
    results: dict[str, dict[str, Any]] = {}
    for bank in banks:
        with federation.client(bank.name) as client:
            summary = job_summary(client.wait_for_job(jobs[bank.name], timeout))
        found = pd.read_parquet(federation.workdir / "parties" / bank.name / "jobs" / jobs[bank.name]
                                / "intersection.parquet")
        truth = set(load_table(bank.data, bank.schema, role="bank").ids) & platform_ids
        results[bank.name] = {
            "job_id": jobs[bank.name],
            "bank_customers": summary["results"][bank.name]["bank_set_size"],
            "intersection": summary["results"][bank.name]["intersection_size"],
            "platform_learned": summary["results"][platform.name],
            "seconds": summary["results"][bank.name]["seconds"],
            "matches_truth": set(found["id"]) == truth,
        }
    return results


def run_training(federation: LocalFederation, bank: PartySpec, platform: PartySpec, psi_job: str,
                 timeout: float = 1800.0) -> dict[str, Any]:
    """Encrypted SecureBoost between one bank and the platform on their PSI intersection."""
    params = {"psi_job": psi_job, "model": DEMO_MODEL, "holdout": {"test_size": 0.3, "seed": 0}}
    with federation.client(bank.name) as client:
        job = client.submit_job("secureboost", [platform.name], params).id
        summary = job_summary(client.wait_for_job(job, timeout))
        entry = next(m for m in client.list_models() if m.id == job)
    model = summary["results"][bank.name]["model"]
    return {
        "job_id": job,
        "bank": bank.name,
        "version": entry.version,
        "parts": {part.party: part.file for part in entry.parts},
        "encryption": f"{model['encryption']['scheme']} {model['encryption']['key_bits']}-bit",
        "metrics": model["metrics"],
        "seconds": summary["results"][bank.name]["seconds"],
    }


def run_scoring(federation: LocalFederation, bank: PartySpec, platform: PartySpec, psi_job: str, model: str,
                timeout: float = 1800.0) -> dict[str, Any]:
    """Encrypted batch scoring of the bank's alignment, checked against plaintext scores
    computed from both model parts (which only the demo, playing every party, holds)."""
    with federation.client(bank.name) as client:
        job = client.submit_job("score_batch", [platform.name], {"psi_job": psi_job, "model": model}).id
        summary = job_summary(client.wait_for_job(job, timeout))
    parties = federation.workdir / "parties"
    scores = pd.read_parquet(parties / bank.name / "jobs" / job / SCORES_FILE)
    bank_table = load_table(bank.data, bank.schema, role="bank")
    platform_table = load_table(platform.data, platform.schema, role="platform")
    bank_rows = pd.Series(range(len(bank_table)), index=bank_table.ids)[scores["id"]].to_numpy()
    platform_rows = pd.Series(range(len(platform_table)), index=platform_table.ids)[scores["id"]].to_numpy()
    expected = plaintext_scores(read_json(parties / bank.name / "models" / model / BANK_PART)["model"],
                                read_json(parties / platform.name / "models" / model / PLATFORM_PART),
                                bank_table.features.iloc[bank_rows], platform_table.features.iloc[platform_rows])
    return {
        "job_id": job,
        "scored": len(scores),
        "mean_probability": round(float(scores["probability"].mean()), 4),
        "max_abs_error": float(np.abs(scores["raw_score"].to_numpy() - expected).max()),
        "encryption": summary["results"][bank.name]["encryption"]["scheme"],
        "seconds": summary["results"][bank.name]["seconds"],
    }


def run_portrait(federation: LocalFederation, bank: PartySpec, platform: PartySpec, psi_job: str, model: str,
                 peers_job: str, page: Path, timeout: float = 1800.0) -> dict[str, Any]:
    """The platform publishes its encrypted indicators (online scoring) and the public
    records of one region; the bank scores an applicant online and draws its portrait."""
    bank_dir = federation.workdir / "parties" / bank.name
    bank_table = load_table(bank.data, bank.schema, role="bank")
    platform_table = load_table(platform.data, platform.schema, role="platform")
    with federation.client(bank.name) as client:
        client.wait_for_job(client.submit_job("publish_masks", [platform.name],
                                              {"psi_job": psi_job, "model": model}).id, timeout)
        index = pd.read_parquet(bank_dir / "models" / model / "online" / "index.parquet")
        applicant = str(index["id"].iloc[len(index) // 2])
        region = platform_table.features["reg_region"][platform_table.ids == applicant].iloc[0]
        client.wait_for_job(client.submit_job("publish", [platform.name], {"region": str(region)}).id, timeout)
        features = bank_table.features.iloc[[int(np.flatnonzero(bank_table.ids == applicant)[0])]]
        started = time.perf_counter()
        online = OnlineScorer(bank_dir, model).score(client, applicant, features)
        latency = time.perf_counter() - started
        portrait = build_portrait(client, bank_dir, model, applicant, features, peers_job)
    page.write_text(render_html(portrait), encoding="utf-8")
    platform_row = platform_table.features.iloc[[int(np.flatnonzero(platform_table.ids == applicant)[0])]]
    expected = plaintext_scores(read_json(bank_dir / "models" / model / BANK_PART)["model"],
                                read_json(federation.workdir / "parties" / platform.name / "models" / model
                                          / PLATFORM_PART), features, platform_row)[0]
    reasons_total = portrait.expected_raw_score + sum(r.contribution for r in portrait.reasons)
    return {
        "enterprise": applicant,
        "online_ms": round(1000 * latency, 1),
        "online_abs_error": abs(online.raw_score - expected),
        "reasons_abs_error": abs(reasons_total - portrait.raw_score),
        "grade": portrait.grade.label,
        "points": round(portrait.points, 1),
        "probability": portrait.probability,
        "peers": None if portrait.peers is None else portrait.peers.to_dict(),
        "top_reasons": [reason.to_dict() for reason in portrait.ranked_reasons()[:3]],
        "public_facts": len(portrait.facts),
        "page": str(page),
    }


def _print(console: Console, report: dict[str, Any]) -> None:
    table = Table(title="Private set intersection (ECDH over Curve25519, via the coordinator)")
    for column in ("bank", "customers", "on platform", "platform learned", "seconds", "checked"):
        table.add_column(column)
    for bank, row in report["psi"].items():
        learned = f"a set of {row['platform_learned']['bank_set_size']}"
        table.add_row(bank, str(row["bank_customers"]), str(row["intersection"]), learned,
                      f"{row['seconds']:.1f}", "matches truth" if row["matches_truth"] else "WRONG")
    console.print(table)
    training = report["training"]
    metrics = training["metrics"]
    table = Table(title=f"Joint SecureBoost, gradients under {training['encryption']} (model v{training['version']})")
    for column in ("bank", "rows", "trees", "holdout AUC", "holdout KS", "seconds", "parts held by"):
        table.add_column(column)
    table.add_row(training["bank"], f"{metrics['n_train']} + {metrics['n_test']} held out", str(metrics["n_trees"]),
                  f"{metrics['auc']:.3f}", f"{metrics['ks']:.3f}", f"{training['seconds']:.1f}",
                  ", ".join(sorted(training["parts"])))
    console.print(table)
    scoring = report["scoring"]
    table = Table(title=f"Encrypted batch scoring ({scoring['encryption'].upper()} under {training['bank']}'s key)")
    for column in ("bank", "enterprises scored", "mean PD", "max |encrypted - plaintext|", "seconds"):
        table.add_column(column)
    table.add_row(training["bank"], str(scoring["scored"]), f"{scoring['mean_probability']:.3f}",
                  f"{scoring['max_abs_error']:.1e}", f"{scoring['seconds']:.1f}")
    console.print(table)
    portrait = report["portrait"]
    table = Table(title=f"Online score and credit portrait of {portrait['enterprise']} (platform saw neither)")
    for column in ("grade", "points", "PD", "among peers", "online ms", "max |encrypted - plaintext|"):
        table.add_column(column)
    peers = portrait["peers"]
    table.add_row(portrait["grade"], f"{portrait['points']:.0f}", f"{portrait['probability']:.3f}",
                  "–" if peers is None else f"safer than {peers['lower_risk_than']:.0f}% of {peers['peers']}",
                  f"{portrait['online_ms']:.0f}", f"{portrait['online_abs_error']:.1e}")
    console.print(table)
    reasons = ", ".join(f"{r['party']} {r['group'].replace('_', ' ')} {r['points']:+.0f}"
                        for r in portrait["top_reasons"])
    console.print(f"   strongest reasons (points): {reasons}")
    console.print(f"   portrait page: {portrait['page']}")
    console.print(f"[bold]{'OK' if report['ok'] else 'FAILED'}[/] in {report['seconds']:.1f} s; "
                  f"processes left running: {report['processes_left']}")


def run_demo(*, enterprises: int, seed: int, workdir: Path | None, echo: bool,
             portrait_page: Path = Path("demo-portrait.html")) -> dict[str, Any]:
    console = Console(stderr=not echo)
    started = time.monotonic()
    root = workdir or Path(tempfile.mkdtemp(prefix="fedcredit-demo-"))
    try:
        data = root / "data"
        console.print(f"[bold]1.[/] synthetic data: {enterprises} enterprises, {len(BANKS)} banks, seed {seed}")
        generate(data, enterprises=enterprises, banks=len(BANKS), seed=seed)
        parties = demo_parties(data)
        console.print("[bold]2.[/] coordinator, platform, bank_a, bank_b as separate processes, mutual TLS")
        federation = LocalFederation(root / "run", parties)
        with federation:
            console.print(f"   coordinator on {federation.target}; all parties registered")
            console.print("[bold]3.[/] PSI for both banks against the platform")
            psi = run_psi_round(federation, parties[1:], parties[0])
            console.print(f"[bold]4.[/] joint SecureBoost for {parties[1].name}, gradients encrypted under its key")
            training = run_training(federation, parties[1], parties[0], psi[parties[1].name]["job_id"])
            console.print(f"[bold]5.[/] encrypted batch scoring of {parties[1].name}'s aligned enterprises")
            scoring = run_scoring(federation, parties[1], parties[0], psi[parties[1].name]["job_id"],
                                  training["job_id"])
            console.print(f"[bold]6.[/] online score and credit portrait of one of {parties[1].name}'s applicants")
            portrait = run_portrait(federation, parties[1], parties[0], psi[parties[1].name]["job_id"],
                                    training["job_id"], scoring["job_id"], portrait_page)
        report = {
            "ok": all(r["matches_truth"] for r in psi.values()) and training["metrics"]["auc"] > 0.5
            and scoring["max_abs_error"] <= 1e-6 and portrait["online_abs_error"] <= 1e-6
            and portrait["reasons_abs_error"] <= 1e-5 and not federation.alive(),
            "enterprises": enterprises,
            "seed": seed,
            "psi": psi,
            "training": training,
            "scoring": scoring,
            "portrait": portrait,
            "processes_left": len(federation.alive()),
            "seconds": round(time.monotonic() - started, 2),
        }
        _print(console, report)
        return report
    finally:
        if workdir is None:
            shutil.rmtree(root, ignore_errors=True)
