"""The deterministic keep rule."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from corpuskit.dedup.keep import mark_kept


def _group(rows):
    frame = pd.DataFrame(rows, columns=["group", "id", "is_index", "priority", "time", "length"])
    return frame


ROWS = [
    (1, "b", False, 0, 100.0, 50),
    (1, "a", False, 0, 300.0, 10),
    (1, "c", False, 0, math.nan, 90),
    (2, "z", False, 1, 5.0, 5),
    (2, "y", False, 0, 9.0, 5),
]


@pytest.mark.parametrize(
    ("rule", "kept"),
    [
        ("oldest", {"b", "y"}),
        ("newest", {"a", "y"}),
        ("longest", {"c", "y"}),
        ("first-source", {"a", "y"}),
    ],
)
def test_each_rule_keeps_one_member_per_group(rule, kept):
    marked = mark_kept(_group(ROWS), "group", rule)
    assert set(marked.loc[marked["kept"], "id"]) == kept
    assert marked.groupby("group")["kept"].sum().tolist() == [1, 1]
    assert sorted(marked["cluster_size"].tolist()) == [2, 2, 3, 3, 3]
    for group, kept_id in marked[["group", "kept_id"]].itertuples(index=False):
        assert kept_id in kept and kept_id in set(marked.loc[marked["group"] == group, "id"])


def test_ties_are_broken_by_id_whatever_the_row_order():
    rows = [(1, doc_id, False, 0, 7.0, 10) for doc_id in ("m", "k", "x", "l")]
    for order in (rows, rows[::-1], rows[1:] + rows[:1]):
        marked = mark_kept(_group(order), "group", "oldest")
        assert marked.loc[marked["kept"], "id"].tolist() == ["k"]


def test_index_documents_win_over_everything():
    rows = [
        (1, "new", False, 0, 1.0, 1000),
        (1, "old-index", True, 5, 999.0, 1),
    ]
    for rule in ("oldest", "longest", "first-source"):
        marked = mark_kept(_group(rows), "group", rule)
        assert marked.loc[marked["kept"], "id"].tolist() == ["old-index"]


def test_priority_beats_the_rule_key():
    rows = [(1, "web", False, 1, 1.0, 10), (1, "wiki", False, 0, 50.0, 10)]
    marked = mark_kept(_group(rows), "group", "oldest")
    assert marked.loc[marked["kept"], "id"].tolist() == ["wiki"]


def test_empty_frame():
    marked = mark_kept(_group([]), "group", "newest")
    assert len(marked) == 0
    assert {"kept", "cluster_size", "kept_id"} <= set(marked.columns)
