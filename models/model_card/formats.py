"""A card in each of its forms, and the set of files a bank keeps and a reviewer receives."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from models.model_card.html import to_html
from models.model_card.markdown import to_markdown

CARD_FORMATS: dict[str, Callable[[dict[str, Any]], str]] = {
    "json": lambda card: json.dumps(card, indent=2, ensure_ascii=False),
    "md": to_markdown,
    "html": to_html,
}
CARD_STEM = "model_card"


def write_card(card: dict[str, Any], folder: Path) -> list[Path]:
    """``model_card.json`` (valid against ``schema.json``), ``.md`` and ``.html`` in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for suffix, render in CARD_FORMATS.items():
        path = folder / f"{CARD_STEM}.{suffix}"
        path.write_text(render(card) + ("\n" if suffix == "json" else ""), encoding="utf-8")
        paths.append(path)
    return paths
