"""The boundary between the main environment and the syft process: one JSON object a line.

Both sides import this module (standard library only). A request is answered by exactly
one reply, or by ``Failed`` naming what went wrong; tables cross as Parquet files whose
paths are in the messages, results as JSON values.
"""

from __future__ import annotations

import json
from dataclasses import MISSING, asdict, dataclass, field, fields
from typing import Any


@dataclass(frozen=True)
class Ready:
    """The syft process's first line: its server is up."""

    syft_version: str


@dataclass(frozen=True)
class Publish:
    """The platform's table (``table``: Parquet with ``id_column``) and its synthetic twin
    (``mock``: Parquet, features only). The datasite keeps the table at the platform for
    approved code; syft's private slot stays empty (see docs/syft.md)."""

    table: str
    mock: str
    id_column: str
    dataset: str
    description: str


@dataclass(frozen=True)
class Published:
    dataset: str
    asset: str
    mock_rows: int
    columns: list[str]


@dataclass(frozen=True)
class AddScientist:
    bank: str


@dataclass(frozen=True)
class ScientistAdded:
    bank: str
    email: str


@dataclass(frozen=True)
class FetchMock:
    """The mock as the bank's scientist downloads it, written to ``out`` (Parquet)."""

    bank: str
    out: str


@dataclass(frozen=True)
class MockFetched:
    out: str
    rows: int


@dataclass(frozen=True)
class Submit:
    """``source`` defines ``function(data)``, a function of the feature table."""

    bank: str
    function: str
    source: str


@dataclass(frozen=True)
class Submitted:
    request_id: str
    function: str
    code_sha256: str


@dataclass(frozen=True)
class ListPending:
    pass


@dataclass(frozen=True)
class PendingRequest:
    request_id: str
    bank: str
    function: str
    code: str


@dataclass(frozen=True)
class Pending:
    requests: list[PendingRequest] = field(default_factory=list)


@dataclass(frozen=True)
class Approve:
    """Run the request's code on the rows of ``enterprises`` only and deliver the result."""

    request_id: str
    enterprises: list[str]


@dataclass(frozen=True)
class Approved:
    request_id: str
    rows: int


@dataclass(frozen=True)
class Deny:
    request_id: str
    reason: str


@dataclass(frozen=True)
class Denied:
    request_id: str


@dataclass(frozen=True)
class FetchResult:
    bank: str
    function: str


@dataclass(frozen=True)
class Result:
    """``status`` is syft's: pending, approved or denied; ``value`` only when approved."""

    status: str
    value: Any = None
    reason: str = ""


@dataclass(frozen=True)
class Stop:
    pass


@dataclass(frozen=True)
class Stopped:
    pass


@dataclass(frozen=True)
class Failed:
    error: str


MESSAGES: dict[str, type] = {cls.__name__: cls for cls in (
    Ready, Publish, Published, AddScientist, ScientistAdded, FetchMock, MockFetched, Submit, Submitted,
    ListPending, PendingRequest, Pending, Approve, Approved, Deny, Denied, FetchResult, Result, Stop, Stopped,
    Failed)}


class MessageError(ValueError):
    """A line that is not a message of this boundary; the text names the type or field."""


def encode(message: Any) -> str:
    if type(message).__name__ not in MESSAGES:
        raise MessageError(f"{type(message).__name__} is not a message of the syft boundary")
    return json.dumps({"type": type(message).__name__, "body": asdict(message)}, ensure_ascii=False)


def decode(line: str) -> Any:
    try:
        data = json.loads(line)
    except json.JSONDecodeError as exc:
        raise MessageError(f"not JSON: {line[:80]!r}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("body"), dict):
        raise MessageError(f"a message is {{'type': ..., 'body': {{...}}}}, got {line[:80]!r}")
    cls = MESSAGES.get(str(data.get("type")))
    if cls is None:
        raise MessageError(f"unknown message type {data.get('type')!r}")
    body = data["body"]
    names = {f.name for f in fields(cls)}
    required = {f.name for f in fields(cls) if f.default is MISSING and f.default_factory is MISSING}
    unknown, missing = set(body) - names, required - set(body)
    if unknown or missing:
        raise MessageError(f"{cls.__name__}: unknown field(s) {sorted(unknown)}, missing {sorted(missing)}")
    if cls is Pending:
        return Pending([PendingRequest(**r) for r in body.get("requests", [])])
    return cls(**body)
