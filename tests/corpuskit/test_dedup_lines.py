"""C4 line dedup (code) and repeated three-sentence span removal (paper)."""

from __future__ import annotations

import pyarrow.parquet as pq

from corpuskit.dedup.lines import count_sentences, remove_units, span_keys, split_sentences
from corpuskit.dedup.pipeline import DedupInput, DedupSettings, run_dedup
from corpuskit.document import Document
from corpuskit.executor import LocalExecutor
from tests.corpuskit.dedup_corpus import write_dataset

BOILER = "Subscribe to our newsletter for weekly updates."


def _texts(out) -> dict[str, str]:
    texts = {}
    for path in sorted((out / "data").glob("*.parquet")):
        table = pq.read_table(path, columns=["id", "text"])
        texts.update(
            zip(table.column("id").to_pylist(), table.column("text").to_pylist(), strict=True)
        )
    return texts


def _run(tmp_path, docs, lines, **extra):
    write_dataset(tmp_path / "in", docs, 2)
    settings = DedupSettings(exact=False, minhash=False, lines=lines, **extra)
    report, counters = run_dedup(
        [DedupInput("web", str(tmp_path / "in"))], settings, str(tmp_path / "out"), LocalExecutor(1)
    )
    return report, counters


def test_sentence_splitting():
    assert split_sentences('He said "stop." Then left! Why? ok') == [
        'He said "stop."',
        "Then left!",
        "Why?",
        "ok",
    ]
    assert count_sentences("One. Two.\nThree!") == 3


def test_c4_code_keeps_each_repeated_line_once(tmp_path):
    body = "A first real sentence here. A second one follows. And a third closes it."
    docs = [
        Document("a", f"{body}\n{BOILER}\nAlpha page has its own line too."),
        Document("b", f"{BOILER}\nBeta page says other things. Beta adds more. Beta ends here."),
        Document("c", f"  {BOILER.upper()}  \n{body}"),  # all lines repeated: dropped
        Document("d", f"{BOILER}\n{BOILER}\nDelta one. Delta two."),  # left with 2 sentences
    ]
    report, counters = _run(tmp_path, docs, "c4-code")
    texts = _texts(tmp_path / "out")
    assert texts["a"] == docs[0].text  # first page (smallest node order) keeps its lines
    assert BOILER not in texts.get("b", "") or BOILER not in texts["a"]
    assert sum(t.count(BOILER) for t in texts.values()) == 1
    assert "c" not in texts and "d" not in texts
    assert report.counters["removed"]["lines"] == 2
    assert counters["units_dropped"] == 5


def test_c4_paper_removes_repeated_three_sentence_spans(tmp_path):
    span = "Shared one is here. Shared two is here. Shared three is here."
    docs = [
        Document(
            "p1", f"Intro p1 sentence. {span} Outro p1 sentence. Extra p1. More p1. Even more p1."
        ),
        Document("p2", f"Start p2 now. {span}\nEnd p2 here. Also p2. Plus p2. Last p2. Final p2."),
        Document("p3", f"Lonely p3. {span}"),
    ]
    _run(tmp_path, docs, "c4-paper", min_sentences=3)
    texts = _texts(tmp_path / "out")
    holders = [doc_id for doc_id, text in texts.items() if "Shared two" in text]
    assert len(holders) == 1
    other = "p2" if holders == ["p1"] else "p1"
    assert "Shared" not in texts[other] and texts[other].startswith(("Intro", "Start"))
    assert "p3" not in texts or "Shared" not in texts["p3"]


def test_remove_units_rebuilds_lines():
    text = "S0. S1. S2.\nS3. S4."
    assert [k for k, _ in span_keys(text)] == [0, 1, 2]
    assert remove_units(text, "c4-paper", {2}) == "S0. S1."
    assert remove_units("l0\nl1\nl2", "c4-code", {1}) == "l0\nl2"
