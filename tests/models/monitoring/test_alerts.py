"""Sealing binds a score alert's body to its header."""

from __future__ import annotations

from dataclasses import replace

import pytest

from models.monitoring.alerts import SCORE, Alert, SealError, new_sealing_key, seal, unseal


def _alert(enterprise: str) -> Alert:
    return Alert(id="a" * 64, bank="bank_a", enterprise=enterprise, date="2026-10-02", source=SCORE, rule="pd20",
                 kind="pd_above", severity="critical", reason="probability of default 30.00%")


def test_a_sealed_alert_opens_to_the_original(usccs):
    key = new_sealing_key()
    assert unseal(seal(_alert(usccs[0]), key), key) == _alert(usccs[0])


def test_a_body_moved_to_another_alert_does_not_open(usccs):
    key = new_sealing_key()
    moved = replace(_alert(usccs[1]), sealed=seal(_alert(usccs[0]), key).sealed, rule="", kind="", severity="",
                    reason="")
    with pytest.raises(SealError):
        unseal(moved, key)
