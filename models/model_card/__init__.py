"""Model cards for regulators and model-risk reviewers, generated from what the system holds."""

from models.model_card.card import build_card, validate_card
from models.model_card.facts import CardFacts
from models.model_card.formats import CARD_FORMATS, write_card
from models.model_card.markdown import to_markdown
from models.model_card.sections import Section, register_sections

__all__ = ["CARD_FORMATS", "CardFacts", "Section", "build_card", "register_sections", "to_markdown",
           "validate_card", "write_card"]
