"""A small synthetic federation for a notebook: data, certificates, processes, a trained model.

A notebook plays every role, like the demo, and says so; each step it shows still runs
as the real party would (its own process, mutual TLS, its own files). Certificates are
issued up front for the parties and any extra identities a notebook needs (the
platform's monitoring identity, a regulator), since ``LocalFederation`` issues only the
parties' and the operator's.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from federation.data import PartyTable, load_table
from federation.data.synthetic import SyntheticSummary, generate
from federation.demo import run_psi_round
from federation.party.client import job_summary
from federation.launcher import OPERATOR, LocalFederation, PartySpec
from federation.security.certs import init_certificates
from federation.security.roles import Role

PLATFORM, BANK = "platform", "bank_a"
# Small enough for a notebook to train in seconds under 2048-bit encryption: the bank's
# decryption of the platform's histograms grows with features x bins x nodes.
NOTEBOOK_MODEL = {"n_estimators": 5, "max_depth": 2, "max_bin": 8, "learning_rate": 0.5, "random_state": 0}
HOLDOUT = {"test_size": 0.3, "seed": 0}


@dataclass
class Workspace:
    root: Path
    data: SyntheticSummary
    platform: PartySpec
    bank: PartySpec

    def tables(self) -> tuple[PartyTable, PartyTable]:
        """The bank's and the platform's validated tables (the notebook's own copies)."""
        return (load_table(self.bank.data, self.bank.schema, role="bank"),
                load_table(self.platform.data, self.platform.schema, role="platform"))

    def party_dir(self, name: str) -> Path:
        return self.root / "run" / "parties" / name


@dataclass(frozen=True)
class TrainedModel:
    psi_job: str
    model_job: str
    metrics: dict[str, Any]
    encryption: dict[str, Any]
    seconds: float


def synthetic_workspace(*, enterprises: int = 1200, seed: int = 0, root: Path | None = None) -> Workspace:
    """One platform and one bank (``bank_a``) of synthetic enterprises in a fresh folder."""
    root = root or Path(tempfile.mkdtemp(prefix="fedcredit-notebook-"))
    summary = generate(root / "data", enterprises=enterprises, banks=1, seed=seed)
    bank = summary.banks[0]
    return Workspace(root, summary, PartySpec(PLATFORM, Role.PLATFORM, summary.platform, summary.platform_schema),
                     PartySpec(BANK, Role.BANK, bank.data, bank.schema))


def start_federation(workspace: Workspace, extra: dict[str, Role] | None = None) -> LocalFederation:
    """Coordinator, platform and bank as processes; stop it with ``federation.stop()``."""
    certs = workspace.root / "run" / "certs"
    if not (certs / "ca.pem").exists():
        init_certificates(certs, {PLATFORM: Role.PLATFORM, BANK: Role.BANK, OPERATOR: Role.OPERATOR, **(extra or {})})
    federation = LocalFederation(workspace.root / "run", [workspace.platform, workspace.bank])
    federation.start()
    return federation


def train_joint_model(federation: LocalFederation, workspace: Workspace, psi_job: str | None = None,
                      model: dict[str, Any] | None = None, timeout: float = 900.0) -> TrainedModel:
    """Encrypted SecureBoost (``secureboost`` job) on the PSI intersection with a 30 % holdout;
    runs PSI first (checked against the truth) unless ``psi_job`` is given."""
    if psi_job is None:
        psi = run_psi_round(federation, [workspace.bank], workspace.platform)[BANK]
        if not psi["matches_truth"]:
            raise RuntimeError(f"PSI job {psi['job_id']} did not find the true intersection")
        psi_job = psi["job_id"]
    params = {"psi_job": psi_job, "model": model or NOTEBOOK_MODEL, "holdout": HOLDOUT}
    with federation.client(BANK) as client:
        job = client.submit_job("secureboost", [PLATFORM], params).id
        result = job_summary(client.wait_for_job(job, timeout))["results"][BANK]
    return TrainedModel(psi_job, job, result["model"]["metrics"], result["model"]["encryption"], result["seconds"])
