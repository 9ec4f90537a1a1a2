"""A platform that offers only part of its register (the enterprises that consented)."""

from pathlib import Path

import numpy as np
from tests.federation.psi.test_protocol import overlapping_sets

from federation.psi import BankBlinded, BankPSI, PartyState, PlatformPSI


def offer_run(bank_ids: list[str], platform: PlatformPSI, handles: np.ndarray) -> list[str]:
    bank = BankPSI(bank_ids, workers=1)
    bank.reblind(platform.blinded_for(handles))
    result = bank.finish(platform.double_blind(BankBlinded.from_bytes(bank.blinded().to_bytes())))
    return result.ids_in_intersection.tolist()


def test_bank_finds_only_offered_ids() -> None:
    bank_ids, platform_ids = overlapping_sets(200, 120, seed=4)
    platform = PlatformPSI(platform_ids, workers=1)
    handles = np.arange(0, len(platform_ids), 3)
    offered = {platform_ids[row] for row in platform._state.order[handles]}
    assert set(offer_run(bank_ids, platform, handles)) == offered & set(bank_ids)


def test_offer_from_a_preblinded_register_equals_blinding_only_the_offer(tmp_path: Path) -> None:
    _, platform_ids = overlapping_sets(100, 50, seed=5)
    PartyState.fresh("platform", len(platform_ids), rng=None).save(tmp_path / "state.npz", platform_ids)
    state = PartyState.load(tmp_path / "state.npz")
    register = PlatformPSI(platform_ids, state=state, workers=1).blinded()
    warm = PlatformPSI.with_blinded(platform_ids, register, state=state, workers=1)
    cold = PlatformPSI(platform_ids, state=state, workers=1)
    handles = np.array([3, 17, 42], dtype=np.int64)
    assert (cold.blinded_for(handles).points == warm.blinded_for(handles).points).all()
