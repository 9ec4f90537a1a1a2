"""The adverse events the platform's daily feed reports, and the data category of each.

An event alert reaches a bank only if the enterprise authorizes that bank for the
category the event comes from (a tax arrear is tax data), so every event type must map
to exactly one category of the sharing list.
"""

from __future__ import annotations

EVENT_CATEGORIES: dict[str, str] = {
    "new_enforcement": "administrative_enforcement",
    "new_judgment": "court_judgments",
    "admin_penalty": "administrative_penalty",
    "tax_arrears": "tax",
    "social_insurance_stop": "social_insurance",
    "housing_fund_stop": "housing_fund",
    "utility_arrears": "utilities",
    "dishonesty_list": "dishonesty_list",
}
EVENT_TYPES: tuple[str, ...] = tuple(EVENT_CATEGORIES)
FEED_COLUMNS: tuple[str, ...] = ("date", "uscc", "event_type", "details")
EVENT_DESCRIPTIONS: dict[str, str] = {
    "new_enforcement": "new administrative enforcement",
    "new_judgment": "new court judgment",
    "admin_penalty": "new administrative penalty",
    "tax_arrears": "tax arrears",
    "social_insurance_stop": "social-insurance contributions stopped",
    "housing_fund_stop": "housing-fund contributions stopped",
    "utility_arrears": "utility arrears",
    "dishonesty_list": "placed on the dishonest-debtor list",
}
