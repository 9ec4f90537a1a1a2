"""Online scoring against the platform's encrypted indicators: exact, and the platform's
one decryption per score reveals neither the score nor the enterprise."""

import numpy as np
import pytest
import tenseal as ts

from models.scoring.keys import BfvKeys
from models.scoring.online import BankOnlineScorer, decrypt_masked, publish_masks
from models.scoring.paths import leaves, platform_paths
from models.secureboost.messages import Message, MessageFormatError

ROWS = [0, 1, 15, 16, 511, 999]


@pytest.fixture(scope="module")
def online(scored):
    model = scored.model
    platform_keys = BfvKeys.generate(rotations=True)
    paths = platform_paths(model.trees_, leaves(model.trees_))
    masks = publish_masks(paths, model.platform_model_, scored.platform.head(1000), platform_keys)
    bank = BankOnlineScorer(model.trees_, model.base_score_, model.bank_binner_.max_bin + 1, masks)
    return bank, platform_keys, model.bank_binner_.transform(scored.bank)


def _score(online, row):
    bank, platform_keys, bins = online
    request, mask = bank.request(row, bins[row])
    reply = decrypt_masked(request, platform_keys)
    return bank.score(reply, mask), Message.from_bytes(reply).fields["values"][0]


def test_online_scores_equal_plaintext_scores(scored, online):
    expected = scored.model.decision_function(scored.bank.iloc[ROWS], scored.platform.iloc[ROWS])
    got = np.array([_score(online, row)[0] for row in ROWS])
    assert np.abs(got - expected).max() <= 1e-6


def test_the_platform_sees_a_fresh_uniform_value_each_time(online):
    seen = {_score(online, 7)[1] for _ in range(3)}
    assert len(seen) == 3


def test_the_bank_cannot_ask_for_more_than_one_value_per_request(online):
    _, platform_keys, _ = online
    public = BfvKeys(ts.context_from(platform_keys.public_bytes()))
    many = ts.bfv_vector(public.context, [1, 2, 3]).serialize()
    with pytest.raises(MessageFormatError, match="one value"):
        decrypt_masked(Message("decrypt", {}, (many,)).to_bytes(), platform_keys)


def test_a_row_the_platform_did_not_publish_is_refused(online):
    bank, _, bins = online
    with pytest.raises(IndexError, match="1000"):
        bank.request(1000, bins[0])
