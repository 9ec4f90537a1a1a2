"""Loans a bank granted through the platform: the file a bank reports, and when a loan counts.

The seeds require banks to report back the loans granted through the platform; an
enterprise is monitored for a bank while one of its loans there is active (granted,
not yet matured, not closed) and it authorizes the bank. A bank reports its whole book
or only the changes: a loan is identified by its id within the bank, and a later report
of the same id replaces the earlier one (closing a loan is reporting it with a closed date).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from federation.data.uscc import uscc_error

LOAN_COLUMNS: tuple[str, ...] = ("loan_id", "enterprise", "granted_on", "matures_on")
OPTIONAL_COLUMNS: tuple[str, ...] = ("closed_on",)
_SHOWN = 5


class LoanFileError(ValueError):
    """A loan file that cannot be reported; the message names the file, column and rows."""


@dataclass(frozen=True)
class Loan:
    loan_id: str
    enterprise: str
    granted_on: dt.date
    matures_on: dt.date
    closed_on: dt.date | None = None

    def active_on(self, day: dt.date) -> bool:
        return self.granted_on <= day <= self.matures_on and (self.closed_on is None or day < self.closed_on)


def loan_problem(loan: Loan) -> str | None:
    """What is wrong with one loan, or None."""
    if not loan.loan_id or len(loan.loan_id) > 64:
        return f"loan_id {loan.loan_id!r} must be 1 to 64 characters"
    problem = uscc_error(loan.enterprise)
    if problem is not None:
        return f"enterprise {loan.enterprise!r} is not a valid USCC: {problem}"
    if loan.matures_on < loan.granted_on:
        return f"loan {loan.loan_id} matures on {loan.matures_on}, before it was granted on {loan.granted_on}"
    if loan.closed_on is not None and loan.closed_on < loan.granted_on:
        return f"loan {loan.loan_id} was closed on {loan.closed_on}, before it was granted on {loan.granted_on}"
    return None


def _dates(frame: pd.DataFrame, column: str, path: Path, optional: bool) -> list[dt.date | None]:
    text = frame[column].astype("string").str.strip().replace("", pd.NA)
    parsed = pd.to_datetime(text, format="%Y-%m-%d", errors="coerce")
    bad = parsed.isna() & (text.notna() | (not optional))
    if bad.any():
        rows = [int(i) + 2 for i in bad.to_numpy().nonzero()[0][:_SHOWN]]
        raise LoanFileError(f"{path}: column {column!r} needs YYYY-MM-DD dates; rows {rows} (counting the header "
                            f"as row 1) are {'not dates' if optional else 'missing or not dates'}")
    return [None if pd.isna(value) else value.date() for value in parsed]


def read_loans(path: Path) -> list[Loan]:
    """Loans from a CSV or Parquet file with columns loan_id, enterprise, granted_on,
    matures_on and optionally closed_on."""
    try:
        frame = pd.read_parquet(path) if path.suffix == ".parquet" else pd.read_csv(path, dtype=str,
                                                                                    keep_default_na=False)
    except (OSError, ValueError) as exc:
        raise LoanFileError(f"{path}: cannot read the loan file: {exc}") from exc
    missing = [c for c in LOAN_COLUMNS if c not in frame.columns]
    if missing:
        raise LoanFileError(f"{path}: missing column(s) {missing}; a loan file has {list(LOAN_COLUMNS)} "
                            f"and optionally {list(OPTIONAL_COLUMNS)}")
    extra = [c for c in frame.columns if c not in LOAN_COLUMNS + OPTIONAL_COLUMNS]
    if extra:
        raise LoanFileError(f"{path}: unknown column(s) {extra}")
    granted = _dates(frame, "granted_on", path, optional=False)
    matures = _dates(frame, "matures_on", path, optional=False)
    closed = _dates(frame, "closed_on", path, optional=True) if "closed_on" in frame else [None] * len(frame)
    loans = [Loan(str(loan_id).strip(), str(enterprise).strip(), g, m, c) for loan_id, enterprise, g, m, c in zip(
        frame["loan_id"], frame["enterprise"], granted, matures, closed)]
    for row, loan in enumerate(loans, start=2):
        problem = loan_problem(loan)
        if problem is not None:
            raise LoanFileError(f"{path}: row {row}: {problem}")
    duplicates = pd.Series([loan.loan_id for loan in loans]).duplicated()
    if duplicates.any():
        raise LoanFileError(f"{path}: loan_id {loans[int(duplicates.idxmax())].loan_id!r} appears more than once")
    return loans
