"""Mock-data exploration end to end: the syft datasite in its own environment and process,
the coordinator over mutual TLS. A denied request gives nothing, an approved one gives the
summary over exactly the enterprises that authorize the bank at approval, the mock holds
no real row, and every request and decision is in the audit log."""

from __future__ import annotations

import datetime as dt
from typing import Any

import grpc
import numpy as np
import pytest

from federation.data import load_table
from federation.data.synthetic import generate
from federation.governance.categories import CATEGORIES
from federation.launcher import OPERATOR, LocalFederation
from federation.security.certs import init_certificates
from federation.security.roles import Role
from federation.syft_bridge.process import DatasiteProcess, SyftUnavailable, syft_python
from federation.syft_bridge.roles import BankScientist, PlatformOperator
from federation.syft_bridge.twin import real_rows_in

pytestmark = pytest.mark.slow


def tax_summary(data):
    return {"enterprises": int(len(data)), "mean_tax_paid_12m": float(data["tax_paid_12m"].mean()),
            "arrears_share": float(data["tax_arrears_flag"].mean())}


def row_dump(data):
    return data.to_dict()


@pytest.fixture(scope="module")
def flow(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    try:
        syft_python()
    except SyftUnavailable as exc:
        pytest.skip(str(exc))
    root = tmp_path_factory.mktemp("syft")
    generate(root / "data", enterprises=300, banks=1, seed=11)
    table = load_table(root / "data" / "platform.parquet", root / "data" / "platform.yaml", role="platform")
    init_certificates(root / "run" / "certs", {"platform": Role.PLATFORM, "bank_a": Role.BANK, "bank_b": Role.BANK,
                                               OPERATOR: Role.OPERATOR})
    authorized, revoked = table.ids[:40].tolist(), table.ids[40]
    until = (dt.date.today() + dt.timedelta(days=365)).isoformat()
    with LocalFederation(root / "run", []) as federation, DatasiteProcess(root / "datasite") as datasite, \
            federation.client("platform") as platform, federation.client("bank_a") as bank_a, \
            federation.client("bank_b") as bank_b, federation.client(OPERATOR) as operator:
        for client in (platform, bank_a, bank_b):
            client.register()
        for enterprise in authorized:
            operator.grant_consent(enterprise, "bank_a", list(CATEGORIES), until)
        late = operator.grant_consent(revoked, "bank_a", list(CATEGORIES), until)
        operator.grant_consent(table.ids[41], "bank_a", ["tax"], until)
        operator.grant_consent(table.ids[42], "bank_b", list(CATEGORIES), until)
        platform_side = PlatformOperator(datasite, platform)
        published = platform_side.publish(table)
        for bank in ("bank_a", "bank_b"):
            platform_side.admit(bank)
        scientist_a, scientist_b = BankScientist(datasite, bank_a), BankScientist(datasite, bank_b)
        mock = scientist_a.mock()
        on_mock = tax_summary(mock)
        scientist_a.submit(tax_summary)
        scientist_b.submit(row_dump)
        pending = {r.function: r for r in platform_side.pending()}
        before = scientist_a.result("tax_summary")
        operator.revoke_consent(late.id)
        platform_side.deny(pending["row_dump"], "returns rows, not a summary")
        approved = platform_side.approve(pending["tax_summary"], "aggregate over the authorized enterprises")
        with pytest.raises(grpc.RpcError) as second_decision:
            platform_side.deny(pending["tax_summary"], "second thoughts")
        yield {"table": table, "authorized": authorized, "published": published, "mock": mock, "on_mock": on_mock,
               "pending": pending, "before": before, "approved": approved,
               "result_a": scientist_a.result("tax_summary"), "result_b": scientist_b.result("row_dump"),
               "second_decision": second_decision.value, "audit": operator.audit_summary()}


def test_a_denied_request_gives_nothing(flow: dict[str, Any]) -> None:
    assert flow["result_b"].status == "denied" and flow["result_b"].value is None
    assert flow["result_b"].reason == "returns rows, not a summary"


def test_nothing_is_delivered_before_review(flow: dict[str, Any]) -> None:
    assert flow["before"].status == "pending" and flow["before"].value is None


def test_an_approved_request_gives_the_summary_over_the_authorizing_enterprises(flow: dict[str, Any]) -> None:
    table = flow["table"]
    rows = table.features[np.isin(table.ids, flow["authorized"])]
    expected = {"enterprises": 40, "mean_tax_paid_12m": float(rows["tax_paid_12m"].mean()),
                "arrears_share": float(rows["tax_arrears_flag"].mean())}
    assert flow["result_a"].status == "approved" and flow["approved"].rows == 40
    assert flow["result_a"].value == pytest.approx(expected, rel=1e-12)


def test_the_mock_holds_no_real_row_and_has_the_tables_schema(flow: dict[str, Any]) -> None:
    features = flow["table"].features
    assert list(flow["mock"].columns) == list(features.columns) == flow["published"].columns
    assert len(flow["mock"]) == len(features) and real_rows_in(flow["mock"], features) == 0


def test_the_code_runs_on_the_mock_before_submission(flow: dict[str, Any]) -> None:
    assert flow["on_mock"]["enterprises"] == len(flow["table"])


def test_the_operator_reviews_the_submitted_source(flow: dict[str, Any]) -> None:
    assert "def row_dump(data):" in flow["pending"]["row_dump"].code
    assert {r.bank for r in flow["pending"].values()} == {"bank_a", "bank_b"}


def test_a_request_is_decided_once(flow: dict[str, Any]) -> None:
    assert flow["second_decision"].code() is grpc.StatusCode.FAILED_PRECONDITION
    assert "already approved" in flow["second_decision"].details()


def test_requests_and_decisions_enter_the_audit_log(flow: dict[str, Any]) -> None:
    actions = dict(flow["audit"].by_action)
    assert actions.get("code_request.submitted") == 2
    assert actions.get("code_request.approved") == 1 and actions.get("code_request.denied") == 1
