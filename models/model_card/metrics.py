"""Holdout metrics overall and by segment: AUC, KS, Gini and calibration.

Calibration compares the mean predicted probability of default with the observed default
rate, and reports the expected calibration error over ten equal-count bins: a model can
rank well (high AUC) and still misstate the level of risk, which is what pricing uses.
A segment with fewer than ``MIN_SEGMENT`` enterprises, or only one class, has no AUC or KS
(a figure on a handful of loans is noise); its counts are still shown.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from scipy.special import expit

from models.evaluation.metrics import auc, ks

MIN_SEGMENT = 30
CALIBRATION_BINS = 10


def calibration_error(labels: np.ndarray, probabilities: np.ndarray, bins: int = CALIBRATION_BINS) -> float:
    """Mean |observed rate - mean prediction| over equal-count bins, weighted by size."""
    order = np.argsort(probabilities, kind="stable")
    error = 0.0
    for chunk in np.array_split(order, min(bins, len(order))):
        error += len(chunk) * abs(labels[chunk].mean() - probabilities[chunk].mean())
    return float(error / len(order))


def segment_metrics(labels: np.ndarray, scores: np.ndarray) -> dict[str, Any]:
    """``scores`` are raw (log-odds) scores, as ``predictions.parquet`` holds them."""
    probabilities = expit(scores)
    n, defaults = len(labels), int(labels.sum())
    row: dict[str, Any] = {"n": n, "defaults": defaults, "auc": None, "ks": None, "gini": None,
                           "mean_predicted_pd": float(probabilities.mean()) if n else None,
                           "observed_default_rate": defaults / n if n else None,
                           "calibration_error": calibration_error(labels, probabilities) if n else None}
    if n >= MIN_SEGMENT and 0 < defaults < n:
        area = auc(labels, scores)
        row |= {"auc": area, "ks": ks(labels, scores), "gini": 2 * area - 1}
    return row


def metrics_by_segment(predictions: pd.DataFrame, segments: pd.DataFrame | None,
                       segment_columns: dict[str, str], id_column: str = "uscc") -> dict[str, Any]:
    """Overall metrics, and per value of each segment column the bank holds for the holdout."""
    labels, scores = predictions["label"].to_numpy(), predictions["score"].to_numpy()
    report: dict[str, Any] = {"overall": segment_metrics(labels, scores), "by_segment": {}}
    if segments is None:
        return report
    joined = predictions.merge(segments, left_on="id", right_on=id_column, how="left")
    for name, column in segment_columns.items():
        if column not in joined.columns:
            continue
        values = joined[column].astype("object").where(joined[column].notna(), "(unknown)")
        report["by_segment"][name] = [
            {"segment": str(value), **segment_metrics(labels[mask], scores[mask])}
            for value in sorted(values.unique(), key=str) for mask in [(values == value).to_numpy()]]
    return report
