"""Adverse-event rules on the platform's daily feed, for the enterprises each bank monitors.

An event on an enterprise becomes an alert for a bank only when the bank monitors the
enterprise (a loan and a valid consent) and the consent covers the event's data
category; other banks' portfolios never see it. When several rules match one event,
the most severe one raises the alert. The work splits by enterprise into shards that
share nothing, so it runs as independent tasks (``federation.scaleout``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from models.monitoring.alerts import EVENT, Alert, event_alert_id, event_key
from models.monitoring.events import EVENT_CATEGORIES, EVENT_DESCRIPTIONS, FEED_COLUMNS
from models.monitoring.rules import SEVERITIES, Rule

MONITORED_COLUMNS: tuple[str, ...] = ("bank", "enterprise", "categories")


class FeedError(ValueError):
    """An event feed the rules cannot be applied to; the message names the column or value."""


def feed_for_day(feed: pd.DataFrame, day: dt.date) -> pd.DataFrame:
    """The feed's events of ``day``, checked, with ISO dates and text details."""
    missing = [c for c in FEED_COLUMNS if c not in feed.columns]
    if missing:
        raise FeedError(f"the event feed lacks column(s) {missing}; it needs {list(FEED_COLUMNS)}")
    dates = pd.to_datetime(feed["date"], errors="coerce")
    if dates.isna().any():
        raise FeedError(f"column 'date' has {int(dates.isna().sum())} values that are not dates")
    day_events = feed.loc[(dates.dt.date == day).to_numpy(), list(FEED_COLUMNS)].copy()
    unknown = sorted(set(day_events["event_type"]) - set(EVENT_CATEGORIES))
    if unknown:
        raise FeedError(f"column 'event_type' holds unknown types {unknown[:5]}; known: {', '.join(EVENT_CATEGORIES)}")
    day_events["date"] = day.isoformat()
    day_events["details"] = day_events["details"].fillna("").astype(str)
    return day_events.reset_index(drop=True)


@dataclass(frozen=True)
class EventShard:
    """One slice of the enterprises: their events of the day and who monitors them.

    ``monitored`` has columns bank, enterprise and categories (the consented data
    categories, comma-separated)."""

    events: pd.DataFrame
    monitored: pd.DataFrame
    rules: tuple[Rule, ...]


def event_shards(events: pd.DataFrame, monitored: pd.DataFrame, rules: Sequence[Rule], shards: int) -> list[EventShard]:
    """Split by a hash of the enterprise id, so an enterprise's events and its banks meet in one shard."""
    event_part = pd.util.hash_array(events["uscc"].to_numpy(dtype=object)) % shards
    monitored_part = pd.util.hash_array(monitored["enterprise"].to_numpy(dtype=object)) % shards
    chosen = tuple(rule for rule in rules if rule.kind == "adverse_event")
    return [EventShard(events[event_part == i].reset_index(drop=True),
                       monitored[monitored_part == i].reset_index(drop=True), chosen) for i in range(shards)]


def shard_alerts(shard: EventShard) -> list[Alert]:
    """The alerts of one shard (a module-level function, so a worker process or Ray task runs it)."""
    merged = shard.events.merge(shard.monitored, left_on="uscc", right_on="enterprise")
    ranked = sorted(shard.rules, key=lambda rule: SEVERITIES.index(rule.severity), reverse=True)
    alerts = []
    for row in merged.itertuples(index=False):
        category = EVENT_CATEGORIES[row.event_type]
        if category not in str(row.categories).split(","):
            continue
        rule = next((r for r in ranked if row.event_type in r.events), None)
        if rule is None:
            continue
        key = event_key(row.date, row.event_type, row.details)
        alerts.append(Alert(
            id=event_alert_id(row.bank, row.enterprise, rule.id, key), bank=row.bank, enterprise=row.enterprise,
            date=row.date, source=EVENT, rule=rule.id, kind=rule.kind, severity=rule.severity,
            reason=f"{EVENT_DESCRIPTIONS[row.event_type]} reported on {row.date}: {row.details}",
            event_type=row.event_type, categories=(category,)))
    return alerts
