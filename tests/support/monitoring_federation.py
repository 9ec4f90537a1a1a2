"""A federation ready for the nightly monitoring run: coordinator, platform and bank as
processes over mutual TLS, a trained joint model, a loan book with consents and an event
feed, for the monitoring run's tests and the fault suite that kills its processes mid-run.

The run itself is played from the test's process under the platform's monitoring identity
(``monitor``, a platform-role certificate of its own), as ``fedcredit monitor run`` would.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import sqlite3
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from tests.support.waiting import wait_until
from tests.support.wire_recorder import WireRecorder

from federation.data import PartyTable, load_table
from federation.data.synthetic import generate
from federation.governance.categories import CATEGORIES
from federation.launcher import OPERATOR, LocalFederation, PartySpec
from federation.monitoring.runner import MonitoringRun, RunConfig
from federation.monitoring.synthetic_portfolio import Consent, SyntheticPortfolio
from federation.party.alert_subscriber import INBOX_FILE, AlertInbox, AlertSubscriber
from federation.party.client import CoordinatorClient
from federation.party.monitoring_calls import report_loans
from federation.party.monitoring_state import BankMonitoringState
from federation.scaleout.executor import LocalProcesses, ShardExecutor
from federation.security.certs import init_certificates, load_credentials
from federation.security.roles import Role
from models.monitoring.portfolio import Loan
from models.monitoring.rules import parse_rules

RULES = {"rules": [
    {"id": "pd_above_8pct", "kind": "pd_above", "threshold": 0.08, "severity": "warning"},
    {"id": "drop_2", "kind": "grade_drop", "grades": 2, "severity": "critical"},
    {"id": "arrears", "kind": "adverse_event", "events": ["tax_arrears"], "severity": "warning"},
    {"id": "courts", "kind": "adverse_event", "events": ["new_judgment"], "severity": "critical"},
]}
MODEL = {"n_estimators": 5, "max_depth": 3, "random_state": 1}
# The day's events, from the bank's customers (sorted ids it shares with the platform) and
# enterprises on the platform nobody lends to.
Feed = Callable[[list[str], list[str]], pd.DataFrame]


def portfolio(customers: list[str]) -> SyntheticPortfolio:
    """Loans to 160 customers: 120 authorize everything, 20 only tax data, 20 nothing."""
    loans = [Loan(f"L{i}", e, dt.date(2026, 1, 1), dt.date(2027, 12, 31)) for i, e in enumerate(customers[:160])]
    consents = [Consent(e, "bank_a", CATEGORIES) for e in customers[:120]]
    consents += [Consent(e, "bank_a", ("tax",)) for e in customers[120:140]]
    consents += [Consent(e, "bank_a", CATEGORIES) for e in customers[160:180]]  # consent, but no loan
    return SyntheticPortfolio({"bank_a": loans}, consents)


@dataclass
class MonitoringWorld:
    root: Path
    federation: LocalFederation
    platform: PartySpec
    bank: PartySpec
    platform_table: PartyTable
    bank_table: PartyTable
    portfolio: SyntheticPortfolio
    feed: pd.DataFrame
    model: str

    @property
    def platform_dir(self) -> Path:
        return self.federation.workdir / "parties" / "platform"

    @property
    def bank_dir(self) -> Path:
        return self.federation.workdir / "parties" / "bank_a"

    @property
    def database(self) -> Path:
        return self.federation.workdir / "coordinator" / "coordinator.db"

    def run(self, day: dt.date, recorder: WireRecorder | None = None,
            executor: ShardExecutor | None = None) -> dict[str, Any]:
        """The night's run for ``day``, as the monitoring identity, on one local worker unless
        an ``executor`` is given; its summary. A bank's job that never ends fails the run
        within minutes instead of the production timeout's two hours."""
        client = CoordinatorClient(self.federation.target, load_credentials(self.federation.certs, "monitor"),
                                   interceptors=(recorder,) if recorder else ())
        client.register({"role": "platform"})
        config = RunConfig(day, parse_rules(RULES), self.feed, self.platform_dir, job_timeout=600,
                           receive_timeout=300)
        with client:
            return MonitoringRun(client, self.platform_table, config, executor or LocalProcesses(1)).run()

    def pending(self) -> int:
        """Alerts stored for the bank and not acknowledged yet."""
        with sqlite3.connect(self.database) as db:
            return db.execute("SELECT count(*) FROM alerts WHERE acked_at IS NULL").fetchone()[0]

    def inbox(self) -> list[dict[str, Any]]:
        """Everything delivered to bank_a so far, through a subscriber in this process."""
        inbox = AlertInbox(self.bank_dir / "monitoring" / INBOX_FILE)
        stop = threading.Event()
        with self.federation.client("bank_a") as client:
            subscriber = AlertSubscriber(client, inbox, BankMonitoringState(self.bank_dir).sealing_key())
            thread = threading.Thread(target=subscriber.run, args=(stop,))
            thread.start()
            try:
                wait_until(lambda: self.pending() == 0, "bank_a acknowledging every alert")
            finally:
                stop.set()
                thread.join(timeout=30)
        try:
            return inbox.alerts()
        finally:
            inbox.close()


@contextlib.contextmanager
def monitoring_world(root: Path, feed_of: Feed, **options: Any) -> Iterator[MonitoringWorld]:
    """Data for 4000 enterprises, the federation (``options`` go to ``LocalFederation``), PSI,
    a 5-tree joint model, the portfolio's loans reported and its consents granted, and the
    feed written to ``root/feed.parquet`` (the CLI reads it from there)."""
    generate(root / "data", enterprises=4000, banks=1, seed=9)
    run = root / "run"
    init_certificates(run / "certs", {"bank_a": Role.BANK, "platform": Role.PLATFORM, "monitor": Role.PLATFORM,
                                      OPERATOR: Role.OPERATOR, "regulator": Role.REGULATOR})
    bank = PartySpec("bank_a", Role.BANK, root / "data" / "bank_a.parquet", root / "data" / "bank_a.yaml")
    platform = PartySpec("platform", Role.PLATFORM, root / "data" / "platform.parquet", root / "data" / "platform.yaml")
    platform_table = load_table(platform.data, platform.schema, role="platform")
    bank_table = load_table(bank.data, bank.schema, role="bank")
    on_platform = set(platform_table.ids.tolist())
    customers = sorted(e for e in bank_table.ids.tolist() if e in on_platform)
    others = sorted(on_platform - set(bank_table.ids.tolist()))
    book, feed = portfolio(customers), feed_of(customers, others)
    feed.to_parquet(root / "feed.parquet")
    (root / "rules.yaml").write_text(json.dumps(RULES))
    with LocalFederation(run, [platform, bank], **options) as federation:
        with federation.client("bank_a") as client:
            psi = client.submit_job("psi", ["platform"]).id
            client.wait_for_job(psi, timeout=300)
            model = client.submit_job("secureboost", ["platform"], {
                "psi_job": psi, "model": MODEL, "holdout": {"test_size": 0.3, "seed": 0}}).id
            client.wait_for_job(model, timeout=900)
            report_loans(client, book.loans["bank_a"])
        until = (dt.date.today() + dt.timedelta(days=365)).isoformat()
        with federation.client(OPERATOR) as operator:
            for consent in book.consents:
                operator.grant_consent(consent.enterprise, "bank_a", list(consent.categories), until)
        yield MonitoringWorld(root, federation, platform, bank, platform_table, bank_table, book, feed, model)
