"""Schema drift between training and scoring stops scoring with the column's name."""

import pandas as pd
import pytest

from models.scoring.drift import SchemaDriftError, aligned_for_scoring


def _binner(scored):
    return scored.model.bank_binner_


def test_an_unchanged_table_passes_and_keeps_training_order(scored):
    shuffled = scored.bank[list(reversed(scored.bank.columns))]
    assert list(aligned_for_scoring(_binner(scored), shuffled).columns) == list(scored.bank.columns)


def test_a_missing_column_is_named(scored):
    column = scored.bank.columns[2]
    with pytest.raises(SchemaDriftError, match=f"'{column}'.*missing"):
        aligned_for_scoring(_binner(scored), scored.bank.drop(columns=[column]))


def test_an_extra_column_is_named(scored):
    with pytest.raises(SchemaDriftError, match="'surprise'.*not a feature"):
        aligned_for_scoring(_binner(scored), scored.bank.assign(surprise=1.0))


def test_an_extra_column_can_be_left_aside(scored):
    aligned = aligned_for_scoring(_binner(scored), scored.bank.assign(surprise=1.0), ignore_extra=True)
    assert list(aligned.columns) == list(scored.bank.columns)


def test_a_numeric_column_turned_text_is_named(scored):
    numeric = next(f.name for f in _binner(scored).features if f.kind == "numeric")
    changed = scored.bank.assign(**{numeric: scored.bank[numeric].astype(str)})
    with pytest.raises(SchemaDriftError, match=f"'{numeric}'.*numeric in training"):
        aligned_for_scoring(_binner(scored), changed)


def test_a_new_category_is_named(scored):
    categorical = next(f.name for f in _binner(scored).features if f.kind == "categorical")
    values = scored.bank[categorical].astype(object).copy()
    values.iloc[0] = "space_tourism"
    with pytest.raises(SchemaDriftError, match=f"'{categorical}'.*'space_tourism'"):
        aligned_for_scoring(_binner(scored), scored.bank.assign(**{categorical: pd.Categorical(values)}))
