"""Encrypted scoring of a scorecard: the nightly batch, one applicant online, reason codes.

A scorecard is additive: log-odds of default = the bank's share (intercept and its own
features' ``weight * WOE``) + the platform's share (its features' terms), each computed
by its owner from its own bins (``models.scorecard.stored``). So, unlike trees, the
platform's contribution to a row does not depend on the bank's, and what must be hidden
is only *whose* contribution the platform provides (online) and the contribution itself
from everyone but the bank.

**Batch.** The bank encrypts its share of a chunk of up to 8192 rows under its own fresh
BFV key; the platform adds its own share slot by slot as a plaintext and returns the one
ciphertext, which only the bank can decrypt: the scores. The platform learns which
enterprises are in the batch (it must evaluate its bins on them), nothing else.

**Online.** Ahead of time the platform publishes, under *its own* BFV key, its share per
feature group for every enterprise of an alignment (one block of slots per enterprise, one
slot per group, as ``models.scoring.online`` publishes a tree model's path indicators).
To score, the bank multiplies the applicant's block by 1 (by a 0/1 selector of one group
for a reason code), every other slot by 0, adds a uniform mask to every slot, and the
platform decrypts and returns only the sum of the slots. The bank adds its own share in
the clear. The platform learns neither who nor the score; the bank learns the platform's
total (per group, for a portrait) for that applicant, never a feature's points or bin.
Publishing group totals rather than per-feature terms means even a bank that deviated
from the protocol could decrypt no finer than a group.

Values are fixed point at ``keys.SCALE_BITS`` like leaf values, so encrypted scores equal
plaintext ones to within 2^-26 per term.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
import tenseal as ts

from models.portrait.reasons import BANK, PLATFORM, feature_group
from models.scorecard.stored import SCORECARD, ScorecardHalf
from models.scoring.keys import SLOTS, BfvKeys, decode_sums, encode_leaves, load_public
from models.scoring.online import block_size, encrypt_blocks, masked_request, unmask
from models.secureboost.messages import Message, MessageFormatError

BATCH_KIND = "score_scorecard"
SHARES = 2
"""A batch slot sums two fixed-point shares, the bank's and the platform's."""


def batch_request(bank_log_odds: np.ndarray, keys: BfvKeys) -> bytes:
    """The bank's request for one chunk: its public key and its share of each row, encrypted."""
    if len(bank_log_odds) > SLOTS:
        raise ValueError(f"a chunk holds at most {SLOTS} rows, got {len(bank_log_odds)}")
    share = ts.bfv_vector(keys.context, encode_leaves(bank_log_odds, SHARES).tolist())
    return Message(BATCH_KIND, {"rows": len(bank_log_odds)}, (keys.public_bytes(), share.serialize())).to_bytes()


def answer_batch(request: bytes, platform: ScorecardHalf, features: pd.DataFrame) -> bytes:
    """The platform's reply for one chunk, ``features`` being its rows in request order:
    the bank's ciphertext plus its own share, which it cannot read back."""
    message = Message.from_bytes(request, expect=BATCH_KIND)
    rows = int(message.fields["rows"])
    if rows != len(features) or rows > SLOTS:
        raise MessageFormatError(f"the bank scores {rows} rows, the platform was given {len(features)}")
    if len(message.blobs) != 2:
        raise MessageFormatError(f"a scorecard chunk needs a key and one ciphertext, got {len(message.blobs)} blobs")
    total = ts.bfv_vector_from(load_public(message.blobs[0]), message.blobs[1])
    if total.size() != rows:
        raise MessageFormatError(f"the bank's ciphertext holds {total.size()} slots for {rows} rows")
    total += encode_leaves(platform.log_odds(features), SHARES).tolist()
    return Message(BATCH_KIND, {"rows": rows}, (total.serialize(),)).to_bytes()


def batch_scores(reply: bytes, keys: BfvKeys, rows: int) -> np.ndarray:
    """Raw scores (log-odds of default) of the chunk's rows, in request order."""
    message = Message.from_bytes(reply, expect=BATCH_KIND)
    if len(message.blobs) != 1:
        raise MessageFormatError(f"{len(message.blobs)} result ciphertexts for one chunk")
    values = ts.bfv_vector_from(keys.context, message.blobs[0]).decrypt()
    if len(values) != rows:
        raise MessageFormatError(f"{len(values)} scores for {rows} rows")
    return decode_sums(values)


def publish_masks(platform: ScorecardHalf, features: pd.DataFrame, keys: BfvKeys) -> bytes:
    """The platform's share per feature group for ``features``' rows, in row order, under
    its own key, and the groups' names in slot order (what reason codes are labelled by)."""
    groups = platform.groups
    block = block_size(len(groups))
    values = encode_leaves(platform.group_terms(features), max(len(groups), 1))
    fields = {"model_kind": SCORECARD, "rows": len(features), "block": block, "groups": list(groups)}
    return Message("platform_masks", fields, (keys.public_bytes(), *encrypt_blocks(values, block, keys))).to_bytes()


class BankOnlineScorecard:
    """The bank's half: its scorecard features, and the platform's published group shares."""

    def __init__(self, bank_model: Mapping[str, Any], masks: bytes) -> None:
        """``bank_model`` is the ``model`` entry of the bank's stored part."""
        own = ScorecardHalf.of_bank(bank_model)
        self.bank = own.regrouped([f"{BANK}:{feature_group(b.name)}" for b in own.binnings])
        message = Message.from_bytes(masks, expect="platform_masks")
        if message.fields.get("model_kind") != SCORECARD:
            raise MessageFormatError("the platform's masks were published for a tree model, not this scorecard")
        self.platform_groups: tuple[str, ...] = tuple(str(g) for g in message.fields["groups"])
        self._rows = int(message.fields["rows"])
        self._block = int(message.fields["block"])
        if self._block != block_size(len(self.platform_groups)):
            raise MessageFormatError(f"{self._block}-slot blocks for {len(self.platform_groups)} groups")
        self._context = load_public(message.blobs[0])
        self._ciphertexts = message.blobs[1:]

    def request(self, row: int) -> tuple[bytes, int]:
        """The masked platform share of the enterprise at ``row`` (of the published rows),
        and the mask to remove."""
        return self._masked(row, np.ones(len(self.platform_groups), dtype=np.int64))

    def explain(self, row: int) -> list[tuple[bytes, int]]:
        """One masked request per platform group (in ``platform_groups`` order)."""
        selectors = np.eye(len(self.platform_groups), dtype=np.int64)
        return [self._masked(row, selector) for selector in selectors]

    def score(self, features: pd.DataFrame, value: int, mask: int) -> float:
        """The raw score from the applicant's bank features (one row) and the platform's answer."""
        return float(self.bank.log_odds(features)[0]) + unmask(value, mask)

    @property
    def expected(self) -> float:
        """Where every score starts before reason codes: the intercept (WOE 0 is the
        population's odds, so a term is the push of the row's bin against the average)."""
        return self.bank.intercept

    def reasons(self, features: pd.DataFrame, values: Sequence[int], masks: Sequence[int]) -> dict[str, float]:
        """Log-odds contributions per ``party:group``: the bank's from its own features, the
        platform's from the answers to :meth:`explain`'s requests. They add up to the score
        less :attr:`expected`."""
        if len(values) != len(self.platform_groups) or len(masks) != len(values):
            raise ValueError(f"{len(values)} answers for {len(self.platform_groups)} platform groups")
        own = dict(zip(self.bank.groups, self.bank.group_terms(features)[0].tolist()))
        platform = {f"{PLATFORM}:{group}": unmask(v, m) for group, v, m in zip(self.platform_groups, values, masks)}
        return own | platform

    def _masked(self, row: int, selector: np.ndarray) -> tuple[bytes, int]:
        if not 0 <= row < self._rows:
            raise IndexError(f"row {row} is not among the {self._rows} enterprises the platform published")
        return masked_request(self._context, self._ciphertexts, self._block, row, selector)
