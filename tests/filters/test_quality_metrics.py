"""Held-out metrics of the quality classifier: AUC with ties, precision/recall/F1, histograms."""

from __future__ import annotations

import pytest

from filters.quality_metrics import evaluate, roc_auc


@pytest.mark.parametrize(
    ("scores", "labels", "auc"),
    [
        ([0.9, 0.8, 0.2, 0.1], [True, True, False, False], 1.0),
        ([0.1, 0.2, 0.8, 0.9], [True, True, False, False], 0.0),
        ([0.5, 0.5, 0.5, 0.5], [True, False, True, False], 0.5),
        ([0.9, 0.4, 0.6, 0.1], [True, True, False, False], 0.75),
        ([0.7, 0.3], [True, True], None),
    ],
)
def test_roc_auc(scores, labels, auc):
    assert roc_auc(scores, labels) == auc


def test_precision_recall_f1_and_histograms():
    scores = [0.95, 0.75, 0.4, 0.6, 0.2, 0.05]
    labels = [True, True, True, False, False, False]
    metrics = evaluate(scores, labels)
    assert (metrics["precision"], metrics["recall"]) == (0.6667, 0.6667)
    assert metrics["f1"] == 0.6667 and metrics["accuracy"] == 0.6667
    assert metrics["scores"]["positive"]["histogram"] == [0, 0, 0, 0, 1, 0, 0, 1, 0, 1]
    assert metrics["scores"]["negative"]["quartiles"] == [0.125, 0.2, 0.4]
