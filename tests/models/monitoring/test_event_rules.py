"""Adverse-event rules: an event alerts exactly the banks that monitor the enterprise with
consent for the event's category, once, under the most severe matching rule."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from models.monitoring.event_rules import FeedError, event_shards, feed_for_day, shard_alerts
from models.monitoring.rules import parse_rules

DAY = dt.date(2026, 10, 2)
RULES = parse_rules({"rules": [
    {"id": "courts", "kind": "adverse_event", "events": ["new_judgment", "dishonesty_list"], "severity": "critical"},
    {"id": "anything_legal", "kind": "adverse_event", "events": ["new_judgment"], "severity": "warning"},
    {"id": "arrears", "kind": "adverse_event", "events": ["tax_arrears"], "severity": "warning"},
]}).event_rules


def _feed(rows):
    return pd.DataFrame(rows, columns=["date", "uscc", "event_type", "details"])


def _monitored(rows):
    return pd.DataFrame(rows, columns=["bank", "enterprise", "categories"])


def _alerts(feed, monitored, shards=1):
    return [a for shard in event_shards(feed_for_day(feed, DAY), monitored, RULES, shards) for a in shard_alerts(shard)]


def test_an_event_alerts_only_the_bank_that_monitors_the_enterprise(usccs):
    feed = _feed([(DAY, usccs[0], "new_judgment", '{"amount_cny": 1}')])
    monitored = _monitored([("bank_a", usccs[0], "court_judgments"), ("bank_b", usccs[1], "court_judgments")])
    assert [(a.bank, a.enterprise, a.rule, a.severity) for a in _alerts(feed, monitored)] == [
        ("bank_a", usccs[0], "courts", "critical")]


def test_no_alert_without_consent_for_the_events_category(usccs):
    feed = _feed([(DAY, usccs[0], "tax_arrears", "{}")])
    assert _alerts(feed, _monitored([("bank_a", usccs[0], "court_judgments,utilities")])) == []


def test_events_of_other_days_are_not_this_runs(usccs):
    feed = _feed([(DAY - dt.timedelta(days=1), usccs[0], "tax_arrears", "{}")])
    assert _alerts(feed, _monitored([("bank_a", usccs[0], "tax")])) == []


def test_two_banks_monitoring_one_enterprise_each_get_their_own_alert(usccs):
    feed = _feed([(DAY, usccs[0], "tax_arrears", "{}")])
    alerts = _alerts(feed, _monitored([("bank_a", usccs[0], "tax"), ("bank_b", usccs[0], "tax")]))
    assert sorted(a.bank for a in alerts) == ["bank_a", "bank_b"]
    assert len({a.id for a in alerts}) == 2


def test_ids_are_stable_and_the_same_event_twice_is_one_alert(usccs):
    feed = _feed([(DAY, usccs[0], "tax_arrears", '{"amount_cny": 5}')] * 2)
    monitored = _monitored([("bank_a", usccs[0], "tax")])
    first, again = _alerts(feed, monitored), _alerts(feed, monitored)
    assert len({a.id for a in first}) == 1
    assert {a.id for a in first} == {a.id for a in again}


def test_sharding_changes_nothing(usccs):
    feed = _feed([(DAY, u, kind, "{}") for u in usccs[:20] for kind in ("tax_arrears", "new_judgment")])
    monitored = _monitored([(bank, u, "tax,court_judgments") for bank in ("bank_a", "bank_b") for u in usccs[::2]])
    assert sorted(a.id for a in _alerts(feed, monitored, 1)) == sorted(a.id for a in _alerts(feed, monitored, 7))


def test_the_reason_says_what_happened_and_when(usccs):
    feed = _feed([(DAY, usccs[0], "tax_arrears", '{"amount_cny": 5}')])
    (alert,) = _alerts(feed, _monitored([("bank_a", usccs[0], "tax")]))
    assert alert.reason == 'tax arrears reported on 2026-10-02: {"amount_cny": 5}'
    assert alert.categories == ("tax",)


@pytest.mark.parametrize(("feed", "message"), [
    (pd.DataFrame({"date": [DAY], "uscc": ["x"], "event_type": ["tax_arrears"]}), "lacks column"),
    (_feed([(DAY, "x", "flood", "{}")]), "unknown types \\['flood'\\]"),
    (_feed([("yesterday", "x", "tax_arrears", "{}")]), "column 'date'"),
])
def test_a_bad_feed_is_refused_naming_the_problem(feed, message):
    with pytest.raises(FeedError, match=message):
        feed_for_day(feed, DAY)
