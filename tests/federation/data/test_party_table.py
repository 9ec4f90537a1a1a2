import numpy as np
import pandas as pd
import pytest

from federation.data.errors import DataError, SchemaError
from federation.data.schema import Schema
from federation.data.table import load_table
from federation.data.uscc import random_usccs

BANK = Schema(
    id="uscc",
    id_type="uscc",
    label="y",
    positive_label=1,
    features={"x0": "numeric", "purpose": "categorical"},
)
PLATFORM = Schema(id="uscc", id_type="uscc", features={"x0": "numeric"})
N = 20
CODES = random_usccs(np.random.default_rng(0), N, ["320706"])


def bank_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "uscc": CODES,
            "y": np.arange(N) % 2,
            "x0": np.arange(N) * 1.5,
            "purpose": ["working_capital", "equipment"] * (N // 2),
        }
    )


def write_csv(tmp_path, frame, name="bank_a.csv"):
    path = tmp_path / name
    frame.to_csv(path, index=False)
    return path


def load_error(path, schema=BANK, role="bank") -> DataError:
    with pytest.raises(DataError) as caught:
        load_table(path, schema, role=role)
    return caught.value


def test_csv_loads_ids_labels_and_typed_features(tmp_path):
    table = load_table(write_csv(tmp_path, bank_frame()), BANK, role="bank")
    np.testing.assert_array_equal(table.ids, CODES)
    np.testing.assert_array_equal(table.labels, np.arange(N) % 2)
    assert table.labels.dtype == np.int8
    assert table.features["x0"].dtype == np.float64
    assert isinstance(table.features["purpose"].dtype, pd.CategoricalDtype)


def test_feature_columns_follow_the_schema_not_the_file(tmp_path):
    frame = bank_frame()[["purpose", "y", "x0", "uscc"]]
    table = load_table(write_csv(tmp_path, frame), BANK, role="bank")
    assert list(table.features.columns) == ["x0", "purpose"]


@pytest.mark.parametrize("suffix", [".parquet", ".pq"])
def test_parquet_loads_like_csv(tmp_path, suffix):
    path = tmp_path / f"bank_a{suffix}"
    bank_frame().to_parquet(path, index=False)
    from_parquet = load_table(path, BANK, role="bank")
    from_csv = load_table(write_csv(tmp_path, bank_frame()), BANK, role="bank")
    np.testing.assert_array_equal(from_parquet.ids, from_csv.ids)
    np.testing.assert_array_equal(from_parquet.labels, from_csv.labels)
    pd.testing.assert_frame_equal(from_parquet.features, from_csv.features)


def test_schema_can_be_given_as_a_path(tmp_path):
    schema_path = BANK.save(tmp_path / "bank_a.yaml")
    table = load_table(write_csv(tmp_path, bank_frame()), schema_path, role="bank")
    assert table.schema == BANK


def test_missing_feature_values_are_allowed(tmp_path):
    frame = bank_frame().astype({"x0": object, "purpose": object})
    frame.loc[3, ["x0", "purpose"]] = None
    table = load_table(write_csv(tmp_path, frame), BANK, role="bank")
    assert np.isnan(table.features["x0"].iat[3])
    assert pd.isna(table.features["purpose"].iat[3])


def test_missing_file_is_reported(tmp_path):
    assert str(load_error(tmp_path / "bank_a.csv")) == "bank_a.csv: file not found"


def test_unreadable_file_is_reported(tmp_path):
    path = tmp_path / "bank_a.parquet"
    path.write_bytes(b"this is not parquet")
    assert "bank_a.parquet: cannot read file" in str(load_error(path))


def test_unsupported_suffix_is_reported(tmp_path):
    path = tmp_path / "bank_a.xlsx"
    path.write_bytes(b"")
    assert "unsupported file type '.xlsx'" in str(load_error(path))


def test_all_missing_columns_are_named(tmp_path):
    path = write_csv(tmp_path, bank_frame().drop(columns=["x0", "purpose"]))
    assert "missing columns 'x0', 'purpose'" in str(load_error(path))


def test_undeclared_columns_are_named(tmp_path):
    path = write_csv(tmp_path, bank_frame().assign(branch="A", officer="B"))
    assert "columns 'branch', 'officer' are not declared in the schema" in str(load_error(path))


def test_invalid_usccs_name_column_rows_and_reason(tmp_path):
    frame = bank_frame()
    frame.loc[[2, 16], "uscc"] = "91350100M000100Y4X"
    error = load_error(write_csv(tmp_path, frame))
    assert str(error) == (
        "bank_a.csv: column 'uscc', rows 3, 17: invalid USCC (check character is 'X', expected '3')"
    )
    assert (error.column, error.rows) == ("uscc", [3, 17])


def test_different_uscc_faults_are_explained_per_row(tmp_path):
    frame = bank_frame()
    frame.loc[1, "uscc"] = CODES[1][:17]
    frame.loc[4, "uscc"] = "O" + CODES[4][1:]
    message = str(load_error(write_csv(tmp_path, frame)))
    assert (
        "row 2: length 17, expected 18; row 5: character 'O' at position 1 not allowed" in message
    )


def test_uscc_ids_are_stripped_and_upper_cased(tmp_path):
    frame = bank_frame()
    frame.loc[0, "uscc"] = f"  {CODES[0].lower()} "
    table = load_table(write_csv(tmp_path, frame), BANK, role="bank")
    assert table.ids[0] == CODES[0]


def test_string_ids_are_kept_exactly_as_written(tmp_path):
    schema = Schema(id="cust", label="y", positive_label=1, features={})
    frame = pd.DataFrame({"cust": ["007", "abc ", "ABC"], "y": [0, 1, 0]})
    table = load_table(write_csv(tmp_path, frame), schema, role="bank")
    assert table.ids.tolist() == ["007", "abc ", "ABC"]


def test_blank_string_ids_are_rejected(tmp_path):
    schema = Schema(id="cust", label="y", positive_label=1, features={})
    frame = pd.DataFrame({"cust": ["a", "  ", "c"], "y": [0, 1, 0]})
    error = load_error(write_csv(tmp_path, frame), schema)
    assert (error.rows, error.message) == ([2], "missing or empty id")


def test_missing_ids_are_rejected(tmp_path):
    frame = bank_frame()
    frame.loc[5, "uscc"] = None
    assert load_error(write_csv(tmp_path, frame)).rows == [6]


def test_duplicate_ids_name_every_row_involved(tmp_path):
    frame = bank_frame()
    frame.loc[9, "uscc"] = CODES[3]
    error = load_error(write_csv(tmp_path, frame))
    assert error.rows == [4, 10]
    assert f"duplicate ids (first: '{CODES[3]}')" in str(error)


def test_ids_that_differ_only_in_case_are_duplicates(tmp_path):
    frame = bank_frame()
    frame.loc[9, "uscc"] = CODES[3].lower()
    assert load_error(write_csv(tmp_path, frame)).rows == [4, 10]


def test_integer_ids_become_text(tmp_path):
    schema = Schema(id="cust", label="y", positive_label=1, features={})
    path = tmp_path / "bank.parquet"
    pd.DataFrame({"cust": [101, 102], "y": [0, 1]}).to_parquet(path)
    assert load_table(path, schema, role="bank").ids.tolist() == ["101", "102"]


def test_float_ids_are_rejected(tmp_path):
    schema = Schema(id="cust", label="y", positive_label=1, features={})
    path = tmp_path / "bank.parquet"
    pd.DataFrame({"cust": [101.0, np.nan], "y": [0, 1]}).to_parquet(path)
    assert "ids are floating-point numbers" in str(load_error(path, schema))


def test_missing_labels_are_rejected(tmp_path):
    frame = bank_frame().astype({"y": object})
    frame.loc[7, "y"] = None
    error = load_error(write_csv(tmp_path, frame))
    assert (error.column, error.rows, error.message) == ("y", [8], "missing label")


def test_more_than_two_label_values_are_rejected(tmp_path):
    frame = bank_frame()
    frame.loc[11, "y"] = 2
    error = load_error(write_csv(tmp_path, frame))
    assert error.rows == [12]
    assert "label is not binary: 3 distinct values" in error.message


def test_positive_label_must_occur(tmp_path):
    frame = bank_frame().assign(y=np.arange(N) % 2 * 2)
    error = load_error(write_csv(tmp_path, frame))
    assert error.message == "positive_label 1 not found among label values (0, 2)"


def test_text_labels_are_mapped_through_positive_label(tmp_path):
    schema = Schema(id="uscc", id_type="uscc", label="status", positive_label="default")
    frame = pd.DataFrame({"uscc": CODES[:3], "status": ["good", "default", "good"]})
    table = load_table(write_csv(tmp_path, frame), schema, role="bank")
    assert table.labels.tolist() == [0, 1, 0]


def test_text_in_a_numeric_column_names_column_rows_and_values(tmp_path):
    frame = bank_frame().astype({"x0": object})
    frame.loc[[4, 6], "x0"] = ["n/a?", "1,200"]
    error = load_error(write_csv(tmp_path, frame))
    assert str(error) == (
        "bank_a.csv: column 'x0', rows 5, 7: "
        "non-numeric values ('n/a?', '1,200') in a numeric column"
    )


def test_infinite_numbers_are_rejected(tmp_path):
    frame = bank_frame()
    frame.loc[2, "x0"] = np.inf
    error = load_error(write_csv(tmp_path, frame))
    assert (error.column, error.rows) == ("x0", [3])


def test_unknown_feature_type_in_the_schema_file_is_rejected(tmp_path):
    schema_path = tmp_path / "bank_a.yaml"
    schema_path.write_text(BANK.to_yaml().replace("x0: numeric", "x0: decimal"))
    with pytest.raises(SchemaError, match="bank_a.yaml: key 'features.x0': unknown feature type"):
        load_table(write_csv(tmp_path, bank_frame()), schema_path, role="bank")


def test_a_bank_needs_a_label(tmp_path):
    path = write_csv(tmp_path, bank_frame().drop(columns=["y", "purpose"]))
    with pytest.raises(SchemaError, match="must declare its label"):
        load_table(path, PLATFORM, role="bank")


def test_the_platform_must_not_have_a_label(tmp_path):
    with pytest.raises(SchemaError, match="must not declare a label"):
        load_table(write_csv(tmp_path, bank_frame()), BANK, role="platform")


def test_platform_tables_have_no_labels(tmp_path):
    path = write_csv(tmp_path, bank_frame().drop(columns=["y", "purpose"]), "platform.csv")
    assert load_table(path, PLATFORM, role="platform").labels is None
