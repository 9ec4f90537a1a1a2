"""Keyed tags that index which enterprises a job used, without their ids in clear.

An enterprise may see every use of its data (seed 000 §9, seed 002 item 14), so the audit
log must be searchable by enterprise. Writing USCCs into the log would show every reader
of the log (and of a copy of the database) who applied at which bank, and having the
platform report its rows' ids would show the coordinator each bank's customers. So the
party that knows which enterprises a job used (the platform, for its own rows) reports
``HMAC-SHA256(key, USCC)`` truncated to 16 bytes under a key only it holds. The
coordinator stores the tags beside the audit entry; it cannot compute a tag itself, so it
can neither enumerate an enterprise's uses nor link a tag to an id, until that enterprise
presents its own tag (carried in its certificate, see ``federation.security.certs``).

Uses the coordinator sees in clear anyway (an online score names the applicant) are
tagged with the coordinator's own key, so the log keeps no id there either.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from collections.abc import Iterable
from pathlib import Path

from federation.files import write_atomic
from federation.governance.categories import CATEGORIES_BY_PREFIX

TAG_BYTES = 16
KEY_BYTES = 32
# One batch is one gRPC message: 250,000 tags are 4 MB.
MAX_TAGS_PER_BATCH = 250_000
# Where a party (the platform agent, the coordinator) keeps its index key, in its own folder.
INDEX_KEY_FILE = "data_use.key"


class IndexKey:
    """A secret HMAC key; ``tag`` maps a USCC to its 16-byte index tag."""

    def __init__(self, secret: bytes) -> None:
        if len(secret) != KEY_BYTES:
            raise ValueError(f"an index key is {KEY_BYTES} bytes, got {len(secret)}")
        self._secret = secret

    @classmethod
    def generate(cls) -> "IndexKey":
        return cls(os.urandom(KEY_BYTES))

    @classmethod
    def load_or_create(cls, path: Path) -> "IndexKey":
        """The key kept at ``path`` (owner-only), made on first use; it must never change,
        or earlier tags stop matching the enterprises' certificates."""
        if not path.exists():
            write_atomic(path, os.urandom(KEY_BYTES), private=True)
        return cls(path.read_bytes())

    def tag(self, uscc: str) -> bytes:
        return hmac.new(self._secret, uscc.encode(), hashlib.sha256).digest()[:TAG_BYTES]

    def tags(self, usccs: Iterable[str]) -> list[bytes]:
        return [self.tag(uscc) for uscc in usccs]


def pack_tags(tags: Iterable[bytes]) -> bytes:
    """Sorted and concatenated: the order of the platform's rows is not disclosed."""
    return b"".join(sorted(set(tags)))


def unpack_tags(blob: bytes) -> list[bytes]:
    if len(blob) % TAG_BYTES:
        raise ValueError(f"tags must be a multiple of {TAG_BYTES} bytes, got {len(blob)}")
    return [blob[i:i + TAG_BYTES] for i in range(0, len(blob), TAG_BYTES)]


def column_categories(columns: Iterable[str]) -> list[str]:
    """The sharing-list categories some of ``columns`` belong to; columns outside the list
    (bring-your-own data) add none, since no data-providing department owns them."""
    return sorted({CATEGORIES_BY_PREFIX[c.split("_", 1)[0]][0] for c in columns
                   if c.split("_", 1)[0] in CATEGORIES_BY_PREFIX})
