"""The bank's side of online scoring: one applicant, one request through the coordinator.

Everything the bank needs is already in its work folder: its model part, and the masks
and index a ``publish_masks`` job left there. An applicant missing from the index is one
the platform published no indicators for, i.e. one that did not authorize the bank (or
was not aligned): it is refused here, before anything is sent. A scorecard (the kind is
read from the bank's part) is scored by ``models.scoring.scorecard``: the same request and
reply, the bank's own share added in the clear.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.special import expit

from federation.files import read_json
from federation.party.client import CoordinatorClient
from federation.party.online_job import INDEX_FILE, MASKS_FILE, online_dir
from federation.party.training import BANK_PART
from models.portrait.reasons import group_contributions
from models.scoring.drift import aligned_for_scoring
from models.scoring.model_kind import SCORECARD, stored_kind
from models.scoring.online import BankOnlineScorer, unmask
from models.scoring.scorecard import BankOnlineScorecard
from models.scoring.paths import leaves
from models.secureboost.binning import Binner
from models.secureboost.messages import Message
from models.secureboost.tree import Tree


class ApplicantNotPublished(PermissionError):
    """The platform published no indicators for this enterprise to this bank."""


@dataclass(frozen=True)
class GroupedReasons:
    """Decrypted contributions per ``party:group`` (log-odds) and the shared starting score."""

    expected: float
    contributions: dict[str, float]


@dataclass(frozen=True)
class OnlineScore:
    enterprise: str
    model_id: str
    raw_score: float
    probability: float


class OnlineScorer:
    """A model ready to score applicants: loaded once, used for many requests."""

    def __init__(self, workdir: Path, model_id: str) -> None:
        """``workdir`` is the bank agent's work folder (``fedcredit party --workdir``)."""
        self.model_id = model_id
        models = workdir / "models"
        part = read_json(models / model_id / BANK_PART)["model"]
        folder = online_dir(models, model_id)
        if not (folder / MASKS_FILE).exists():
            raise FileNotFoundError(f"model {model_id} has no published masks in {workdir.name}; "
                                    f"run `fedcredit publish-masks` first")
        masks = (folder / MASKS_FILE).read_bytes()
        self._scorecard = BankOnlineScorecard(part, masks) if stored_kind(part, model_id) == SCORECARD else None
        if self._scorecard is None:
            self._binner = Binner.from_dict(part["binner"])
            self._trees = [Tree.from_dict(tree) for tree in part["trees"]]
            self._base = float(part["base_score"])
            self._scorer = BankOnlineScorer(self._trees, self._base, self._binner.max_bin + 1, masks)
        index = pd.read_parquet(folder / INDEX_FILE)
        self._rows = dict(zip(index["id"].tolist(), index["row"].tolist()))

    def score(self, client: CoordinatorClient, enterprise: str, features: pd.DataFrame) -> OnlineScore:
        """Score ``enterprise`` from its bank features (one row, the bank table's columns)."""
        if self._scorecard is not None:
            return self._score_scorecard(client, enterprise, features, self._scorecard)
        row, bins = self._applicant(enterprise, features)
        request, mask = self._scorer.request(row, bins)
        value = client.score_applicant(self.model_id, enterprise, request)
        raw = self._scorer.score(Message("decrypt", {"values": [value]}).to_bytes(), mask)
        return OnlineScore(enterprise, self.model_id, raw, float(expit(raw)))

    def explain(self, client: CoordinatorClient, enterprise: str, features: pd.DataFrame
                ) -> tuple[OnlineScore, GroupedReasons, tuple[str, ...]]:
        """The score, each feature group's contribution to it and the enterprise's open
        objections, in one audited request."""
        if self._scorecard is not None:
            return self._explain_scorecard(client, enterprise, features, self._scorecard)
        row, bins = self._applicant(enterprise, features)
        if not self._scorer.split_groups and any(self._scorer.paths.leaves):
            raise ValueError(f"the masks of model {self.model_id} were published without the groups of "
                                        f"the platform's splits; run `fedcredit publish-masks` again")
        grouped = group_contributions(self._trees, leaves(self._trees), self._base,
                                      [feature.name for feature in self._binner.features], self._scorer.split_groups)
        request, mask = self._scorer.request(row, bins)
        reasons = self._scorer.explain(row, bins, grouped.contributions)
        value, values, objections = client.explain_applicant(self.model_id, enterprise, request, [blob for blob, _ in reasons])
        raw = self._base + unmask(value, mask)
        contributions = {group: unmask(v, m) for group, v, (_, m) in zip(grouped.groups, values, reasons)}
        return (OnlineScore(enterprise, self.model_id, raw, float(expit(raw))),
                GroupedReasons(grouped.expected, contributions), tuple(objections))

    def _score_scorecard(self, client: CoordinatorClient, enterprise: str, features: pd.DataFrame,
                         scorecard: BankOnlineScorecard) -> OnlineScore:
        request, mask = scorecard.request(self._row(enterprise, features))
        raw = scorecard.score(features, client.score_applicant(self.model_id, enterprise, request), mask)
        return OnlineScore(enterprise, self.model_id, raw, float(expit(raw)))

    def _explain_scorecard(self, client: CoordinatorClient, enterprise: str, features: pd.DataFrame,
                           scorecard: BankOnlineScorecard) -> tuple[OnlineScore, GroupedReasons, tuple[str, ...]]:
        row = self._row(enterprise, features)
        request, mask = scorecard.request(row)
        reasons = scorecard.explain(row)
        value, values, objections = client.explain_applicant(self.model_id, enterprise, request,
                                                             [blob for blob, _ in reasons])
        raw = scorecard.score(features, value, mask)
        contributions = scorecard.reasons(features, values, [m for _, m in reasons])
        return (OnlineScore(enterprise, self.model_id, raw, float(expit(raw))),
                GroupedReasons(scorecard.expected, contributions), tuple(objections))

    def _applicant(self, enterprise: str, features: pd.DataFrame) -> tuple[int, np.ndarray]:
        row = self._row(enterprise, features)
        bins = self._binner.transform(aligned_for_scoring(self._binner, features).reset_index(drop=True))
        return row, bins[0]

    def _row(self, enterprise: str, features: pd.DataFrame) -> int:
        row = self._rows.get(enterprise)
        if row is None:
            raise ApplicantNotPublished(
                f"{enterprise} is not among the {len(self._rows)} enterprises the platform published masks for "
                f"(model {self.model_id}): it has not authorized this bank, or was not aligned")
        if len(features) != 1:
            raise ValueError(f"one applicant's features are one row, got {len(features)}")
        return row
