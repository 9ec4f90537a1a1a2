"""The monitoring commands refuse bad input before they contact anyone, naming what is wrong."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from federation.cli import app

runner = CliRunner()
COORDINATOR = ["--coordinator", "127.0.0.1:1", "--certs", "no-certs"]


def test_monitor_run_names_the_bad_rule_key(tmp_path: Path) -> None:
    rules = tmp_path / "rules.yaml"
    rules.write_text("rules:\n  - {id: x, kind: pd_above, threshold: 0.2, severity: urgent}\n")
    result = runner.invoke(app, ["monitor", "run", "--date", "2026-10-02", *COORDINATOR, "--data", "p.parquet",
                                 "--schema", "p.yaml", "--workdir", str(tmp_path), "--events", "e.parquet",
                                 "--rules", str(rules)])
    assert result.exit_code == 2
    assert "rules[0].severity: 'urgent' is not one of info, warning, critical" in result.output


def test_monitor_run_names_a_bad_date(tmp_path: Path) -> None:
    result = runner.invoke(app, ["monitor", "run", "--date", "02/10/2026", *COORDINATOR, "--data", "p.parquet",
                                 "--schema", "p.yaml", "--workdir", str(tmp_path), "--events", "e.parquet",
                                 "--rules", "r.yaml"])
    assert result.exit_code == 2
    assert "--date '02/10/2026' is not a date" in result.output


def test_loans_report_names_the_bad_row(tmp_path: Path) -> None:
    loans = tmp_path / "loans.csv"
    loans.write_text("loan_id,enterprise,granted_on,matures_on\nL1,not-a-uscc,2026-01-01,2027-01-01\n")
    result = runner.invoke(app, ["loans", "report", str(loans), "--name", "bank_a", *COORDINATOR])
    assert result.exit_code == 2
    assert "row 2: enterprise 'not-a-uscc' is not a valid USCC" in result.output
