"""Held-out metrics of a binary quality classifier: precision, recall, F1, AUC, distributions.

Precision, recall and F1 are those of the positive class at score 0.5. The ROC AUC is the
Mann-Whitney statistic: the probability that a random positive scores above a random
negative, ties counted half (average ranks). Score distributions are ten equal-width bins on
[0, 1] and the quartiles of each class.
"""

from __future__ import annotations

from typing import Any

BINS = 10


def roc_auc(scores, labels) -> float | None:
    """ROC AUC of ``scores`` for boolean ``labels``; None when a class is absent."""
    import numpy as np

    scores = np.asarray(scores, dtype=float)
    labels = np.asarray(labels, dtype=bool)
    positives, negatives = int(labels.sum()), int((~labels).sum())
    if not positives or not negatives:
        return None
    _, inverse, counts = np.unique(scores, return_inverse=True, return_counts=True)
    order_ranks = np.cumsum(counts) - (counts - 1) / 2.0  # average rank of each distinct score
    ranks = order_ranks[inverse]
    return float((ranks[labels].sum() - positives * (positives + 1) / 2) / (positives * negatives))


def distribution(scores) -> dict[str, Any]:
    """Histogram (ten bins on [0, 1]) and quartiles of a list of scores."""
    import numpy as np

    values = np.asarray(scores, dtype=float)
    if not len(values):
        return {"histogram": [0] * BINS, "quartiles": None}
    histogram, _ = np.histogram(values, bins=BINS, range=(0.0, 1.0))
    return {
        "histogram": histogram.tolist(),
        "quartiles": [round(float(q), 4) for q in np.quantile(values, [0.25, 0.5, 0.75])],
        "mean": round(float(values.mean()), 4),
    }


def evaluate(scores, labels, threshold: float = 0.5) -> dict[str, Any]:
    """All metrics of the module docstring for one validation split."""
    import numpy as np

    scores = np.asarray(scores, dtype=float)
    labels = np.asarray(labels, dtype=bool)
    predicted = scores > threshold
    tp = int((predicted & labels).sum())
    fp = int((predicted & ~labels).sum())
    fn = int((~predicted & labels).sum())
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    auc = roc_auc(scores, labels)
    return {
        "threshold": threshold,
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
        "auc": None if auc is None else round(auc, 4),
        "accuracy": round(float((predicted == labels).mean()), 4),
        "scores": {
            "positive": distribution(scores[labels]),
            "negative": distribution(scores[~labels]),
        },
    }


def describe(metrics: dict[str, Any]) -> str:
    """A few human lines: the metrics and both score histograms."""
    lines = [
        f"held-out: AUC {metrics['auc']}, precision {metrics['precision']}, "
        f"recall {metrics['recall']}, F1 {metrics['f1']} (positive if score > "
        f"{metrics['threshold']})",
        "score histogram (10 bins on 0..1):",
    ]
    for name in ("positive", "negative"):
        dist = metrics["scores"][name]
        lines.append(
            f"  {name}: {' '.join(f'{c:>4}' for c in dist['histogram'])}  quartiles {dist['quartiles']}"
        )
    return "\n".join(lines)
