"""A party's (or a bank data scientist's) connection to the coordinator.

Wraps the generated stub with the things every caller needs: chunked send and
receive, waiting for a job to finish, and riding out a coordinator restart by
retrying calls that failed with UNAVAILABLE.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import grpc

from federation.coordinator.jobs import State
from federation.rpc import coordinator_pb2 as pb
from federation.rpc import coordinator_pb2_grpc as pb_grpc
from federation.rpc.chunking import assemble, chunk_message, header_for, split
from federation.rpc.states import state_from_proto, state_to_proto
from federation.security.certs import PartyCredentials
from federation.security.tls import secure_channel

log = logging.getLogger(__name__)
T = TypeVar("T")
RECEIVE_POLL_SECONDS = 10.0


class JobFailed(RuntimeError):
    """A job this client waited on ended in FAILED; the message names the party that failed."""


class CoordinatorClient:
    def __init__(self, target: str, credentials: PartyCredentials, *, call_timeout: float = 60.0,
                 reconnect_seconds: float = 60.0,
                 interceptors: tuple[grpc.UnaryUnaryClientInterceptor | grpc.UnaryStreamClientInterceptor
                                     | grpc.StreamUnaryClientInterceptor | grpc.StreamStreamClientInterceptor,
                                     ...] = ()) -> None:
        self.name = credentials.name
        self.target = target
        self._channel = grpc.intercept_channel(secure_channel(target, credentials), *interceptors)
        self._stub = pb_grpc.CoordinatorStub(self._channel)
        self._timeout = call_timeout
        self._reconnect = reconnect_seconds

    def close(self) -> None:
        self._channel.close()

    def __enter__(self) -> "CoordinatorClient":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _retrying(self, call: Callable[[], T]) -> T:
        """Retry while the coordinator is unreachable, up to ``reconnect_seconds``."""
        give_up = time.monotonic() + self._reconnect
        delay = 0.2
        while True:
            try:
                return call()
            except grpc.RpcError as exc:
                if exc.code() != grpc.StatusCode.UNAVAILABLE or time.monotonic() > give_up:
                    raise
                log.warning("coordinator at %s unavailable, retrying: %s", self.target, exc.details())
                time.sleep(delay)
                delay = min(delay * 2, 5.0)

    def register(self, labels: dict[str, str] | None = None) -> pb.Party:
        return self._retrying(lambda: self._stub.Register(pb.RegisterRequest(labels=labels or {}),
                                                          timeout=self._timeout))

    def list_parties(self) -> list[pb.Party]:
        return list(self._retrying(lambda: self._stub.ListParties(pb.ListPartiesRequest(),
                                                                  timeout=self._timeout)).parties)

    def submit_job(self, kind: str, parties: list[str], params: dict[str, Any] | None = None) -> pb.Job:
        request = pb.SubmitJobRequest(kind=kind, parties=parties, params_json=json.dumps(params or {}))
        return self._stub.SubmitJob(request, timeout=self._timeout)

    def get_job(self, job_id: str) -> pb.Job:
        return self._retrying(lambda: self._stub.GetJob(pb.GetJobRequest(job_id=job_id), timeout=self._timeout))

    def list_jobs(self) -> list[pb.Job]:
        return list(self._retrying(lambda: self._stub.ListJobs(pb.ListJobsRequest(), timeout=self._timeout)).jobs)

    def list_models(self) -> list[pb.Model]:
        return list(self._retrying(lambda: self._stub.ListModels(pb.ListModelsRequest(),
                                                                 timeout=self._timeout)).models)

    def grant_consent(self, enterprise: str, bank: str, categories: list[str], valid_until: str,
                      purpose: str = "financing") -> pb.Consent:
        request = pb.GrantConsentRequest(enterprise=enterprise, bank=bank, purpose=purpose,
                                         categories=categories, valid_until=valid_until)
        return self._stub.GrantConsent(request, timeout=self._timeout)

    def revoke_consent(self, consent_id: str) -> pb.Consent:
        return self._stub.RevokeConsent(pb.RevokeConsentRequest(consent_id=consent_id), timeout=self._timeout)

    def list_consents(self) -> list[pb.Consent]:
        return list(self._retrying(lambda: self._stub.ListConsents(pb.ListConsentsRequest(),
                                                                   timeout=self._timeout)).consents)

    def authorized_enterprises(self, job_id: str, categories: list[str]) -> list[str]:
        request = pb.ListAuthorizedEnterprisesRequest(job_id=job_id, categories=categories)
        return list(self._retrying(lambda: self._stub.ListAuthorizedEnterprises(
            request, timeout=self._timeout)).enterprises)

    def audit_summary(self) -> pb.AuditSummaryResponse:
        return self._retrying(lambda: self._stub.AuditSummary(pb.AuditSummaryRequest(), timeout=self._timeout))

    def record_data_use(self, job_id: str, batch: int, tags: bytes, categories: list[str]) -> int:
        request = pb.RecordDataUseRequest(job_id=job_id, batch=batch, tags=tags, categories=categories)
        return self._retrying(lambda: self._stub.RecordDataUse(request, timeout=self._timeout)).audit_seq

    def enterprise_history(self) -> list[pb.DataUseRecord]:
        return list(self._retrying(lambda: self._stub.EnterpriseHistory(pb.EnterpriseHistoryRequest(),
                                                                        timeout=self._timeout)).records)

    def file_objection(self, audit_seq: int, reason: str) -> pb.Objection:
        return self._stub.FileObjection(pb.FileObjectionRequest(audit_seq=audit_seq, reason=reason),
                                        timeout=self._timeout)

    def list_objections(self) -> list[pb.Objection]:
        return list(self._retrying(lambda: self._stub.ListObjections(pb.ListObjectionsRequest(),
                                                                     timeout=self._timeout)).objections)

    def update_objection(self, objection_id: str, status: str, note: str = "") -> pb.Objection:
        request = pb.UpdateObjectionRequest(objection_id=objection_id, status=status, note=note)
        return self._stub.UpdateObjection(request, timeout=self._timeout)

    def audit_usage(self, period: str = "month") -> pb.AuditUsageResponse:
        return self._retrying(lambda: self._stub.AuditUsage(pb.AuditUsageRequest(period=period),
                                                            timeout=self._timeout))

    def publish_model_card(self, model_id: str, card_json: str) -> pb.ModelCardReply:
        return self._stub.PublishModelCard(pb.PublishModelCardRequest(model_id=model_id, card_json=card_json),
                                           timeout=self._timeout)

    def get_model_card(self, model_id: str) -> pb.ModelCardReply:
        return self._retrying(lambda: self._stub.GetModelCard(pb.GetModelCardRequest(model_id=model_id),
                                                              timeout=self._timeout))

    def disclose(self, model_id: str, recipient: str, recipient_sha256: str, what: str, sealed: bytes
                 ) -> pb.Disclosure:
        request = pb.Disclosure(model_id=model_id, recipient=recipient, recipient_sha256=recipient_sha256,
                                what=what, sealed=sealed)
        return self._stub.Disclose(request, timeout=self._timeout)

    def list_disclosures(self, model_id: str = "") -> list[pb.Disclosure]:
        reply = self._retrying(lambda: self._stub.ListDisclosures(pb.ListDisclosuresRequest(model_id=model_id),
                                                                  timeout=self._timeout))
        return list(reply.disclosures)

    def approve_model(self, model_id: str, decision: str, note: str) -> pb.Approval:
        request = pb.ApproveModelRequest(model_id=model_id, decision=decision, note=note)
        return self._stub.ApproveModel(request, timeout=self._timeout)

    def score_applicant(self, model_id: str, enterprise: str, ciphertext: bytes) -> int:
        """The platform's masked value for one applicant's ciphertext, through the coordinator.
        Not retried: a loan officer waiting on a score should hear at once that it failed."""
        request = pb.ScoreApplicantRequest(model_id=model_id, enterprise=enterprise, ciphertext=ciphertext)
        return self._stub.ScoreApplicant(request, timeout=self._timeout).masked_value

    def explain_applicant(self, model_id: str, enterprise: str, ciphertext: bytes,
                          reason_ciphertexts: list[bytes]) -> tuple[int, list[int], list[str]]:
        """Like :meth:`score_applicant`, with one masked contribution per feature group back
        and the enterprise's unresolved objections (a credit portrait; audited as one)."""
        request = pb.ScoreApplicantRequest(model_id=model_id, enterprise=enterprise, ciphertext=ciphertext,
                                           reason_ciphertexts=reason_ciphertexts)
        reply = self._stub.ScoreApplicant(request, timeout=self._timeout)
        return reply.masked_value, list(reply.reason_masked_values), list(reply.objections)

    def serve_scoring(self, answers: Iterator[pb.ScoringAnswer]) -> Iterator[pb.ScoringQuestion]:
        """The platform's scoring stream: questions come in, ``answers`` go out."""
        return self._stub.ServeScoring(answers)

    def watch_jobs(self) -> Iterator[pb.Job]:
        """Jobs involving this party; the stream ends when the coordinator goes away."""
        return self._stub.WatchJobs(pb.WatchJobsRequest())

    def follow_jobs(self, stop: threading.Event, on_job: Callable[[pb.Job], None],
                    on_reconnect: Callable[[], None] | None = None) -> None:
        """Hold the job stream until ``stop`` is set, reopening it when it breaks (a coordinator
        restart): the coordinator counts a party present only while it has one open, and fails
        a job whose party stays away past its deadline."""
        while not stop.is_set():
            stream = self.watch_jobs()
            stopper = threading.Thread(target=lambda: (stop.wait(), stream.cancel()), daemon=True)
            stopper.start()
            try:
                for job in stream:
                    on_job(job)
            except grpc.RpcError as exc:
                if exc.code() == grpc.StatusCode.CANCELLED and stop.is_set():
                    return
                log.warning("job stream from coordinator ended (%s); reconnecting", exc.code().name)
                stop.wait(1.0)
                if on_reconnect is not None:
                    on_reconnect()

    def report(self, job_id: str, state: State, detail: str = "", result: dict[str, Any] | None = None) -> pb.Job:
        request = pb.ReportStatusRequest(job_id=job_id, state=state_to_proto(state), detail=detail,
                                         result_json=json.dumps(result) if result else "")
        return self._retrying(lambda: self._stub.ReportStatus(request, timeout=self._timeout))

    def send(self, job_id: str, recipient: str, tag: str, payload: bytes) -> str:
        header = header_for(job_id, recipient, tag, payload)
        response = self._retrying(lambda: self._stub.Send(chunk_message(header, split(payload)),
                                                          timeout=max(self._timeout, len(payload) / 2e6)))
        return response.message_id

    def receive(self, job_id: str, sender: str, tag: str, timeout: float) -> bytes:
        """Wait up to ``timeout`` seconds for ``tag`` from ``sender``; raises TimeoutError naming both."""
        give_up = time.monotonic() + timeout
        request = pb.ReceiveRequest(job_id=job_id, sender=sender, tag=tag)
        while True:
            remaining = give_up - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"job {job_id}: no {tag!r} from {sender} within {timeout:.0f} s")
            try:
                _, payload = assemble(self._retrying(
                    lambda: list(self._stub.Receive(request, timeout=min(remaining, RECEIVE_POLL_SECONDS)))))
                return payload
            except grpc.RpcError as exc:
                if exc.code() != grpc.StatusCode.DEADLINE_EXCEEDED:
                    raise

    def wait_for_job(self, job_id: str, timeout: float, poll: float = 0.5) -> pb.Job:
        """Poll until the job is finished; raises JobFailed or TimeoutError."""
        give_up = time.monotonic() + timeout
        while True:
            job = self.get_job(job_id)
            state = state_from_proto(job.state)
            if state is State.SUCCEEDED:
                return job
            if state is State.FAILED:
                raise JobFailed(f"job {job_id} ({job.kind}) failed: {job.error}")
            if time.monotonic() > give_up:
                raise TimeoutError(f"job {job_id} ({job.kind}) still {state.value if state else '?'} "
                                   f"after {timeout:.0f} s")
            time.sleep(poll)


def job_summary(job: pb.Job) -> dict[str, Any]:
    """A job as plain data for printing: state, per-party state and reported metadata."""
    state = state_from_proto(job.state)
    return {
        "job_id": job.id,
        "kind": job.kind,
        "state": state.value if state else "unknown",
        "error": job.error,
        "results": {p.party: json.loads(p.result_json or "{}") for p in job.participants},
    }
