"""`corpuskit decontaminate index|apply`: counts per benchmark, common n-grams, resume."""

from __future__ import annotations

import json

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from cli.main import cli
from corpuskit.dataset import DatasetFolder, ShardOutput
from corpuskit.document import Document
from corpuskit.readers import read_documents
from tests.prose import english_article

PLANTED = (
    "the old quartermaster counted seventeen brass lanterns before the harbour fog finally lifted"
)
COMMON = "all rights reserved no part of this publication may be reproduced in any form"
LOCAL = ("--executor", "local", "--workers", "1", "-q")


def run(*args):
    return CliRunner().invoke(cli, ["decontaminate", *map(str, args)])


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    root = tmp_path_factory.mktemp("decontam")
    folder = DatasetFolder(str(root / "web"))
    for shard in range(2):
        output = ShardOutput(folder, f"part-{shard}")
        for i in range(8):
            n = shard * 8 + i
            text = english_article(100 + n)
            if n < 12:  # boilerplate in 12 documents: a common phrase, ignored
                text = f"{text} {COMMON}."
            if n == 13:
                text = f"{english_article(200)} {PLANTED} {english_article(201)}"
            output.write(Document(id=f"d{n}", text=text, source="web"))
        output.finish({})
    (root / "qa.jsonl").write_text(json.dumps({"text": PLANTED}) + "\n")
    pq.write_table(pa.table({"passage": [COMMON, "too short"]}), root / "legal.parquet")
    built = run("index", f"qa={root / 'qa.jsonl'}", "-o", root / "index", "--json")
    assert built.exit_code == 0, built.output
    parquet = run("index", root / "legal.parquet", "--field", "passage", "-o", root / "i2")
    assert parquet.exit_code == 0 and "legal (2 examples, 1 too short)" in parquet.stdout
    both = run(
        "index",
        root / "qa.jsonl",
        f"legal={root / 'legal.parquet'}",
        "--field",
        "text",
        "-o",
        root / "index2",
    )
    assert both.exit_code == 2 and "no column text (columns: passage)" in both.stderr
    pq.write_table(pa.table({"text": [COMMON]}), root / "legal.parquet")
    both = run("index", root / "qa.jsonl", root / "legal.parquet", "-o", root / "both")
    assert both.exit_code == 0, both.output
    return root


def test_apply_cuts_the_planted_ngram_and_ignores_the_common_phrase(setup, tmp_path):
    out = tmp_path / "clean"
    result = run("apply", setup / "web", "--index", setup / "both", "-o", out, "--json", *LOCAL)
    assert result.exit_code == 0, result.output
    counters = json.loads(result.stdout)["counters"]
    assert counters["documents"] == 16
    assert counters["verdicts"] == {
        "clean": 15,
        "split": 1,
        "contaminated": 0,
        "too_fragmented": 0,
        "only_short_pieces": 0,
    }
    assert counters["benchmarks"] == {
        "qa": {"documents": 1, "collisions": 1},
        "legal": {"documents": 0, "collisions": 0},
    }
    manifest = json.loads((out / "manifest.json").read_text())["decontamination"]
    assert manifest["ignored_common_ngrams"] == 2 and manifest["colliding_ngrams"] == 3
    docs = [d for f in DatasetFolder(str(out)).data_files() for d in read_documents(f)]
    cut = [d for d in docs if d.id.startswith("d13#")]
    assert [d.id for d in cut] == ["d13#0", "d13#1"]
    assert cut[0].metadata["decontamination"]["benchmarks"] == {"qa": 1}
    assert all("quartermaster" not in d.text for d in docs)
    again = run("apply", setup / "web", "--index", setup / "both", "-o", out, "--json", *LOCAL)
    assert json.loads(again.stdout)["skipped"] == 2


def test_without_ignoring_common_phrases_every_boilerplate_document_is_cut(setup, tmp_path):
    out = tmp_path / "strict"
    result = run(
        "apply",
        setup / "web",
        "--index",
        setup / "both",
        "-o",
        out,
        "--max-doc-matches",
        0,
        "--mode",
        "drop",
        "--keep-rejected",
        "--json",
        *LOCAL,
    )
    assert result.exit_code == 0, result.output
    counters = json.loads(result.stdout)["counters"]
    assert counters["verdicts"]["contaminated"] == 13
    assert counters["benchmarks"]["legal"] == {"documents": 12, "collisions": 24}
    assert not (out / "_work" / "count").exists()
    rejected = list((out / "rejected").glob("*.parquet"))
    assert sum(pq.read_table(f).num_rows for f in rejected) == 13


def test_a_folder_that_is_no_index_is_an_error(setup, tmp_path):
    result = run("apply", setup / "web", "--index", setup / "web", "-o", tmp_path / "o", *LOCAL)
    assert result.exit_code == 2
    assert "not a decontamination index" in result.stderr


def test_benchmark_files_instead_of_an_index_are_indexed_into_the_output(setup, tmp_path):
    out = tmp_path / "clean"
    args = ["apply", setup / "web", "--benchmark", f"qa={setup / 'qa.jsonl'}", "-o", out]
    result = run(*args, "--json", *LOCAL)
    assert result.exit_code == 0, result.output
    assert (
        json.loads((out / "_index" / "index.json").read_text())["benchmarks"]["qa"]["ngrams"] == 1
    )
    assert json.loads(result.stdout)["counters"]["verdicts"]["split"] == 1
    both = run("apply", setup / "web", "--index", setup / "both", *args[2:], *LOCAL)
    assert both.exit_code == 2 and "give --index INDEX, or --benchmark" in both.stderr
