"""Batch scoring under the bank's BFV key: exact to the leaf rounding, and what the platform gets."""

import numpy as np
import pytest

from models.scoring.batch import BankBatchScorer, answer_batch
from models.scoring.keys import BfvKeys, ScoreRangeError, encode_leaves, load_public
from models.secureboost.messages import Message


@pytest.fixture(scope="module")
def exchange(scored):
    model = scored.model
    bank = BankBatchScorer(model.trees_, model.base_score_, model.bank_binner_.transform(scored.bank),
                           model.bank_binner_.max_bin + 1)
    request = bank.request()
    reply = answer_batch(request, model.platform_model_, scored.platform)
    return bank, request, reply


def test_encrypted_scores_equal_plaintext_scores_on_10k_enterprises(scored, exchange):
    bank, _, reply = exchange
    expected = scored.model.decision_function(scored.bank, scored.platform)
    assert np.abs(bank.scores(reply) - expected).max() <= 1e-6


def test_the_platform_gets_no_secret_key(exchange):
    _, request, _ = exchange
    assert not load_public(Message.from_bytes(request).blobs[0]).has_secret_key()


def test_a_context_holding_the_secret_key_is_refused():
    keys = BfvKeys.generate()
    with pytest.raises(ValueError, match="secret key"):
        load_public(keys.context.serialize(save_secret_key=True))


def test_no_leaf_value_reaches_the_platform_in_the_clear(scored, exchange):
    _, request, _ = exchange
    values = np.array([n.value for tree in scored.model.trees_ for n in tree.nodes if n.is_leaf])
    fixed = encode_leaves(values, len(scored.model.trees_))
    forms = [v.tobytes() for v in values.astype("<f8")] + [int(v).to_bytes(8, "little", signed=True)
                                                            for v in fixed if abs(v) > 2**20]
    header = Message.from_bytes(request).fields
    assert not [f for f in forms if f in request]
    assert "value" not in str(header)


def test_leaf_values_that_would_wrap_the_plaintext_are_refused():
    with pytest.raises(ScoreRangeError, match="overflow"):
        encode_leaves(np.array([1e4]), trees=100)
