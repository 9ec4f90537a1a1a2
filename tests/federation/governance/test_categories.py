"""Platform columns map to the sharing list's categories by prefix; strays and typos are named."""

from __future__ import annotations

import pytest

from federation.governance.categories import CATEGORIES, UnknownCategory, categories_of, checked_categories


def test_columns_map_to_their_categories() -> None:
    assert categories_of(["tax_paid_12m", "tax_grade", "court_cases_3y"]) == ["court_judgments", "tax"]


def test_column_outside_every_category_is_named() -> None:
    with pytest.raises(UnknownCategory, match="'x0'"):
        categories_of(["tax_paid_12m", "x0"])


def test_the_sharing_list_has_fourteen_categories() -> None:
    assert len(set(CATEGORIES)) == 14


def test_no_categories_is_refused() -> None:
    with pytest.raises(UnknownCategory, match="at least one"):
        checked_categories([])
