"""Field grading: category defaults from the seeds, personal-data markers, schema overrides."""

from __future__ import annotations

from pathlib import Path

import pytest

from federation.data.errors import SchemaError
from federation.governance.classification import (
    Classification,
    Level,
    SensitiveColumn,
    load_platform_schema,
    refuse_sensitive,
)


@pytest.mark.parametrize("column", ["reg_industry", "penalty_admin_3y", "court_judgments_3y", "dishonest_flag",
                                    "honour_count"])
def test_published_records_are_public(column: str) -> None:
    assert Classification().level(column) is Level.PUBLIC


@pytest.mark.parametrize("column", ["tax_paid_12m", "si_stopped_flag", "hf_contributors", "util_elec_avg_3m",
                                    "estate_property_count"])
def test_administrative_payment_records_are_non_public(column: str) -> None:
    assert Classification().level(column) is Level.NON_PUBLIC


@pytest.mark.parametrize("column", ["reg_legal_rep_name", "enforce_legal_rep_id_number", "estate_owner_id_no",
                                    "util_water_household"])
def test_personal_data_is_sensitive_whatever_its_category(column: str) -> None:
    assert Classification().level(column) is Level.SENSITIVE


def test_a_field_is_graded_apart_from_its_category() -> None:
    assert Classification().levels(["rd_hightech_flag", "rd_staff"]) == {
        "rd_hightech_flag": "public", "rd_staff": "non_public"}


def test_a_column_outside_the_sharing_list_is_non_public() -> None:
    assert Classification().level("x7") is Level.NON_PUBLIC


def _schema(tmp_path: Path, extra: str) -> Path:
    path = tmp_path / "platform.yaml"
    path.write_text("id: uscc\nid_type: uscc\nfeatures:\n  reg_region: categorical\n  tax_grade: categorical\n"
                    + extra, encoding="utf-8")
    return path


def test_the_schema_overrides_a_field(tmp_path: Path) -> None:
    schema, classification = load_platform_schema(_schema(tmp_path, "classification:\n  tax_grade: public\n"))
    assert list(schema.features) == ["reg_region", "tax_grade"]
    assert classification.public(schema.features) == ["reg_region", "tax_grade"]


def test_an_override_of_an_unknown_column_is_named(tmp_path: Path) -> None:
    with pytest.raises(SchemaError, match="classification.tax_paid"):
        load_platform_schema(_schema(tmp_path, "classification:\n  tax_paid: public\n"))


def test_an_unknown_level_is_named(tmp_path: Path) -> None:
    with pytest.raises(SchemaError, match="unknown level 'secret'"):
        load_platform_schema(_schema(tmp_path, "classification:\n  tax_grade: secret\n"))


def test_a_schema_without_overrides_uses_the_defaults(tmp_path: Path) -> None:
    _, classification = load_platform_schema(_schema(tmp_path, ""))
    assert classification.level("tax_grade") is Level.NON_PUBLIC


def test_a_sensitive_column_is_refused_by_name() -> None:
    with pytest.raises(SensitiveColumn, match="reg_legal_rep_name"):
        refuse_sensitive(["reg_region", "reg_legal_rep_name"], Classification())


def test_a_column_graded_sensitive_in_the_schema_is_refused() -> None:
    with pytest.raises(SensitiveColumn, match="tax_grade"):
        refuse_sensitive(["tax_grade"], Classification({"tax_grade": Level.SENSITIVE}))
