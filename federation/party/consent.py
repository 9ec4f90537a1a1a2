"""Which of its enterprises the platform lets a job use: consent, or a recorded legal basis.

The coordinator holds the consent records but never sees the platform's rows, so the
platform applies them: at the start of every job it asks for the enterprises that
authorize the job's bank for financing for every data category its table contributes,
and restricts its side to them. A job submitted with ``params.legal_basis`` (training on
historical borrowers under a documented basis) is not restricted; the basis is on the
job and in the audit log. What the platform reports back (basis, categories, how many
enterprises authorize the bank) is audited as counts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from federation.governance.categories import categories_of
from federation.party.agent import JobContext
from federation.party.data_use import record_data_use


class ConsentRefused(PermissionError):
    """A job would use enterprises that do not (or no longer) authorize its bank."""


@dataclass(frozen=True)
class ConsentScope:
    """``enterprises`` is None when the job is not restricted (legal basis, or checks off)."""

    basis: str
    categories: tuple[str, ...]
    enterprises: frozenset[str] | None

    def report(self) -> dict[str, Any]:
        return {"basis": self.basis, "categories": list(self.categories),
                "authorized": None if self.enterprises is None else len(self.enterprises)}


def job_scope(context: JobContext, enforce: bool) -> ConsentScope:
    """Looked up afresh for every job, so a revocation holds from the next job on."""
    if not enforce:
        return ConsentScope("not_checked", (), None)
    categories = tuple(categories_of(context.table.features.columns))
    if "legal_basis" in context.params:
        return ConsentScope("legal_basis", categories, None)
    enterprises = context.client.authorized_enterprises(context.job.id, list(categories))
    return ConsentScope("consent", categories, frozenset(enterprises))


def check_consent(context: JobContext, scope: ConsentScope, bank: str, rows: np.ndarray) -> None:
    """Refuse the whole job, naming how many, if any row's enterprise does not authorize the
    bank at job start: a model must not learn from, nor score, data it was not allowed to see.
    Rows that pass are the job's use of the enterprises' data, reported for their self-query
    (``federation.party.data_use``) before any of it is used."""
    if scope.enterprises is not None:
        refused = sum(1 for id_ in context.table.ids[rows].tolist() if id_ not in scope.enterprises)
        if refused:
            raise ConsentRefused(
                f"{refused} of the {len(rows)} enterprises in this job do not (or no longer) authorize "
                f"{bank} for financing with {', '.join(scope.categories)}; run PSI again to align on current "
                f"consents, or submit the job with a documented params.legal_basis")
    record_data_use(context, rows)
