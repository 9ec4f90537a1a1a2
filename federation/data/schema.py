"""A party's schema: which column is the id, which is the label, feature types.

The schema is a small YAML file kept next to the data. It is strict on
purpose: an unknown key is more likely a typo (``lable:``) than an extension,
and a typo that is silently ignored turns a bank's table into an unlabelled
one.

.. code-block:: yaml

    id: uscc
    id_type: uscc          # or: string
    label: default         # bank only
    positive_label: 1      # the label value that means default
    features: {loan_amount: numeric, loan_purpose: categorical}
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml

from federation.data.errors import SchemaError

IdType = Literal["uscc", "string"]
FeatureType = Literal["numeric", "categorical"]

ID_TYPES: tuple[str, ...] = ("uscc", "string")
FEATURE_TYPES: tuple[str, ...] = ("numeric", "categorical")
_KEYS = ("id", "id_type", "label", "positive_label", "features")

_Fail = Callable[[str | None, str], SchemaError]


@dataclass(frozen=True)
class Schema:
    """Column roles and feature types of one party's table.

    ``features`` keeps the file's order, which is the column order of the
    loaded feature frame and therefore of every model trained on it.
    """

    id: str
    features: Mapping[str, FeatureType] = field(default_factory=dict)
    id_type: IdType = "string"
    label: str | None = None
    positive_label: Any | None = None
    source: Path | None = field(default=None, compare=False)

    @property
    def columns(self) -> list[str]:
        """Every column the data file must hold, in schema order."""
        return [self.id, *([self.label] if self.label is not None else []), *self.features]

    @classmethod
    def from_dict(cls, data: object, *, source: str | Path | None = None) -> Schema:
        """Build a schema from parsed YAML, naming ``source`` in any error."""
        source = Path(source) if source is not None else None

        def fail(key: str | None, message: str) -> SchemaError:
            return SchemaError(source, key, message)

        if not isinstance(data, Mapping):
            raise fail(None, f"expected a mapping at the top level, got {type(data).__name__}")
        unknown = [str(k) for k in data if k not in _KEYS]
        if unknown:
            raise fail(unknown[0], f"unknown key (allowed: {', '.join(_KEYS)})")
        if "id" not in data:
            raise fail("id", "missing required key")
        id_column = _name(data["id"], "id", fail)
        id_type = data.get("id_type", "string")
        if id_type not in ID_TYPES:
            raise fail("id_type", f"unknown id type {id_type!r} (allowed: {', '.join(ID_TYPES)})")
        label = data.get("label")
        if label is not None:
            label = _name(label, "label", fail)
        positive = data.get("positive_label")
        if label is not None and positive is None:
            raise fail("positive_label", f"required when a label is declared (label: {label})")
        if label is None and positive is not None:
            raise fail("positive_label", "given without a label")
        if isinstance(positive, (list, dict)):
            raise fail("positive_label", "must be a single value")
        if "features" not in data:
            raise fail("features", "missing required key (use {} for a party without features)")
        features = _features(data["features"], fail)
        for role, column in (("id", id_column), ("label", label)):
            if column is not None and column in features:
                raise fail(f"features.{column}", f"column is already the {role} column")
        if label is not None and label == id_column:
            raise fail("label", "label and id are the same column")
        return cls(
            id=id_column,
            id_type=id_type,
            label=label,
            positive_label=positive,
            features=features,
            source=source,
        )

    def to_dict(self) -> dict[str, Any]:
        """The YAML-shaped mapping, keys in their conventional order."""
        data: dict[str, Any] = {"id": self.id, "id_type": self.id_type}
        if self.label is not None:
            data["label"] = self.label
            data["positive_label"] = self.positive_label
        data["features"] = dict(self.features)
        return data

    def to_yaml(self) -> str:
        return yaml.safe_dump(self.to_dict(), sort_keys=False, allow_unicode=True)

    def save(self, path: str | Path) -> Path:
        path = Path(path)
        path.write_text(self.to_yaml(), encoding="utf-8")
        return path


def load_schema(path: str | Path) -> Schema:
    """Read and validate a schema file."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise SchemaError(path, None, f"cannot read schema: {exc.strerror or exc}") from exc
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise SchemaError(path, None, f"not valid YAML: {exc}") from exc
    return Schema.from_dict(data, source=path)


def _name(value: object, key: str, fail: _Fail) -> str:
    if not isinstance(value, str) or not value.strip():
        raise fail(key, f"expected a column name, got {value!r}")
    return value


def _features(value: object, fail: _Fail) -> dict[str, FeatureType]:
    if not isinstance(value, Mapping):
        raise fail("features", f"expected a mapping of column: type, got {type(value).__name__}")
    features: dict[str, FeatureType] = {}
    for column, kind in value.items():
        column = _name(column, f"features.{column}", fail)
        if kind not in FEATURE_TYPES:
            raise fail(
                f"features.{column}",
                f"unknown feature type {kind!r} (allowed: {', '.join(FEATURE_TYPES)})",
            )
        features[column] = kind
    return features
