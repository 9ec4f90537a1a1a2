"""The notebooks' figures: discrimination of the joint model against the baselines, score
distributions, and drift for the operator's monitoring report.

Each returns a matplotlib ``Figure`` made without pyplot, so nothing is drawn twice or
left open: a notebook shows the figure it is given (inline backend, PNG), a script saves it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from sklearn.metrics import roc_curve

from federation.workbench.baselines import HoldoutScores
from models.evaluation import auc, ks


def _figure(width: float, height: float) -> tuple[Figure, Axes]:
    figure = Figure(figsize=(width, height), layout="tight")
    return figure, figure.add_subplot()


def roc_curves(holdout: HoldoutScores) -> Figure:
    figure, axes = _figure(5, 5)
    for name, scores in holdout.scores.items():
        fpr, tpr, _ = roc_curve(holdout.labels, scores)
        axes.plot(fpr, tpr, label=f"{name} (AUC {auc(holdout.labels, scores):.3f})")
    axes.plot([0, 1], [0, 1], color="grey", linestyle=":")
    axes.set(xlabel="false positive rate", ylabel="true positive rate", title="ROC on the held-out enterprises")
    axes.legend(loc="lower right")
    return figure


def ks_curve(labels: np.ndarray, scores: np.ndarray, name: str = "joint model") -> Figure:
    """Cumulative shares of defaults and non-defaults by score; KS is the widest gap."""
    order = np.argsort(-scores)
    bad = np.cumsum(labels[order] == 1) / max(1, int((labels == 1).sum()))
    good = np.cumsum(labels[order] == 0) / max(1, int((labels == 0).sum()))
    share = np.arange(1, len(scores) + 1) / len(scores)
    widest = int(np.argmax(bad - good))
    figure, axes = _figure(6, 4)
    axes.plot(share, bad, label="defaults")
    axes.plot(share, good, label="non-defaults")
    axes.vlines(share[widest], good[widest], bad[widest], color="black", linestyle="--",
                label=f"KS {ks(labels, scores):.3f}")
    axes.set(xlabel="share of enterprises, riskiest first", ylabel="cumulative share", title=f"KS of the {name}")
    axes.legend()
    return figure


def score_distribution(scores: np.ndarray, labels: np.ndarray | None = None, *, marker: float | None = None,
                       title: str = "Score distribution") -> Figure:
    """Histogram of scores, by outcome when labels are given; ``marker`` draws one applicant."""
    figure, axes = _figure(6, 4)
    bins = np.histogram_bin_edges(scores, bins=30)
    if labels is None:
        axes.hist(scores, bins=bins, alpha=0.8)
    else:
        for value, name in ((0, "non-defaults"), (1, "defaults")):
            axes.hist(scores[labels == value], bins=bins, alpha=0.6, density=True, label=name)
        axes.legend()
    if marker is not None:
        axes.axvline(marker, color="black", linestyle="--", label="applicant")
        axes.legend()
    axes.set(xlabel="score", ylabel="density" if labels is not None else "enterprises", title=title)
    return figure


def uplift(holdout: HoldoutScores, baseline: str = "bank only") -> Figure:
    """AUC and KS of every model, and the joint model's gain over ``baseline``."""
    names = list(holdout.scores)
    aucs = [auc(holdout.labels, holdout.scores[n]) for n in names]
    kss = [ks(holdout.labels, holdout.scores[n]) for n in names]
    figure, axes = _figure(7, 4)
    positions = np.arange(len(names))
    axes.bar(positions - 0.2, aucs, width=0.4, label="AUC")
    axes.bar(positions + 0.2, kss, width=0.4, label="KS")
    axes.set_xticks(positions, names)
    gain = aucs[names.index("joint (federated)")] - aucs[names.index(baseline)]
    axes.set(ylim=(0, 1), title=f"Uplift of joint modeling over {baseline}: {gain:+.3f} AUC")
    axes.legend()
    return figure


def reason_points(reasons: Sequence[Mapping[str, Any]]) -> Figure:
    """A portrait's reason codes: points each data group moves the score, by party."""
    figure, axes = _figure(6, 0.4 * len(reasons) + 1)
    labels = [f"{r['party']}: {r['group'].replace('_', ' ')}" for r in reasons]
    points = [float(r["points"]) for r in reasons]
    axes.barh(labels, points, color=["tab:green" if p >= 0 else "tab:red" for p in points])
    axes.axvline(0, color="black", linewidth=0.8)
    axes.invert_yaxis()
    axes.set(xlabel="points (positive: lower risk)", title="Reason codes by data group")
    return figure


def feature_group_drift(reports: Mapping[str, Mapping[str, Any]], watch: float, act: float) -> Figure:
    """PSI per feature group for each run date (``reports``: date -> drift report)."""
    dates = sorted(reports)
    groups = sorted({g for d in dates for g in reports[d]["feature_groups"]})
    figure, axes = _figure(8, 4)
    width = 0.8 / max(1, len(dates))
    for i, day in enumerate(dates):
        values = [reports[day]["feature_groups"].get(g, {}).get("psi", 0.0) for g in groups]
        axes.bar(np.arange(len(groups)) + i * width, values, width=width, label=day)
    axes.axhline(watch, color="orange", linestyle="--", label=f"watch ({watch})")
    axes.axhline(act, color="red", linestyle="--", label=f"act ({act})")
    axes.set_xticks(np.arange(len(groups)) + width * (len(dates) - 1) / 2, [g.replace("_", " ") for g in groups],
                    rotation=45, ha="right")
    axes.set(ylabel="PSI", title="Feature drift by data group against the baseline")
    axes.legend()
    return figure


def score_drift(reports: Mapping[str, Mapping[str, Any]], watch: float, act: float) -> Figure:
    """The score PSI of each run date against the model's first run."""
    dates = sorted(reports)
    values = [float((reports[d].get("score") or {}).get("psi", 0.0)) for d in dates]
    figure, axes = _figure(6, 3.5)
    axes.plot(dates, values, marker="o")
    axes.axhline(watch, color="orange", linestyle="--", label="watch")
    axes.axhline(act, color="red", linestyle="--", label="act")
    axes.set(ylabel="score PSI", title="Score drift per run")
    axes.legend()
    return figure
