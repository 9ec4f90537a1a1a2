"""The platform's gradient masks: reproducible from its secret seed, so a resumed platform
removes the masks the bank's relayed values were made with, and otherwise fresh."""

from __future__ import annotations

from models.scorecard.platform import gradient_mask

SEED = bytes(range(32))


def test_a_mask_is_reproduced_from_the_same_seed_iteration_and_feature() -> None:
    assert gradient_mask(SEED, 3, 1, 113) == gradient_mask(SEED, 3, 1, 113)


def test_masks_differ_across_iterations_features_and_seeds() -> None:
    masks = {gradient_mask(SEED, 1, 0, 113), gradient_mask(SEED, 2, 0, 113), gradient_mask(SEED, 1, 1, 113),
             gradient_mask(bytes(32), 1, 0, 113)}
    assert len(masks) == 4


def test_a_mask_has_the_bits_asked_for() -> None:
    masks = [gradient_mask(SEED, i, 0, 77) for i in range(200)]
    assert max(masks) < 2**77 and max(masks).bit_length() >= 70
