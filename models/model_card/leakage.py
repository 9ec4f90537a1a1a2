"""The leakage tables of a model's protocols, read from ``docs/leakage.md``.

The document is the one statement of what each party learns; the card quotes its tables
for the protocols the model went through instead of restating them, so the two cannot
drift apart. A section is chosen when its heading contains one of the kind's names
(case-insensitive).
"""

from __future__ import annotations

import re
from pathlib import Path

from models.model_card.sections import Section

LEAKAGE_DOC = Path(__file__).resolve().parents[2] / "docs" / "leakage.md"
# Every joint model is aligned by PSI through the coordinator; a kind adds its own protocols.
COMMON = ("Transport and coordinator", "1. Private set intersection")
# Model kind -> (parts of) the headings of the protocols that produced and serve it.
PROTOCOLS: dict[str, tuple[str, ...]] = {
    "secureboost": (*COMMON, "2. Vertical SecureBoost", "3. Encrypted scoring"),
    "scorecard": (*COMMON, "scorecard"),
}


def _tables(body: str) -> list[tuple[list[str], list[list[str]]]]:
    tables, current = [], []
    for line in body.splitlines() + [""]:
        if line.startswith("|"):
            current.append(line)
            continue
        if len(current) >= 2:
            cells = [[c.strip() for c in row.strip().strip("|").split("|")] for row in current]
            tables.append((cells[0], [row for row in cells[2:]]))
        current = []
    return tables


def leakage_sections(kind: str, document: Path = LEAKAGE_DOC) -> list[Section]:
    """One section per table under each of the kind's protocol headings, in document order."""
    if not document.exists():
        raise FileNotFoundError(f"the leakage document {document} is missing; the card quotes it")
    text = document.read_text(encoding="utf-8")
    parts = re.split(r"^## ", text, flags=re.MULTILINE)[1:]
    sections = []
    for part in parts:
        heading, _, body = part.partition("\n")
        if not any(name.lower() in heading.lower() for name in PROTOCOLS.get(kind, COMMON)):
            continue
        for number, (columns, rows) in enumerate(_tables(body), start=1):
            sections.append(Section(f"leakage-{len(sections) + 1}", f"{heading.strip()} (table {number})",
                                    "", columns, rows))
    return sections
