"""Recording code requests and decisions with the coordinator (``RecordCodeRequest``)."""

from __future__ import annotations

from collections.abc import Sequence

from federation.party.client import CoordinatorClient
from federation.rpc import coordinator_pb2 as pb


def record_code_request(client: CoordinatorClient, request_id: str, bank: str, action: str, *,
                        function: str = "", code_sha256: str = "", categories: Sequence[str] = (),
                        reason: str = "") -> pb.CodeRequestReply:
    request = pb.CodeRequestEvent(request_id=request_id, bank=bank, action=action, function=function,
                                  code_sha256=code_sha256, categories=list(categories), reason=reason)
    return client._retrying(lambda: client._stub.RecordCodeRequest(request, timeout=client._timeout))
