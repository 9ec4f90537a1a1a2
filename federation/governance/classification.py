"""Graded management of the platform's fields: public, non-public, sensitive.

The sharing policy (seed 001, "实施分类管理"; seed 002, item 14) grades what the platform
may do with each field:

* **public**: already published by law (registration facts, administrative penalties,
  court judgments, the dishonesty list, honours, patents and trademarks). The platform
  may push these to banks in bulk, by region and industry (``fedcredit publish``).
* **non-public**: tax, social insurance, housing fund, utilities, real estate, R&D staff,
  administrative enforcement, credit commitments. They reach a bank only through the
  joint model ("usable but not visible"), or a verification the enterprise authorizes.
* **sensitive**: personal data (a legal representative's name or ID number, a natural
  person's property, contact details) and account identifiers. They never leave the
  platform: a platform job refuses a table that holds one, naming the column.

This module is the one place the grading is defined. A column is graded by, in order:
the platform's schema override (``classification:`` in its YAML, per field), a field this
module names, a personal-data marker in its name, and its category's default. Unknown
columns fall to their category, so a new tax field is non-public without anyone
remembering to list it. A column outside the sharing list is non-public.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any

import yaml

from federation.data.errors import SchemaError
from federation.data.schema import Schema
from federation.governance.categories import CATEGORIES_BY_PREFIX

OVERRIDE_KEY = "classification"


class Level(str, Enum):
    PUBLIC = "public"
    NON_PUBLIC = "non_public"
    SENSITIVE = "sensitive"


# Category -> level, following the seeds' list: what the law already publishes is public.
CATEGORY_LEVELS: dict[str, Level] = {
    "registration": Level.PUBLIC,
    "administrative_penalty": Level.PUBLIC,
    "court_judgments": Level.PUBLIC,
    "dishonesty_list": Level.PUBLIC,
    "honours": Level.PUBLIC,
    "intellectual_property": Level.PUBLIC,
    "tax": Level.NON_PUBLIC,
    "social_insurance": Level.NON_PUBLIC,
    "housing_fund": Level.NON_PUBLIC,
    "utilities": Level.NON_PUBLIC,
    "real_estate": Level.NON_PUBLIC,
    "research_development": Level.NON_PUBLIC,
    "administrative_enforcement": Level.NON_PUBLIC,
    "credit_commitment": Level.NON_PUBLIC,
}

# Fields graded apart from their category: the high-tech enterprise recognition is
# announced publicly, while the R&D headcount behind it is not.
FIELD_LEVELS: dict[str, Level] = {
    "rd_hightech_flag": Level.PUBLIC,
}

# Name fragments that mark personal data or an account identifier (seed 002 lists the
# legal representative's name and ID number, natural persons' property, utility account
# numbers): such a column is sensitive whatever its category.
PERSONAL_MARKERS: tuple[str, ...] = (
    "legal_rep", "person", "id_number", "id_no", "id_type", "phone", "mobile", "email", "address",
    "account_no", "household",
)


class ClassificationError(ValueError):
    """A classification override names an unknown column or level."""


def _default_level(column: str) -> Level:
    if column in FIELD_LEVELS:
        return FIELD_LEVELS[column]
    if any(marker in column for marker in PERSONAL_MARKERS):
        return Level.SENSITIVE
    entry = CATEGORIES_BY_PREFIX.get(column.split("_", 1)[0])
    if entry is None:
        # Outside the sharing list (bring-your-own data such as FATE's x0..x19): usable in a
        # joint model, never published; the schema grades it sensitive if it is personal.
        return Level.NON_PUBLIC
    return CATEGORY_LEVELS[entry[0]]


@dataclass(frozen=True)
class Classification:
    """The grading of a platform's columns: module defaults plus the schema's overrides."""

    overrides: Mapping[str, Level] = field(default_factory=dict)

    def level(self, column: str) -> Level:
        return self.overrides.get(column) or _default_level(column)

    def columns_at(self, columns: Iterable[str], level: Level) -> list[str]:
        """The columns of ``columns`` at ``level``, in their given order."""
        return [column for column in columns if self.level(column) is level]

    def public(self, columns: Iterable[str]) -> list[str]:
        return self.columns_at(columns, Level.PUBLIC)

    def sensitive(self, columns: Iterable[str]) -> list[str]:
        return self.columns_at(columns, Level.SENSITIVE)

    def levels(self, columns: Iterable[str]) -> dict[str, str]:
        return {column: self.level(column).value for column in columns}


class SensitiveColumn(PermissionError):
    """A job would use a column graded sensitive; sensitive fields never leave the platform."""


def refuse_sensitive(columns: Iterable[str], classification: Classification) -> None:
    """Refuse before any message is sent, naming every sensitive column, so the operator
    knows which column to drop from the platform's table (or regrade in its schema)."""
    sensitive = classification.sensitive(columns)
    if sensitive:
        raise SensitiveColumn(
            f"the platform's table holds sensitive column(s) {', '.join(sensitive)}; sensitive fields never "
            f"leave the platform, so no job may use them: drop them from the table, or grade them in the "
            f"schema's '{OVERRIDE_KEY}:' if they are not personal data")


def parse_overrides(value: object, features: Iterable[str], source: Path | None = None) -> Classification:
    """Overrides from a schema's ``classification:`` mapping of column to level."""
    if value is None:
        return Classification()
    if not isinstance(value, Mapping):
        raise SchemaError(source, OVERRIDE_KEY, f"expected a mapping of column: level, got {type(value).__name__}")
    known = set(features)
    overrides: dict[str, Level] = {}
    for column, level in value.items():
        if column not in known:
            raise SchemaError(source, f"{OVERRIDE_KEY}.{column}", "not a feature column of this schema")
        try:
            overrides[str(column)] = Level(level)
        except ValueError:
            allowed = ", ".join(item.value for item in Level)
            raise SchemaError(source, f"{OVERRIDE_KEY}.{column}",
                              f"unknown level {level!r} (allowed: {allowed})") from None
    return Classification(overrides)


def load_platform_schema(path: str | Path) -> tuple[Schema, Classification]:
    """The platform's schema and its classification overrides, from one YAML file; the
    override key is taken out before the schema's own strict check sees the file."""
    path = Path(path)
    try:
        data: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise SchemaError(path, None, f"cannot read schema: {exc.strerror or exc}") from exc
    except yaml.YAMLError as exc:
        raise SchemaError(path, None, f"not valid YAML: {exc}") from exc
    overrides = data.pop(OVERRIDE_KEY, None) if isinstance(data, dict) else None
    schema = Schema.from_dict(data, source=path)
    return schema, parse_overrides(overrides, schema.features, path)
