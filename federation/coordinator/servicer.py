"""gRPC adapter: turns requests into CoordinatorService calls and errors into status codes."""

from __future__ import annotations

import functools
import inspect
import json
import logging
import threading
from collections.abc import Callable, Iterator
from typing import Any

import grpc
from google.protobuf.timestamp_pb2 import Timestamp

from federation.coordinator.errors import (
    AlreadyRelayed, Conflict, CoordinatorError, InvalidArgument, NotFound, PermissionDenied, TooLarge, parse_json,
)
from federation.coordinator.authorization import authorize_rpc
from federation.coordinator.code_requests import CodeRequestEvent
from federation.coordinator.data_use import HistoryEntry
from federation.coordinator.disclosures import Disclosure
from federation.coordinator.jobs import State
from federation.coordinator.usage import UsageReport
from federation.coordinator.online import PlatformNotServing, ScoringAnswer, ScoringFailed, ServingSession
from federation.coordinator.service import CoordinatorService
from federation.coordinator.audit import AuditSummary
from federation.coordinator.portfolio import parse_day
from federation.coordinator.store import ConsentRow, JobRow, ModelRow, MonitoringReportRow, ObjectionRow, PartyRow
from federation.monitoring.wire import alert_from_proto, alert_to_proto, loan_from_proto
from federation.rpc import coordinator_pb2 as pb
from federation.rpc import coordinator_pb2_grpc as pb_grpc
from federation.rpc.chunking import ChunkingError, chunk_message, read_header
from federation.rpc.states import state_from_proto, state_to_proto
from federation.security.certs import data_use_tag
from federation.security.roles import Role
from federation.security.tls import Identity, UnauthenticatedCaller, caller_identity

log = logging.getLogger(__name__)

_STATUS = {
    InvalidArgument: grpc.StatusCode.INVALID_ARGUMENT,
    PermissionDenied: grpc.StatusCode.PERMISSION_DENIED,
    NotFound: grpc.StatusCode.NOT_FOUND,
    Conflict: grpc.StatusCode.FAILED_PRECONDITION,
    AlreadyRelayed: grpc.StatusCode.ALREADY_EXISTS,
    TooLarge: grpc.StatusCode.RESOURCE_EXHAUSTED,
    ChunkingError: grpc.StatusCode.INVALID_ARGUMENT,
    PlatformNotServing: grpc.StatusCode.UNAVAILABLE,
    ScoringFailed: grpc.StatusCode.ABORTED,
}
_REFUSED = (CoordinatorError, UnauthenticatedCaller, ChunkingError)
WATCH_HEARTBEAT_SECONDS = 5.0


def _abort(context: grpc.ServicerContext, exc: Exception) -> None:
    if isinstance(exc, UnauthenticatedCaller):
        context.abort(grpc.StatusCode.UNAUTHENTICATED, str(exc))
    code = _STATUS.get(type(exc), grpc.StatusCode.INTERNAL)
    context.abort(code, str(exc))


def _rpc(method: Callable[..., Any]) -> Callable[..., Any]:
    """Resolve the caller from its certificate and map service errors to gRPC statuses."""

    def authorized(context: grpc.ServicerContext) -> Identity:
        caller = caller_identity(context)
        authorize_rpc(method.__name__, caller)
        return caller

    @functools.wraps(method)
    def unary(self: "CoordinatorServicer", request: Any, context: grpc.ServicerContext) -> Any:
        try:
            return method(self, authorized(context), request, context)
        except _REFUSED as exc:
            _abort(context, exc)

    @functools.wraps(method)
    def streaming(self: "CoordinatorServicer", request: Any, context: grpc.ServicerContext) -> Iterator[Any]:
        try:
            yield from method(self, authorized(context), request, context)
        except _REFUSED as exc:
            _abort(context, exc)

    return streaming if inspect.isgeneratorfunction(method) else unary


def _timestamp(value: Any) -> Timestamp:
    ts = Timestamp()
    ts.FromDatetime(value)
    return ts


def disclosure_to_proto(disclosure: Disclosure) -> pb.Disclosure:
    message = pb.Disclosure(model_id=disclosure.model_id, sender=disclosure.sender, recipient=disclosure.recipient,
                            recipient_sha256=disclosure.recipient_sha256, what=disclosure.what,
                            sealed=disclosure.sealed)
    if disclosure.created_at is not None:
        message.created_at.CopyFrom(_timestamp(disclosure.created_at))
    return message


def party_to_proto(row: PartyRow) -> pb.Party:
    return pb.Party(
        name=row.name, role=Role(row.role).to_proto(), certificate_sha256=row.certificate_sha256,
        registered_at=_timestamp(row.registered_at), last_seen=_timestamp(row.last_seen),
    )


def job_to_proto(row: JobRow) -> pb.Job:
    return pb.Job(
        id=row.id, kind=row.kind, initiator=row.initiator, state=state_to_proto(State(row.state)),
        params_json=json.dumps(row.params), error=row.error,
        created_at=_timestamp(row.created_at), updated_at=_timestamp(row.updated_at),
        participants=[
            pb.Participant(party=p.party, role=Role(p.role).to_proto(), state=state_to_proto(State(p.state)),
                           detail=p.detail, result_json=json.dumps(p.result))
            for p in row.participants
        ],
    )


def model_to_proto(row: ModelRow) -> pb.Model:
    return pb.Model(
        id=row.id, kind=row.kind, owner=row.owner, version=row.version, params_json=json.dumps(row.params),
        metrics_json=json.dumps(row.metrics), protocol_json=json.dumps(row.protocol),
        parts=[pb.ModelPart(party=party, file=str(part.get("file", "")), sha256=str(part.get("sha256", "")))
               for party, part in sorted(row.parts.items())],
        created_at=_timestamp(row.created_at),
    )


def consent_to_proto(row: ConsentRow) -> pb.Consent:
    consent = pb.Consent(id=row.id, enterprise=row.enterprise, bank=row.bank, purpose=row.purpose,
                         categories=row.categories, valid_until=row.valid_until.isoformat(),
                         granted_by=row.granted_by, granted_at=_timestamp(row.granted_at),
                         revoked_by=row.revoked_by)
    if row.revoked_at is not None:
        consent.revoked_at.CopyFrom(_timestamp(row.revoked_at))
    return consent


def audit_summary_to_proto(summary: AuditSummary) -> pb.AuditSummaryResponse:
    return pb.AuditSummaryResponse(
        entries=summary.entries, head_sha256=summary.head_sha256, by_action=dict(summary.by_action),
        by_party=dict(summary.by_party), by_category=dict(summary.by_category),
        enterprises_by_action=dict(summary.enterprises_by_action),
    )


def _parse_report(text: str) -> dict[str, Any]:
    report = parse_json(text, "report_json")
    if not isinstance(report, dict):
        raise InvalidArgument("report_json must be a JSON object")
    return report


def _report_to_proto(row: MonitoringReportRow) -> pb.MonitoringReport:
    return pb.MonitoringReport(date=row.run_date, bank=row.bank, model_id=row.model_id,
                               report_json=json.dumps(row.report), updated_at=_timestamp(row.updated_at))


def history_to_proto(entries: list[HistoryEntry]) -> pb.EnterpriseHistoryResponse:
    return pb.EnterpriseHistoryResponse(records=[
        pb.DataUseRecord(seq=e.seq, at=e.at, actor=e.actor, action=e.action, subject=e.subject,
                         details_json=json.dumps(e.details), objection_ids=e.objection_ids) for e in entries])


def objection_to_proto(row: ObjectionRow, overdue: bool) -> pb.Objection:
    return pb.Objection(id=row.id, enterprise=row.enterprise, audit_seq=row.audit_seq, reason=row.reason,
                        status=row.status, filed_at=_timestamp(row.filed_at), forward_by=row.forward_by.isoformat(),
                        overdue=overdue, note=row.note, updated_by=row.updated_by)


def usage_to_proto(report: UsageReport) -> pb.AuditUsageResponse:
    return pb.AuditUsageResponse(head_sha256=report.head_sha256, rows=[
        pb.UsageRow(period=r.period, bank=r.bank, purpose=r.purpose, category=r.category,
                    enterprises=r.enterprises, uses=r.uses) for r in report.rows])


def _presented_tag(context: grpc.ServicerContext) -> bytes | None:
    """The data-use tag in the caller's (an enterprise's) certificate, verified by TLS."""
    return data_use_tag(context.auth_context()["x509_pem_cert"][0])


def _forward_answers(answers: Iterator[pb.ScoringAnswer], session: ServingSession) -> None:
    """Hand the platform's answers to the waiting requests; the session ends with the stream."""
    try:
        for answer in answers:
            session.answer(ScoringAnswer(answer.request_id, answer.masked_value, answer.error,
                                         tuple(answer.reason_masked_values)))
    except grpc.RpcError:  # server side, a bare RpcError (no code): the call was cancelled or timed out
        log.info("%s's scoring stream was cancelled or timed out", session.platform)
    finally:
        session.close()


class CoordinatorServicer(pb_grpc.CoordinatorServicer):
    def __init__(self, service: CoordinatorService) -> None:
        self._service = service

    @_rpc
    def Register(self, caller: Identity, request: pb.RegisterRequest, context: Any) -> pb.Party:
        return party_to_proto(self._service.register(caller, dict(request.labels)))

    @_rpc
    def ListParties(self, caller: Identity, request: pb.ListPartiesRequest, context: Any) -> pb.ListPartiesResponse:
        return pb.ListPartiesResponse(parties=[party_to_proto(p) for p in self._service.list_parties(caller)])

    @_rpc
    def SubmitJob(self, caller: Identity, request: pb.SubmitJobRequest, context: Any) -> pb.Job:
        return job_to_proto(self._service.submit_job(caller, request.kind, list(request.parties),
                                                     request.params_json))

    @_rpc
    def GetJob(self, caller: Identity, request: pb.GetJobRequest, context: Any) -> pb.Job:
        return job_to_proto(self._service.get_job(caller, request.job_id))

    @_rpc
    def ListJobs(self, caller: Identity, request: pb.ListJobsRequest, context: Any) -> pb.ListJobsResponse:
        return pb.ListJobsResponse(jobs=[job_to_proto(j) for j in self._service.list_jobs(caller)])

    @_rpc
    def ListModels(self, caller: Identity, request: pb.ListModelsRequest, context: Any) -> pb.ListModelsResponse:
        return pb.ListModelsResponse(models=[model_to_proto(m) for m in self._service.list_models(caller)])

    @_rpc
    def GrantConsent(self, caller: Identity, request: pb.GrantConsentRequest, context: Any) -> pb.Consent:
        return consent_to_proto(self._service.consents.grant(
            caller, request.enterprise, request.bank, request.purpose, list(request.categories),
            request.valid_until))

    @_rpc
    def RevokeConsent(self, caller: Identity, request: pb.RevokeConsentRequest, context: Any) -> pb.Consent:
        return consent_to_proto(self._service.consents.revoke(caller, request.consent_id))

    @_rpc
    def ListConsents(self, caller: Identity, request: pb.ListConsentsRequest, context: Any
                     ) -> pb.ListConsentsResponse:
        return pb.ListConsentsResponse(consents=[consent_to_proto(c) for c in self._service.consents.list(caller)])

    @_rpc
    def ListAuthorizedEnterprises(self, caller: Identity, request: pb.ListAuthorizedEnterprisesRequest,
                                  context: Any) -> pb.ListAuthorizedEnterprisesResponse:
        return pb.ListAuthorizedEnterprisesResponse(enterprises=self._service.authorized_enterprises(
            caller, request.job_id, list(request.categories)))

    @_rpc
    def AuditSummary(self, caller: Identity, request: pb.AuditSummaryRequest, context: Any
                     ) -> pb.AuditSummaryResponse:
        return audit_summary_to_proto(self._service.audit_summary(caller))

    @_rpc
    def RecordDataUse(self, caller: Identity, request: pb.RecordDataUseRequest, context: Any
                      ) -> pb.RecordDataUseReply:
        return pb.RecordDataUseReply(audit_seq=self._service.record_data_use(
            caller, request.job_id, request.batch, request.tags, list(request.categories)))

    @_rpc
    def RecordCodeRequest(self, caller: Identity, request: pb.CodeRequestEvent, context: Any
                          ) -> pb.CodeRequestReply:
        recorded = self._service.code_requests.record(caller, CodeRequestEvent(
            request.request_id, request.bank, request.action, request.function, request.code_sha256,
            tuple(request.categories), request.reason))
        return pb.CodeRequestReply(audit_seq=recorded.audit_seq, authorized=recorded.authorized)

    @_rpc
    def EnterpriseHistory(self, caller: Identity, request: pb.EnterpriseHistoryRequest,
                          context: grpc.ServicerContext) -> pb.EnterpriseHistoryResponse:
        return history_to_proto(self._service.enterprise_history(caller, _presented_tag(context)))

    @_rpc
    def FileObjection(self, caller: Identity, request: pb.FileObjectionRequest, context: grpc.ServicerContext
                      ) -> pb.Objection:
        row = self._service.file_objection(caller, request.audit_seq, request.reason, _presented_tag(context))
        return objection_to_proto(row, self._service.objections.is_overdue(row))

    @_rpc
    def ListObjections(self, caller: Identity, request: pb.ListObjectionsRequest, context: Any
                       ) -> pb.ListObjectionsResponse:
        objections = self._service.objections
        return pb.ListObjectionsResponse(objections=[objection_to_proto(row, objections.is_overdue(row))
                                                     for row in objections.list(caller)])

    @_rpc
    def UpdateObjection(self, caller: Identity, request: pb.UpdateObjectionRequest, context: Any) -> pb.Objection:
        row = self._service.objections.update(caller, request.objection_id, request.status, request.note)
        return objection_to_proto(row, self._service.objections.is_overdue(row))

    @_rpc
    def AuditUsage(self, caller: Identity, request: pb.AuditUsageRequest, context: Any) -> pb.AuditUsageResponse:
        return usage_to_proto(self._service.audit_usage(caller, request.period))

    @_rpc
    def PublishModelCard(self, caller: Identity, request: pb.PublishModelCardRequest, context: Any
                         ) -> pb.ModelCardReply:
        card = self._service.model_cards.publish(caller, request.model_id, request.card_json)
        return pb.ModelCardReply(model_id=request.model_id, card_json=json.dumps(card))

    @_rpc
    def GetModelCard(self, caller: Identity, request: pb.GetModelCardRequest, context: Any) -> pb.ModelCardReply:
        card = self._service.model_cards.read(caller, request.model_id)
        return pb.ModelCardReply(model_id=request.model_id, card_json=json.dumps(card))

    @_rpc
    def Disclose(self, caller: Identity, request: pb.Disclosure, context: Any) -> pb.Disclosure:
        return disclosure_to_proto(self._service.disclosures.disclose(caller, Disclosure(
            request.model_id, caller.name, request.recipient, request.recipient_sha256, request.what,
            request.sealed)))

    @_rpc
    def ListDisclosures(self, caller: Identity, request: pb.ListDisclosuresRequest, context: Any
                        ) -> pb.ListDisclosuresResponse:
        return pb.ListDisclosuresResponse(disclosures=[
            disclosure_to_proto(d) for d in self._service.disclosures.addressed(caller, request.model_id)])

    @_rpc
    def ApproveModel(self, caller: Identity, request: pb.ApproveModelRequest, context: Any) -> pb.Approval:
        row = self._service.model_cards.approve(caller, request.model_id, request.decision, request.note)
        return pb.Approval(model_id=row.model_id, reviewer=row.reviewer, decision=row.decision, note=row.note,
                           at=_timestamp(row.at))

    @_rpc
    def ReportStatus(self, caller: Identity, request: pb.ReportStatusRequest, context: Any) -> pb.Job:
        state = state_from_proto(request.state)
        if state is None:
            raise InvalidArgument("state must be RUNNING, SUCCEEDED or FAILED")
        return job_to_proto(self._service.report_status(caller, request.job_id, state, request.detail,
                                                        request.result_json))

    @_rpc
    def WatchJobs(self, caller: Identity, request: pb.WatchJobsRequest, context: grpc.ServicerContext
                  ) -> Iterator[pb.Job]:
        self._service.require_registered(caller)
        left = self._service.presence.connect(caller.name)  # an agent's open stream is its presence
        if not context.add_callback(left):
            left()
        context.add_callback(self._service.wake_watchers)
        seen = self._service.job_versions()
        for job in self._service.watch_snapshot(caller, seen, seen, first=True):
            yield job_to_proto(job)
        while context.is_active():
            versions = self._service.wait_for_change(seen, WATCH_HEARTBEAT_SECONDS, context.is_active)
            for job in self._service.watch_snapshot(caller, seen, versions, first=False):
                yield job_to_proto(job)
            seen = versions

    @_rpc
    def ScoreApplicant(self, caller: Identity, request: pb.ScoreApplicantRequest, context: Any
                       ) -> pb.ScoreApplicantReply:
        answer = self._service.score_applicant(caller, request.model_id, request.enterprise, request.ciphertext,
                                               tuple(request.reason_ciphertexts))
        objections = [flag.text() for flag in self._service.objection_flags(request.enterprise)
                      ] if request.reason_ciphertexts else []
        return pb.ScoreApplicantReply(masked_value=answer.masked_value,
                                      reason_masked_values=answer.reason_masked_values, objections=objections)

    @_rpc
    def ServeScoring(self, caller: Identity, request_iterator: Iterator[pb.ScoringAnswer],
                     context: grpc.ServicerContext) -> Iterator[pb.ScoringQuestion]:
        session = self._service.serve_scoring(caller)
        context.add_callback(session.close)
        threading.Thread(target=_forward_answers, args=(request_iterator, session),
                         name=f"answers-{caller.name}", daemon=True).start()
        yield pb.ScoringQuestion()
        for question in session.questions(context.is_active):
            yield pb.ScoringQuestion(request_id=question.request_id, model_id=question.model_id,
                                     bank=question.bank, ciphertext=question.ciphertext,
                                     reason_ciphertexts=question.reason_ciphertexts)

    @_rpc
    def ReportLoans(self, caller: Identity, request: pb.ReportLoansRequest, context: Any) -> pb.ReportLoansResponse:
        loans = [loan_from_proto(i, loan) for i, loan in enumerate(request.loans)]
        stored, active = self._service.portfolio.report(caller, loans)
        return pb.ReportLoansResponse(stored=stored, active=active)

    @_rpc
    def ListMonitoredEnterprises(self, caller: Identity, request: pb.ListMonitoredEnterprisesRequest, context: Any
                                 ) -> pb.ListMonitoredEnterprisesResponse:
        portfolio = self._service.portfolio
        found = portfolio.monitored(caller, request.bank, parse_day(request.date, "date"))
        return pb.ListMonitoredEnterprisesResponse(
            enterprises=[pb.MonitoredEnterprise(enterprise=e, categories=c) for e, c in found.items()],
            score_categories=portfolio.score_categories())

    @_rpc
    def SubmitAlerts(self, caller: Identity, request: pb.SubmitAlertsRequest, context: Any
                     ) -> pb.SubmitAlertsResponse:
        result = self._service.alerts.submit(caller, [alert_from_proto(a) for a in request.alerts])
        return pb.SubmitAlertsResponse(stored=result.stored, duplicates=result.duplicates, withheld=result.withheld)

    @_rpc
    def SubscribeAlerts(self, caller: Identity, request: pb.SubscribeAlertsRequest, context: grpc.ServicerContext
                        ) -> Iterator[pb.Alert]:
        context.add_callback(self._service.alerts.wake_subscribers)
        for alert in self._service.alerts.stream(caller, context.is_active, WATCH_HEARTBEAT_SECONDS):
            yield alert_to_proto(alert)

    @_rpc
    def AckAlerts(self, caller: Identity, request: pb.AckAlertsRequest, context: Any) -> pb.AckAlertsResponse:
        return pb.AckAlertsResponse(acknowledged=self._service.alerts.ack(caller, list(request.ids)))

    @_rpc
    def SubmitMonitoringReport(self, caller: Identity, request: pb.MonitoringReport, context: Any
                               ) -> pb.MonitoringReport:
        report = _parse_report(request.report_json)
        row = self._service.alerts.file_report(caller, request.date, request.bank, request.model_id, report)
        return _report_to_proto(row)

    @_rpc
    def ListMonitoringReports(self, caller: Identity, request: pb.ListMonitoringReportsRequest, context: Any
                              ) -> pb.ListMonitoringReportsResponse:
        return pb.ListMonitoringReportsResponse(
            reports=[_report_to_proto(row) for row in self._service.alerts.reports(caller, request.date)])

    @_rpc
    def Send(self, caller: Identity, request_iterator: Iterator[pb.MessageChunk], context: Any) -> pb.SendResponse:
        header = read_header(request_iterator)
        data = (chunk.data for chunk in request_iterator if chunk.WhichOneof("part") == "data")
        message = self._service.send(caller, header.job_id, header.recipient, header.tag, header.size,
                                     header.sha256, data)
        return pb.SendResponse(message_id=message.id)

    @_rpc
    def Receive(self, caller: Identity, request: pb.ReceiveRequest, context: grpc.ServicerContext
                ) -> Iterator[pb.MessageChunk]:
        remaining = context.time_remaining()
        message = self._service.receive(caller, request.job_id, request.sender, request.tag,
                                        remaining, context.is_active)
        if message is None:
            context.abort(grpc.StatusCode.DEADLINE_EXCEEDED,
                          f"no {request.tag!r} from {request.sender} in job {request.job_id} yet")
        header = pb.MessageHeader(job_id=request.job_id, recipient=caller.name, tag=request.tag,
                                  size=message.size, sha256=bytes.fromhex(message.sha256), sender=request.sender)
        yield from chunk_message(header, self._service.mailbox.read(message))
