"""Which roles may call each RPC: one table, checked before any request is looked at.

The service methods check roles again where the rule depends on the request (a bank
reads its own consents, an operator all); this table is the outer wall, so a new role
(the enterprise) or a new RPC cannot reach code that never thought about it. An RPC
missing from the table is refused to everyone, and a test fails until it is listed.
The enterprise reaches only its self-service RPCs; the regulator reads summaries, model
cards, monitoring reports and what a platform sealed to it, never a job, a message, a
consent record or an id.
"""

from __future__ import annotations

from federation.coordinator.errors import PermissionDenied
from federation.security.roles import Role
from federation.security.tls import Identity

BANK, PLATFORM, OPERATOR, REGULATOR, ENTERPRISE = (
    Role.BANK, Role.PLATFORM, Role.OPERATOR, Role.REGULATOR, Role.ENTERPRISE)
PARTIES = frozenset({BANK, PLATFORM, OPERATOR, REGULATOR})
PROTOCOL = frozenset({BANK, PLATFORM})
# The operator may start jobs of kinds it initiates; the service checks the kind.
JOB_CALLERS = frozenset({BANK, PLATFORM, OPERATOR})

RPC_ROLES: dict[str, frozenset[Role]] = {
    "Register": PARTIES,
    "ListParties": PARTIES,
    "SubmitJob": JOB_CALLERS,
    "GetJob": JOB_CALLERS,
    "ListJobs": JOB_CALLERS,
    "WatchJobs": JOB_CALLERS,
    "ReportStatus": PROTOCOL,
    "ListModels": frozenset({BANK, PLATFORM, REGULATOR}),
    "GrantConsent": frozenset({OPERATOR}),
    "RevokeConsent": frozenset({OPERATOR}),
    "ListConsents": frozenset({OPERATOR, BANK}),
    "ListAuthorizedEnterprises": frozenset({PLATFORM}),
    "AuditSummary": frozenset({REGULATOR, OPERATOR}),
    "ScoreApplicant": frozenset({BANK}),
    "ServeScoring": frozenset({PLATFORM}),
    "RecordDataUse": frozenset({PLATFORM}),
    "EnterpriseHistory": frozenset({ENTERPRISE}),
    "FileObjection": frozenset({ENTERPRISE}),
    "ListObjections": frozenset({ENTERPRISE, OPERATOR}),
    "UpdateObjection": frozenset({OPERATOR}),
    "AuditUsage": frozenset({OPERATOR, REGULATOR}),
    "PublishModelCard": frozenset({BANK}),
    "GetModelCard": frozenset({BANK, REGULATOR}),
    "ApproveModel": frozenset({REGULATOR}),
    "Disclose": frozenset({PLATFORM}),
    "ListDisclosures": frozenset({REGULATOR}),
    "ReportLoans": frozenset({BANK}),
    "ListMonitoredEnterprises": frozenset({PLATFORM, BANK}),
    "SubmitAlerts": frozenset({PLATFORM, BANK}),
    "SubscribeAlerts": frozenset({BANK}),
    "AckAlerts": frozenset({BANK}),
    "SubmitMonitoringReport": frozenset({PLATFORM}),
    "ListMonitoringReports": frozenset({REGULATOR, OPERATOR, PLATFORM, BANK}),
    "RecordCodeRequest": PROTOCOL,
    "Send": PROTOCOL,
    "Receive": PROTOCOL,
}
ENTERPRISE_RPCS = frozenset(rpc for rpc, roles in RPC_ROLES.items() if ENTERPRISE in roles)


def authorize_rpc(rpc: str, caller: Identity) -> None:
    allowed = RPC_ROLES.get(rpc, frozenset())
    if caller.role not in allowed:
        names = " or ".join(sorted(role.value for role in allowed)) or "no role (it is not in the table)"
        raise PermissionDenied(f"{caller.name} ({caller.role.value}) cannot call {rpc}; only {names} can")
