"""Federated scorecard: vertical WOE/IV binning and logistic regression under HE.

``ScorecardClassifier`` trains it (``fit`` in process, ``fit_with`` for the federated
job); ``scorecard_table`` renders its points table for a model card: the bank's view
from the bank's part alone, the full table (platform edges included) for a role allowed
to see the platform's part. Importing the package registers that table as the
``scorecard`` kind's model card section (``models.model_card.sections``).
"""

from models.model_card import register_sections
from models.scorecard.card import points_table_section
from models.scorecard.estimator import ScorecardClassifier
from models.scorecard.points import TABLE_COLUMNS, Scaling, scorecard_table

register_sections("scorecard", points_table_section)

__all__ = ["TABLE_COLUMNS", "Scaling", "ScorecardClassifier", "scorecard_table"]
