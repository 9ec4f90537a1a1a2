"""The data layer: USCCs, party schemas, table loading and synthetic data."""

from federation.data.errors import DataError, SchemaError
from federation.data.schema import Schema, load_schema
from federation.data.synthetic import BankSummary, SyntheticSummary, generate
from federation.data.table import PartyTable, load_table
from federation.data.uscc import invalid_uscc_mask, random_usccs, uscc_check_char, uscc_error

__all__ = [
    "BankSummary",
    "DataError",
    "PartyTable",
    "Schema",
    "SchemaError",
    "SyntheticSummary",
    "generate",
    "invalid_uscc_mask",
    "load_schema",
    "load_table",
    "random_usccs",
    "uscc_check_char",
    "uscc_error",
]
