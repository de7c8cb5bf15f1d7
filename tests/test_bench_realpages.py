"""The real-page scorer of benchmarks/realpages.py on small hand-made cases."""

from __future__ import annotations

import gzip
import json

import pytest

from benchmarks.realpages import Score, dev_set_missing, load_pages


def test_snippet_rule_counts_each_snippet_once_per_page():
    score = Score()
    # found: 1 TP, missing: 1 FN; boilerplate found: 1 FP, absent: 1 TN
    score.add(
        "The harbour plan was approved.\nMenu", ["harbour plan", "final vote"], ["Menu", "Imprint"]
    )
    assert (score.tp, score.fn, score.fp, score.tn) == (1, 1, 1, 1)
    # no output: every wanted snippet missing, every unwanted one absent
    score.add(None, ["a"], ["b", "c"])
    assert (score.tp, score.fn, score.fp, score.tn) == (1, 2, 1, 3)
    assert score.precision == pytest.approx(1 / 2)
    assert score.recall == pytest.approx(1 / 3)
    assert score.f1 == pytest.approx(2 * 1 / (2 * 1 + 1 + 2))


def test_totals_not_page_means():
    score = Score()
    score.add("x", ["x"], [])  # a perfect page with one snippet
    score.add("", ["a", "b", "c"], [])  # an empty page with three
    assert score.recall == pytest.approx(1 / 4)  # a mean of page recalls would give 0.5


def test_empty_score_is_zero_not_a_division_error():
    assert (Score().precision, Score().recall, Score().f1) == (0.0, 0.0, 0.0)


def test_loading_a_tiny_set_and_the_missing_set_message(tmp_path):
    assert "not found at" in dev_set_missing(tmp_path)
    (tmp_path / "html").mkdir()
    (tmp_path / "html" / "a.html.gz").write_bytes(gzip.compress(b"<p>caf\xc3\xa9</p>"))
    entries = {
        "https://a.example/": {"file": "a.html", "with": ["café"], "without": ["menu"]},
        "https://b.example/": {"file": "gone.html", "with": ["x"], "without": []},
    }
    (tmp_path / "evaldata.json").write_text(json.dumps(entries), encoding="utf-8")
    assert dev_set_missing(tmp_path) is None
    pages = load_pages(tmp_path)
    assert [p.url for p in pages] == ["https://a.example/"]
    assert pages[0].body == b"<p>caf\xc3\xa9</p>"
    assert pages[0].with_snippets == ("café",)
    assert pages[0].without_snippets == ("menu",)
