"""Public-record publication jobs (``publish``) as the party agents run them.

A bank asks for the public records of the enterprises in a region and/or industry; the
platform selects them with ``federation.governance.publication`` (only columns graded
public ever enter the message) and sends one Parquet file over the relay. Public records
need no authorization, so the job is not restricted by consent; it reports basis
``public`` and the categories published, which the audit log keeps with the count.
The bank keeps the file as ``public_records.parquet`` in its job folder.
"""

from __future__ import annotations

from typing import Any

from federation.files import write_atomic
from federation.governance.classification import Classification
from federation.governance.publication import PublicRecords, PublicSelection, select_public
from federation.party.agent import JobContext
from federation.party.channel import RelayChannel
from federation.party.data_use import record_data_use
from federation.security.roles import Role

PUBLIC_RECORDS_FILE = "public_records.parquet"
BASIS = "public"


def bank_publish(context: JobContext) -> dict[str, Any]:
    channel = RelayChannel(context, context.peer(Role.PLATFORM), "publish")
    payload = channel.receive()
    records = PublicRecords.from_bytes(payload)
    write_atomic(context.workdir / PUBLIC_RECORDS_FILE, payload)
    return {"received": len(records.frame), "columns": records.columns}


def platform_publish(context: JobContext, classification: Classification) -> dict[str, Any]:
    selection = PublicSelection.from_params(context.params)
    records = select_public(context.table.ids, context.table.features, classification, selection)
    record_data_use(context, records.rows)
    RelayChannel(context, context.peer(Role.BANK), "publish").send(records.to_bytes())
    return {"published": len(records.frame), "columns": records.columns,
            "consent": {"basis": BASIS, "categories": records.categories, "authorized": None}}
