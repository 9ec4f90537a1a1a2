"""Fuzzing the coordinator's gRPC handlers over mutual TLS: random field values, mixed with
valid ones so that the checks behind the first are reached too, sent to the real server.

Every answer is a result or a status a caller can act on (invalid argument, not found,
permission denied, ...) with a message; never UNKNOWN or INTERNAL, which is what an
exception escaping a handler becomes, and no exception escapes a thread a handler starts.
Each RPC is sent mostly by a caller the authorization table lets call it, and sometimes by
anyone: a caller the table leaves out must be refused with PERMISSION_DENIED. Every RPC of
the service has a target here (``test_every_rpc_is_fuzzed``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import queue
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import grpc
import numpy as np
import pytest
from google.protobuf.message import Message
from hypothesis import given
from hypothesis import strategies as st
from tests.support.fuzzing import fuzz
from tests.support.model_card import facts

from federation.coordinator.authorization import RPC_ROLES
from federation.coordinator.deadlines import MAX_PARTY_DEADLINE_SECONDS
from federation.coordinator.jobs import JOB_KINDS
from federation.coordinator.model_cards import DECISIONS
from federation.coordinator.server import CoordinatorConfig, build_server
from federation.data import random_usccs
from federation.governance.categories import CATEGORIES, PURPOSE
from federation.governance.data_use import IndexKey, pack_tags
from federation.rpc import coordinator_pb2 as pb
from federation.rpc import coordinator_pb2_grpc as pb_grpc
from federation.security.certs import issue_enterprise_certificate, load_credentials
from federation.security.roles import Role
from federation.security.tls import secure_channel
from models.model_card import build_card
from models.monitoring.alerts import EVENT, SCORE
from models.monitoring.events import EVENT_CATEGORIES, EVENT_TYPES
from models.monitoring.rules import SEVERITIES

# An exception escaping a thread a handler started (its stream's reader) fails the target too.
pytestmark = pytest.mark.filterwarnings("error::pytest.PytestUnhandledThreadExceptionWarning")
T = TypeVar("T")
SERVICE = pb.DESCRIPTOR.services_by_name["Coordinator"]
UNCLEAR = {grpc.StatusCode.UNKNOWN, grpc.StatusCode.INTERNAL, grpc.StatusCode.UNIMPLEMENTED,
           grpc.StatusCode.DATA_LOSS}
# A server stream is read for one message within this deadline, then hung up.
STREAM_SECONDS = 0.2
TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=20)
LONG_TEXT = st.text(min_size=490, max_size=2100)
HEX64 = st.binary(min_size=32, max_size=32).map(bytes.hex)
USCCS = random_usccs(np.random.default_rng(1), 5, ["110000"]).tolist()
# The data subject: it has a loan at bank_a, consents to it and a recorded use of its data.
ENTERPRISE = USCCS[0]
CALLERS: dict[str, Role] = {"platform": Role.PLATFORM, "bank_a": Role.BANK, "operator": Role.OPERATOR,
                            "regulator": Role.REGULATOR, ENTERPRISE: Role.ENTERPRISE}
PARTY_NAMES = st.one_of(st.sampled_from([*CALLERS, "bank_b", "coordinator"]), TEXT)
TODAY = dt.datetime.now(dt.timezone.utc).date()
NEXT_YEAR = (TODAY + dt.timedelta(days=365)).isoformat()
DATES = st.one_of(st.dates().map(dt.date.isoformat), st.just(""), TEXT)
JSON_VALUES = st.recursive(st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), TEXT),
                           lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
                           max_leaves=8)
# JSON that is valid but nests deeper than a parser (or a serializer further down the
# stack) recurses, or holds a number longer than Python converts to an int.
EXTREME_JSON = st.one_of(st.integers(1, 3000).map(lambda depth: '{"a": ' + "[" * depth + "]" * depth + "}"),
                         st.integers(4000, 5000).map(lambda digits: '{"a": ' + "9" * digits + "}"))
RESULT_KEYS = ("intersection_size", "scored", "published", "model", "model_part", "consent", "bank_set_size")
MODEL_KEYS = ("part", "params", "metrics", "encryption", "kind")
MODEL_REPORTS = st.fixed_dictionaries(
    {}, optional={"model": st.dictionaries(st.sampled_from(MODEL_KEYS), JSON_VALUES, max_size=4),
                  "model_part": JSON_VALUES}).map(json.dumps)
PARAM_KEYS = ("psi_job", "model", "purpose", "legal_basis", "party_deadline_seconds", "holdout")
CATEGORY_NAMES = st.one_of(st.sampled_from(CATEGORIES), TEXT)
# Valid alert ids: a few that recur (filed again, they are duplicates) and fresh ones.
ALERT_IDS = st.one_of(st.sampled_from([hashlib.sha256(bytes([i])).hexdigest() for i in range(8)]), HEX64)
STANDING_ALERT = hashlib.sha256(b"standing").hexdigest()
MESSAGE = b"blinded points"
RUN_DATES = st.sampled_from([(TODAY - dt.timedelta(days=days)).isoformat() for days in range(3)])
FUZZED: set[str] = set()


def fuzzes(*rpcs: str) -> Callable[[T], T]:
    """Declare the RPCs a target sends; ``test_every_rpc_is_fuzzed`` holds the set to the service."""
    FUZZED.update(rpcs)
    return lambda target: target


class Coordinator:
    """A real coordinator with the parties registered (the enterprise, a data subject, does not
    register), one channel per caller, and what the deeper checks need: a finished PSI job and
    one that stays unfinished (with a message in it for bank_a), bank_a's model with its card,
    and the enterprise's loan at bank_a, standing consent, recorded data use and an
    unacknowledged alert for bank_a."""

    def __init__(self, certs: Path, store: Path) -> None:
        self.index_key = IndexKey.generate()  # the platform's, which tags the enterprises' rows
        issue_enterprise_certificate(certs, ENTERPRISE, self.index_key.tag(ENTERPRISE))
        self.server, port = build_server(CoordinatorConfig(certs=certs, store=store, listen="127.0.0.1:0"))
        self.server.start()
        self.channels = {name: secure_channel(f"127.0.0.1:{port}", load_credentials(certs, name))
                         for name in CALLERS}
        self.parties = {name: self.stub(name).Register(pb.RegisterRequest(), timeout=10)
                        for name, role in CALLERS.items() if role in RPC_ROLES["Register"]}
        self.job = self.new_job("psi")
        self.finish(self.job, {"platform": {"intersection_size": 9}, "bank_a": {"intersection_size": 9}})
        self.running = self.new_job("psi", party_deadline_seconds=MAX_PARTY_DEADLINE_SECONDS)
        self.model = self.new_job("secureboost")
        model = {"part": {"file": "bank.json"}, "metrics": {"n_intersection": 9}}
        self.finish(self.model, {"platform": {"model_part": {"file": "platform.json"}}, "bank_a": {"model": model}})
        card = build_card(facts())
        version = next(m.version for m in self.stub("bank_a").ListModels(pb.ListModelsRequest(), timeout=10).models
                       if m.id == self.model)
        card["model_details"] |= {"model_id": self.model, "version": version}
        self.card = json.dumps(card)
        self.stub("operator").GrantConsent(pb.GrantConsentRequest(
            enterprise=ENTERPRISE, bank="bank_a", purpose=PURPOSE, categories=CATEGORIES, valid_until=NEXT_YEAR),
            timeout=10)
        self.stub("bank_a").ReportLoans(pb.ReportLoansRequest(loans=[pb.Loan(
            loan_id="standing", enterprise=ENTERPRISE, granted_on="2020-01-01", matures_on=NEXT_YEAR)]), timeout=10)
        self.used = self.stub("platform").RecordDataUse(pb.RecordDataUseRequest(
            job_id=self.running, tags=pack_tags([self.index_key.tag(ENTERPRISE)]), categories=["tax"]),
            timeout=10).audit_seq
        header = pb.MessageHeader(job_id=self.running, recipient="bank_a", tag="psi/1", size=len(MESSAGE),
                                  sha256=hashlib.sha256(MESSAGE).digest())
        self.stub("platform").Send(iter([pb.MessageChunk(header=header), pb.MessageChunk(data=MESSAGE)]), timeout=10)
        standing = pb.Alert(id=STANDING_ALERT, bank="bank_a", enterprise=ENTERPRISE, date=TODAY.isoformat(),
                            source=SCORE, sealed=b"sealed")
        assert self.stub("bank_a").SubmitAlerts(pb.SubmitAlertsRequest(alerts=[standing]), timeout=10).stored == 1

    def stub(self, name: str) -> pb_grpc.CoordinatorStub:
        return pb_grpc.CoordinatorStub(self.channels[name])

    def new_job(self, kind: str, **params: Any) -> str:
        """A psi job, or a training job aligned on the finished one."""
        params |= {"psi_job": self.job} if kind != "psi" else {}
        request = pb.SubmitJobRequest(kind=kind, parties=["platform"], params_json=json.dumps(params))
        return self.stub("bank_a").SubmitJob(request, timeout=10).id

    def finish(self, job: str, results: dict[str, dict[str, Any]]) -> None:
        for name, result in results.items():
            self.stub(name).ReportStatus(pb.ReportStatusRequest(
                job_id=job, state=pb.JOB_STATE_SUCCEEDED, result_json=json.dumps(result)), timeout=10)

    def close(self) -> None:
        for channel in self.channels.values():
            channel.close()
        self.server.stop(grace=None)


@pytest.fixture(scope="module")
def coordinator(certs_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Coordinator]:
    """On a copy of the suite's certificates, since the enterprise's is issued into it."""
    folder = tmp_path_factory.mktemp("fuzz-rpc")
    certs = shutil.copytree(certs_dir, folder / "certs")
    running = Coordinator(certs, folder / "store")
    yield running
    running.close()


def answered_clearly(call: Callable[[], T], *, may_time_out: bool = False,
                     refused: grpc.StatusCode | None = None) -> T | None:
    """``call``'s answer, or None when it ends in a clear status (``refused``, when given: a
    caller the authorization table leaves out is told so, never answered)."""
    try:
        answer = call()
    except grpc.RpcError as exc:
        assert exc.code() not in UNCLEAR, f"{exc.code().name}: {exc.details()}"
        assert exc.code() != grpc.StatusCode.DEADLINE_EXCEEDED or may_time_out, exc.details()
        assert exc.details(), exc.code().name
        if exc.code() != grpc.StatusCode.DEADLINE_EXCEEDED:
            assert refused in (None, exc.code()), f"{exc.code().name} instead of {refused}: {exc.details()}"
        return None
    assert refused is None, f"answered instead of {refused}"
    return answer


def _refusal(caller: str, rpc: str) -> grpc.StatusCode | None:
    return None if CALLERS[caller] in RPC_ROLES[rpc] else grpc.StatusCode.PERMISSION_DENIED


def _first(stream: Any) -> Any:
    """A server stream's first message (None if it ended without one); the stream is cancelled
    either way, so that none of the thousand opened stays open."""
    try:
        return next(stream, None)
    finally:
        stream.cancel()


def ask(coordinator: Coordinator, caller: str, rpc: str, request: Message | Iterator[Message]) -> Any:
    """``caller``'s answer to ``rpc`` (of a server stream, the first message), or None if refused."""
    method = getattr(coordinator.stub(caller), rpc)
    if SERVICE.methods_by_name[rpc].server_streaming:
        return answered_clearly(lambda: _first(method(request, timeout=STREAM_SECONDS)), may_time_out=True,
                                refused=_refusal(caller, rpc))
    return answered_clearly(lambda: method(request, timeout=10), refused=_refusal(caller, rpc))


def _callers(rpc: str, *preferred: str) -> st.SearchStrategy[str]:
    """Mostly a caller the checks behind the authorization table are written for (``preferred``,
    or whoever the table lets call ``rpc``), sometimes anyone."""
    allowed = preferred or sorted(name for name, role in CALLERS.items() if role in RPC_ROLES[rpc])
    return st.one_of(st.sampled_from(allowed), st.sampled_from(sorted(CALLERS)))


def _pick(data: st.DataObject, values: list[str], other: st.SearchStrategy[str]) -> str:
    """One of ``values`` (ids the coordinator handed out) or a value of ``other``. The id is
    drawn as a position, so that a replayed case draws the same whatever ids it got this time."""
    choice = data.draw(st.one_of(st.integers(0, 2), other))
    if isinstance(choice, int):
        return values[choice % len(values)] if values else ""
    return choice


@st.composite
def mixed(draw: st.DrawFn, valid: dict[str, st.SearchStrategy[Any]],
          malformed: dict[str, st.SearchStrategy[Any]]) -> dict[str, Any]:
    """A request's fields: valid values but for up to two drawn from ``malformed`` (which may
    name fields a valid request leaves empty), so that a request with many fields still
    passes every check but the ones its malformed fields fail."""
    broken = draw(st.sets(st.sampled_from(sorted(malformed)), max_size=2))
    return {name: draw(malformed[name] if name in broken else valid[name]) for name in sorted({*valid, *broken})}


def _json_text(keys: tuple[str, ...]) -> st.SearchStrategy[str]:
    values = st.one_of(JSON_VALUES, st.dictionaries(st.sampled_from(MODEL_KEYS), JSON_VALUES, max_size=4))
    objects = st.dictionaries(st.sampled_from(keys), values, max_size=4).map(json.dumps)
    return st.one_of(objects, TEXT, st.just(""), JSON_VALUES.map(json.dumps), EXTREME_JSON)


@fuzzes("SubmitJob")
@fuzz
@given(data=st.data())
def test_submit_job(coordinator: Coordinator, data: st.DataObject) -> None:
    request = pb.SubmitJobRequest(
        kind=data.draw(st.one_of(st.sampled_from(sorted(JOB_KINDS)), TEXT)),
        parties=data.draw(st.lists(st.one_of(st.sampled_from(["platform", "bank_a", "bank_b", "operator"]), TEXT),
                                   max_size=3)),
        params_json=data.draw(st.one_of(_json_text(PARAM_KEYS), st.just(json.dumps({"psi_job": coordinator.job})))))
    ask(coordinator, data.draw(_callers("SubmitJob", "bank_a")), "SubmitJob", request)


@pytest.mark.slow
@fuzzes("ReportStatus", "ListModels")
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
def message_streams(draw: st.DrawFn, coordinator: Coordinator) -> list[pb.MessageChunk]:
    """A message from the platform to bank_a in the unfinished job (a payload under a tag
    already relayed is refused, another is stored), but for up to two header fields, and
    sometimes the header misplaced."""
    payload = draw(st.binary(max_size=64))
    header = pb.MessageHeader(**draw(mixed(
        {"job_id": st.just(coordinator.running), "recipient": st.just("bank_a"),
         "tag": st.sampled_from(["psi/1", "psi/2", "sb/round-0/1"]), "size": st.just(len(payload)),
         "sha256": st.just(hashlib.sha256(payload).digest())},
        {"job_id": st.one_of(st.just(coordinator.job), TEXT), "recipient": PARTY_NAMES,
         "tag": TEXT, "size": st.integers(0, 2**64 - 1), "sha256": st.binary(max_size=40), "sender": PARTY_NAMES})))
    data = [pb.MessageChunk(data=payload[i:i + 16]) for i in range(0, len(payload), 16)]
    order = draw(st.one_of(st.just("header first"),
                           st.sampled_from(["header first", "no header", "data first", "two headers"])))
    first = {"header first": [pb.MessageChunk(header=header)], "no header": [],
             "two headers": [pb.MessageChunk(header=header)] * 2}
    if order == "data first":
        return [*data, pb.MessageChunk(header=header)]
    return [*first[order], *data]


@fuzzes("Send")
@fuzz
@given(data=st.data())
def test_send(coordinator: Coordinator, data: st.DataObject) -> None:
    chunks = data.draw(message_streams(coordinator))
    ask(coordinator, data.draw(_callers("Send", "platform")), "Send", iter(chunks))


@fuzzes("Receive")
@fuzz
@given(data=st.data())
def test_receive(coordinator: Coordinator, data: st.DataObject) -> None:
    """bank_a asks for the message waiting for it (or for one that never comes, up to the deadline)."""
    request = pb.ReceiveRequest(**data.draw(mixed(
        {"job_id": st.just(coordinator.running), "sender": st.just("platform"), "tag": st.just("psi/1")},
        {"job_id": st.one_of(st.just(coordinator.job), TEXT), "sender": PARTY_NAMES,
         "tag": st.one_of(st.just("psi/9"), TEXT)})))
    ask(coordinator, data.draw(_callers("Receive", "bank_a")), "Receive", request)


@fuzzes("ScoreApplicant")
@fuzz
@given(data=st.data())
def test_score_applicant(coordinator: Coordinator, data: st.DataObject) -> None:
    """With no platform serving, a request that passes every check is UNAVAILABLE."""
    request = pb.ScoreApplicantRequest(
        model_id=data.draw(st.one_of(st.sampled_from([coordinator.model, coordinator.job]), TEXT)),
        enterprise=data.draw(st.one_of(st.sampled_from(USCCS), TEXT)),
        ciphertext=data.draw(st.binary(max_size=64)),
        reason_ciphertexts=data.draw(st.lists(st.binary(max_size=16), max_size=2)))
    ask(coordinator, data.draw(_callers("ScoreApplicant")), "ScoreApplicant", request)


@fuzzes("GetJob", "ListAuthorizedEnterprises", "Register")
@fuzz
@given(data=st.data())
def test_job_lookups(coordinator: Coordinator, data: st.DataObject) -> None:
    job_id = data.draw(st.one_of(st.sampled_from([coordinator.job, coordinator.running]), TEXT))
    categories = data.draw(st.lists(CATEGORY_NAMES, max_size=3))
    ask(coordinator, data.draw(_callers("GetJob")), "GetJob", pb.GetJobRequest(job_id=job_id))
    ask(coordinator, data.draw(_callers("ListAuthorizedEnterprises")), "ListAuthorizedEnterprises",
        pb.ListAuthorizedEnterprisesRequest(job_id=job_id, categories=categories))
    ask(coordinator, data.draw(_callers("Register", "bank_a")), "Register",
        pb.RegisterRequest(labels=data.draw(st.dictionaries(TEXT, TEXT, max_size=3))))


LISTINGS: dict[str, st.SearchStrategy[Message]] = {
    "ListParties": st.just(pb.ListPartiesRequest()),
    "ListJobs": st.just(pb.ListJobsRequest()),
    "ListModels": st.just(pb.ListModelsRequest()),
    "ListConsents": st.just(pb.ListConsentsRequest()),
    "AuditSummary": st.just(pb.AuditSummaryRequest()),
    "AuditUsage": st.builds(pb.AuditUsageRequest, period=st.one_of(st.sampled_from(["", "month", "day"]), TEXT)),
}


@fuzzes(*LISTINGS)
@fuzz
@given(data=st.data())
def test_listings(coordinator: Coordinator, data: st.DataObject) -> None:
    """Requests with nothing (or one option) in them: what varies is who asks, one RPC a case."""
    rpc = data.draw(st.sampled_from(sorted(LISTINGS)))
    ask(coordinator, data.draw(_callers(rpc)), rpc, data.draw(LISTINGS[rpc]))


@fuzzes("RecordDataUse", "EnterpriseHistory")
@fuzz
@given(data=st.data())
def test_data_use(coordinator: Coordinator, data: st.DataObject) -> None:
    """The platform records which enterprises a job used (some batches name the enterprise, so
    its history grows), then the enterprise reads its history."""
    tags = st.lists(st.sampled_from(USCCS), max_size=3).map(
        lambda usccs: pack_tags(coordinator.index_key.tags(usccs)))
    fields = data.draw(mixed(
        {"job_id": st.just(coordinator.running), "batch": st.integers(0, 63), "tags": tags,
         "categories": st.lists(st.sampled_from(CATEGORIES), max_size=3)},
        {"job_id": st.one_of(st.sampled_from([coordinator.job, coordinator.model]), TEXT),
         "batch": st.integers(0, 2**32 - 1), "tags": st.binary(max_size=48),
         "categories": st.lists(CATEGORY_NAMES, min_size=1, max_size=3)}))
    ask(coordinator, data.draw(_callers("RecordDataUse")), "RecordDataUse", pb.RecordDataUseRequest(**fields))
    ask(coordinator, data.draw(_callers("EnterpriseHistory")), "EnterpriseHistory", pb.EnterpriseHistoryRequest())


@fuzzes("FileObjection", "ListObjections", "UpdateObjection")
@fuzz
@given(data=st.data())
def test_objections(coordinator: Coordinator, data: st.DataObject) -> None:
    """The enterprise objects to a record of its history (or to any number), the objections are
    listed, and the operator moves one on (or a made-up one, or to a made-up status)."""
    filed = ask(coordinator, data.draw(_callers("FileObjection")), "FileObjection", pb.FileObjectionRequest(
        audit_seq=data.draw(st.one_of(st.just(coordinator.used), st.integers(0, 2**64 - 1))),
        reason=data.draw(st.one_of(TEXT, LONG_TEXT))))
    listed = ask(coordinator, data.draw(_callers("ListObjections")), "ListObjections", pb.ListObjectionsRequest())
    ids = [o.id for o in listed.objections[-3:]] if listed is not None else []
    ids += [filed.id] if filed is not None else []
    ask(coordinator, data.draw(_callers("UpdateObjection")), "UpdateObjection", pb.UpdateObjectionRequest(
        objection_id=_pick(data, ids, TEXT),
        status=data.draw(st.one_of(st.sampled_from(["forwarded", "resolved", "open"]), TEXT)),
        note=data.draw(st.one_of(TEXT, LONG_TEXT))))


@st.composite
def cards(draw: st.DrawFn, card: str) -> str:
    """A valid card with one section or field replaced by a random value, or taken out."""
    broken = json.loads(card)
    where, key = broken, draw(st.sampled_from(sorted(broken)))
    if isinstance(broken[key], dict) and broken[key] and draw(st.booleans()):
        where, key = broken[key], draw(st.one_of(st.sampled_from(sorted(broken[key])), TEXT))
    if draw(st.booleans()):
        where.pop(key, None)
    else:
        where[key] = draw(JSON_VALUES)
    return json.dumps(broken)


@fuzzes("PublishModelCard", "GetModelCard", "ApproveModel")
@fuzz
@given(data=st.data())
def test_model_cards(coordinator: Coordinator, data: st.DataObject) -> None:
    """The owner publishes its model's card (valid, broken in one place, or not a card at all),
    the regulator reads it and records an approval."""
    model_ids = st.one_of(st.sampled_from([coordinator.model, coordinator.job]), TEXT)
    ask(coordinator, data.draw(_callers("PublishModelCard")), "PublishModelCard", pb.PublishModelCardRequest(
        model_id=data.draw(st.one_of(st.just(coordinator.model), model_ids)),
        card_json=data.draw(st.one_of(st.just(coordinator.card), cards(coordinator.card), _json_text(MODEL_KEYS)))))
    ask(coordinator, data.draw(_callers("GetModelCard")), "GetModelCard",
        pb.GetModelCardRequest(model_id=data.draw(model_ids)))
    ask(coordinator, data.draw(_callers("ApproveModel")), "ApproveModel", pb.ApproveModelRequest(
        model_id=data.draw(model_ids), decision=data.draw(st.one_of(st.sampled_from(DECISIONS), TEXT)),
        note=data.draw(st.one_of(TEXT, LONG_TEXT))))


@fuzzes("Disclose", "ListDisclosures")
@fuzz
@given(data=st.data())
def test_disclosures(coordinator: Coordinator, data: st.DataObject) -> None:
    """The platform seals a model part's details to the regulator (to its registered certificate,
    or another one), the regulator lists what is addressed to it."""
    regulator = coordinator.parties["regulator"].certificate_sha256
    others = sorted(party.certificate_sha256 for party in coordinator.parties.values())
    fields = data.draw(mixed(
        {"model_id": st.just(coordinator.model), "recipient": st.just("regulator"),
         "recipient_sha256": st.just(regulator), "what": st.just("scorecard_platform_bins"),
         "sealed": st.binary(min_size=1, max_size=64)},
        {"model_id": st.one_of(st.just(coordinator.job), TEXT), "recipient": PARTY_NAMES,
         "recipient_sha256": st.one_of(st.sampled_from(others), HEX64, TEXT), "what": TEXT,
         "sealed": st.binary(max_size=8), "sender": PARTY_NAMES}))
    ask(coordinator, data.draw(_callers("Disclose")), "Disclose", pb.Disclosure(**fields))
    ask(coordinator, data.draw(_callers("ListDisclosures")), "ListDisclosures", pb.ListDisclosuresRequest(
        model_id=data.draw(st.one_of(st.sampled_from([coordinator.model, ""]), TEXT))))


@st.composite
def loans(draw: st.DrawFn) -> pb.Loan:
    """A loan of the few the fuzz reports again and again (so that later reports replace them),
    to an enterprise it monitors, active today, but for up to two fields."""
    return pb.Loan(**draw(mixed(
        {"loan_id": st.sampled_from(["loan-1", "loan-2", "loan-3"]), "enterprise": st.sampled_from(USCCS),
         "granted_on": st.dates(max_value=TODAY).map(dt.date.isoformat),
         "matures_on": st.dates(min_value=TODAY).map(dt.date.isoformat), "closed_on": st.just("")},
        {"loan_id": st.one_of(TEXT, LONG_TEXT), "enterprise": TEXT, "granted_on": DATES, "matures_on": DATES,
         "closed_on": DATES})))


@fuzzes("ReportLoans", "ListMonitoredEnterprises")
@fuzz
@given(data=st.data())
def test_loans(coordinator: Coordinator, data: st.DataObject) -> None:
    """A bank reports loans, then its (or another bank's) monitored enterprises are listed for a day."""
    ask(coordinator, data.draw(_callers("ReportLoans")), "ReportLoans",
        pb.ReportLoansRequest(loans=data.draw(st.lists(loans(), max_size=3))))
    ask(coordinator, data.draw(_callers("ListMonitoredEnterprises")), "ListMonitoredEnterprises",
        pb.ListMonitoredEnterprisesRequest(bank=data.draw(st.one_of(st.just("bank_a"), PARTY_NAMES)),
                                           date=data.draw(st.one_of(st.just(TODAY.isoformat()), DATES))))


@st.composite
def alerts(draw: st.DrawFn, caller: str) -> pb.Alert:
    """An alert as ``caller`` files it (a bank its sealed score alert, anyone else an event alert
    in the clear) on the enterprise bank_a monitors, but for up to two fields."""
    event = draw(st.sampled_from(EVENT_TYPES))
    valid = {"id": ALERT_IDS, "bank": st.just("bank_a"), "enterprise": st.just(ENTERPRISE),
             "date": st.just(TODAY.isoformat())}
    if CALLERS[caller] is Role.BANK:
        valid |= {"source": st.just(SCORE), "sealed": st.binary(min_size=1, max_size=64)}
    else:
        valid |= {"source": st.just(EVENT), "event_type": st.just(event),
                  "categories": st.just([EVENT_CATEGORIES[event]]), "severity": st.sampled_from(SEVERITIES),
                  "rule": st.just("arrears"), "kind": st.just("event"), "reason": st.just("tax arrears filed")}
    return pb.Alert(**draw(mixed(valid, {
        "id": TEXT, "bank": PARTY_NAMES, "enterprise": st.one_of(st.sampled_from(USCCS), TEXT), "date": DATES,
        "source": st.one_of(st.sampled_from([EVENT, SCORE]), TEXT),
        "event_type": st.one_of(st.sampled_from(EVENT_TYPES), TEXT),
        "categories": st.lists(CATEGORY_NAMES, max_size=2),
        "severity": TEXT, "rule": TEXT, "kind": TEXT, "reason": TEXT, "sealed": st.binary(max_size=5000),
        "objections": st.lists(TEXT, min_size=1, max_size=2)})))


@fuzzes("SubmitAlerts", "AckAlerts")
@fuzz
@given(data=st.data())
def test_alerts(coordinator: Coordinator, data: st.DataObject) -> None:
    """A bank or the platform files alerts, the bank acknowledges some (of those, or made-up ids)."""
    caller = data.draw(_callers("SubmitAlerts"))
    filed = data.draw(st.lists(alerts(caller), max_size=3))
    ask(coordinator, caller, "SubmitAlerts", pb.SubmitAlertsRequest(alerts=filed))
    ids = [_pick(data, [alert.id for alert in filed], st.one_of(HEX64, TEXT))
           for _ in range(data.draw(st.integers(0, 3)))]
    ask(coordinator, data.draw(_callers("AckAlerts")), "AckAlerts", pb.AckAlertsRequest(ids=ids))


@fuzzes("WatchJobs", "SubscribeAlerts")
@fuzz
@given(data=st.data())
def test_subscriptions(coordinator: Coordinator, data: st.DataObject) -> None:
    """The streams a party keeps open, whose requests are empty: opened by anyone, read for their
    first message (an unfinished job, the standing alert) and hung up."""
    rpc, request = data.draw(st.sampled_from([("WatchJobs", pb.WatchJobsRequest()),
                                              ("SubscribeAlerts", pb.SubscribeAlertsRequest())]))
    ask(coordinator, data.draw(_callers(rpc)), rpc, request)


@fuzzes("ServeScoring")
@fuzz
@given(data=st.data())
def test_serve_scoring(coordinator: Coordinator, data: st.DataObject) -> None:
    """The platform serves online scoring and answers a bank's question with fuzzed values (the
    request id, masked values, an error): the bank gets its masked score or a clear status, and
    the platform hanging up fails whatever still waits for it."""
    caller = data.draw(_callers("ServeScoring"))
    request = pb.ScoreApplicantRequest(
        model_id=coordinator.model, enterprise=ENTERPRISE, ciphertext=data.draw(st.binary(min_size=1, max_size=64)),
        reason_ciphertexts=data.draw(st.lists(st.binary(min_size=1, max_size=16), max_size=2)))
    request_id = data.draw(st.one_of(st.none(), TEXT))  # None: the question's own
    answer = pb.ScoringAnswer(masked_value=data.draw(st.integers(0, 2**64 - 1)),
                              error=data.draw(st.one_of(st.just(""), TEXT)),
                              reason_masked_values=data.draw(st.lists(st.integers(0, 2**64 - 1), max_size=3)))
    answers: queue.Queue[pb.ScoringAnswer | None] = queue.Queue()
    stream = coordinator.stub(caller).ServeScoring(iter(answers.get, None), timeout=5)
    try:
        serving = answered_clearly(lambda: next(stream), may_time_out=True, refused=_refusal(caller, "ServeScoring"))
        if serving is None:
            return
        score = coordinator.stub("bank_a").ScoreApplicant.future(request, timeout=5)
        question = answered_clearly(lambda: next(stream), may_time_out=True)
        if question is not None:
            answer.request_id = question.request_id if request_id is None else request_id
            answers.put(answer)
        answers.put(None)  # the platform hangs up: a question left unanswered fails now, not after 30 s
        answered_clearly(score.result, may_time_out=True)
    finally:
        answers.put(None)  # on the way out early too, so that gRPC's thread reading the answers ends
        stream.cancel()


@fuzzes("SubmitMonitoringReport", "ListMonitoringReports")
@fuzz
@given(data=st.data())
def test_monitoring_reports(coordinator: Coordinator, data: st.DataObject) -> None:
    """The platform files a night's drift report for a bank (a later one replaces it), readers list them."""
    reports = st.dictionaries(st.sampled_from(["psi", "features", "run_date"]), JSON_VALUES, max_size=3)
    fields = data.draw(mixed(
        {"date": RUN_DATES, "bank": st.just("bank_a"), "model_id": st.just(coordinator.model),
         "report_json": reports.map(json.dumps)},
        {"date": DATES, "bank": PARTY_NAMES, "model_id": TEXT, "report_json": _json_text(("psi", "features"))}))
    ask(coordinator, data.draw(_callers("SubmitMonitoringReport")), "SubmitMonitoringReport",
        pb.MonitoringReport(**fields))
    ask(coordinator, data.draw(_callers("ListMonitoringReports")), "ListMonitoringReports",
        pb.ListMonitoringReportsRequest(date=data.draw(st.one_of(st.just(fields["date"]), DATES))))


@fuzzes("RecordCodeRequest")
@fuzz
@given(data=st.data())
def test_code_requests(coordinator: Coordinator, data: st.DataObject) -> None:
    """A bank records its data scientist's code request, then the platform its decision on it."""
    request_id = data.draw(st.uuids().map(str))
    actions = st.one_of(st.sampled_from(["submitted", "approved", "denied"]), TEXT)
    malformed = {"request_id": TEXT, "bank": PARTY_NAMES, "action": actions, "reason": LONG_TEXT}
    submitted = data.draw(mixed(
        {"request_id": st.just(request_id), "bank": st.just("bank_a"), "action": st.just("submitted"),
         "function": st.just("tax_summary"), "code_sha256": HEX64,
         "categories": st.lists(st.sampled_from(CATEGORIES), min_size=1, max_size=3)},
        malformed | {"function": TEXT, "code_sha256": TEXT, "categories": st.lists(CATEGORY_NAMES, max_size=3)}))
    ask(coordinator, data.draw(_callers("RecordCodeRequest", "bank_a")), "RecordCodeRequest",
        pb.CodeRequestEvent(**submitted))
    decided = data.draw(mixed(
        {"request_id": st.just(request_id), "bank": st.just("bank_a"),
         "action": st.sampled_from(["approved", "denied"]), "reason": TEXT}, malformed))
    ask(coordinator, data.draw(_callers("RecordCodeRequest", "platform")), "RecordCodeRequest",
        pb.CodeRequestEvent(**decided))


@fuzzes("GrantConsent", "RevokeConsent")
@fuzz
@given(data=st.data())
def test_consent_records(coordinator: Coordinator, data: st.DataObject) -> None:
    """The operator records a consent, then revokes it (or a made-up one). Last of the targets:
    every consent record is read again by each later self-query and consent lookup, which
    would slow the targets above without testing them more."""
    days = st.integers(-400, 400).map(lambda days: (TODAY + dt.timedelta(days=days)).isoformat())
    grant = pb.GrantConsentRequest(**data.draw(mixed(
        {"enterprise": st.sampled_from(USCCS), "bank": st.just("bank_a"), "purpose": st.just(PURPOSE),
         "categories": st.lists(st.sampled_from(CATEGORIES), min_size=1, max_size=3),
         "valid_until": st.dates(min_value=TODAY, max_value=TODAY + dt.timedelta(days=400)).map(dt.date.isoformat)},
        {"enterprise": TEXT, "bank": PARTY_NAMES, "purpose": TEXT, "categories": st.lists(CATEGORY_NAMES, max_size=3),
         "valid_until": st.one_of(days, TEXT)})))
    granted = ask(coordinator, data.draw(_callers("GrantConsent")), "GrantConsent", grant)
    revoke = pb.RevokeConsentRequest(consent_id=_pick(data, [granted.id] if granted is not None else [], TEXT))
    ask(coordinator, data.draw(_callers("RevokeConsent")), "RevokeConsent", revoke)


def test_every_rpc_is_fuzzed() -> None:
    """A new RPC fails here until a target above sends it (and a renamed one until its target follows)."""
    assert FUZZED == set(SERVICE.methods_by_name)
