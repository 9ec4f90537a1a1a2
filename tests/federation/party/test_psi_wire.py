"""During a real PSI over the coordinator, the platform receives no bank id in any form."""

from __future__ import annotations

import hashlib

import pytest
from tests.support.wire_recorder import recorded_platform, recorded_setup

from federation.data import load_table
from federation.launcher import LocalFederation


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> tuple[bytes, list[str]]:
    """Coordinator and bank as processes; the platform agent in this process, recorded."""
    root = tmp_path_factory.mktemp("wire")
    setup = recorded_setup(root, enterprises=1500, seed=7)
    bank, platform_table = setup.bank, setup.platform_table
    bank_ids = load_table(setup.bank.data, setup.bank.schema, role="bank").ids.tolist()
    with LocalFederation(setup.run, [bank]) as federation, \
            recorded_platform(federation, platform_table, root / "platform-work") as recorder:
        with federation.client("bank_a") as bank_client:
            job = bank_client.submit_job("psi", ["platform"])
            bank_client.wait_for_job(job.id, timeout=300)
    return recorder.everything(), bank_ids


def test_platform_received_the_bank_blinded_set(recorded: tuple[bytes, list[str]]) -> None:
    wire, bank_ids = recorded
    assert len(wire) >= 32 * len(bank_ids)


def test_no_bank_id_in_the_clear(recorded: tuple[bytes, list[str]]) -> None:
    wire, bank_ids = recorded
    leaked = [i for i in bank_ids if i.encode() in wire or i.lower().encode() in wire]
    assert leaked == []


def test_no_plain_hash_of_a_bank_id(recorded: tuple[bytes, list[str]]) -> None:
    wire, bank_ids = recorded
    digests = [hashlib.sha256(i.encode()).digest()[:16] for i in bank_ids]
    digests += [hashlib.sha512(i.encode()).digest()[:16] for i in bank_ids]
    assert [d for d in digests if d in wire] == []
