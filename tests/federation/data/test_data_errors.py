from federation.data.errors import DataError, SchemaError


def test_data_error_names_file_column_and_rows():
    error = DataError("/data/bank_a.csv", "invalid USCC", column="uscc", rows=[3, 17])
    assert str(error) == "bank_a.csv: column 'uscc', rows 3, 17: invalid USCC"


def test_a_single_row_reads_as_row():
    assert str(DataError("bank_a.csv", "missing label", column="y", rows=[8])) == (
        "bank_a.csv: column 'y', row 8: missing label"
    )


def test_long_row_lists_are_cut_and_counted():
    error = DataError("bank_a.csv", "missing label", column="y", rows=list(range(1, 101)))
    assert error.rows == [1, 2, 3, 4, 5]
    assert str(error) == "bank_a.csv: column 'y', rows 1, 2, 3, 4, 5 and 95 more: missing label"


def test_file_level_errors_name_only_the_file():
    assert str(DataError("bank_a.csv", "file not found")) == "bank_a.csv: file not found"


def test_schema_error_names_the_key():
    error = SchemaError("bank_a.yaml", "features.x0", "unknown feature type 'num'")
    assert str(error) == "bank_a.yaml: key 'features.x0': unknown feature type 'num'"
