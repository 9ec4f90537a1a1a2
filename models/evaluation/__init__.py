"""Judging a joint model the way a bank's model-risk team does: a fixed holdout, AUC and KS."""

from models.evaluation.holdout import HoldoutSpec, holdout_rows
from models.evaluation.metrics import auc, ks

__all__ = ["HoldoutSpec", "auc", "holdout_rows", "ks"]
