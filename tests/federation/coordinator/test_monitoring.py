"""The coordinator's loan book and alert store, in one process: who is monitored, who files
what, and that a bank receives its own alerts on enterprises it may hear about, only."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from tests.support.coordinator import BANK_A, BANK_B, OPERATOR, PLATFORM, REGULATOR, registered_service

from federation.coordinator.errors import InvalidArgument, PermissionDenied
from federation.coordinator.objections import RESOLVED
from federation.coordinator.service import CoordinatorService
from federation.coordinator.store import AuditRow
from federation.data.uscc import random_usccs
from federation.governance.data_use import IndexKey, pack_tags
from federation.security.roles import Role
from federation.security.tls import Identity
from models.monitoring.alerts import EVENT, SCORE, Alert, event_alert_id, new_sealing_key, seal
from models.monitoring.portfolio import Loan

E1, E2, E3 = random_usccs(np.random.default_rng(1), 3, ["320706"]).tolist()
DAY = dt.date(2026, 10, 2)
NEXT_YEAR = (dt.date.today() + dt.timedelta(days=365)).isoformat()
LOAN_END = dt.date.today() + dt.timedelta(days=400)


@pytest.fixture()
def service(tmp_path: Path) -> CoordinatorService:
    return registered_service(tmp_path, PLATFORM, BANK_A, BANK_B, OPERATOR, REGULATOR)


def loan(enterprise: str, loan_id: str = "L1", closed_on: dt.date | None = None) -> Loan:
    return Loan(loan_id, enterprise, dt.date(2026, 1, 1), LOAN_END, closed_on)


def grant(svc: CoordinatorService, enterprise: str, bank: str = "bank_a", categories: tuple[str, ...] = ("tax",)
          ) -> str:
    return svc.consents.grant(OPERATOR, enterprise, bank, "financing", list(categories), NEXT_YEAR).id


def event_alert(enterprise: str, bank: str = "bank_a", event_type: str = "tax_arrears", category: str = "tax"
                ) -> Alert:
    key = f"{DAY}|{event_type}|0"
    return Alert(id=event_alert_id(bank, enterprise, "arrears", key), bank=bank, enterprise=enterprise,
                 date=DAY.isoformat(), source=EVENT, rule="arrears", kind="adverse_event", severity="warning",
                 reason="tax arrears", event_type=event_type, categories=(category,))


def delivered(svc: CoordinatorService, bank) -> list[str]:
    return [alert.id for alert in svc.alerts.pending(bank, set())]


def test_monitored_means_an_active_loan_and_a_standing_consent(service):
    service.portfolio.report(BANK_A, [loan(E1, "L1"), loan(E2, "L2")])
    grant(service, E1)
    grant(service, E3)
    assert service.portfolio.monitored(PLATFORM, "bank_a", DAY) == {E1: ["tax"]}


def test_a_closed_loan_is_not_monitored_after_it_closed(service):
    service.portfolio.report(BANK_A, [loan(E1, closed_on=dt.date(2026, 9, 1))])
    grant(service, E1)
    assert service.portfolio.monitored(PLATFORM, "bank_a", DAY) == {}
    assert service.portfolio.monitored(PLATFORM, "bank_a", dt.date(2026, 8, 1)) == {E1: ["tax"]}


def test_a_revocation_takes_effect_at_the_next_lookup(service):
    service.portfolio.report(BANK_A, [loan(E1)])
    consent = grant(service, E1)
    service.consents.revoke(OPERATOR, consent)
    assert service.portfolio.monitored(PLATFORM, "bank_a", DAY) == {}


def test_a_bank_lists_only_its_own_portfolio_and_a_regulator_none(service):
    with pytest.raises(PermissionDenied, match="bank_a can list only its own"):
        service.portfolio.monitored(BANK_A, "bank_b", DAY)
    with pytest.raises(PermissionDenied):
        service.portfolio.monitored(REGULATOR, "bank_a", DAY)


def test_a_bad_loan_is_refused_naming_it(service):
    with pytest.raises(InvalidArgument, match=r"loans\[1\]: enterprise"):
        service.portfolio.report(BANK_A, [loan(E1), loan("91320706ABCDEFGHIJ", "L2")])


def test_the_same_alert_filed_twice_is_stored_once(service):
    service.portfolio.report(BANK_A, [loan(E1)])
    grant(service, E1)
    first = service.alerts.submit(PLATFORM, [event_alert(E1)])
    again = service.alerts.submit(PLATFORM, [event_alert(E1)])
    assert (first.stored, again.stored, again.duplicates) == (1, 0, 1)
    assert delivered(service, BANK_A) == [event_alert(E1).id]


def test_an_alert_on_an_enterprise_the_bank_does_not_monitor_is_withheld(service):
    service.portfolio.report(BANK_A, [loan(E1)])
    grant(service, E1, categories=("utilities",))
    grant(service, E2)
    result = service.alerts.submit(PLATFORM, [event_alert(E1), event_alert(E2)])
    assert (result.stored, result.withheld) == (0, 2)


def test_a_bank_receives_only_its_own_alerts(service):
    service.portfolio.report(BANK_A, [loan(E1)])
    service.portfolio.report(BANK_B, [loan(E1)])
    grant(service, E1, "bank_a")
    grant(service, E1, "bank_b")
    service.alerts.submit(PLATFORM, [event_alert(E1, "bank_a"), event_alert(E1, "bank_b")])
    assert delivered(service, BANK_A) == [event_alert(E1, "bank_a").id]
    assert delivered(service, BANK_B) == [event_alert(E1, "bank_b").id]


def test_an_acknowledged_alert_is_not_sent_again_and_another_banks_ack_does_nothing(service):
    service.portfolio.report(BANK_A, [loan(E1)])
    grant(service, E1)
    service.alerts.submit(PLATFORM, [event_alert(E1)])
    assert service.alerts.ack(BANK_B, [event_alert(E1).id]) == 0
    assert delivered(service, BANK_A) == [event_alert(E1).id]
    assert service.alerts.ack(BANK_A, [event_alert(E1).id]) == 1
    assert delivered(service, BANK_A) == []


def test_a_subscription_forgets_the_alerts_acknowledged_since_it_sent_them(service):
    service.portfolio.report(BANK_A, [loan(E1), loan(E2, "L2")])
    grant(service, E1)
    grant(service, E2)
    first, second = event_alert(E1), event_alert(E2)
    service.alerts.submit(PLATFORM, [first, second])
    sent = {first.id, second.id}
    service.alerts.ack(BANK_A, [first.id])
    assert service.alerts.pending(BANK_A, sent) == []
    assert sent == {second.id}


def test_a_consent_revoked_after_the_run_stops_delivery(service):
    service.portfolio.report(BANK_A, [loan(E1)])
    consent = grant(service, E1)
    service.alerts.submit(PLATFORM, [event_alert(E1)])
    service.consents.revoke(OPERATOR, consent)
    assert delivered(service, BANK_A) == []


def test_a_subscription_sends_pending_alerts_then_new_ones(service):
    service.portfolio.report(BANK_A, [loan(E1), loan(E2, "L2")])
    grant(service, E1)
    grant(service, E2)
    service.alerts.submit(PLATFORM, [event_alert(E1)])
    stream = service.alerts.stream(BANK_A, lambda: True, heartbeat=0.05)
    assert next(stream).enterprise == E1
    service.alerts.submit(PLATFORM, [event_alert(E2)])
    assert next(stream).enterprise == E2


def test_an_alert_carries_the_enterprises_open_objection_until_it_is_resolved(service):
    service.portfolio.report(BANK_A, [loan(E1), loan(E2, "L2")])
    grant(service, E1)
    grant(service, E2)
    key = IndexKey.generate()
    job = service.submit_job(BANK_A, "psi", ["platform"], "{}")
    seq = service.record_data_use(PLATFORM, job.id, 0, pack_tags([key.tag(E1)]), ["tax"])
    objection = service.file_objection(Identity(E1, Role.ENTERPRISE, "e" * 64), seq, "never applied", key.tag(E1))
    service.alerts.submit(PLATFORM, [event_alert(E1), event_alert(E2)])
    flagged = {alert.enterprise: alert.objections for alert in service.alerts.pending(BANK_A, set())}
    assert flagged[E2] == ()
    (line,) = flagged[E1]
    assert f"objection {objection.id} to audit record {seq}" in line and "open" in line
    service.objections.update(OPERATOR, objection.id, RESOLVED, "record corrected")
    assert [alert.objections for alert in service.alerts.pending(BANK_A, set())] == [(), ()]


def test_a_filer_cannot_set_an_alerts_objections(service):
    with pytest.raises(InvalidArgument, match=r"alerts\[0\].objections: the coordinator adds them"):
        service.alerts.submit(PLATFORM, [replace(event_alert(E1), objections=("made up",))])


def test_a_bank_files_only_its_own_score_alerts_and_only_sealed(service):
    service.portfolio.report(BANK_A, [loan(E1)])
    grant(service, E1)
    plain = Alert(id="c" * 64, bank="bank_a", enterprise=E1, date=DAY.isoformat(), source=SCORE, rule="pd20",
                  kind="pd_above", severity="critical", reason="probability of default 30%")
    with pytest.raises(InvalidArgument, match="sealed, and nothing of them in the clear"):
        service.alerts.submit(BANK_A, [plain])
    with pytest.raises(PermissionDenied, match="cannot file alerts for 'bank_a'"):
        service.alerts.submit(BANK_B, [seal(plain, new_sealing_key())])
    assert service.alerts.submit(BANK_A, [seal(plain, new_sealing_key())]).stored == 1


def test_the_platform_cannot_file_a_score_alert_or_an_event_under_the_wrong_category(service):
    with pytest.raises(InvalidArgument, match=r"alerts\[0\].source"):
        service.alerts.submit(PLATFORM, [replace(event_alert(E1), source=SCORE)])
    with pytest.raises(InvalidArgument, match=r"alerts\[0\].categories"):
        service.alerts.submit(PLATFORM, [event_alert(E1, category="utilities")])


def test_an_alert_id_with_a_trailing_newline_is_refused(service):
    with pytest.raises(InvalidArgument, match=r"alerts\[0\].id"):
        service.alerts.submit(PLATFORM, [replace(event_alert(E1), id=event_alert(E1).id + "\n")])


def test_a_report_filed_under_a_basic_format_date_is_found_by_its_iso_date(service):
    service.alerts.file_report(PLATFORM, DAY.strftime("%Y%m%d"), "bank_a", "m1", {"score": {"psi": 0.01}})
    assert [r.run_date for r in service.alerts.reports(REGULATOR, DAY.isoformat())] == [DAY.isoformat()]


def test_drift_reports_are_filed_by_the_platform_and_a_bank_reads_only_its_own(service):
    service.alerts.file_report(PLATFORM, DAY.isoformat(), "bank_a", "m1", {"score": {"psi": 0.01}})
    assert [r.report for r in service.alerts.reports(REGULATOR, "")] == [{"score": {"psi": 0.01}}]
    assert [r.model_id for r in service.alerts.reports(BANK_A, "")] == ["m1"]
    assert service.alerts.reports(BANK_B, "") == []
    with pytest.raises(PermissionDenied):
        service.alerts.file_report(BANK_A, DAY.isoformat(), "bank_a", "m1", {})


def test_the_audit_log_counts_monitoring_without_enterprise_ids(service):
    service.portfolio.report(BANK_A, [loan(E1)])
    grant(service, E1)
    service.portfolio.monitored(PLATFORM, "bank_a", DAY)
    service.alerts.submit(PLATFORM, [event_alert(E1)])
    service.alerts.ack(BANK_A, [event_alert(E1).id])
    with service.audit.transaction() as session:
        rows = list(session.query(AuditRow).order_by(AuditRow.seq))
    assert {"loans.report", "portfolio.lookup", "alerts.submit", "alerts.ack"} <= {row.action for row in rows}
    assert [r.action for r in rows if r.action != "consent.grant" and E1 in json.dumps([r.subject, r.details])] == []
