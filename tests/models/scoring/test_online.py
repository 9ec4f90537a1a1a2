"""Online scoring against the platform's encrypted indicators: exact, and the platform's
one decryption per score reveals neither the score nor the enterprise."""

import numpy as np
import pytest
import tenseal as ts

from models.scoring.keys import PLAIN_PRIME, BfvKeys
from models.scoring.online import BankOnlineScorer, decrypt_masked, publish_masks, uniform_masks
from models.scoring.paths import leaves, platform_paths
from models.secureboost.messages import Message, MessageFormatError

ROWS = [0, 1, 15, 16, 511, 999]


@pytest.fixture(scope="module")
def online(scored):
    model = scored.model
    platform_keys = BfvKeys.generate()
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


def test_the_platform_returns_one_number_per_request(online):
    bank, platform_keys, bins = online
    request, _ = bank.request(3, bins[3])
    assert len(Message.from_bytes(decrypt_masked(request, platform_keys)).fields["values"]) == 1


def test_every_slot_the_platform_decrypts_is_masked(online):
    """Slots outside the applicant's block and inside it alike: none is a bare product."""
    bank, platform_keys, bins = online
    request, _ = bank.request(3, bins[3])
    slots = np.array(ts.bfv_vector_from(platform_keys.context, Message.from_bytes(request).blobs[0]).decrypt())
    assert (slots != 0).mean() > 0.99 and np.abs(slots).max() > 2**30


def test_a_request_of_another_size_is_refused(online):
    _, platform_keys, _ = online
    public = BfvKeys(ts.context_from(platform_keys.public_bytes()))
    short = ts.bfv_vector(public.context, [1, 2, 3]).serialize()
    with pytest.raises(MessageFormatError, match="8192 slots"):
        decrypt_masked(Message("decrypt", {}, (short,)).to_bytes(), platform_keys)


def test_masks_are_spread_over_the_whole_plaintext_range():
    masks = uniform_masks(100_000)
    assert masks.min() >= 0 and masks.max() < PLAIN_PRIME
    assert abs(masks.mean() / PLAIN_PRIME - 0.5) < 0.01


def test_a_row_the_platform_did_not_publish_is_refused(online):
    bank, _, bins = online
    with pytest.raises(IndexError, match="1000"):
        bank.request(1000, bins[0])
