"""Usage of the platform's data per period, bank, purpose and data category, from the audit log.

The data-providing departments (tax, social insurance, housing fund, utilities ...) are to
be told how their data is used (seed 002 item 10: use is fed back). Each ``data.use``
entry (a job used the platform's rows) and each online score or portrait entry (one
applicant) counts as one use of every category it lists; enterprises are counted distinct
per group through the entries' keyed tags, so the report holds counts and never an id.
Tags of job uses (the platform's key) and of online scores (the coordinator's key)
differ, so an enterprise both scored online and used in a job in one period counts twice.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from federation.coordinator.audit import GENESIS
from federation.coordinator.data_use import ACTION as DATA_USE, DataUseIndex
from federation.coordinator.errors import InvalidArgument
from federation.coordinator.store import AuditRow
from federation.governance.categories import PURPOSE

ONLINE_ACTIONS = ("score.online", "portrait.online")
NOT_RECORDED = "not_recorded"
PERIODS = {"month": 7, "day": 10}


@dataclass(frozen=True)
class UsageRow:
    period: str
    bank: str
    purpose: str
    category: str
    enterprises: int
    uses: int


@dataclass(frozen=True)
class UsageReport:
    rows: list[UsageRow]
    head_sha256: str


def usage_report(sessions: sessionmaker, index: DataUseIndex, period: str = "month") -> UsageReport:
    if period not in PERIODS:
        raise InvalidArgument(f"period must be one of {', '.join(PERIODS)}, got {period!r}")
    width = PERIODS[period]
    with sessions() as session:
        head = session.scalars(select(AuditRow.sha256).order_by(AuditRow.seq.desc()).limit(1)).first() or GENESIS
        entries = list(session.scalars(select(AuditRow).where(AuditRow.action.in_([DATA_USE, *ONLINE_ACTIONS]))
                                       .order_by(AuditRow.seq)))
        tags = index.tags_of(session, [entry.seq for entry in entries])
    enterprises: dict[tuple[str, str, str, str], set[str]] = defaultdict(set)
    uses: dict[tuple[str, str, str, str], int] = defaultdict(int)
    for entry in entries:
        bank = str(entry.details.get("bank", entry.actor))
        purpose = str(entry.details.get("purpose", PURPOSE))
        for category in entry.details.get("categories") or [NOT_RECORDED]:
            key = (entry.at[:width], bank, purpose, category)
            uses[key] += 1
            enterprises[key] |= tags.get(entry.seq, set())
    rows = [UsageRow(*key, enterprises=len(enterprises[key]), uses=uses[key]) for key in sorted(uses)]
    return UsageReport(rows, head)
