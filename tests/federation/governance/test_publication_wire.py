"""A real ``publish`` job over mutual TLS: the bank receives public columns only.

The platform runs as its own process (``fedcredit party``, so its schema and grading are
loaded as in production); the bank's agent runs here with every message it receives
recorded as serialized on the wire.
"""

from __future__ import annotations

import struct
import threading
from collections.abc import Iterator
from dataclasses import dataclass

import pandas as pd
import pytest
from tests.support.wire_recorder import WireRecorder, recorded_setup

from federation.data import load_table
from federation.governance.classification import Classification
from federation.launcher import LocalFederation, PartySpec
from federation.party.agent import PartyAgent
from federation.party.client import CoordinatorClient
from federation.party.handlers import handlers
from federation.party.publish_job import PUBLIC_RECORDS_FILE
from federation.security.certs import load_credentials
from federation.security.roles import Role

REGION = "haizhou"


@dataclass(frozen=True)
class Published:
    """Everything the bank received, the file it kept, and the platform's rows of the region."""

    wire: bytes
    received: pd.DataFrame
    platform: pd.DataFrame


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Published]:
    root = tmp_path_factory.mktemp("publish")
    setup = recorded_setup(root, enterprises=800, seed=3)
    platform = PartySpec("platform", Role.PLATFORM, root / "data" / "platform.parquet", root / "data" / "platform.yaml")
    bank_table = load_table(setup.bank.data, setup.bank.schema, role="bank")
    recorder = WireRecorder()
    with LocalFederation(setup.run, [platform]) as federation:
        client = CoordinatorClient(federation.target, load_credentials(federation.certs, "bank_a"),
                                   interceptors=(recorder,))
        workdir = root / "bank-work"
        agent = PartyAgent(client, Role.BANK, bank_table, workdir, handlers(enforce_consent=False))
        client.register()
        stop = threading.Event()
        thread = threading.Thread(target=agent.run, args=(stop,), daemon=True)
        thread.start()
        try:
            job = client.submit_job("publish", ["platform"], {"region": REGION})
            client.wait_for_job(job.id, timeout=120)
        finally:
            stop.set()
            thread.join(timeout=30)
            client.close()
    received = pd.read_parquet(workdir / "jobs" / job.id / PUBLIC_RECORDS_FILE)
    frame = setup.platform_table.features.assign(uscc=setup.platform_table.ids)
    yield Published(recorder.everything(), received, frame[frame["reg_region"] == REGION])


def test_the_bank_receives_every_enterprise_of_the_region(published: Published) -> None:
    assert sorted(published.received["uscc"]) == sorted(published.platform["uscc"])


def test_the_bank_receives_the_public_columns(published: Published) -> None:
    public = Classification().public(published.platform.columns.drop("uscc"))
    assert list(published.received.columns) == ["uscc", *public]


def test_no_non_public_column_name_crosses_the_wire(published: Published) -> None:
    graded = Classification()
    hidden = [c for c in published.platform.columns if c != "uscc" and graded.level(c).value != "public"]
    assert hidden and [c for c in hidden if c.encode() in published.wire] == []


def test_no_non_public_value_crosses_the_wire(published: Published) -> None:
    """Tax paid is a float64 with cents, distinct per enterprise: none of its values is on the wire."""
    paid = published.platform["tax_paid_12m"].dropna()
    patterns = [struct.pack("<d", v) for v in paid if v not in (0.0,)]
    assert patterns and [p for p in patterns if p in published.wire] == []


def test_public_values_do_cross_the_wire(published: Published) -> None:
    """The recorder sees the payload, so the absence checks above are not vacuous."""
    years = published.platform["reg_years"].dropna()
    assert all(struct.pack("<d", v) in published.wire for v in years.head(20))
