"""Assembling a credit portrait at the bank, from what its work folder and one request hold.

The score and the feature-group contributions come from one online request
(``OnlineScorer.explain``): the platform decrypts masked sums without learning who. The
peers are the enterprises the bank scored in a ``score_batch`` job with the same model,
and the public facts and peer segments come from the public records the platform pushed
to the bank in bulk (``fedcredit publish``), so nothing here reveals the enterprise to the
platform either.
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pandas as pd

from federation.party.client import CoordinatorClient
from federation.party.online_scoring import OnlineScorer
from federation.party.publish_job import PUBLIC_RECORDS_FILE
from federation.party.scoring_job import SCORES_FILE
from models.portrait.peers import SEGMENT, peer_standing
from models.portrait.portrait import CreditPortrait, Reason
from models.portrait.public_facts import ID_COLUMN, public_facts


def public_records(workdir: Path) -> pd.DataFrame:
    """Every public record published to the bank, the latest publication winning per
    enterprise; an empty table when nothing was published yet."""
    files = sorted((workdir / "jobs").glob(f"*/{PUBLIC_RECORDS_FILE}"), key=lambda path: path.stat().st_mtime)
    if not files:
        return pd.DataFrame({ID_COLUMN: pd.Series(dtype=str)})
    frames = pd.concat([pd.read_parquet(path) for path in files], ignore_index=True)
    return frames.drop_duplicates(ID_COLUMN, keep="last").reset_index(drop=True)


def peer_population(workdir: Path, peers_job: str, records: pd.DataFrame) -> pd.DataFrame:
    """The bank's batch scores of ``peers_job`` placed in their public segments."""
    path = workdir / "jobs" / peers_job / SCORES_FILE
    if not path.exists():
        raise FileNotFoundError(f"job {peers_job} left no {SCORES_FILE} in {workdir.name}; name a finished "
                                f"score_batch job of this bank")
    scores = pd.read_parquet(path, columns=["id", "probability"])
    present = [column for column in SEGMENT if column in records.columns]
    return scores.merge(records[[ID_COLUMN, *present]], left_on="id", right_on=ID_COLUMN, how="inner")


def build_portrait(client: CoordinatorClient, workdir: Path, model_id: str, enterprise: str,
                   features: pd.DataFrame, peers_job: str | None = None) -> CreditPortrait:
    """The portrait of ``enterprise`` (its bank features: one row of the bank's table)."""
    score, grouped, objections = OnlineScorer(workdir, model_id).explain(client, enterprise, features)
    records = public_records(workdir)
    facts = public_facts(records, enterprise)
    attributes = {fact.field: str(fact.value) for fact in facts if fact.field in SEGMENT and fact.value is not None}
    peers = None
    if peers_job is not None:
        population = peer_population(workdir, peers_job, records)
        peers = peer_standing(score.probability, attributes, population[population["id"] != enterprise])
    return CreditPortrait(
        enterprise=enterprise, model_id=model_id, generated_at=datetime.now(timezone.utc),
        raw_score=score.raw_score, probability=score.probability, expected_raw_score=grouped.expected,
        reasons=tuple(Reason(group, value) for group, value in grouped.contributions.items()),
        peers=peers, facts=tuple(facts), objections=objections)
