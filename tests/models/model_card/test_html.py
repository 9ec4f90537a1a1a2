"""The model card page: every section rendered from the card's values, escaped, and as Chromium shows it."""

from __future__ import annotations

import re
import struct

import pytest
from tests.support.chromium import artifacts_dir, chromium_binary, rendered_dom, screenshot
from tests.support.model_card import facts

from models.model_card import build_card
from models.model_card.html import to_html

SECTIONS = ("Model details", "Intended use", "Training data", "Metrics", "Privacy", "Monitoring",
            "Limitations and caveats", "Approvals")


def _card() -> dict:
    card = build_card(facts())
    card["approvals"] = [{"reviewer": "regulator", "decision": "approved", "note": "segments reviewed",
                          "at": "2026-11-21T10:00:00+00:00"}]
    return card


def test_the_page_has_every_section_with_the_cards_values():
    card = _card()
    page = to_html(card)
    assert all(f"<h2>{title}</h2>" in page for title in SECTIONS)
    assert card["model_details"]["model_id"] in page and "segments reviewed" in page
    assert f"{card['metrics']['overall']['auc']:.4f}" in page


def test_text_in_the_card_cannot_inject_markup():
    card = _card()
    card["approvals"][0]["note"] = "<script>alert(1)</script>"
    page = to_html(card)
    assert "<script>" not in page and "&lt;script&gt;" in page


def test_chromium_renders_the_card(tmp_path):
    binary = chromium_binary()
    if binary is None:
        pytest.skip("no Chromium on this machine (make test installs it where it can)")
    page = tmp_path / "model_card.html"
    page.write_text(to_html(_card()), encoding="utf-8")
    dom = rendered_dom(binary, page)
    assert [title for title in SECTIONS if f"<h2>{title}</h2>" not in dom] == []
    assert len(re.findall(r"<table>", dom)) >= 5
    data = screenshot(binary, page, artifacts_dir() / "model_card.png", window="1280,4000").read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and struct.unpack(">II", data[16:24]) == (1280, 4000)
    assert len(data) > 60_000, "a page of tables does not compress to a near-blank image"


def test_markup_in_code_is_shown_as_written():
    card = _card()
    card["model_details"]["params"] = {"split": "<tree>-<node>"}
    page = to_html(card)
    assert "&lt;tree&gt;-&lt;node&gt;" in page and "&amp;lt;" not in page
