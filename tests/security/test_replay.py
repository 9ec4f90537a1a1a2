"""Replayed protocol messages on a real coordinator over mutual TLS.

A message's address is (job, sender from the certificate, recipient, tag). Sending the
same bytes again is how a restarted party replays its steps, so it is accepted as the one
message already stored; different bytes under a used address, or anything sent into a
finished job, are refused, and the recipient keeps reading the first copy.
"""

from __future__ import annotations

from pathlib import Path

import grpc
import pytest
from tests.federation.coordinator.test_server_mtls import client, server  # noqa: F401 (fixture)

from federation.coordinator.jobs import State
from federation.party.client import CoordinatorClient

FIRST = b"the platform's first message"


@pytest.fixture()
def parties(server: str, certs_dir: Path):  # noqa: F811
    with client(server, certs_dir, "platform") as platform, client(server, certs_dir, "bank_a") as bank:
        platform.register()
        bank.register()
        yield platform, bank


@pytest.fixture()
def job(parties: tuple[CoordinatorClient, CoordinatorClient]) -> str:
    platform, bank = parties
    job = bank.submit_job("psi", ["platform"]).id
    platform.send(job, "bank_a", "psi/1", FIRST)
    return job


def test_different_bytes_under_a_used_tag_are_refused_and_the_first_copy_stands(parties, job) -> None:
    platform, bank = parties
    with pytest.raises(grpc.RpcError) as err:
        platform.send(job, "bank_a", "psi/1", b"a replay with other content")
    assert err.value.code() == grpc.StatusCode.ALREADY_EXISTS
    assert bank.receive(job, "platform", "psi/1", timeout=5) == FIRST


def test_the_same_bytes_again_are_the_message_already_stored(parties, job) -> None:
    platform, _ = parties
    first = platform.send(job, "bank_a", "psi/2", b"second message")
    assert platform.send(job, "bank_a", "psi/2", b"second message") == first


def test_a_message_into_a_finished_job_is_refused(parties, job) -> None:
    platform, bank = parties
    for party in (platform, bank):
        party.report(job, State.SUCCEEDED, "done")
    with pytest.raises(grpc.RpcError) as err:
        platform.send(job, "bank_a", "psi/1", FIRST)
    assert err.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert "no more messages are accepted" in err.value.details()


@pytest.mark.parametrize("tag", ["psi/1\nforged: yes", "psi/1\n", "PSI/1", ""])
def test_a_tag_outside_the_protocols_alphabet_is_refused(parties, job, tag: str) -> None:
    platform, _ = parties
    with pytest.raises(grpc.RpcError) as err:
        platform.send(job, "bank_a", tag, FIRST)
    assert err.value.code() == grpc.StatusCode.INVALID_ARGUMENT
