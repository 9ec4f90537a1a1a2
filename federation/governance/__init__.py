"""Governance: the platform's data categories, the purpose data may be used for, consent rules."""
