"""The platform's report of which enterprises a job used, as keyed tags (never ids).

The platform is the party that knows which of its rows a job touched (training and
holdout rows, a scoring batch, published masks, public records, a night's monitored
borrowers). It tags each
enterprise with its own index key (``federation.governance.data_use``), kept owner-only
in its work folder, and reports the tags to the coordinator, which files them beside a
``data.use`` audit entry for the enterprise's self-query. PSI is not reported: the
platform does not know the intersection, and the bank must not tell anyone.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from federation.governance.data_use import (
    INDEX_KEY_FILE, MAX_TAGS_PER_BATCH, TAG_BYTES, IndexKey, column_categories, pack_tags,
)
from federation.party.agent import JobContext


def index_key_path(context: JobContext) -> Path:
    """The agent's own folder (a job's folder is ``<workdir>/jobs/<id>``)."""
    return context.workdir.parent.parent / INDEX_KEY_FILE


def record_data_use(context: JobContext, rows: np.ndarray) -> int:
    """Report the enterprises of ``rows`` in numbered batches; a resumed job re-sends the same
    batches, which the coordinator takes as already recorded. Returns how many enterprises."""
    key = IndexKey.load_or_create(index_key_path(context))
    blob = pack_tags(key.tags(context.table.ids[np.asarray(rows, dtype=np.int64)].tolist()))
    categories = column_categories(context.table.features.columns)
    step = MAX_TAGS_PER_BATCH * TAG_BYTES
    for batch, start in enumerate(range(0, len(blob), step)):
        context.client.record_data_use(context.job.id, batch, blob[start:start + step], categories)
    return len(blob) // TAG_BYTES
