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
    requests = [bank.request(chunk) for chunk in range(bank.chunks)]
    replies = [answer_batch(request, model.platform_model_, scored.platform.iloc[bank.chunk_rows(chunk)])
               for chunk, request in enumerate(requests)]
    return bank, requests, replies


def test_encrypted_scores_equal_plaintext_scores_on_10k_enterprises(scored, exchange):
    bank, _, replies = exchange
    expected = scored.model.decision_function(scored.bank, scored.platform)
    got = np.concatenate([bank.scores(chunk, reply) for chunk, reply in enumerate(replies)])
    assert bank.chunks == 2 and np.abs(got - expected).max() <= 1e-6


def test_the_platform_gets_no_secret_key(exchange):
    _, requests, _ = exchange
    assert not load_public(Message.from_bytes(requests[0]).blobs[0]).has_secret_key()


def test_a_context_holding_the_secret_key_is_refused():
    keys = BfvKeys.generate()
    with pytest.raises(ValueError, match="secret key"):
        load_public(keys.context.serialize(save_secret_key=True))


def test_no_leaf_value_reaches_the_platform_in_the_clear(scored, exchange):
    _, requests, _ = exchange
    values = np.array([n.value for tree in scored.model.trees_ for n in tree.nodes if n.is_leaf])
    fixed = encode_leaves(values, len(scored.model.trees_))
    forms = [v.tobytes() for v in values.astype("<f8")] + [int(v).to_bytes(8, "little", signed=True)
                                                            for v in fixed if abs(v) > 2**20]
    for request in requests:
        assert not [f for f in forms if f in request]
        assert "value" not in str(Message.from_bytes(request).fields)


def test_leaf_values_that_would_wrap_the_plaintext_are_refused():
    with pytest.raises(ScoreRangeError, match="overflow"):
        encode_leaves(np.array([1e4]), trees=100)
