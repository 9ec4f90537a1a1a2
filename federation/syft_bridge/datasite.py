"""The syft side: the platform's datasite on syft's in-memory server, driven over stdin/stdout.

Runs inside ``.venv-syft`` (``python -m federation.syft_bridge.datasite``) and plays the
datasite's two users on one server: the platform operator (syft's admin) and each bank's
data scientist (a registered user). It reads one ``messages`` request a line on stdin and
writes one reply a line on the original stdout; syft's own chatter goes to stderr.

The private slot of the published asset is an empty table with the schema: the real rows
stay with this process (the platform), because consent must be applied when approved
code runs, not when the table was published. An approval runs the reviewed code on the
rows the coordinator says authorize the bank at that moment and deposits the result on
the request; the scientist reads it from the request's output history. Calling the
function directly after approval runs on the empty slot and so learns nothing.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import secrets
import sys
from pathlib import Path
from typing import Any, TextIO

import pandas as pd
import pyarrow.parquet as pq
import syft as sy

from federation.syft_bridge import messages as m

ADMIN_EMAIL, ADMIN_PASSWORD = "info@openmined.org", "changethis"
ASSET = "features"


def scientist_email(bank: str) -> str:
    return f"{bank.replace('_', '-')}@datasite.example"


def _read(path: str) -> pd.DataFrame:
    """Parquet written by the main environment's pandas; its pandas metadata is newer than ours."""
    return pq.read_table(path).to_pandas(ignore_metadata=True)


def _jsonable(value: Any) -> Any:
    if isinstance(value, (pd.DataFrame, pd.Series)):
        return json.loads(value.to_json())
    return json.loads(json.dumps(value, default=lambda v: v.item() if hasattr(v, "item") else str(v)))


class Datasite:
    def __init__(self, workdir: Path) -> None:
        self._workdir = workdir
        self._server = sy.orchestra.launch(name="platform-datasite", reset=True)
        self._admin = self._server.login(email=ADMIN_EMAIL, password=ADMIN_PASSWORD)
        self._admin.settings.allow_guest_signup(enable=True)
        self._passwords: dict[str, str] = {}
        self._table: pd.DataFrame | None = None
        self._id_column = ""
        self._dataset = ""

    def handle(self, request: Any) -> Any:
        handler = getattr(self, f"_{type(request).__name__.lower()}", None)
        if handler is None:
            return m.Failed(f"the datasite does not take {type(request).__name__} requests")
        return handler(request)

    def _publish(self, request: m.Publish) -> m.Published:
        self._table, self._id_column, self._dataset = _read(request.table), request.id_column, request.dataset
        mock = _read(request.mock)
        features = self._table.drop(columns=[request.id_column])
        if list(mock.columns) != list(features.columns):
            raise ValueError(f"the mock's columns {list(mock.columns)} are not the table's {list(features.columns)}")
        asset = sy.Asset(name=ASSET, data=features.iloc[:0], mock=mock)
        self._admin.upload_dataset(sy.Dataset(name=request.dataset, description=request.description,
                                              asset_list=[asset]))
        return m.Published(request.dataset, ASSET, len(mock), [str(c) for c in mock.columns])

    def _addscientist(self, request: m.AddScientist) -> m.ScientistAdded:
        password = secrets.token_urlsafe(16)
        self._admin.register(name=request.bank, email=scientist_email(request.bank), password=password,
                             password_verify=password)
        self._passwords[request.bank] = password
        return m.ScientistAdded(request.bank, scientist_email(request.bank))

    def _scientist(self, bank: str) -> Any:
        if bank not in self._passwords:
            raise KeyError(f"bank {bank!r} has no scientist account on the datasite")
        return self._server.login(email=scientist_email(bank), password=self._passwords[bank])

    def _asset(self, client: Any) -> Any:
        return client.datasets[self._dataset].assets[ASSET]

    def _fetchmock(self, request: m.FetchMock) -> m.MockFetched:
        mock = self._asset(self._scientist(request.bank)).mock
        mock.to_parquet(request.out, index=False)
        return m.MockFetched(request.out, len(mock))

    def _submit(self, request: m.Submit) -> m.Submitted:
        """The source is imported from a file so that syft can read the function's source."""
        client = self._scientist(request.bank)
        path = self._workdir / "submitted" / f"{request.bank}_{request.function}.py"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(request.source, encoding="utf-8")
        spec = importlib.util.spec_from_file_location(path.stem, path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        function = getattr(module, request.function, None)
        if not callable(function):
            raise ValueError(f"the submitted source defines no function {request.function!r}")
        code = sy.syft_function_single_use(data=self._asset(client))(function)
        submitted = client.code.request_code_execution(code)
        return m.Submitted(str(submitted.id), request.function,
                           hashlib.sha256(request.source.encode("utf-8")).hexdigest())

    def _request(self, request_id: str) -> Any:
        found = [r for r in self._admin.requests if str(r.id) == request_id]
        if not found:
            raise KeyError(f"no code request {request_id} on the datasite")
        return found[0]

    def _listpending(self, request: m.ListPending) -> m.Pending:
        emails = {scientist_email(bank): bank for bank in self._passwords}
        return m.Pending([m.PendingRequest(str(r.id), emails.get(r.requesting_user_email, r.requesting_user_email),
                                           r.code.service_func_name, r.code.raw_code)
                          for r in self._admin.requests if r.status.name == "PENDING"])

    def _approve(self, request: m.Approve) -> m.Approved:
        if self._table is None:
            raise RuntimeError("nothing is published")
        pending = self._request(request.request_id)
        rows = self._table[self._table[self._id_column].isin(set(request.enterprises))]
        value = pending.code.run(data=rows.drop(columns=[self._id_column]).reset_index(drop=True))
        pending.deposit_result(value, approve=True)
        return m.Approved(request.request_id, len(rows))

    def _deny(self, request: m.Deny) -> m.Denied:
        self._request(request.request_id).deny(reason=request.reason)
        return m.Denied(request.request_id)

    def _fetchresult(self, request: m.FetchResult) -> m.Result:
        client = self._scientist(request.bank)
        codes = [c for c in client.code.get_all() if c.service_func_name == request.function]
        if not codes:
            raise KeyError(f"{request.bank} submitted no function {request.function!r}")
        mine = [r for r in client.requests if r.code.service_func_name == request.function]
        status = mine[-1].status.name.lower() if mine else "pending"
        if status == "rejected":
            return m.Result("denied", None, str(getattr(mine[-1], "deny_reason", "") or ""))
        history = codes[-1].output_history
        if status != "approved" or not history:
            return m.Result(status)
        outputs = history[-1].outputs
        value = outputs[0] if isinstance(outputs, list) else outputs
        return m.Result("approved", _jsonable(value.get() if hasattr(value, "get") else value))

    def stop(self) -> None:
        self._server.land()


def serve(requests: TextIO, replies: TextIO, workdir: Path) -> None:
    datasite = Datasite(workdir)
    replies.write(m.encode(m.Ready(sy.__version__)) + "\n")
    replies.flush()
    try:
        for line in requests:
            try:
                request = m.decode(line)
                reply = m.Stopped() if isinstance(request, m.Stop) else datasite.handle(request)
            except Exception as exc:  # every failure is the reply's, never the process's end
                reply = m.Failed(f"{type(exc).__name__}: {exc}")
            replies.write(m.encode(reply) + "\n")
            replies.flush()
            if isinstance(reply, m.Stopped):
                return
    finally:
        datasite.stop()


def main() -> None:
    replies = os.fdopen(os.dup(sys.stdout.fileno()), "w", encoding="utf-8")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    workdir = Path(sys.argv[1]) if len(sys.argv) > 1 else Path.cwd()
    serve(sys.stdin, replies, workdir)


if __name__ == "__main__":
    main()
