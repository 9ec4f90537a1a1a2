"""What the coordinator does for each request, independent of gRPC.

Every method takes the caller's certificate identity first and enforces who may do
what; request fields never override it. Returned rows are detached snapshots.
"""

from __future__ import annotations

import logging
import re
import threading
import uuid
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from federation.coordinator.alerts import AlertBox
from federation.coordinator.audit import AuditLog, AuditSummary
from federation.coordinator.code_requests import CodeRequestLog
from federation.coordinator.consents import ConsentRegistry
from federation.coordinator.data_use import DataUseIndex, HistoryEntry
from federation.coordinator.deadlines import DEFAULT_PARTY_DEADLINE_SECONDS, party_deadline
from federation.coordinator.errors import (
    Conflict, InvalidArgument, NotFound, PermissionDenied, parse_json, require_role,
)
from federation.coordinator.jobs import JOB_KINDS, State, job_state
from federation.coordinator.mailbox import Address, Mailbox, StoredMessage
from federation.coordinator.disclosures import DisclosureRegistry
from federation.coordinator.model_cards import ModelCardRegistry
from federation.coordinator.objections import ObjectionFlag, ObjectionRegistry
from federation.coordinator.online import (
    CONSENT_CATEGORIES, ENFORCES_CONSENT, ScoringAnswer, ScoringRouter, ServingSession,
)
from federation.coordinator.portfolio import PortfolioRegistry
from federation.coordinator.presence import Presence
from federation.coordinator.usage import UsageReport, usage_report
from federation.coordinator.store import JobRow, ModelRow, ObjectionRow, ParticipantRow, PartyRow, utcnow
from federation.data.uscc import uscc_error
from federation.governance.categories import PURPOSE
from federation.governance.data_use import IndexKey
from federation.security.roles import Role
from federation.security.tls import Identity

log = logging.getLogger(__name__)
_TAG_RE = re.compile(r"[a-z0-9_./-]{1,128}")
_MAX_PARAMS = 64 * 1024
_MAX_LEGAL_BASIS = 500
# Only the parties of a protocol exchange its messages and report on its jobs.
_PROTOCOL_ROLES = (Role.BANK, Role.PLATFORM)
# Who the coordinator's own decisions (failing a job whose party is gone) are audited as.
COORDINATOR = Identity("coordinator", Role.COORDINATOR, "")
# One online score's ciphertext is a single BFV ciphertext (about 256 KiB).
_MAX_SCORE_REQUEST = 4 * 1024 * 1024
_MAX_REASON_GROUPS = 64


def _parse_json_object(text: str, field: str) -> dict[str, Any]:
    if not text:
        return {}
    if len(text) > _MAX_PARAMS:
        raise InvalidArgument(f"{field} is longer than {_MAX_PARAMS} characters")
    value = parse_json(text, field)
    if not isinstance(value, dict):
        raise InvalidArgument(f"{field} must be a JSON object")
    return value


def _governance(params: dict[str, Any]) -> dict[str, Any]:
    """A job's purpose (financing, the only one) and, when consent is not its basis, the
    documented legal basis it runs under; both go into the audit log."""
    purpose = params.get("purpose", PURPOSE)
    if purpose != PURPOSE:
        raise InvalidArgument(f"params.purpose {purpose!r} is not allowed; the only purpose is {PURPOSE!r}")
    details: dict[str, Any] = {"purpose": PURPOSE}
    if "legal_basis" in params:
        basis = params["legal_basis"]
        if not isinstance(basis, str) or not basis.strip() or len(basis) > _MAX_LEGAL_BASIS:
            raise InvalidArgument(f"params.legal_basis must be a non-empty text of at most {_MAX_LEGAL_BASIS} "
                                  f"characters naming the documented basis, got {basis!r}")
        details["legal_basis"] = basis
    return details


def _count(value: Any, field: str) -> int:
    """A count a party reported, refused (and its report with it) unless a whole number >= 0."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InvalidArgument(f"result_json.{field} must be a whole number >= 0, got {value!r}")
    return value


def _enterprises_used(job: JobRow) -> int | None:
    """How many enterprises a finished job involved, from what its parties reported."""
    for participant in job.participants:
        result = participant.result
        if "intersection_size" in result:
            return _count(result["intersection_size"], "intersection_size")
        if "scored" in result:
            return _count(result["scored"], "scored")
        if "published" in result:
            return _count(result["published"], "published")
        model = result.get("model")
        metrics = model.get("metrics", {}) if isinstance(model, dict) else {}
        if isinstance(metrics, dict) and "n_intersection" in metrics:
            return _count(metrics["n_intersection"], "model.metrics.n_intersection")
    return None


def _consent_basis(job: JobRow) -> dict[str, Any]:
    """What the platform reported about the job's basis: categories and authorized count."""
    for participant in job.participants:
        consent = participant.result.get("consent")
        if isinstance(consent, dict):
            categories = consent.get("categories", [])
            if not isinstance(categories, list):
                raise InvalidArgument(f"result_json.consent.categories must be a list, got {categories!r}")
            return {"basis": str(consent.get("basis", "")), "categories": categories,
                    "authorized": consent.get("authorized")}
    return {}


class CoordinatorService:
    def __init__(self, sessions: sessionmaker, mailbox: Mailbox, scoring: ScoringRouter | None = None,
                 index_key: IndexKey | None = None) -> None:
        """``index_key`` tags the enterprises the coordinator sees in clear (online scores)
        for their self-query; the server keeps it in its store, an in-process service
        without one makes a key that lasts as long as the service."""
        self._sessions = sessions
        self.mailbox = mailbox
        self.audit = AuditLog(sessions)
        self.consents = ConsentRegistry(sessions, self.audit)
        self.data_use = DataUseIndex(sessions, self.audit, index_key or IndexKey.generate())
        self.objections = ObjectionRegistry(sessions, self.audit)
        self.model_cards = ModelCardRegistry(sessions, self.audit)
        self.disclosures = DisclosureRegistry(sessions, self.audit)
        self.portfolio = PortfolioRegistry(sessions, self.audit)
        self.alerts = AlertBox(sessions, self.audit, self.portfolio, self.objections)
        self.code_requests = CodeRequestLog(self.audit, self.consents)
        self.scoring = scoring or ScoringRouter()
        self._changed = threading.Condition()
        self._versions: dict[str, int] = {}
        self.presence = Presence()

    # parties -------------------------------------------------------------------
    def register(self, caller: Identity, labels: dict[str, str]) -> PartyRow:
        if caller.role is Role.COORDINATOR:
            raise PermissionDenied("a coordinator certificate cannot register as a party")
        with self._sessions.begin() as session:
            row = session.get(PartyRow, caller.name)
            if row is None:
                row = PartyRow(name=caller.name, role=caller.role.value,
                               certificate_sha256=caller.certificate_sha256, labels=dict(labels))
                session.add(row)
                log.info("registered %s as %s", caller.name, caller.role.value)
            elif row.role != caller.role.value:
                raise PermissionDenied(
                    f"{caller.name} is registered as {row.role}, certificate says {caller.role.value}"
                )
            else:
                if row.certificate_sha256 != caller.certificate_sha256:
                    log.warning("%s registered with a new certificate", caller.name)
                row.certificate_sha256 = caller.certificate_sha256
                row.labels = dict(labels)
                row.last_seen = utcnow()
        return row

    def list_parties(self, caller: Identity) -> list[PartyRow]:
        self.require_registered(caller)
        with self._sessions() as session:
            return list(session.scalars(select(PartyRow).order_by(PartyRow.name)))

    def require_registered(self, caller: Identity) -> PartyRow:
        with self._sessions() as session:
            row = session.get(PartyRow, caller.name)
        if row is None:
            raise PermissionDenied(f"{caller.name} has not registered with the coordinator")
        return row

    # jobs ----------------------------------------------------------------------
    def submit_job(self, caller: Identity, kind: str, parties: list[str], params_json: str) -> JobRow:
        self.require_registered(caller)
        spec = JOB_KINDS.get(kind)
        if spec is None:
            raise InvalidArgument(f"unknown job kind {kind!r}; known: {', '.join(sorted(JOB_KINDS))}")
        if caller.role is not spec.initiator:
            raise PermissionDenied(f"{caller.name} ({caller.role.value}) cannot start a {kind} job")
        params = _parse_json_object(params_json, "params_json")
        governance = _governance(params)
        party_deadline(params, DEFAULT_PARTY_DEADLINE_SECONDS)
        if len(parties) != len(spec.participants) or len(set(parties)) != len(parties):
            raise InvalidArgument(f"a {kind} job takes {len(spec.participants)} other party(ies), got {parties}")
        if caller.name in parties:
            raise InvalidArgument(f"{caller.name} is the initiator and cannot be listed again")
        if spec.aligned_on is not None:
            self._check_aligned_on(spec.aligned_on, params, {caller.name, *parties})
        if spec.uses_model:
            self._check_model(params, caller.name, set(parties))
        job = JobRow(id=str(uuid.uuid4()), kind=kind, initiator=caller.name,
                     state=State.PENDING.value, params=params)
        with self.audit.transaction() as session:
            roster = [(caller.name, caller.role)]
            for name, role in zip(parties, spec.participants):
                party = session.get(PartyRow, name)
                if party is None:
                    raise InvalidArgument(f"party {name!r} is not registered")
                if party.role != role.value:
                    raise InvalidArgument(f"party {name!r} is a {party.role}, a {kind} job needs a {role.value}")
                roster.append((name, role))
            for position, (name, role) in enumerate(roster):
                job.participants.append(ParticipantRow(party=name, position=position, role=role.value,
                                                       state=State.PENDING.value))
            session.add(job)
            self.audit.record(session, caller, "job.submit", job.id,
                              {"kind": kind, "parties": [name for name, _ in roster], **governance})
        log.info("job %s (%s) submitted by %s with %s", job.id, kind, caller.name, parties)
        self._touch(job.id)
        return self.get_job(caller, job.id)

    def get_job(self, caller: Identity, job_id: str) -> JobRow:
        with self._sessions() as session:
            job = session.get(JobRow, job_id)
            if job is None or caller.name not in {p.party for p in job.participants}:
                raise NotFound(f"job {job_id!r} not found for {caller.name}")
            return job

    def _check_aligned_on(self, kind: str, params: dict[str, Any], parties: set[str]) -> None:
        key = f"{kind}_job"
        with self._sessions() as session:
            earlier = session.get(JobRow, str(params.get(key, "")))
            ok = (earlier is not None and earlier.kind == kind and earlier.state == State.SUCCEEDED.value
                  and {p.party for p in earlier.participants} == parties)
        if not ok:
            raise InvalidArgument(f"params.{key} must name a succeeded {kind} job between {sorted(parties)}, "
                                  f"got {params.get(key)!r}")

    def _check_model(self, params: dict[str, Any], owner: str, others: set[str]) -> None:
        with self._sessions() as session:
            model = session.get(ModelRow, str(params.get("model", "")))
        if model is None or model.owner != owner or not others <= set(model.parts):
            raise InvalidArgument(f"params.model must name a registered model of {owner} whose parts "
                                  f"{sorted(others)} hold, got {params.get('model')!r}")

    def list_jobs(self, caller: Identity) -> list[JobRow]:
        with self._sessions() as session:
            return list(session.scalars(
                select(JobRow).join(ParticipantRow).where(ParticipantRow.party == caller.name)
                .order_by(JobRow.created_at)
            ))

    def report_status(self, caller: Identity, job_id: str, state: State, detail: str, result_json: str) -> JobRow:
        require_role(caller, "report on a job", *_PROTOCOL_ROLES)
        if state is State.PENDING:
            raise InvalidArgument("a party can report running, succeeded or failed, not pending")
        result = _parse_json_object(result_json, "result_json")
        with self.audit.transaction() as session:
            job = session.get(JobRow, job_id)
            me = None if job is None else next((p for p in job.participants if p.party == caller.name), None)
            if job is None or me is None:
                raise NotFound(f"job {job_id!r} not found for {caller.name}")
            current = State(me.state)
            if current.terminal and current is not state:
                raise Conflict(f"{caller.name} already reported {current.value} for job {job_id}")
            me.state, me.detail = state.value, detail[:2000]
            if result:
                me.result = result
            new_state = job_state([State(p.state) for p in job.participants])
            if new_state is State.FAILED and not job.error:
                failed = next(p for p in job.participants if p.state == State.FAILED.value)
                job.error = f"{failed.party}: {failed.detail}"
            changed = new_state.value != job.state
            job.state, job.updated_at = new_state.value, utcnow()
            if changed:
                self._audit_state(session, caller, job, new_state)
            if new_state is State.SUCCEEDED and JOB_KINDS[job.kind].trains_model:
                model = self._registry_entry(session, job)
                session.add(model)
                self.audit.record(session, caller, "model.register", model.id, {
                    "kind": model.kind, "owner": model.owner, "version": model.version, "purpose": PURPOSE,
                    "enterprises": _enterprises_used(job), **_consent_basis(job)})
        log.info("job %s: %s reported %s; job is %s", job_id, caller.name, state.value, new_state.value)
        if new_state is State.SUCCEEDED:
            self.mailbox.purge(job_id)
        self._touch(job_id)
        return self.get_job(caller, job_id)

    def unfinished_jobs(self) -> list[JobRow]:
        with self._sessions() as session:
            return list(session.scalars(select(JobRow).where(
                JobRow.state.in_([State.PENDING.value, State.RUNNING.value]))))

    def fail_absent_party(self, job_id: str, party: str, detail: str) -> bool:
        """Fail ``party``'s part of a job on the coordinator's own authority (see
        ``federation.coordinator.deadlines``); False if the job or the party finished meanwhile."""
        with self.audit.transaction() as session:
            job = session.get(JobRow, job_id)
            me = None if job is None else next((p for p in job.participants if p.party == party), None)
            if job is None or me is None or State(job.state).terminal or State(me.state).terminal:
                return False
            me.state, me.detail = State.FAILED.value, detail
            job.state, job.error, job.updated_at = State.FAILED.value, f"{party}: {detail}", utcnow()
            self._audit_state(session, COORDINATOR, job, State.FAILED)
        self._touch(job_id)
        return True

    def _audit_state(self, session: Session, caller: Identity, job: JobRow, state: State) -> None:
        """A job's state change, with counts and the basis it ran on; a failure's text is
        left out, since a party's error message may quote data."""
        details: dict[str, Any] = {"kind": job.kind, "purpose": job.params.get("purpose", PURPOSE)}
        if "legal_basis" in job.params:
            details["legal_basis"] = job.params["legal_basis"]
        if state is State.SUCCEEDED:
            details |= {"enterprises": _enterprises_used(job), **_consent_basis(job)}
        if state is State.FAILED:
            details["failed_party"] = next(p.party for p in job.participants if p.state == State.FAILED.value)
        self.audit.record(session, caller, f"job.{state.value}", job.id, details)

    @staticmethod
    def _registry_entry(session: Session, job: JobRow) -> ModelRow:
        reported = next(p.result for p in job.participants if p.party == job.initiator).get("model")
        if not isinstance(reported, dict):
            raise InvalidArgument(f"{job.initiator} reported no model for training job {job.id}")
        parts = {job.initiator: reported.get("part", {})}
        parts |= {p.party: p.result.get("model_part", {}) for p in job.participants if p.party != job.initiator}
        entry = {"params": reported.get("params", {}), "metrics": reported.get("metrics", {}),
                 "protocol": reported.get("encryption") or {}}
        for name, value in [*entry.items(), *((f"part at {party}", part) for party, part in parts.items())]:
            if not isinstance(value, dict):  # it would break every later ListModels of its owner
                raise InvalidArgument(f"the model's {name} must be a JSON object, got {value!r}")
        latest = session.scalar(select(func.max(ModelRow.version)).where(
            ModelRow.owner == job.initiator, ModelRow.kind == job.kind))
        return ModelRow(id=job.id, kind=job.kind, owner=job.initiator, version=(latest or 0) + 1,
                        params=entry["params"], metrics=entry["metrics"], protocol=entry["protocol"], parts=parts)

    def list_models(self, caller: Identity) -> list[ModelRow]:
        self.require_registered(caller)
        with self._sessions() as session:
            rows = session.scalars(select(ModelRow).order_by(ModelRow.created_at))
            # The regulator reviews every model: registry metadata, no part of any model.
            return [row for row in rows if caller.name in row.parts or caller.role is Role.REGULATOR]

    # consent and audit ------------------------------------------------------------
    def authorized_enterprises(self, caller: Identity, job_id: str, categories: list[str]) -> list[str]:
        """For the platform of a running job: who authorizes the job's bank for these categories."""
        require_role(caller, "look up consents", Role.PLATFORM)
        job = self.get_job(caller, job_id)
        if State(job.state).terminal:
            raise Conflict(f"job {job_id} is {job.state}; consent is looked up while a job runs")
        return self.consents.authorized(caller, job_id, job.initiator, categories)

    def audit_summary(self, caller: Identity) -> AuditSummary:
        require_role(caller, "read the audit summary", Role.REGULATOR, Role.OPERATOR)
        return self.audit.summary()

    # data use, enterprise self-service, usage ------------------------------------------
    def record_data_use(self, caller: Identity, job_id: str, batch: int, tags: bytes,
                        categories: list[str]) -> int:
        return self.data_use.record(caller, job_id, batch, tags, categories)

    def enterprise_history(self, caller: Identity, platform_tag: bytes | None) -> list[HistoryEntry]:
        """Every record of the use of the caller's data, with its objections (free of charge)."""
        require_role(caller, "read an enterprise's history", Role.ENTERPRISE)
        entries = self.data_use.history(caller.name, platform_tag)
        filed: dict[int, list[str]] = {}
        for objection in self.objections.list(caller):
            filed.setdefault(objection.audit_seq, []).append(objection.id)
        return [HistoryEntry(e.seq, e.at, e.actor, e.action, e.subject, e.details, filed.get(e.seq, []))
                for e in entries]

    def file_objection(self, caller: Identity, audit_seq: int, reason: str,
                       platform_tag: bytes | None) -> ObjectionRow:
        require_role(caller, "file an objection", Role.ENTERPRISE)
        own = {entry.seq for entry in self.data_use.history(caller.name, platform_tag)}
        return self.objections.file(caller, audit_seq, reason, own)

    def objection_flags(self, uscc: str) -> list[ObjectionFlag]:
        """Unresolved objections of an enterprise: portraits and alerts show them."""
        return self.objections.flags(uscc)

    def audit_usage(self, caller: Identity, period: str) -> UsageReport:
        require_role(caller, "read usage summaries", Role.OPERATOR, Role.REGULATOR)
        return usage_report(self._sessions, self.data_use, period or "month")

    # online scoring ---------------------------------------------------------------
    def score_applicant(self, caller: Identity, model_id: str, enterprise: str, ciphertext: bytes,
                        reason_ciphertexts: Sequence[bytes] = ()) -> ScoringAnswer:
        """One applicant's masked score: checked, audited as a count, and forwarded to the
        platform without the enterprise id (it only decrypts masked sums). With reason
        ciphertexts it is a portrait: one masked sum more per feature group."""
        require_role(caller, "score applicants", Role.BANK)
        self.require_registered(caller)
        problem = uscc_error(enterprise)
        if problem is not None:
            raise InvalidArgument(f"enterprise {enterprise!r} is not a valid USCC: {problem}")
        if not ciphertext or len(ciphertext) > _MAX_SCORE_REQUEST:
            raise InvalidArgument(f"ciphertext must hold 1 to {_MAX_SCORE_REQUEST} bytes, got {len(ciphertext)}")
        if len(reason_ciphertexts) > _MAX_REASON_GROUPS:
            raise InvalidArgument(f"a portrait asks for at most {_MAX_REASON_GROUPS} feature groups, "
                                  f"got {len(reason_ciphertexts)}")
        if any(not blob or len(blob) > _MAX_SCORE_REQUEST for blob in reason_ciphertexts):
            raise InvalidArgument(f"every reason ciphertext must hold 1 to {_MAX_SCORE_REQUEST} bytes")
        platform = self._scoring_platform(caller, model_id)
        details: dict[str, Any] = {"model": model_id, "platform": platform.name, "purpose": PURPOSE,
                                   "basis": "not_checked", "enterprises": 1}
        if platform.labels.get(ENFORCES_CONSENT) == "true":
            categories = [c for c in str(platform.labels.get(CONSENT_CATEGORIES, "")).split(",") if c]
            if not self.consents.authorizes(enterprise, caller.name, categories):
                raise PermissionDenied(f"enterprise {enterprise} does not (or no longer) authorize {caller.name} "
                                       f"for financing with {', '.join(categories)}")
            details |= {"basis": "consent", "categories": categories}
        answer = self.scoring.ask(platform.name, model_id, caller.name, ciphertext, tuple(reason_ciphertexts))
        action = "portrait.online" if reason_ciphertexts else "score.online"
        if reason_ciphertexts:
            details["reason_groups"] = len(reason_ciphertexts)
        with self.audit.transaction() as session:
            entry = self.audit.record(session, caller, action, model_id, details)
            self.data_use.index_entry(session, entry.seq, enterprise)
        return answer

    def _scoring_platform(self, caller: Identity, model_id: str) -> PartyRow:
        """The platform holding the other part of ``model_id``, a model the caller owns."""
        with self._sessions() as session:
            model = session.get(ModelRow, model_id)
            holders = [] if model is None or model.owner != caller.name else [
                session.get(PartyRow, name) for name in model.parts if name != caller.name]
        platforms = [row for row in holders if row is not None and row.role == Role.PLATFORM.value]
        if len(platforms) != 1:
            raise InvalidArgument(f"model_id {model_id!r} is not a registered joint model of {caller.name}")
        return platforms[0]

    def serve_scoring(self, caller: Identity) -> ServingSession:
        """Open the platform's scoring stream: questions for the models it holds a part of."""
        require_role(caller, "serve online scoring", Role.PLATFORM)
        return self.scoring.serve(caller.name)

    # change notification for WatchJobs --------------------------------------------
    def _touch(self, job_id: str) -> None:
        with self._changed:
            self._versions[job_id] = self._versions.get(job_id, 0) + 1
            self._changed.notify_all()

    def job_versions(self) -> dict[str, int]:
        with self._changed:
            return dict(self._versions)

    def wait_for_change(self, seen: dict[str, int], timeout: float, is_active: Callable[[], bool]
                        ) -> dict[str, int]:
        """Return the versions map once it differs from ``seen``, ``timeout`` passes or the
        watcher's call has ended (see ``wake_watchers``)."""
        with self._changed:
            self._changed.wait_for(lambda: self._versions != seen or not is_active(), timeout=timeout)
            return dict(self._versions)

    def wake_watchers(self) -> None:
        """Called when a watcher's call ends: it gives its server thread back at once, not at
        its next heartbeat, so streams opened and cancelled in a burst cannot hold them all."""
        with self._changed:
            self._changed.notify_all()

    def watch_snapshot(self, caller: Identity, seen: dict[str, int], versions: dict[str, int],
                       first: bool) -> Iterable[JobRow]:
        """Jobs to push to a watcher: all unfinished ones at first, then every changed one."""
        for job in self.list_jobs(caller):
            if first and not State(job.state).terminal:
                yield job
            elif not first and versions.get(job.id, 0) != seen.get(job.id, 0):
                yield job

    # relay -----------------------------------------------------------------------
    def _check_relay(self, caller: Identity, job_id: str, other: str, tag: str, *, sending: bool) -> None:
        require_role(caller, "relay protocol messages", *_PROTOCOL_ROLES)
        if not _TAG_RE.fullmatch(tag):
            raise InvalidArgument(f"message tag {tag!r} must be 1-128 characters of a-z, 0-9, '_./-'")
        job = self.get_job(caller, job_id)
        if other not in {p.party for p in job.participants}:
            raise PermissionDenied(f"{other!r} does not take part in job {job_id}")
        if other == caller.name:
            raise InvalidArgument(f"{caller.name} cannot relay a message to itself")
        if sending and State(job.state).terminal:
            raise Conflict(f"job {job_id} is {job.state}; no more messages are accepted")
        if State(job.state) is State.FAILED:
            raise Conflict(f"job {job_id} failed ({job.error}); nothing more will arrive")

    def send(self, caller: Identity, job_id: str, recipient: str, tag: str, size: int, sha256: bytes,
             chunks: Iterable[bytes]) -> StoredMessage:
        self._check_relay(caller, job_id, recipient, tag, sending=True)
        address = Address(job_id=job_id, sender=caller.name, recipient=recipient, tag=tag)
        message = self.mailbox.put(address, size, sha256, chunks)
        log.info("relayed %s %s -> %s (%d bytes) in job %s", tag, caller.name, recipient, size, job_id)
        return message

    def receive(self, caller: Identity, job_id: str, sender: str, tag: str, timeout: float | None,
                is_active: Any) -> StoredMessage | None:
        self._check_relay(caller, job_id, sender, tag, sending=False)
        address = Address(job_id=job_id, sender=sender, recipient=caller.name, tag=tag)
        return self.mailbox.wait(address, timeout, is_active)
