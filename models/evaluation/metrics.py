"""The two discrimination measures credit-risk validation reports first."""

from __future__ import annotations

import numpy as np
from sklearn.metrics import roc_auc_score, roc_curve


def auc(labels: np.ndarray, scores: np.ndarray) -> float:
    return float(roc_auc_score(labels, scores))


def ks(labels: np.ndarray, scores: np.ndarray) -> float:
    """Kolmogorov-Smirnov: the largest gap between the score distributions of defaulters
    and non-defaulters, which is the largest TPR - FPR along the ROC curve."""
    fpr, tpr, _ = roc_curve(labels, scores)
    return float(np.max(tpr - fpr))
