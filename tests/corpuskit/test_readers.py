"""Readers: dataset folders, Parquet, JSONL(.gz/.zst), globs, and their errors."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import zstandard

from corpuskit.dataset import DatasetFolder, ShardOutput
from corpuskit.document import Document, content_id
from corpuskit.errors import InputError
from corpuskit.readers import expand_document_inputs, open_binary, read_documents

ROWS = [
    {"id": "a", "text": "Erste Zeile.\nZweite Zeile.", "url": "https://x.example/a", "lang": "de"},
    {"text": "no id here", "metadata": {"title": "T"}, "source": "books"},
]


def write_jsonl(path, rows, opener=open):
    with opener(path, "wt", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")


def write_zst(path, rows):
    data = "".join(json.dumps(row) + "\n" for row in rows).encode()
    path.write_bytes(zstandard.ZstdCompressor().compress(data))


def check_rows(docs: list[Document], source=None):
    assert [d.text for d in docs] == [r["text"] for r in ROWS]
    assert docs[0].id == "a" and docs[0].url == "https://x.example/a"
    assert docs[0].metadata == {"lang": "de"}, "unknown keys go into metadata"
    assert docs[1].id == content_id("no id here", "books")
    assert docs[1].metadata == {"title": "T"}
    assert docs[1].source == "books"
    assert docs[0].source == source


@pytest.mark.parametrize(
    "name, writer",
    [
        ("docs.jsonl", lambda p, rows: write_jsonl(p, rows)),
        ("docs.jsonl.gz", lambda p, rows: write_jsonl(p, rows, gzip.open)),
        ("docs.jsonl.zst", write_zst),
    ],
)
def test_jsonl_variants(tmp_path, name, writer):
    path = tmp_path / name
    writer(path, ROWS)
    check_rows(list(read_documents(str(path))))
    check_rows(list(read_documents(str(path), source="webtext")), source="webtext")


def test_blank_lines_are_skipped(tmp_path):
    path = tmp_path / "d.jsonl"
    path.write_text('\n{"text": "one"}\n\n   \n{"text": "two"}\n', encoding="utf-8")
    assert [d.text for d in read_documents(str(path))] == ["one", "two"]


def test_bad_json_line_names_the_file_and_line(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"text": "ok"}\n{"text": "ok"}\n{"text": broken\n', encoding="utf-8")
    docs = read_documents(str(path))
    assert next(docs).text == "ok" and next(docs).text == "ok"
    with pytest.raises(InputError, match=r"bad\.jsonl:3: invalid JSON"):
        next(docs)


@pytest.mark.parametrize("line", ['{"id": "x"}', '{"text": 5}', '["text"]'])
def test_jsonl_line_without_text_string(tmp_path, line):
    path = tmp_path / "d.jsonl"
    path.write_text(line + "\n", encoding="utf-8")
    with pytest.raises(
        InputError, match=r"d\.jsonl:1: each line needs a JSON object with a 'text'"
    ):
        list(read_documents(str(path)))


def test_parquet_with_text_column_and_extra_columns(tmp_path):
    path = tmp_path / "plain.parquet"
    pq.write_table(
        pa.table({"text": ["one", "two"], "title": ["A", None], "score": [0.5, 1.5]}), path
    )
    docs = list(read_documents(str(path), source="wikipedia"))
    assert [d.text for d in docs] == ["one", "two"]
    assert docs[0].metadata == {"title": "A", "score": 0.5}
    assert docs[1].metadata == {"score": 1.5}
    assert all(d.source == "wikipedia" for d in docs)
    assert docs[0].id == content_id("one", "")


def test_parquet_without_text_column(tmp_path):
    path = tmp_path / "notext.parquet"
    pq.write_table(pa.table({"content": ["x"], "url": ["u"]}), path)
    with pytest.raises(
        InputError, match=r"notext\.parquet: no 'text' column \(columns: content, url\)"
    ):
        list(read_documents(str(path)))


def test_damaged_parquet_is_an_input_error(tmp_path):
    path = tmp_path / "broken.parquet"
    path.write_bytes(b"PAR1 this is not really parquet")
    with pytest.raises(InputError, match=r"broken\.parquet: unreadable Parquet file"):
        list(read_documents(str(path)))


def test_unknown_file_type(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("hello")
    with pytest.raises(InputError, match=r"notes\.txt: not a Parquet or JSONL file"):
        list(read_documents(str(path)))


def make_dataset(root, shards=("s0", "s1", "s2"), unfinished=("s2",)):
    folder = DatasetFolder(root)
    for n, shard in enumerate(shards):
        output = ShardOutput(folder, shard)
        output.write(Document(id=f"{shard}-doc", text=f"text {n}"))
        output.finish({})
    for shard in unfinished:
        Path(folder.done_path(shard)).unlink()
    return folder


def test_dataset_folder_contributes_completed_shards_only(tmp_path):
    make_dataset(tmp_path / "ds")
    files = expand_document_inputs([str(tmp_path / "ds")])
    assert [f.rsplit("/", 1)[-1] for f in files] == ["s0.parquet", "s1.parquet"]
    ids = [d.id for f in files for d in read_documents(f)]
    assert ids == ["s0-doc", "s1-doc"]


def test_plain_folder_contributes_document_files_recursively(tmp_path):
    write_jsonl(tmp_path / "a.jsonl", ROWS)
    (tmp_path / "sub").mkdir()
    write_jsonl(tmp_path / "sub" / "b.jsonl.gz", ROWS, gzip.open)
    (tmp_path / "readme.txt").write_text("not documents")
    files = expand_document_inputs([str(tmp_path)])
    assert files == [str(tmp_path / "a.jsonl"), str(tmp_path / "sub" / "b.jsonl.gz")]


def test_globs_relative_and_absolute(tmp_path, monkeypatch):
    for name in ("b.jsonl", "a.jsonl", "c.parquet"):
        (tmp_path / name).write_text("")
    assert expand_document_inputs([str(tmp_path / "*.jsonl")]) == [
        str(tmp_path / "a.jsonl"),
        str(tmp_path / "b.jsonl"),
    ]
    monkeypatch.chdir(tmp_path)
    assert expand_document_inputs(["*.parquet", "[ab].jsonl"]) == [
        "c.parquet",
        "a.jsonl",
        "b.jsonl",
    ]


def test_missing_inputs_are_input_errors(tmp_path):
    with pytest.raises(InputError, match=r"input not found: .*nope\.jsonl: give an existing file"):
        expand_document_inputs([str(tmp_path / "nope.jsonl")])
    with pytest.raises(InputError, match=r"no file matches '.*\*\.jsonl': check the pattern"):
        expand_document_inputs([str(tmp_path / "*.jsonl")])
    with pytest.raises(InputError, match=r"cannot read .*gone\.parquet: No such file"):
        open_binary(str(tmp_path / "gone.parquet"))


def test_fsspec_urls_are_expanded_and_read(tmp_path):
    write_jsonl(tmp_path / "x.jsonl", ROWS)
    files = expand_document_inputs([f"file://{tmp_path}/*.jsonl"])
    assert files == [f"file://{tmp_path}/x.jsonl"]
    check_rows(list(read_documents(files[0])))
