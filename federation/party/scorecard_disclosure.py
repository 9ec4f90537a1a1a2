"""A scorecard's platform bins, edges included, for a regulator and nobody else.

The platform holds the only copy of its bin edges (the bank's part has points per
feature group). A regulator reviewing the scorecard may read them: the platform seals its
points table to the regulator's certificate (``federation.governance.disclosure``) and
files it with the coordinator, which stores ciphertext; the regulator opens it with its
own key. The table is CSV with the points table's columns.
"""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd

from federation.files import read_json
from federation.governance.disclosure import context_of, open_sealed, recipient_certificate, seal
from federation.party.client import CoordinatorClient
from federation.party.training import PLATFORM_PART
from federation.rpc import coordinator_pb2 as pb
from federation.security.tls import identity_from_pem
from models.scorecard.points import platform_bins_table
from models.scorecard.stored import SCORECARD
from models.scoring.model_kind import stored_kind

WHAT = "scorecard_platform_bins"


def disclose_platform_bins(client: CoordinatorClient, model_id: str, models_dir: Path, recipient_pem: bytes,
                           ca_pem: bytes) -> pb.Disclosure:
    """Seal the platform's bins of scorecard ``model_id`` to the regulator of ``recipient_pem``."""
    path = models_dir / model_id / PLATFORM_PART
    if not path.exists():
        raise FileNotFoundError(f"{client.name} holds no part of model {model_id} at {path}")
    part = read_json(path)
    if stored_kind(part, model_id) != SCORECARD:
        raise ValueError(f"model {model_id} is not a scorecard: only a scorecard's platform bins are disclosed")
    certificate = recipient_certificate(recipient_pem, ca_pem)
    recipient = identity_from_pem(recipient_pem)
    table = platform_bins_table(part).to_csv(index=False).encode()
    sealed = seal(certificate, table, context_of(model_id, client.name, recipient.name))
    return client.disclose(model_id, recipient.name, recipient.certificate_sha256, WHAT, sealed)


def read_platform_bins(client: CoordinatorClient, model_id: str, key_pem: bytes) -> pd.DataFrame:
    """The latest platform bins of ``model_id`` disclosed to the calling regulator, opened."""
    found = [d for d in client.list_disclosures(model_id) if d.what == WHAT]
    if not found:
        raise LookupError(f"no platform bins of model {model_id} have been disclosed to {client.name}")
    latest = found[-1]
    text = open_sealed(key_pem, latest.sealed, context_of(model_id, latest.sender, client.name))
    return pd.read_csv(io.BytesIO(text), keep_default_na=False, dtype={"bin": str})
