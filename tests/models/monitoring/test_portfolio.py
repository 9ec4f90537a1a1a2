"""The loan file a bank reports: when a loan counts, and errors naming file, column and row."""

from __future__ import annotations

import datetime as dt

import pytest

from models.monitoring.portfolio import Loan, LoanFileError, read_loans

D = dt.date


@pytest.mark.parametrize(("day", "active"), [(D(2026, 1, 1), False), (D(2026, 3, 1), True),
                                             (D(2026, 6, 1), False), (D(2027, 3, 1), False)])
def test_a_loan_is_active_from_grant_until_it_closes_or_matures(usccs, day, active):
    loan = Loan("L1", usccs[0], D(2026, 2, 1), D(2027, 1, 31), closed_on=D(2026, 6, 1))
    assert loan.active_on(day) is active


def test_a_loan_file_reads(tmp_path, usccs):
    path = tmp_path / "loans.csv"
    path.write_text(f"loan_id,enterprise,granted_on,matures_on,closed_on\nL1,{usccs[0]},2026-02-01,2027-01-31,\n")
    assert read_loans(path) == [Loan("L1", usccs[0], D(2026, 2, 1), D(2027, 1, 31))]


@pytest.mark.parametrize(("row", "message"), [
    ("L1,{u},2026-02-31,2027-01-31", "column 'granted_on' .* rows \\[2\\]"),
    ("L1,91320706XXXXXXXXXX,2026-02-01,2027-01-31", "row 2: enterprise .* is not a valid USCC"),
    ("L1,{u},2026-02-01,2025-01-31", "row 2: loan L1 matures on 2025-01-31, before"),
])
def test_a_bad_row_is_named(tmp_path, usccs, row, message):
    path = tmp_path / "loans.csv"
    path.write_text("loan_id,enterprise,granted_on,matures_on\n" + row.format(u=usccs[0]) + "\n")
    with pytest.raises(LoanFileError, match=message):
        read_loans(path)


def test_a_missing_column_is_named(tmp_path):
    path = tmp_path / "loans.csv"
    path.write_text("loan_id,enterprise,granted_on\nL1,x,2026-01-01\n")
    with pytest.raises(LoanFileError, match="missing column\\(s\\) \\['matures_on'\\]"):
        read_loans(path)
