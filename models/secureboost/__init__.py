"""Vertical SecureBoost: a bank (labels) and the platform (features) grow one boosted model.

The booster logic is plaintext numpy; the platform is reached only through
:class:`~models.secureboost.booster.PassiveParty`, whose histogram half an
encrypted, remote implementation can replace.
"""

from models.secureboost.binning import BinLayout, Binner
from models.secureboost.booster import (
    ActiveBooster,
    BoosterParams,
    BoosterState,
    PassiveParty,
    Validation,
)
from models.secureboost.estimator import SecureBoostClassifier
from models.secureboost.histogram import (
    FeatureSampler,
    Histogram,
    HistogramSource,
    PlainHistogramSource,
)
from models.secureboost.passive import LocalPassiveParty, PassiveModel
from models.secureboost.split import (
    NodeStats,
    SplitCandidate,
    SplitParams,
    SplitRule,
    SplitSearch,
    find_best_split,
)
from models.secureboost.tree import PassiveRouter, PassiveSplitStore, Router, Tree, predict_raw

__all__ = [
    "ActiveBooster",
    "BinLayout",
    "Binner",
    "BoosterParams",
    "BoosterState",
    "FeatureSampler",
    "Histogram",
    "HistogramSource",
    "LocalPassiveParty",
    "NodeStats",
    "PassiveModel",
    "PassiveParty",
    "PassiveRouter",
    "PassiveSplitStore",
    "PlainHistogramSource",
    "Router",
    "SecureBoostClassifier",
    "SplitCandidate",
    "SplitParams",
    "SplitRule",
    "SplitSearch",
    "Tree",
    "Validation",
    "find_best_split",
    "predict_raw",
]
