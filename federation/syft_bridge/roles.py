"""The two people of mock-data exploration, each with their own coordinator identity.

The platform operator publishes the platform's table (a synthetic twin as the mock),
admits a bank's data scientist, reviews code requests and approves or denies them; the
scientist explores the mock, tries code on it, submits the code and reads the result.
Every submission and decision is recorded with the coordinator before it takes effect on
the datasite, and an approval runs the code only on the enterprises the coordinator says
authorize the bank at that moment, for every data category the table holds.
"""

from __future__ import annotations

import inspect
import textwrap
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from federation.coordinator.code_requests import APPROVED, DENIED, SUBMITTED
from federation.data import PartyTable
from federation.governance.categories import categories_of
from federation.party.client import CoordinatorClient
from federation.syft_bridge import messages as m
from federation.syft_bridge.audit_calls import record_code_request
from federation.syft_bridge.process import DatasiteProcess
from federation.syft_bridge.twin import synthetic_twin

ID_COLUMN = "id"


class PlatformOperator:
    def __init__(self, datasite: DatasiteProcess, client: CoordinatorClient) -> None:
        self._datasite = datasite
        self._client = client

    def publish(self, table: PartyTable, *, dataset: str = "platform", seed: int = 0,
                description: str = "The platform's feature table; the mock is a synthetic twin.") -> m.Published:
        """Hand the table and its twin to the datasite (files in its work folder, this host)."""
        folder = self._datasite.workdir / "published"
        folder.mkdir(parents=True, exist_ok=True)
        real = table.features.assign(**{ID_COLUMN: table.ids})
        real.to_parquet(folder / "table.parquet", index=False)
        synthetic_twin(table.features, len(table.features), np.random.default_rng(seed)).to_parquet(
            folder / "mock.parquet", index=False)
        return self._datasite.call(m.Publish(str(folder / "table.parquet"), str(folder / "mock.parquet"), ID_COLUMN,
                                             dataset, description), m.Published)

    def admit(self, bank: str) -> m.ScientistAdded:
        return self._datasite.call(m.AddScientist(bank), m.ScientistAdded)

    def pending(self) -> list[m.PendingRequest]:
        return self._datasite.call(m.ListPending(), m.Pending).requests

    def approve(self, request: m.PendingRequest, note: str = "") -> m.Approved:
        recorded = record_code_request(self._client, request.request_id, request.bank, APPROVED, reason=note)
        return self._datasite.call(m.Approve(request.request_id, list(recorded.authorized)), m.Approved)

    def deny(self, request: m.PendingRequest, reason: str) -> m.Denied:
        record_code_request(self._client, request.request_id, request.bank, DENIED, reason=reason)
        return self._datasite.call(m.Deny(request.request_id, reason), m.Denied)


class BankScientist:
    def __init__(self, datasite: DatasiteProcess, client: CoordinatorClient) -> None:
        self._datasite = datasite
        self._client = client
        self.bank = client.name

    def mock(self) -> pd.DataFrame:
        """The mock as the datasite serves it to this scientist."""
        out = self._datasite.workdir / "downloads" / f"{self.bank}_mock.parquet"
        out.parent.mkdir(parents=True, exist_ok=True)
        self._datasite.call(m.FetchMock(self.bank, str(out)), m.MockFetched)
        return pd.read_parquet(out)

    def submit(self, function: Callable[[pd.DataFrame], Any]) -> m.Submitted:
        """Submit ``function(data)`` (defined in a file or notebook cell, so its source is
        readable); it reads every column, so it needs consent for every category of the table."""
        source = textwrap.dedent(inspect.getsource(function))
        submitted = self._datasite.call(m.Submit(self.bank, function.__name__, source), m.Submitted)
        categories = categories_of(self.mock().columns)
        record_code_request(self._client, submitted.request_id, self.bank, SUBMITTED, function=submitted.function,
                            code_sha256=submitted.code_sha256, categories=categories)
        return submitted

    def result(self, function: str) -> m.Result:
        return self._datasite.call(m.FetchResult(self.bank, function), m.Result)
