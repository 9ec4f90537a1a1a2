"""Alert delivery survives the bank's subscriber being killed with SIGKILL while alerts are
produced: after a restart its inbox holds every alert once, sealed ones opened with the
bank's key. Coordinator and subscriber are real processes over mutual TLS."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pytest
from tests.support.waiting import wait_until

from federation.data.uscc import random_usccs
from federation.launcher import OPERATOR, LocalFederation
from federation.party.alert_subscriber import INBOX_FILE, AlertInbox
from federation.party.monitoring_calls import report_loans, submit_alerts
from federation.party.monitoring_state import BankMonitoringState
from federation.security.certs import init_certificates
from federation.security.roles import Role
from models.monitoring.alerts import EVENT, SCORE, Alert, event_alert_id, score_alert_id, seal
from models.monitoring.portfolio import Loan

ENTERPRISES = random_usccs(np.random.default_rng(3), 60, ["320706"]).tolist()
DAY = "2026-10-02"
BATCHES = 30


def _alerts(batch: int, key: bytes) -> list[Alert]:
    """Two alerts per enterprise of the batch: an adverse event, and a sealed score alert."""
    alerts = []
    for enterprise in ENTERPRISES[2 * batch % 60 : 2 * batch % 60 + 2]:
        event = f"{DAY}|tax_arrears|{batch}"
        alerts.append(Alert(id=event_alert_id("bank_a", enterprise, "arrears", event), bank="bank_a",
                            enterprise=enterprise, date=DAY, source=EVENT, rule="arrears", kind="adverse_event",
                            severity="warning", reason=f"tax arrears, batch {batch}", event_type="tax_arrears",
                            categories=("tax",)))
        score = Alert(id=score_alert_id(key, "bank_a", enterprise, f"pd{batch}", DAY), bank="bank_a",
                      enterprise=enterprise, date=DAY, source=SCORE, rule=f"pd{batch}", kind="pd_above",
                      severity="critical", reason=f"probability of default high, batch {batch}")
        alerts.append(seal(score, key))
    return alerts


def _subscriber(federation: LocalFederation, workdir: Path) -> subprocess.Popen[bytes]:
    log = open(federation.logs / "subscriber.log", "ab")
    env = {**os.environ, "FEDCREDIT_PARENT_PID": str(os.getpid())}
    return subprocess.Popen([sys.executable, "-m", "federation", "alerts", "watch", "--name", "bank_a",
                             "--coordinator", federation.target, "--certs", str(federation.certs),
                             "--workdir", str(workdir)], stdout=log, stderr=subprocess.STDOUT, env=env)


@pytest.fixture(scope="module")
def delivered(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("alert-kill")
    init_certificates(root / "certs", {"bank_a": Role.BANK, "platform": Role.PLATFORM, OPERATOR: Role.OPERATOR})
    bank_work = root / "bank_a-work"
    key = BankMonitoringState(bank_work).sealing_key()
    until = (dt.date.today() + dt.timedelta(days=365)).isoformat()
    with LocalFederation(root, []) as federation, federation.client("bank_a") as bank, \
            federation.client("platform") as platform, federation.client(OPERATOR) as operator:
        bank.register()
        platform.register()
        report_loans(bank, [Loan(f"L{i}", e, dt.date(2026, 1, 1), dt.date(2027, 12, 31))
                            for i, e in enumerate(ENTERPRISES)])
        for enterprise in ENTERPRISES:
            operator.grant_consent(enterprise, "bank_a", ["tax"], until)
        inbox = AlertInbox(bank_work / "monitoring" / INBOX_FILE)
        produced: list[Alert] = []
        halfway = threading.Event()

        def produce() -> None:
            for batch in range(BATCHES):
                alerts = _alerts(batch, key)
                submit_alerts(platform, [a for a in alerts if a.source == EVENT])
                submit_alerts(bank, [a for a in alerts if a.source == SCORE])
                produced.extend(alerts)
                if batch == BATCHES // 2:
                    halfway.wait(timeout=120)

        subscriber = _subscriber(federation, bank_work)
        producer = threading.Thread(target=produce)
        producer.start()
        wait_until(lambda: len(inbox.alerts()) >= 10, "the first alerts reaching the inbox")
        subscriber.send_signal(signal.SIGKILL)
        subscriber.wait(timeout=30)
        received_before_kill = len(inbox.alerts())
        halfway.set()
        producer.join(timeout=300)
        subscriber = _subscriber(federation, bank_work)
        try:
            wait_until(lambda: len(inbox.alerts()) >= len(produced), "every alert reaching the restarted inbox")
        finally:
            subscriber.send_signal(signal.SIGTERM)
            subscriber.wait(timeout=30)
        return {"produced": produced, "inbox": inbox.alerts(), "before_kill": received_before_kill}


def test_the_subscriber_was_killed_while_alerts_were_still_coming(delivered):
    assert 0 < delivered["before_kill"] < len(delivered["produced"])


def test_nothing_is_lost_and_nothing_doubled_across_the_kill(delivered):
    ids = [row["id"] for row in delivered["inbox"]]
    assert len(ids) == len(set(ids))
    assert set(ids) == {alert.id for alert in delivered["produced"]}


def test_sealed_score_alerts_are_opened_in_the_banks_inbox(delivered):
    scores = [row for row in delivered["inbox"] if row["source"] == SCORE]
    assert len(scores) == BATCHES * 2
    assert all(row["severity"] == "critical" and row["reason"].startswith("probability of default") for row in scores)
