"""Online scoring with consent enforced, platform and bank as processes over mutual TLS:
a revocation holds from the next request, and a platform that stops serving is named."""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass

import grpc
import numpy as np
import pandas as pd
import pytest

from federation.data import load_table
from federation.data.synthetic import generate
from federation.governance.categories import CATEGORIES
from federation.demo import demo_parties
from federation.launcher import OPERATOR, LocalFederation
from federation.party.online_scoring import OnlineScore, OnlineScorer
from federation.security.certs import init_certificates
from federation.security.roles import Role

NEXT_YEAR = (dt.date.today() + dt.timedelta(days=365)).isoformat()
TINY_MODEL = {"n_estimators": 2, "max_depth": 2, "random_state": 0}


@dataclass
class Outcome:
    before: OnlineScore
    revoked: str
    after_revocation: grpc.RpcError
    still_consenting: OnlineScore
    not_serving: grpc.RpcError


def _refusal(call) -> grpc.RpcError:
    with pytest.raises(grpc.RpcError) as refused:
        call()
    return refused.value


@pytest.fixture(scope="module")
def outcome(tmp_path_factory: pytest.TempPathFactory) -> Outcome:
    root = tmp_path_factory.mktemp("online-consent")
    generate(root / "data", enterprises=800, banks=1, seed=13)
    data = root / "data"
    parties = demo_parties(data)[:2]  # the platform and bank_a: the data has one bank
    platform_ids = set(load_table(parties[0].data, parties[0].schema, role="platform").ids.tolist())
    bank = load_table(parties[1].data, parties[1].schema, role="bank")
    consenting = sorted(i for i in bank.ids.tolist() if i in platform_ids)
    rows = pd.Series(np.arange(len(bank)), index=bank.ids)
    init_certificates(root / "run" / "certs", {p.name: p.role for p in parties} | {OPERATOR: Role.OPERATOR})
    with LocalFederation(root / "run", parties, enforce_consent=True, receive_timeout=120) as federation:
        with federation.client(OPERATOR) as operator, federation.client("bank_a") as client:
            grants = {e: operator.grant_consent(e, "bank_a", list(CATEGORIES), NEXT_YEAR).id for e in consenting}
            psi = client.submit_job("psi", ["platform"]).id
            client.wait_for_job(psi, timeout=300)
            model = client.submit_job("secureboost", ["platform"], {"psi_job": psi, "model": TINY_MODEL}).id
            client.wait_for_job(model, timeout=600)
            client.wait_for_job(client.submit_job("publish_masks", ["platform"],
                                                  {"psi_job": psi, "model": model}).id, timeout=600)
            scorer = OnlineScorer(federation.workdir / "parties" / "bank_a", model)
            revoked, other = consenting[0], consenting[1]

            def score(enterprise: str) -> OnlineScore:
                return scorer.score(client, enterprise, bank.features.iloc[[rows[enterprise]]])

            before = score(revoked)
            operator.revoke_consent(grants[revoked])
            after_revocation = _refusal(lambda: score(revoked))
            still_consenting = score(other)
            federation.kill("platform")
            give_up = time.monotonic() + 30
            while True:
                not_serving = _refusal(lambda: score(other))
                if not_serving.code() == grpc.StatusCode.UNAVAILABLE or time.monotonic() > give_up:
                    break
                time.sleep(0.5)
    return Outcome(before, revoked, after_revocation, still_consenting, not_serving)


def test_a_consenting_enterprise_is_scored(outcome: Outcome) -> None:
    assert 0.0 < outcome.before.probability < 1.0


def test_a_revoked_enterprise_is_refused_on_the_next_request(outcome: Outcome) -> None:
    assert outcome.after_revocation.code() == grpc.StatusCode.PERMISSION_DENIED
    assert outcome.revoked in outcome.after_revocation.details()


def test_the_revocation_refuses_only_that_enterprise(outcome: Outcome) -> None:
    assert 0.0 < outcome.still_consenting.probability < 1.0


def test_a_platform_that_is_not_serving_is_named(outcome: Outcome) -> None:
    assert outcome.not_serving.code() == grpc.StatusCode.UNAVAILABLE
    assert "platform is not serving" in outcome.not_serving.details()
