"""The scorecard's own section of its model card: the points table, as the bank may show it.

A card is generated at the owning bank from the bank's stored part, so the table is the
bank's view (``scorecard_table(bank_part)``): every bin of the bank's features and, for
the platform's, one row per feature group with its points range. The platform's bins and
edges are not in the bank's part and so cannot reach a card; a regulator who may see
them reads the platform's part (``scorecard_table(bank_part, platform_part)``).
"""

from __future__ import annotations

from models.model_card.facts import CardFacts
from models.model_card.sections import Section
from models.scorecard.points import scorecard_table

SECTION_ID = "points_table"


def points_table_section(facts: CardFacts) -> list[Section]:
    if facts.owner_part is None or "scorecard" not in facts.owner_part.get("model", {}):
        raise ValueError(f"model {facts.model_id}: the card's points table is built from the owner's scorecard "
                         f"part (models/{facts.model_id}/bank.json), which was not given")
    model = facts.owner_part["model"]
    scaling = model["scorecard"]["scaling"]
    text = (f"Score = base points + the points of each feature's bin; {scaling['base_score']:g} points at "
            f"odds of {scaling['base_odds']:g} to one (repaying to defaulting), {scaling['pdo']:g} more points "
            f"each time those odds double. Bank features are shown bin by bin. Platform features are shown "
            f"only by feature group (data category): the sum of the group's lowest and highest bin points and "
            f"its mean on the training rows, because the platform's bins and their edges never reach the "
            f"bank; a regulator may read them in the platform's part of the model.")
    return [Section.from_frame(SECTION_ID, "Scorecard points table", scorecard_table(model), text)]
