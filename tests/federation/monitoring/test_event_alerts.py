"""On synthetic data with a known event feed, every adverse event on a monitored enterprise
reaches the bank that lends to it with consent for the event's category, and no other
bank: the whole path (loan book, consent, rules, alert store, delivery) in one process."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from tests.support.coordinator import BANK_A, BANK_B, OPERATOR, PLATFORM, registered_service

from federation.data import load_table
from federation.data.synthetic import AS_OF, generate
from federation.monitoring.runner import day_event_alerts
from federation.monitoring.synthetic_portfolio import expected_event_alerts, synthetic_portfolio
from federation.scaleout.executor import LocalProcesses
from models.monitoring.event_rules import feed_for_day
from models.monitoring.rules import load_rules

RULES = load_rules(Path(__file__).parents[3] / "examples" / "monitoring" / "rules.yaml")
UNTIL = (dt.date.today() + dt.timedelta(days=365)).isoformat()


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("event-alerts")
    generate(root / "data", enterprises=8000, banks=2, seed=11, days=20)
    customers = {bank: load_table(root / "data" / f"{bank}.parquet", root / "data" / f"{bank}.yaml",
                                  role="bank").ids.tolist() for bank in ("bank_a", "bank_b")}
    portfolio = synthetic_portfolio(customers, np.random.default_rng(2), as_of=AS_OF, window_days=20)
    (root / "coordinator").mkdir()
    service = registered_service(root / "coordinator", PLATFORM, BANK_A, BANK_B, OPERATOR)
    for caller in (BANK_A, BANK_B):
        service.portfolio.report(caller, portfolio.loans[caller.name])
    for consent in portfolio.consents:
        service.consents.grant(OPERATOR, consent.enterprise, consent.bank, "financing", list(consent.categories),
                               UNTIL)
    feed = pd.read_parquet(root / "data" / "events.parquet")
    executor = LocalProcesses(1)
    for day in sorted({pd.Timestamp(d).date() for d in feed["date"]}):
        for bank in ("bank_a", "bank_b"):
            monitored = service.portfolio.monitored(PLATFORM, bank, day)
            service.alerts.submit(PLATFORM, day_event_alerts(bank, monitored, feed_for_day(feed, day), RULES,
                                                             executor))
    received = {}
    for caller in (BANK_A, BANK_B):
        received[caller.name] = alerts = []
        while batch := service.alerts.pending(caller, set()):
            alerts += batch
            service.alerts.ack(caller, [a.id for a in batch])
    return {"expected": expected_event_alerts(feed, portfolio), "received": received, "feed": feed,
            "portfolio": portfolio}


def _found(alerts):
    return {(a.bank, a.enterprise, a.date, a.event_type) for a in alerts}


def test_the_known_feed_has_alerts_for_both_banks_to_find(run):
    assert {bank for bank, *_ in run["expected"]} == {"bank_a", "bank_b"}
    assert len(run["expected"]) > 50


@pytest.mark.parametrize("bank", ["bank_a", "bank_b"])
def test_every_event_on_a_monitored_enterprise_alerts_its_bank_and_nothing_else(run, bank):
    expected = {e for e in run["expected"] if e[0] == bank}
    assert _found(run["received"][bank]) == expected


@pytest.mark.parametrize("bank", ["bank_a", "bank_b"])
def test_a_bank_never_receives_an_alert_for_another_bank(run, bank):
    assert {a.bank for a in run["received"][bank]} == {bank}


def test_events_on_enterprises_no_bank_monitors_raise_nothing(run):
    monitored = {(c.bank, c.enterprise) for c in run["portfolio"].consents}
    received = _found(run["received"]["bank_a"] + run["received"]["bank_b"])
    assert all((bank, enterprise) in monitored for bank, enterprise, _, _ in received)
    assert len(run["feed"]) > len(received)
