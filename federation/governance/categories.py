"""The platform's data categories and the one purpose its data may serve.

Categories follow the credit-information sharing list (seed 002, the national 14
categories): consent is granted per category, and a platform column belongs to the
category its name's prefix names (``tax_paid_12m`` is ``tax``). This is the one place
the list is defined; the synthetic generator, consent checks and audit use it.
"""

from __future__ import annotations

from collections.abc import Iterable

PURPOSE = "financing"

# Column prefix -> (category key, category name in the sharing list).
CATEGORIES_BY_PREFIX: dict[str, tuple[str, str]] = {
    "reg": ("registration", "登记注册信息"),
    "tax": ("tax", "纳税信息"),
    "si": ("social_insurance", "社会保险费缴纳信息"),
    "hf": ("housing_fund", "住房公积金缴纳信息"),
    "util": ("utilities", "水电气费缴纳信息"),
    "estate": ("real_estate", "不动产信息"),
    "ip": ("intellectual_property", "知识产权信息"),
    "rd": ("research_development", "科技研发信息"),
    "penalty": ("administrative_penalty", "行政处罚信息"),
    "enforce": ("administrative_enforcement", "行政强制信息"),
    "court": ("court_judgments", "司法判决信息"),
    "dishonest": ("dishonesty_list", "失信被执行人信息"),
    "honour": ("honours", "表彰荣誉信息"),
    "commit": ("credit_commitment", "信用承诺信息"),
}
CATEGORIES: tuple[str, ...] = tuple(key for key, _ in CATEGORIES_BY_PREFIX.values())


class UnknownCategory(ValueError):
    """A category key, or a column whose prefix names no category."""


def checked_categories(categories: Iterable[str]) -> list[str]:
    """Distinct known category keys, sorted; refuses an empty list and names unknown keys."""
    chosen = sorted(set(categories))
    unknown = [c for c in chosen if c not in CATEGORIES]
    if unknown:
        raise UnknownCategory(f"unknown data categories {unknown}; known: {', '.join(CATEGORIES)}")
    if not chosen:
        raise UnknownCategory("name at least one data category")
    return chosen


def categories_of(columns: Iterable[str]) -> list[str]:
    """The categories a table's columns belong to, by prefix; names columns that fit none."""
    found: set[str] = set()
    stray: list[str] = []
    for column in columns:
        entry = CATEGORIES_BY_PREFIX.get(column.split("_", 1)[0])
        if entry is None:
            stray.append(column)
        else:
            found.add(entry[0])
    if stray:
        raise UnknownCategory(f"columns {stray[:5]} belong to no data category "
                              f"(a platform column starts with one of {', '.join(CATEGORIES_BY_PREFIX)}_)")
    return sorted(found)
