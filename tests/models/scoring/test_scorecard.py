"""Encrypted scoring of a scorecard, both parties in this process: batch and online scores
equal the plaintext scorecard's, reason codes add up to the score, and the platform's
answers reveal nothing it did not already hold."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pytest

from federation.data import generate, load_table
from models.scorecard import ScorecardClassifier
from models.scorecard.stored import ScorecardHalf
from models.scoring.keys import SLOTS, BfvKeys
from models.scoring.online import decrypt_masked
from models.scoring.scorecard import (
    BankOnlineScorecard, answer_batch, batch_request, batch_scores, publish_masks,
)
from models.secureboost.messages import Message, MessageFormatError

ROWS = 10_000
ONLINE_ROWS = [0, 1, 7, 8, 2047, 9999]


@dataclass(frozen=True)
class Trained:
    model: ScorecardClassifier
    bank_part: dict[str, Any]
    platform_part: dict[str, Any]
    bank: pd.DataFrame
    platform: pd.DataFrame


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> Trained:
    root = tmp_path_factory.mktemp("scorecard-scoring")
    generate(root, enterprises=60_000, banks=1, seed=3)
    bank = load_table(root / "bank_a.parquet", root / "bank_a.yaml", role="bank")
    platform = load_table(root / "platform.parquet", root / "platform.yaml", role="platform")
    left = pd.DataFrame({"id": bank.ids, "bank_row": np.arange(len(bank))})
    right = pd.DataFrame({"id": platform.ids, "platform_row": np.arange(len(platform))})
    aligned = left.merge(right, on="id").head(ROWS)
    assert len(aligned) == ROWS
    bank_X = bank.features.iloc[aligned["bank_row"]].reset_index(drop=True)
    platform_X = platform.features.iloc[aligned["platform_row"]].reset_index(drop=True)
    model = ScorecardClassifier(encryption=None, max_iter=60).fit(bank_X, bank.labels[aligned["bank_row"]], platform_X)
    # Through JSON, as the parts are stored.
    return Trained(model, json.loads(json.dumps(model.bank_model())), json.loads(json.dumps(model.platform_model())),
                   bank_X, platform_X)


@pytest.fixture(scope="module")
def online(trained: Trained) -> tuple[BankOnlineScorecard, BfvKeys]:
    platform_keys = BfvKeys.generate()
    masks = publish_masks(ScorecardHalf.from_part(trained.platform_part), trained.platform, platform_keys)
    return BankOnlineScorecard(trained.bank_part, masks), platform_keys


def _answer(request: bytes, platform_keys: BfvKeys) -> int:
    return int(Message.from_bytes(decrypt_masked(request, platform_keys)).fields["values"][0])


def test_the_stored_halves_give_the_trained_models_log_odds(trained: Trained) -> None:
    halves = (ScorecardHalf.of_bank(trained.bank_part).log_odds(trained.bank)
              + ScorecardHalf.from_part(trained.platform_part).log_odds(trained.platform))
    assert np.abs(halves - trained.model.decision_function(trained.bank, trained.platform)).max() <= 1e-12


def test_batch_scores_equal_plaintext_scores(trained: Trained) -> None:
    keys = BfvKeys.generate()
    bank, platform = ScorecardHalf.of_bank(trained.bank_part), ScorecardHalf.from_part(trained.platform_part)
    own = bank.log_odds(trained.bank)
    got = np.concatenate([
        batch_scores(answer_batch(batch_request(own[start : start + SLOTS], keys), platform,
                                  trained.platform.iloc[start : start + SLOTS]), keys, len(own[start : start + SLOTS]))
        for start in range(0, ROWS, SLOTS)])
    expected = trained.model.decision_function(trained.bank, trained.platform)
    assert len(got) == ROWS and np.abs(got - expected).max() <= 1e-6


def test_the_platform_refuses_a_chunk_for_other_rows(trained: Trained) -> None:
    keys = BfvKeys.generate()
    request = batch_request(np.zeros(10), keys)
    with pytest.raises(MessageFormatError, match="10 rows"):
        answer_batch(request, ScorecardHalf.from_part(trained.platform_part), trained.platform.head(9))


def test_online_scores_equal_plaintext_scores(trained: Trained, online) -> None:
    bank, platform_keys = online
    got = []
    for row in ONLINE_ROWS:
        request, mask = bank.request(row)
        got.append(bank.score(trained.bank.iloc[[row]], _answer(request, platform_keys), mask))
    expected = trained.model.decision_function(trained.bank.iloc[ONLINE_ROWS], trained.platform.iloc[ONLINE_ROWS])
    assert np.abs(np.array(got) - expected).max() <= 1e-6


def _reasons(trained: Trained, online, row: int) -> dict[str, float]:
    bank, platform_keys = online
    requests = bank.explain(row)
    return bank.reasons(trained.bank.iloc[[row]], [_answer(r, platform_keys) for r, _ in requests],
                        [m for _, m in requests])


def test_reason_codes_add_up_to_the_score(trained: Trained, online) -> None:
    bank, _ = online
    row = ONLINE_ROWS[2]
    reasons = _reasons(trained, online, row)
    score = trained.model.decision_function(trained.bank.iloc[[row]], trained.platform.iloc[[row]])[0]
    assert {g.split(":")[0] for g in reasons} == {"bank", "platform"}
    assert abs(bank.expected + sum(reasons.values()) - score) <= 1e-6


def test_platform_reasons_are_its_group_totals(trained: Trained, online) -> None:
    row = ONLINE_ROWS[3]
    reasons = _reasons(trained, online, row)
    platform = ScorecardHalf.from_part(trained.platform_part)
    expected = dict(zip(platform.groups, platform.group_terms(trained.platform.iloc[[row]])[0]))
    assert len(expected) > 1
    assert all(abs(reasons[f"platform:{g}"] - v) <= 1e-6 for g, v in expected.items())


def test_the_platform_decrypts_a_fresh_uniform_value_for_the_same_applicant(online) -> None:
    bank, platform_keys = online
    assert len({_answer(bank.request(5)[0], platform_keys) for _ in range(3)}) == 3


def test_the_published_masks_name_groups_not_features(trained: Trained, online) -> None:
    bank, _ = online
    names = [f["name"] for f in trained.platform_part["scorecard"]["features"]]
    assert names and not set(bank.platform_groups) & set(names)


def test_tree_masks_are_refused_for_a_scorecard(trained: Trained) -> None:
    keys = BfvKeys.generate()
    tree_masks = Message("platform_masks", {"rows": 1, "leaves": 2, "block": 2}, (keys.public_bytes(),)).to_bytes()
    with pytest.raises(MessageFormatError, match="tree model"):
        BankOnlineScorecard(trained.bank_part, tree_masks)


def test_a_row_outside_the_published_ones_is_refused(online) -> None:
    bank, _ = online
    with pytest.raises(IndexError, match=f"row {ROWS}"):
        bank.request(ROWS)
