"""The portrait page: what it says, that it escapes what it shows, and how Chromium renders it."""

from __future__ import annotations

import re
import struct
from datetime import datetime, timezone

import pytest
from tests.support.chromium import artifacts_dir, chromium_binary, rendered_dom, screenshot

from models.portrait.html import render_html
from models.portrait.peers import PeerStanding
from models.portrait.portrait import CreditPortrait, Reason
from models.portrait.public_facts import PublicFact


def _portrait(**changes) -> CreditPortrait:
    fields = dict(
        enterprise="91320723MAGU2UBC44", model_id="0d7c2d1e-1111-2222-3333-444455556666",
        generated_at=datetime(2026, 11, 22, 9, 30, tzinfo=timezone.utc), raw_score=-2.9, probability=0.0522,
        expected_raw_score=-2.5,
        reasons=(Reason("platform:tax", -0.6), Reason("bank:credit", 0.35), Reason("platform:court_judgments", 0.1),
                 Reason("bank:loan", -0.25)),
        peers=PeerStanding({"reg_industry": "manufacturing", "reg_region": "donghai", "reg_size": "small"}, 212, 64.2),
        facts=(PublicFact("administrative_penalty", "行政处罚信息", "penalty_admin_3y", 1),
               PublicFact("dishonesty_list", "失信被执行人信息", "dishonest_flag", 0),
               PublicFact("registration", "登记注册信息", "reg_industry", "manufacturing")),
    )
    return CreditPortrait(**(fields | changes))


def test_the_json_holds_grade_points_peers_reasons_and_facts():
    data = _portrait().to_dict()
    assert data["grade"]["label"] == "B" and data["grade"]["number"] == 6
    assert data["score"]["points"] == pytest.approx(600 - 20 / 0.6931471805599453 * (-2.9 + 3.912023005428146), abs=0.1)
    assert [r["group"] for r in data["reasons"]["groups"]] == ["tax", "credit", "loan", "court_judgments"]
    assert data["reasons"]["groups"][0] == {"party": "platform", "group": "tax", "log_odds": -0.6,
                                            "points": pytest.approx(17.3, abs=0.05), "effect": "lowers risk"}
    assert data["peers"]["peers"] == 212 and len(data["grade_scale"]) == 10
    assert data["generated_at"].startswith("2026-11-22T09:30")


def test_the_page_escapes_what_it_shows():
    page = render_html(_portrait(facts=(PublicFact("honours", "表彰荣誉信息", "honour_note", "<script>x()</script>"),)))
    assert "<script>" not in page and "&lt;script&gt;" in page


def test_the_page_flags_an_open_objection():
    assert "Under objection" in render_html(_portrait(objections=("penalty record 17 disputed",)))
    assert "Under objection" not in render_html(_portrait())


def test_chromium_renders_the_page(tmp_path):
    binary = chromium_binary()
    if binary is None:
        pytest.skip("no Chromium on this machine (make test installs it where it can)")
    page = tmp_path / "portrait.html"
    page.write_text(render_html(_portrait()), encoding="utf-8")
    dom = rendered_dom(binary, page)
    assert re.search(r'id="grade"[^>]*>B<', dom)
    assert re.search(r'id="points"[^>]*>\d{3}<', dom)
    assert "lower risk than this share of 212 peers" in dom
    assert dom.count("<tr>") >= 4 + 3 + 10
    png = screenshot(binary, page, artifacts_dir() / "portrait.png")
    data = png.read_bytes()
    width, height = struct.unpack(">II", data[16:24])
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and (width, height) == (1280, 1800)
    assert len(data) > 30_000, "a page of text and bars does not compress to a near-blank image"
