"""Who a caller is comes from its certificate alone: certificates a real coordinator refuses
over mutual TLS on loopback, and what bank_a's certificate cannot do to bank_b's work.

Covered next door, over the same server: no client certificate, a plaintext connection,
a certificate from another CA, the coordinator's server certificate used as a client
(``tests/federation/coordinator/test_server_mtls.py``), and naming another bank as the
counterpart of a relay call (``test_bank_cannot_act_as_another_bank_by_naming_it`` there).
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import grpc
import pytest
from tests.federation.coordinator.test_server_mtls import client, server  # noqa: F401 (fixture)

from federation.coordinator.jobs import State
from federation.party.client import CoordinatorClient
from federation.security.certs import CA_CERT, CA_KEY, PartyCredentials, issue_certificate, load_credentials
from federation.security.roles import Role


def _same_ca(certs_dir: Path, target: Path) -> Path:
    """A folder holding the trusted CA, to issue certificates the coordinator's CA signed."""
    target.mkdir()
    for name in (CA_CERT, CA_KEY):
        shutil.copy2(certs_dir / name, target / name)
    return target


@pytest.mark.parametrize("days_ago, days", [(30, 10), (-10, 30)], ids=["expired", "not-yet-valid"])
def test_a_certificate_outside_its_validity_is_refused(server: str, certs_dir: Path, tmp_path: Path,  # noqa: F811
                                                       days_ago: int, days: int) -> None:
    folder = _same_ca(certs_dir, tmp_path / "certs")
    start = dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=days_ago)
    issue_certificate(folder, "bank_a", Role.BANK, days=days, not_before=start)
    with client(server, folder, "bank_a") as c, pytest.raises(grpc.RpcError) as err:
        c.register()
    assert err.value.code() == grpc.StatusCode.UNAVAILABLE


def test_bank_b_name_from_another_ca_is_refused(server: str, rogue_certs_dir: Path) -> None:  # noqa: F811
    with client(server, rogue_certs_dir, "bank_b") as c, pytest.raises(grpc.RpcError) as err:
        c.register()
    assert err.value.code() == grpc.StatusCode.UNAVAILABLE


def test_bank_b_certificate_without_bank_b_key_is_refused(server: str, certs_dir: Path) -> None:  # noqa: F811
    """bank_a holds a copy of bank_b's certificate (it is no secret) but only its own key."""
    bank_a = load_credentials(certs_dir, "bank_a")
    stolen = PartyCredentials("bank_b", bank_a.ca_pem, load_credentials(certs_dir, "bank_b").cert_pem, bank_a.key_pem)
    with CoordinatorClient(server, stolen, reconnect_seconds=0) as c, pytest.raises(grpc.RpcError) as err:
        c.register()
    assert err.value.code() == grpc.StatusCode.UNAVAILABLE


@pytest.fixture()
def bank_b_job(server: str, certs_dir: Path) -> str:  # noqa: F811
    with client(server, certs_dir, "platform") as platform, client(server, certs_dir, "bank_b") as bank_b:
        platform.register()
        bank_b.register()
        return bank_b.submit_job("psi", ["platform"]).id


def test_bank_a_cannot_read_bank_bs_job(server: str, certs_dir: Path, bank_b_job: str) -> None:  # noqa: F811
    with client(server, certs_dir, "bank_a") as bank_a, pytest.raises(grpc.RpcError) as err:
        bank_a.register()
        bank_a.get_job(bank_b_job)
    assert err.value.code() == grpc.StatusCode.NOT_FOUND


def test_bank_a_cannot_report_on_bank_bs_job(server: str, certs_dir: Path, bank_b_job: str) -> None:  # noqa: F811
    with client(server, certs_dir, "bank_a") as bank_a, pytest.raises(grpc.RpcError) as err:
        bank_a.register()
        bank_a.report(bank_b_job, State.FAILED, "forged")
    assert err.value.code() == grpc.StatusCode.NOT_FOUND


def test_bank_a_cannot_send_into_bank_bs_job(server: str, certs_dir: Path, bank_b_job: str) -> None:  # noqa: F811
    with client(server, certs_dir, "bank_a") as bank_a, pytest.raises(grpc.RpcError) as err:
        bank_a.register()
        bank_a.send(bank_b_job, "platform", "psi/1", b"forged")
    assert err.value.code() == grpc.StatusCode.NOT_FOUND

