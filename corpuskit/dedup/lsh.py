"""Choosing bands x rows for a Jaccard threshold (the LSH S-curve).

Two documents of Jaccard similarity s share at least one band with probability
``1 - (1 - s**r)**b``. As datasketch's ``_optimal_param`` does, the (b, r) pair with
``b * r <= num_perm`` minimising ``w_fp * FP + w_fn * FN`` is chosen, where FP is the area
under the curve below the threshold and FN the area above it under ``1 - curve``.
"""

from __future__ import annotations

import functools


def candidate_probability(similarity: float, bands: int, rows: int) -> float:
    """Probability that two documents of this Jaccard similarity become candidates."""
    return 1.0 - (1.0 - similarity**rows) ** bands


def _area(bands: int, rows: int, lo: float, hi: float, complement: bool) -> float:
    import numpy as np

    grid = np.linspace(lo, hi, 201)
    curve = 1.0 - (1.0 - grid**rows) ** bands
    values = 1.0 - curve if complement else curve
    return float(np.sum((values[1:] + values[:-1]) * np.diff(grid)) / 2)


@functools.lru_cache(maxsize=64)
def optimal_bands_rows(
    threshold: float, num_perm: int, fp_weight: float = 0.5, fn_weight: float = 0.5
) -> tuple[int, int]:
    """The (bands, rows) pair minimising the weighted false positive/negative areas."""
    best, best_error = (1, 1), float("inf")
    for bands in range(1, num_perm + 1):
        for rows in range(1, num_perm // bands + 1):
            fp = _area(bands, rows, 0.0, threshold, complement=False)
            fn = _area(bands, rows, threshold, 1.0, complement=True)
            error = fp * fp_weight + fn * fn_weight
            if error < best_error:
                best, best_error = (bands, rows), error
    return best


@functools.lru_cache(maxsize=64)
def recall_bands_rows(threshold: float, num_perm: int, target_recall: float) -> tuple[int, int]:
    """Banding for exact verification: a pair at the threshold is a candidate with
    probability >= ``target_recall``, with the fewest chance candidates.

    For every row count r the fewest bands b (``b * r <= num_perm``) reaching the target at
    the threshold are taken; among those pairs the one with the smallest false-candidate
    area below the threshold wins (fewer pairs to verify). Precision then comes from the
    exact check, so the banding only has to find. Falls back to the most sensitive banding
    (``num_perm`` bands of one row) when no pair reaches the target.
    """
    best, best_area = (num_perm, 1), float("inf")
    for rows in range(1, num_perm + 1):
        for bands in range(1, num_perm // rows + 1):
            if candidate_probability(threshold, bands, rows) >= target_recall:
                area = _area(bands, rows, 0.0, threshold, complement=False)
                if area < best_area:
                    best, best_area = (bands, rows), area
                break
    return best
