"""kill -9 mid-PSI: the killed party comes back and the job ends with the intersection an
undisturbed job finds; a party that never comes back fails the job, named, at its deadline
(and its peer, told so by the relay, stops waiting).

"Mid-PSI" is made deterministic instead of left to timing: the victim's peer is stopped
first, so the victim sends its first message (its whole set, blinded) and blocks waiting
for the peer's; the test sees that message arrive at the coordinator, then kills the
victim. Both have then done work and relayed it, and neither has finished.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pandas as pd
import pytest
from tests.support.waiting import wait_until

from federation.coordinator.jobs import State
from federation.data.synthetic import generate
from federation.demo import demo_parties
from federation.launcher import LocalFederation
from federation.party.client import JobFailed
from federation.party.psi_job import INTERSECTION_FILE
from federation.rpc.states import state_from_proto

pytestmark = pytest.mark.filterwarnings("ignore::ResourceWarning")
FIRST_MESSAGE = "psi/1"


@dataclass
class PsiFederation:
    federation: LocalFederation
    undisturbed: pd.DataFrame

    def intersection(self, job: str) -> pd.DataFrame:
        """What the bank found, by id and its own row; platform handles differ per job."""
        found = pd.read_parquet(self.federation.workdir / "parties" / "bank_a" / "jobs" / job / INTERSECTION_FILE)
        return found[["id", "bank_row"]].sort_values("id").reset_index(drop=True)

    def restart(self, name: str) -> None:
        self.federation.start_party(next(p for p in self.federation.parties if p.name == name))


@pytest.fixture(scope="module")
def psi(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PsiFederation]:
    root = tmp_path_factory.mktemp("psi-faults")
    generate(root / "data", enterprises=3000, banks=1, seed=5)
    with LocalFederation(root / "run", demo_parties(root / "data")[:2], psi_workers=1, receive_timeout=120) as fed:
        with fed.client("bank_a") as bank:
            job = bank.submit_job("psi", ["platform"]).id
            bank.wait_for_job(job, timeout=300)
        running = PsiFederation(fed, pd.DataFrame())
        running.undisturbed = running.intersection(job)
        yield running


def _stalled_mid_psi(psi: PsiFederation, victim: str, params: dict | None = None) -> str:
    """A PSI job in which ``victim`` has relayed its first message and waits for its peer,
    which is down; returns the job's id."""
    peer = "platform" if victim == "bank_a" else "bank_a"
    psi.federation.kill(peer)
    with psi.federation.client("bank_a") as bank:
        job = bank.submit_job("psi", ["platform"], params).id
    with psi.federation.client(peer) as peer_client:
        peer_client.receive(job, victim, FIRST_MESSAGE, timeout=120)
    return job


def _wait(psi: PsiFederation, job: str) -> str:
    with psi.federation.client("bank_a") as bank:
        return str(bank.wait_for_job(job, timeout=300).id)


@pytest.mark.parametrize("victim", ["bank_a", "platform"])
def test_a_party_killed_mid_psi_resumes_to_the_undisturbed_intersection(psi: PsiFederation, victim: str) -> None:
    job = _stalled_mid_psi(psi, victim)
    psi.federation.kill(victim)
    psi.restart("platform")
    psi.restart("bank_a")
    _wait(psi, job)
    pd.testing.assert_frame_equal(psi.intersection(job), psi.undisturbed)


def test_a_party_that_never_comes_back_fails_the_job_at_its_deadline(psi: PsiFederation) -> None:
    psi.federation.kill("platform")
    try:
        with psi.federation.client("bank_a") as bank:
            job = bank.submit_job("psi", ["platform"], {"party_deadline_seconds": 3}).id
            with pytest.raises(JobFailed, match=r"failed: platform: absent: not connected .* deadline of 3 s"):
                bank.wait_for_job(job, timeout=120)
            wait_until(lambda: state_from_proto(bank.get_job(job).participants[0].state) is State.FAILED,
                       "bank_a giving up on the failed job", timeout=60)
    finally:
        psi.restart("platform")
