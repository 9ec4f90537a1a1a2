"""Selecting public records by region and industry: only public columns, clear refusals."""

from __future__ import annotations

import pandas as pd
import pytest

from federation.governance.classification import Classification, Level
from federation.governance.publication import PublicationError, PublicRecords, PublicSelection, select_public

IDS = ["A", "B", "C"]
FEATURES = pd.DataFrame({"reg_region": ["haizhou", "ganyu", "haizhou"],
                         "reg_industry": ["construction", "construction", "it_services"],
                         "tax_paid_12m": [1.5, 2.5, 3.5], "court_judgments_3y": [0, 1, 2]})


def test_rows_matching_every_dimension_are_selected() -> None:
    records = select_public(IDS, FEATURES, Classification(), PublicSelection("haizhou", "construction"))
    assert records.frame["uscc"].tolist() == ["A"]


def test_only_public_columns_are_selected() -> None:
    records = select_public(IDS, FEATURES, Classification(), PublicSelection(region="haizhou"))
    assert records.columns == ["reg_region", "reg_industry", "court_judgments_3y"]


def test_a_field_the_schema_grades_public_is_published() -> None:
    records = select_public(IDS, FEATURES, Classification({"tax_paid_12m": Level.PUBLIC}),
                            PublicSelection(industry="it_services"))
    assert records.frame["tax_paid_12m"].tolist() == [3.5]


def test_an_unknown_region_is_named_with_the_known_ones() -> None:
    with pytest.raises(PublicationError, match="region 'lianyun' .* known: ganyu, haizhou"):
        select_public(IDS, FEATURES, Classification(), PublicSelection(region="lianyun"))


def test_a_request_without_any_dimension_is_refused() -> None:
    with pytest.raises(PublicationError, match="name a region, an industry or both"):
        PublicSelection.from_params({})


def test_selecting_by_a_non_public_column_is_refused() -> None:
    with pytest.raises(PublicationError, match="reg_region is not graded public"):
        select_public(IDS, FEATURES, Classification({"reg_region": Level.NON_PUBLIC}), PublicSelection("haizhou"))


def test_records_survive_the_wire_format() -> None:
    records = select_public(IDS, FEATURES, Classification(), PublicSelection(region="haizhou"))
    assert PublicRecords.from_bytes(records.to_bytes()).frame.equals(records.frame)
