"""A platform job that would use a sensitive column is refused, naming it, before it sends anything."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from federation.data.schema import Schema
from federation.data.table import PartyTable
from federation.governance.classification import Classification, Level, SensitiveColumn
from federation.party.agent import JobContext
from federation.party.handlers import handlers
from federation.rpc import coordinator_pb2 as pb
from federation.security.roles import Role


class _Unreachable:
    """A coordinator client that fails the test if the job gets as far as using it."""

    def __getattr__(self, name: str) -> object:
        raise AssertionError(f"the job called client.{name} before refusing its sensitive column")


def _context(tmp_path: Path, columns: list[str]) -> JobContext:
    features = pd.DataFrame({column: np.arange(3.0) for column in columns})
    schema = Schema(id="uscc", features={column: "numeric" for column in columns})
    table = PartyTable(ids=np.array(["A", "B", "C"]), features=features, labels=None, schema=schema,
                       source=tmp_path / "platform.parquet")
    return JobContext(job=pb.Job(id="job"), me="platform", role=Role.PLATFORM, table=table, workdir=tmp_path,
                      client=_Unreachable(), params={"model": "m", "psi_job": "p"})  # type: ignore[arg-type]


@pytest.mark.parametrize("kind", ["secureboost", "score_batch", "publish_masks"])
def test_a_job_using_the_features_refuses_a_personal_data_column(tmp_path: Path, kind: str) -> None:
    handler = handlers(enforce_consent=True)[(kind, Role.PLATFORM)]
    with pytest.raises(SensitiveColumn, match="reg_legal_rep_id_number"):
        handler(_context(tmp_path, ["reg_years", "reg_legal_rep_id_number"]))


def test_a_column_the_schema_grades_sensitive_is_refused(tmp_path: Path) -> None:
    handler = handlers(enforce_consent=True, classification=Classification({"tax_grade": Level.SENSITIVE}))[
        ("secureboost", Role.PLATFORM)]
    with pytest.raises(SensitiveColumn, match="tax_grade"):
        handler(_context(tmp_path, ["reg_years", "tax_grade"]))
