"""Per-job secrets: saved owner-only, resumable, and refused for the wrong party or ids."""

import stat

import numpy as np
import pytest

from federation.psi import BankPSI, PartyState, PlatformPSI, StateError

IDS = [f"91320500MA1{i:07d}" for i in range(40)]


def test_state_file_is_owner_only(tmp_path):
    path = tmp_path / "bank.state"
    BankPSI(IDS, workers=1).save_state(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_overwritten_state_file_stays_owner_only(tmp_path):
    path = tmp_path / "bank.state"
    path.write_bytes(b"old")
    path.chmod(0o644)
    BankPSI(IDS, workers=1).save_state(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_resumed_party_sends_the_same_message(tmp_path):
    path = tmp_path / "platform.state"
    platform = PlatformPSI(IDS, workers=1)
    platform.save_state(path)
    resumed = PlatformPSI(IDS, workers=1, state=PartyState.load(path))
    assert (resumed.blinded().points == platform.blinded().points).all()


def test_resumed_bank_finishes_the_job(tmp_path):
    path = tmp_path / "bank.state"
    bank, platform = BankPSI(IDS, workers=1), PlatformPSI(IDS[10:], workers=1)
    double = platform.double_blind(bank.blinded())
    bank.save_state(path)
    resumed = BankPSI(IDS, workers=1, state=PartyState.load(path))
    resumed.reblind(platform.blinded())
    assert resumed.finish(double).ids_in_intersection.tolist() == IDS[10:]


def test_state_of_the_other_role_is_refused(tmp_path):
    path = tmp_path / "bank.state"
    BankPSI(IDS, workers=1).save_state(path)
    with pytest.raises(StateError, match="belongs to the bank"):
        PlatformPSI(IDS, workers=1, state=PartyState.load(path))


def test_state_for_other_ids_is_refused(tmp_path):
    path = tmp_path / "bank.state"
    BankPSI(IDS, workers=1).save_state(path)
    with pytest.raises(StateError, match="different id list"):
        BankPSI(IDS[::-1], workers=1, state=PartyState.load(path))


def test_garbage_state_file_is_refused(tmp_path):
    path = tmp_path / "bank.state"
    path.write_bytes(b"not a state file")
    with pytest.raises(StateError, match="not a PSI state file"):
        PartyState.load(path)


def test_state_and_rng_together_are_refused(tmp_path):
    path = tmp_path / "bank.state"
    BankPSI(IDS, workers=1).save_state(path)
    with pytest.raises(ValueError, match="not both"):
        BankPSI(IDS, state=PartyState.load(path), rng=np.random.default_rng(0))


def test_rng_drives_the_shuffle_but_not_the_scalar():
    first = PlatformPSI(IDS, workers=1, rng=np.random.default_rng(5))
    second = PlatformPSI(IDS, workers=1, rng=np.random.default_rng(5))
    handles = np.arange(len(IDS))
    assert (first.rows_for_handles(handles) == second.rows_for_handles(handles)).all()
    assert not (first.blinded().points == second.blinded().points).all(axis=1).any()


def test_state_not_read_from_a_file_cannot_resume():
    with pytest.raises(StateError, match="loaded from a file"):
        BankPSI(IDS, state=PartyState.fresh("bank", len(IDS), None))
