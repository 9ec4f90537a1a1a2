import pytest

from federation.data.errors import DataError, SchemaError
from federation.data.schema import Schema, load_schema

BANK_YAML = """\
id: id
id_type: uscc
label: y
positive_label: 1
features: {x0: numeric, purpose: categorical, x1: numeric}
"""


def write(tmp_path, text, name="bank.yaml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_loads_every_field_and_keeps_feature_order(tmp_path):
    schema = load_schema(write(tmp_path, BANK_YAML))
    roles = (schema.id, schema.id_type, schema.label, schema.positive_label)
    assert roles == ("id", "uscc", "y", 1)
    assert list(schema.features.items()) == [
        ("x0", "numeric"),
        ("purpose", "categorical"),
        ("x1", "numeric"),
    ]


def test_id_type_defaults_to_string():
    assert Schema.from_dict({"id": "cust", "features": {}}).id_type == "string"


def test_yaml_round_trip_preserves_the_schema(tmp_path):
    schema = load_schema(write(tmp_path, BANK_YAML))
    again = load_schema(schema.save(tmp_path / "copy.yaml"))
    assert again == schema
    assert list(again.features) == list(schema.features)


def test_string_positive_label_round_trips(tmp_path):
    schema = Schema(id="id", label="status", positive_label="default", features={"x": "numeric"})
    assert load_schema(schema.save(tmp_path / "s.yaml")).positive_label == "default"


def test_columns_lists_id_label_then_features():
    schema = Schema.from_dict(
        {"id": "id", "label": "y", "positive_label": 1, "features": {"a": "numeric"}}
    )
    assert schema.columns == ["id", "y", "a"]


def test_unknown_feature_type_names_file_and_key(tmp_path):
    path = write(tmp_path, BANK_YAML.replace("x0: numeric", "x0: float"))
    with pytest.raises(SchemaError) as caught:
        load_schema(path)
    assert caught.value.key == "features.x0"
    assert str(caught.value).startswith(
        "bank.yaml: key 'features.x0': unknown feature type 'float'"
    )


def test_unknown_top_level_key_is_rejected(tmp_path):
    path = write(tmp_path, BANK_YAML.replace("label: y", "lable: y"))
    with pytest.raises(SchemaError, match="bank.yaml: key 'lable': unknown key"):
        load_schema(path)


def test_missing_id_is_rejected(tmp_path):
    path = write(tmp_path, BANK_YAML.replace("id: id\n", ""))
    with pytest.raises(SchemaError, match="key 'id': missing required key"):
        load_schema(path)


def test_label_without_positive_label_is_rejected(tmp_path):
    path = write(tmp_path, BANK_YAML.replace("positive_label: 1\n", ""))
    with pytest.raises(SchemaError, match="key 'positive_label': required when a label"):
        load_schema(path)


def test_positive_label_without_label_is_rejected(tmp_path):
    path = write(tmp_path, BANK_YAML.replace("label: y\n", ""))
    with pytest.raises(SchemaError, match="key 'positive_label': given without a label"):
        load_schema(path)


def test_unknown_id_type_is_rejected(tmp_path):
    path = write(tmp_path, BANK_YAML.replace("id_type: uscc", "id_type: tax_id"))
    with pytest.raises(SchemaError, match="key 'id_type': unknown id type 'tax_id'"):
        load_schema(path)


def test_missing_features_key_is_rejected(tmp_path):
    path = write(tmp_path, "id: id\n")
    with pytest.raises(SchemaError, match="key 'features': missing required key"):
        load_schema(path)


def test_feature_cannot_also_be_the_label(tmp_path):
    path = write(tmp_path, BANK_YAML.replace("x1: numeric", "y: numeric"))
    with pytest.raises(SchemaError, match="key 'features.y': column is already the label column"):
        load_schema(path)


def test_invalid_yaml_names_the_file(tmp_path):
    with pytest.raises(SchemaError, match="bank.yaml: not valid YAML"):
        load_schema(write(tmp_path, "id: [unclosed\n"))


def test_top_level_must_be_a_mapping(tmp_path):
    with pytest.raises(SchemaError, match="expected a mapping at the top level, got list"):
        load_schema(write(tmp_path, "- id\n- y\n"))


def test_missing_schema_file_is_reported(tmp_path):
    with pytest.raises(SchemaError, match="absent.yaml: cannot read schema"):
        load_schema(tmp_path / "absent.yaml")


def test_schema_errors_are_data_errors():
    with pytest.raises(DataError):
        Schema.from_dict({"features": {}}, source="bank.yaml")
