"""Errors raised while reading a party's schema or data.

Every error names the file and the place in it, because the person reading the
message is a data scientist at a bank or an operator at the platform who has to
go and fix the file, not a developer reading a traceback.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

_SHOWN_ROWS = 5


class DataError(ValueError):
    """A party's data file cannot be used as it is.

    ``rows`` holds 1-based data row numbers (the first data row after a CSV
    header is row 1), at most a few of them; ``n_rows`` is how many rows are
    affected in total, so a message stays short on a million-row file.
    """

    def __init__(
        self,
        path: str | Path | None,
        message: str,
        *,
        column: str | None = None,
        rows: Sequence[int] = (),
        n_rows: int | None = None,
    ) -> None:
        self.path = Path(path) if path is not None else None
        self.message = message
        self.column = column
        self.n_rows = len(rows) if n_rows is None else n_rows
        self.rows = [int(r) for r in rows[:_SHOWN_ROWS]]
        super().__init__(str(self))

    def _where(self) -> list[str]:
        where = [self.path.name if self.path is not None else "<data>"]
        if self.column is not None:
            where.append(f"column '{self.column}'")
        if self.rows:
            shown = ", ".join(str(r) for r in self.rows)
            more = self.n_rows - len(self.rows)
            suffix = f" and {more} more" if more > 0 else ""
            where.append(f"{'row' if self.n_rows == 1 else 'rows'} {shown}{suffix}")
        return where

    def __str__(self) -> str:
        head, *rest = self._where()
        location = head + (": " + ", ".join(rest) if rest else "")
        return f"{location}: {self.message}"


class SchemaError(DataError):
    """A schema file is malformed or does not fit the party's role.

    It is a :class:`DataError` so that code loading a party's inputs can catch
    one type; ``key`` is the dotted path of the offending YAML key.
    """

    def __init__(self, path: str | Path | None, key: str | None, message: str) -> None:
        self.key = key
        super().__init__(path, message)

    def _where(self) -> list[str]:
        head = self.path.name if self.path is not None else "<schema>"
        return [head] + ([f"key '{self.key}'"] if self.key is not None else [])
