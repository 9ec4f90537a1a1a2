"""Fuzzing the coordinator's gRPC handlers over mutual TLS: random field values, mixed with
valid ones so that the checks behind the first are reached too, sent to the real server.

Every answer is a result or a status a caller can act on (invalid argument, not found,
permission denied, ...) with a message; never UNKNOWN or INTERNAL, which is what an
exception escaping a handler becomes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import grpc
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.support.fuzzing import fuzz

from federation.coordinator.jobs import JOB_KINDS
from federation.coordinator.server import CoordinatorConfig, build_server
from federation.data import random_usccs
from federation.governance.categories import CATEGORIES
from federation.rpc import coordinator_pb2 as pb
from federation.rpc import coordinator_pb2_grpc as pb_grpc
from federation.security.certs import load_credentials
from federation.security.tls import secure_channel

UNCLEAR = {grpc.StatusCode.UNKNOWN, grpc.StatusCode.INTERNAL, grpc.StatusCode.UNIMPLEMENTED,
           grpc.StatusCode.DATA_LOSS}
CALLERS = ("platform", "bank_a", "operator")
TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=20)
USCCS = random_usccs(np.random.default_rng(1), 5, ["110000"]).tolist()
JSON_VALUES = st.recursive(st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), TEXT),
                           lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
                           max_leaves=8)
RESULT_KEYS = ("intersection_size", "scored", "published", "model", "model_part", "consent", "bank_set_size")
MODEL_KEYS = ("part", "params", "metrics", "encryption", "kind")
MODEL_REPORTS = st.fixed_dictionaries(
    {}, optional={"model": st.dictionaries(st.sampled_from(MODEL_KEYS), JSON_VALUES, max_size=4),
                  "model_part": JSON_VALUES}).map(json.dumps)
PARAM_KEYS = ("psi_job", "model", "purpose", "legal_basis", "party_deadline_seconds", "holdout")


class Coordinator:
    """A real coordinator with the parties registered, one channel per caller, one job."""

    def __init__(self, certs: Path, store: Path) -> None:
        self.server, port = build_server(CoordinatorConfig(certs=certs, store=store, listen="127.0.0.1:0"))
        self.server.start()
        self.channels = {name: secure_channel(f"127.0.0.1:{port}", load_credentials(certs, name)) for name in CALLERS}
        for name in CALLERS:
            self.stub(name).Register(pb.RegisterRequest(), timeout=10)
        self.job = self.new_job("psi")
        for name in ("platform", "bank_a"):
            self.stub(name).ReportStatus(pb.ReportStatusRequest(
                job_id=self.job, state=pb.JOB_STATE_SUCCEEDED, result_json='{"intersection_size": 9}'), timeout=10)

    def stub(self, name: str) -> pb_grpc.CoordinatorStub:
        return pb_grpc.CoordinatorStub(self.channels[name])

    def new_job(self, kind: str) -> str:
        """A psi job, or a training job aligned on the finished one."""
        params = json.dumps({"psi_job": self.job} if kind != "psi" else {})
        request = pb.SubmitJobRequest(kind=kind, parties=["platform"], params_json=params)
        return self.stub("bank_a").SubmitJob(request, timeout=10).id

    def close(self) -> None:
        for channel in self.channels.values():
            channel.close()
        self.server.stop(grace=None)


@pytest.fixture(scope="module")
def coordinator(certs_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Coordinator]:
    running = Coordinator(certs_dir, tmp_path_factory.mktemp("fuzz-rpc"))
    yield running
    running.close()


def answered_clearly(call: Callable[[], Any], *, may_time_out: bool = False) -> None:
    try:
        call()
    except grpc.RpcError as exc:
        assert exc.code() not in UNCLEAR, f"{exc.code().name}: {exc.details()}"
        assert exc.code() != grpc.StatusCode.DEADLINE_EXCEEDED or may_time_out, exc.details()
        assert exc.details(), exc.code().name


def _json_text(keys: tuple[str, ...]) -> st.SearchStrategy[str]:
    values = st.one_of(JSON_VALUES, st.dictionaries(st.sampled_from(MODEL_KEYS), JSON_VALUES, max_size=4))
    objects = st.dictionaries(st.sampled_from(keys), values, max_size=4).map(json.dumps)
    return st.one_of(objects, TEXT, st.just(""), JSON_VALUES.map(json.dumps))


def _job_ids(coordinator: Coordinator) -> st.SearchStrategy[str]:
    return st.one_of(st.just(coordinator.job), TEXT)


@fuzz
@given(data=st.data())
def test_submit_job(coordinator: Coordinator, data: st.DataObject) -> None:
    request = pb.SubmitJobRequest(
        kind=data.draw(st.one_of(st.sampled_from(sorted(JOB_KINDS)), TEXT)),
        parties=data.draw(st.lists(st.one_of(st.sampled_from(["platform", "bank_a", "bank_b", "operator"]), TEXT),
                                   max_size=3)),
        params_json=data.draw(st.one_of(_json_text(PARAM_KEYS), st.just(json.dumps({"psi_job": coordinator.job})))))
    answered_clearly(lambda: coordinator.stub("bank_a").SubmitJob(request, timeout=10))


@pytest.mark.slow
@fuzz
@given(data=st.data())
def test_report_status(coordinator: Coordinator, data: st.DataObject) -> None:
    """Both parties report on a fresh job, so that some fuzzed results complete it (and a
    completed training job registers a model from them)."""
    job = coordinator.new_job(data.draw(st.sampled_from(["psi", "secureboost"])))
    for caller in ("platform", "bank_a"):
        request = pb.ReportStatusRequest(
            job_id=data.draw(st.one_of(st.just(job), TEXT)),
            state=data.draw(st.one_of(st.just(pb.JOB_STATE_SUCCEEDED), st.integers(0, 6))),
            detail=data.draw(TEXT), result_json=data.draw(st.one_of(_json_text(RESULT_KEYS), MODEL_REPORTS)))
        answered_clearly(lambda: coordinator.stub(caller).ReportStatus(request, timeout=10))
    answered_clearly(lambda: coordinator.stub("bank_a").ListModels(pb.ListModelsRequest(), timeout=10))


@st.composite
def message_streams(draw: st.DrawFn, job: str) -> list[pb.MessageChunk]:
    payload = draw(st.binary(max_size=64))
    header = pb.MessageHeader(
        job_id=draw(st.one_of(st.just(job), TEXT)),
        recipient=draw(st.one_of(st.sampled_from(["bank_a", "platform", "operator"]), TEXT)),
        tag=draw(st.one_of(st.sampled_from(["psi/1", "sb/round-0/1"]), TEXT)),
        size=draw(st.one_of(st.just(len(payload)), st.integers(0, 2**64 - 1))),
        sha256=draw(st.one_of(st.just(hashlib.sha256(payload).digest()), st.binary(max_size=40))))
    data = [pb.MessageChunk(data=payload[i:i + 16]) for i in range(0, len(payload), 16)]
    order = draw(st.sampled_from(["header first", "no header", "data first", "two headers"]))
    first = {"header first": [pb.MessageChunk(header=header)], "no header": [],
             "two headers": [pb.MessageChunk(header=header)] * 2}
    if order == "data first":
        return [*data, pb.MessageChunk(header=header)]
    return [*first[order], *data]


@fuzz
@given(data=st.data())
def test_send(coordinator: Coordinator, data: st.DataObject) -> None:
    chunks = data.draw(message_streams(coordinator.job))
    answered_clearly(lambda: coordinator.stub("platform").Send(iter(chunks), timeout=10))


@fuzz
@given(data=st.data())
def test_receive(coordinator: Coordinator, data: st.DataObject) -> None:
    request = pb.ReceiveRequest(job_id=data.draw(_job_ids(coordinator)),
                                sender=data.draw(st.one_of(st.just("platform"), TEXT)),
                                tag=data.draw(st.one_of(st.just("psi/1"), TEXT)))
    answered_clearly(lambda: list(coordinator.stub("bank_a").Receive(request, timeout=0.2)), may_time_out=True)


@fuzz
@given(data=st.data())
def test_score_applicant(coordinator: Coordinator, data: st.DataObject) -> None:
    request = pb.ScoreApplicantRequest(model_id=data.draw(_job_ids(coordinator)),
                                       enterprise=data.draw(st.one_of(st.sampled_from(USCCS), TEXT)),
                                       ciphertext=data.draw(st.binary(max_size=64)))
    answered_clearly(lambda: coordinator.stub("bank_a").ScoreApplicant(request, timeout=10))


@fuzz
@given(data=st.data())
def test_consent_records(coordinator: Coordinator, data: st.DataObject) -> None:
    until = (dt.date.today() + dt.timedelta(days=data.draw(st.integers(-400, 400)))).isoformat()
    grant = pb.GrantConsentRequest(
        enterprise=data.draw(st.one_of(st.sampled_from(USCCS), TEXT)),
        bank=data.draw(st.one_of(st.sampled_from(["bank_a", "platform"]), TEXT)),
        purpose=data.draw(st.one_of(st.just("financing"), TEXT)),
        categories=data.draw(st.lists(st.one_of(st.sampled_from(CATEGORIES), TEXT), max_size=3)),
        valid_until=data.draw(st.one_of(st.just(until), TEXT)))
    operator = coordinator.stub("operator")
    answered_clearly(lambda: operator.GrantConsent(grant, timeout=10))
    revoke = pb.RevokeConsentRequest(consent_id=data.draw(TEXT))
    answered_clearly(lambda: operator.RevokeConsent(revoke, timeout=10))


@fuzz
@given(data=st.data())
def test_job_lookups(coordinator: Coordinator, data: st.DataObject) -> None:
    job_id = data.draw(_job_ids(coordinator))
    categories = data.draw(st.lists(st.one_of(st.sampled_from(CATEGORIES), TEXT), max_size=3))
    answered_clearly(lambda: coordinator.stub("bank_a").GetJob(pb.GetJobRequest(job_id=job_id), timeout=10))
    answered_clearly(lambda: coordinator.stub("platform").ListAuthorizedEnterprises(
        pb.ListAuthorizedEnterprisesRequest(job_id=job_id, categories=categories), timeout=10))
    answered_clearly(lambda: coordinator.stub("bank_a").Register(
        pb.RegisterRequest(labels=data.draw(st.dictionaries(TEXT, TEXT, max_size=3))), timeout=10))
