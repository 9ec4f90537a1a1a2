"""Fuzzing what a party loads: its schema, its table (CSV or Parquet) and the USCCs in it.

Whatever the bytes, loading either gives a table or stops with a DataError (a SchemaError
for the schema) naming the file: never another exception, which a party's operator would
see as a traceback instead of a line to act on.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import yaml
from hypothesis import given
from hypothesis import strategies as st
from tests.support.fuzzing import fuzz

from federation.data import DataError, Schema, SchemaError, invalid_uscc_mask, load_schema, load_table, random_usccs
from federation.data.uscc import uscc_error

VALID_USCCS = random_usccs(np.random.default_rng(0), 20, ["110000", "310000"]).tolist()
BANK_SCHEMA = Schema(id="id", id_type="uscc", label="y", positive_label=1,
                     features={"amount": "numeric", "purpose": "categorical"})
COLUMNS = ["id", "y", "amount", "purpose"]
TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12)
CELLS = st.one_of(st.sampled_from(VALID_USCCS), TEXT, st.integers(-3, 3).map(str),
                  st.floats(allow_nan=True, allow_infinity=True).map(repr),
                  st.sampled_from(["", "nan", "inf", "-inf", "1e309", '"', "0x1F", "１２", "NULL", " 1 "]))
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), TEXT, st.sampled_from(VALID_USCCS))
YAML_VALUES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=3)
                           | st.dictionaries(st.one_of(TEXT, st.integers()), inner, max_size=4), max_leaves=12)


def _loads_or_says_why(data: Path, schema: Schema | Path) -> None:
    try:
        table = load_table(data, schema, role="bank")
    except DataError as exc:
        assert data.name in str(exc) or (isinstance(exc, SchemaError) and str(exc)), exc
        return
    assert len(table.ids) == len(table.features) == len(table.labels)
    assert not invalid_uscc_mask(table.ids).any()


@st.composite
def csv_texts(draw: st.DrawFn) -> str:
    header = draw(st.one_of(st.just(COLUMNS), st.permutations(COLUMNS),
                            st.lists(st.sampled_from([*COLUMNS, "extra", ""]), max_size=6)))
    rows = draw(st.lists(st.lists(CELLS, min_size=len(header), max_size=len(header) + 1), max_size=8))
    separator = draw(st.sampled_from([",", ";", "\t"]))
    return "\n".join(separator.join(cells) for cells in [header, *rows])


@fuzz
@given(csv_texts())
def test_a_fuzzed_csv_loads_or_stops_with_a_data_error(tmp_path: Path, text: str) -> None:
    path = tmp_path / "bank.csv"
    path.write_text(text, encoding="utf-8")
    _loads_or_says_why(path, BANK_SCHEMA)


@fuzz
@given(st.binary(max_size=256), st.sampled_from(["bank.csv", "bank.parquet"]))
def test_random_bytes_as_a_table_stop_with_a_data_error(tmp_path: Path, data: bytes, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    _loads_or_says_why(path, BANK_SCHEMA)


@st.composite
def frames(draw: st.DrawFn) -> pd.DataFrame:
    size = draw(st.integers(0, 6))
    columns = draw(st.lists(st.sampled_from([*COLUMNS, "extra"]), min_size=1, max_size=5, unique=True))
    kinds = st.sampled_from(["int", "float", "text", "bool", "uscc", "mixed", "date"])
    frame = {}
    for column in columns:
        kind = draw(kinds)
        element = {"int": st.integers(-2**62, 2**62), "float": st.floats(), "text": TEXT, "bool": st.booleans(),
                   "uscc": st.sampled_from(VALID_USCCS), "mixed": st.one_of(st.integers(0, 1), st.none(), TEXT),
                   "date": st.dates()}[kind]
        values = draw(st.lists(element, min_size=size, max_size=size))
        frame[column] = pd.Series(values, dtype=object if kind in ("mixed", "text", "uscc") else None)
    return pd.DataFrame(frame)


@fuzz
@given(frames())
def test_a_fuzzed_parquet_table_loads_or_stops_with_a_data_error(tmp_path: Path, frame: pd.DataFrame) -> None:
    path = tmp_path / "bank.parquet"
    try:
        frame.to_parquet(path)
    except (ValueError, TypeError, OverflowError):  # pyarrow cannot store this mix; nothing to load
        return
    _loads_or_says_why(path, BANK_SCHEMA)


@fuzz
@given(st.one_of(YAML_VALUES, st.dictionaries(st.sampled_from(["id", "id_type", "label", "positive_label",
                                                               "features", "lable"]), YAML_VALUES, max_size=6)))
def test_a_fuzzed_schema_is_read_or_refused_with_a_schema_error(tmp_path: Path, value: object) -> None:
    path = tmp_path / "bank.yaml"
    path.write_text(yaml.safe_dump(value, allow_unicode=True), encoding="utf-8")
    try:
        schema = load_schema(path)
    except SchemaError as exc:
        assert path.name in str(exc), exc
        return
    assert schema.id and isinstance(dict(schema.features), dict)


@fuzz
@given(st.text(max_size=200))
def test_random_text_as_a_schema_is_read_or_refused_with_a_schema_error(tmp_path: Path, text: str) -> None:
    path = tmp_path / "bank.yaml"
    path.write_bytes(text.encode("utf-8", errors="surrogatepass"))
    try:
        load_schema(path)
    except SchemaError as exc:
        assert path.name in str(exc), exc


CODES = st.one_of(st.sampled_from(VALID_USCCS), TEXT, st.text(alphabet="0123456789ABCDEFGHJKLMNPQRTUWXYIOSVZ",
                                                             min_size=17, max_size=19),
                  st.none(), st.integers(), st.floats(), st.binary(max_size=18))


@fuzz
@given(st.lists(CODES, max_size=20))
def test_the_usccs_scalar_and_vector_validators_agree_and_never_raise(codes: list[object]) -> None:
    reasons = [uscc_error(code) for code in codes]
    assert all(reason is None or (isinstance(reason, str) and reason) for reason in reasons)
    mask = invalid_uscc_mask(pd.Series(codes, dtype=object))
    assert mask.tolist() == [reason is not None for reason in reasons]

