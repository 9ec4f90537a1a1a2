"""A party's per-job secrets, and how they survive a restart.

The scalar and the shuffle are all a party needs to resume a job whose messages the
coordinator can replay: blinding is deterministic given them. They are secret (the
scalar unblinds the party's messages, the shuffle links positions to the party's rows),
so the file is created owner-only before any byte is written. A digest of the id list
pins the state to the exact list it was made for, since the shuffle refers to rows.
"""

import hashlib
import os
import secrets
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Self

import numpy as np

from federation.psi.blinding import SCALAR_BYTES, new_scalar

STATE_FORMAT = 1
ROLES = ("bank", "platform")


class StateError(ValueError):
    """A state file that is unreadable or belongs to another party or id list."""


def ids_digest(ids: list[str]) -> bytes:
    """SHA-256 over the length-prefixed UTF-8 ids, in order."""
    digest = hashlib.sha256()
    for id_ in ids:
        encoded = id_.encode()
        digest.update(len(encoded).to_bytes(4, "big") + encoded)
    return digest.digest()


def random_order(size: int, rng: np.random.Generator | None) -> np.ndarray:
    """A uniformly random permutation. Without an explicit rng it is drawn from the OS
    CSPRNG (argsort of random 64-bit keys), since the platform's shuffle is what keeps
    its row numbers, and so its table order, from the bank."""
    if rng is not None:
        return rng.permutation(size).astype(np.int64)
    keys = np.frombuffer(secrets.token_bytes(8 * size), dtype=np.uint64)
    return np.argsort(keys, kind="stable").astype(np.int64)


@dataclass(frozen=True, eq=False)
class PartyState:
    """Per-job secrets: ``order[k]`` is the row, in the party's id list, of the id sent
    at position k. ``ids_digest`` is only known for a state read back from a file: it is
    computed when saving, off the critical path of a job that never restarts."""

    role: str
    scalar: bytes
    order: np.ndarray
    ids_digest: bytes | None = None

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            raise StateError(f"role must be one of {ROLES}, got {self.role!r}")
        if len(self.scalar) != SCALAR_BYTES:
            raise StateError(f"scalar must be {SCALAR_BYTES} bytes, got {len(self.scalar)}")

    @classmethod
    def fresh(cls, role: str, size: int, rng: np.random.Generator | None) -> Self:
        return cls(role, new_scalar(), random_order(size, rng))

    def check_fits(self, role: str, ids: list[str]) -> None:
        """Refuse to resume with another party's state or another id list."""
        if role != self.role:
            raise StateError(f"state belongs to the {self.role}, not the {role}")
        if self.ids_digest is None:
            raise StateError("only a state loaded from a file (bound to its ids) can resume a job")
        if len(ids) != len(self.order) or ids_digest(ids) != self.ids_digest:
            raise StateError("state was made for a different id list (or a different order)")

    def save(self, path: str | os.PathLike, ids: list[str]) -> None:
        """Write atomically to an owner-only (0600) file, bound to the party's ids."""
        target = Path(path)
        fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
        try:
            with os.fdopen(fd, "wb") as file:  # mkstemp creates the file 0600
                np.savez(
                    file,
                    format=np.int64(STATE_FORMAT),
                    role=np.str_(self.role),
                    scalar=np.frombuffer(self.scalar, dtype=np.uint8),
                    order=self.order.astype(np.int64),
                    ids_digest=np.frombuffer(ids_digest(ids), dtype=np.uint8),
                )
            os.replace(temporary, target)
        except BaseException:
            os.unlink(temporary)
            raise

    @classmethod
    def load(cls, path: str | os.PathLike) -> Self:
        try:
            with np.load(path, allow_pickle=False) as fields:
                version = int(fields["format"])
                role = str(fields["role"])
                scalar = fields["scalar"].tobytes()
                order = fields["order"].astype(np.int64)
                digest = fields["ids_digest"].tobytes()
        except (KeyError, ValueError, EOFError, zipfile.BadZipFile) as error:
            raise StateError(f"{path}: not a PSI state file ({error})") from error
        if version != STATE_FORMAT:
            raise StateError(f"{path}: state format {version} is not {STATE_FORMAT}")
        return cls(role, scalar, order, digest)
