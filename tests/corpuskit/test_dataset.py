"""The dataset folder contract: atomic shards, stats, markers, listing (DESIGN.md)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from corpuskit import dataset
from corpuskit.dataset import (
    REJECT_COLUMNS,
    DatasetFolder,
    ParquetShardWriter,
    ShardOutput,
    atomic_write_text,
)
from corpuskit.document import Document, table_to_documents
from corpuskit.readers import expand_document_inputs


def doc(i: int, **signals: float) -> Document:
    return Document(id=f"d{i}", text=f"document number {i}", source="test", signals=signals)


def all_files(root) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def test_finished_shard_has_data_stats_and_marker(tmp_path):
    folder = DatasetFolder(tmp_path)
    output = ShardOutput(folder, "s-00000", keep_rejected=True)
    output.write(doc(1))
    output.write(doc(2))
    output.reject(doc(3), "c4", "lorem_ipsum")
    stats = output.finish({"counters": {"in": 3}})

    assert all_files(tmp_path) == [
        "_done/s-00000",
        "_stats/s-00000.json",
        "data/s-00000.parquet",
        "rejected/s-00000.parquet",
    ]
    assert [d.id for d in table_to_documents(pq.read_table(folder.data_path("s-00000")))] == [
        "d1",
        "d2",
    ]
    rejected = pq.read_table(folder.rejected_path("s-00000")).to_pylist()
    assert [(r["id"], r["reject.filter"], r["reject.reason"]) for r in rejected] == [
        ("d3", "c4", "lorem_ipsum")
    ]
    on_disk = json.loads(Path(folder.stats_path("s-00000")).read_text())
    assert on_disk == stats
    assert on_disk["rows"] == 2 and on_disk["shard"] == "s-00000" and on_disk["seconds"] >= 0
    assert folder.is_done("s-00000") and folder.done_shards() == ["s-00000"]


def test_rejected_documents_are_dropped_silently_without_keep_rejected(tmp_path):
    output = ShardOutput(DatasetFolder(tmp_path), "s", keep_rejected=False)
    output.reject(doc(1), "c4", "lorem_ipsum")
    output.finish({})
    assert not (tmp_path / "rejected").exists()
    assert pq.read_table(tmp_path / "data" / "s.parquet").num_rows == 0


def test_aborted_shard_leaves_no_final_file_and_no_marker(tmp_path):
    folder = DatasetFolder(tmp_path)
    output = ShardOutput(folder, "s", keep_rejected=True)
    for i in range(5):
        output.write(doc(i))
        output.reject(doc(100 + i), "f", "r")
    output.kept.flush()  # the temporary file exists on disk now
    assert any(p.name.startswith(".s.parquet.tmp-") for p in (tmp_path / "data").iterdir())
    output.abort()
    assert all_files(tmp_path) == []
    assert not folder.is_done("s")
    assert folder.data_files() == []


def test_commit_order_is_data_then_stats_then_marker(tmp_path, monkeypatch):
    renamed = []
    real_replace = os.replace

    def recording_replace(src, dst):
        renamed.append(os.path.relpath(dst, tmp_path))
        real_replace(src, dst)

    monkeypatch.setattr(dataset.storage.os, "replace", recording_replace)
    output = ShardOutput(DatasetFolder(tmp_path), "s", keep_rejected=True)
    output.write(doc(1))
    output.finish({})
    assert renamed == [
        os.path.join("data", "s.parquet"),
        os.path.join("rejected", "s.parquet"),
        os.path.join("_stats", "s.json"),
        os.path.join("_done", "s"),
    ]


def test_crash_before_the_marker_leaves_the_shard_not_done(tmp_path, monkeypatch):
    real = dataset.atomic_write_text

    def fail_on_marker(path, text):
        if Path(path).parent.name == "_done":
            raise KeyboardInterrupt  # e.g. Ctrl-C between the stats and the marker
        real(path, text)

    monkeypatch.setattr(dataset, "atomic_write_text", fail_on_marker)
    folder = DatasetFolder(tmp_path)
    output = ShardOutput(folder, "s")
    output.write(doc(1))
    with pytest.raises(KeyboardInterrupt):
        output.finish({})
    assert Path(folder.data_path("s")).exists() and not folder.is_done("s")
    assert folder.data_files() == [], "a data file without a marker is not listed"
    assert expand_document_inputs([str(tmp_path)]) == []


def test_temporary_files_never_look_like_shards(tmp_path):
    folder = DatasetFolder(tmp_path)
    output = ShardOutput(folder, "s")
    output.write(doc(1))
    output.kept.flush()
    # a marker caught between its write and its rename
    (tmp_path / "_done").mkdir()
    (tmp_path / "_done" / f".s.tmp-{os.getpid()}").write_text("")
    temporary = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert temporary and all(p.name.startswith(".") for p in temporary)
    assert not any(p.name.endswith(".parquet") for p in temporary)
    assert folder.done_shards() == []
    assert folder.data_files() == []
    assert expand_document_inputs([str(tmp_path)]) == []
    assert expand_document_inputs([str(tmp_path / "data")]) == []
    output.abort()


def test_data_files_lists_only_completed_shards_in_order(tmp_path):
    folder = DatasetFolder(tmp_path)
    for shard in ("b", "a", "c"):
        output = ShardOutput(folder, shard)
        output.write(doc(1))
        output.finish({})
    Path(folder.done_path("c")).unlink()  # c was interrupted before its marker
    assert [Path(p).name for p in folder.data_files()] == ["a.parquet", "b.parquet"]
    assert [s["shard"] for s in folder.all_stats()] == ["a", "b"]
    assert folder.read_stats("missing") is None


def test_a_package_without_markers_lists_every_data_file(tmp_path):
    (tmp_path / "data").mkdir()
    for name in ("train-00000-of-00002.parquet", "train-00001-of-00002.parquet"):
        pq.write_table(dataset.documents_to_table([doc(1)]), tmp_path / "data" / name)
    folder = DatasetFolder(tmp_path)
    assert folder.data_files() == [], "no manifest: not a finished package"
    folder.write_manifest({"stage": "mix"})
    assert len(folder.data_files()) == 2


def test_clear_shard_forgets_everything_of_one_shard(tmp_path):
    folder = DatasetFolder(tmp_path)
    for shard in ("a", "b"):
        output = ShardOutput(folder, shard, keep_rejected=True)
        output.write(doc(1))
        output.finish({})
    folder.clear_shard("a")
    assert all_files(tmp_path) == [
        "_done/b",
        "_stats/b.json",
        "data/b.parquet",
        "rejected/b.parquet",
    ]


def test_manifest_is_written_atomically_and_read_back(tmp_path):
    folder = DatasetFolder(tmp_path / "out")
    assert folder.read_manifest() is None and not folder.is_dataset()
    folder.write_manifest({"stage": "x", "counters": {"é": 1}})
    assert folder.read_manifest() == {"stage": "x", "counters": {"é": 1}}
    assert all_files(tmp_path / "out") == ["manifest.json"]
    atomic_write_text(tmp_path / "a" / "b.txt", "ok")
    assert (tmp_path / "a" / "b.txt").read_text() == "ok"
    assert all_files(tmp_path / "a") == ["b.txt"]


def test_row_groups_are_flushed_by_size_and_signals_kept(tmp_path, monkeypatch):
    monkeypatch.setattr(dataset, "ROW_GROUP_MAX_ROWS", 3)
    writer = ParquetShardWriter(tmp_path / "x.parquet", extra_columns=REJECT_COLUMNS)
    for i in range(7):
        writer.write(doc(i, **{"f.score": i / 2}), {"reject.filter": "f", "reject.reason": "r"})
    writer.commit()
    parquet = pq.ParquetFile(tmp_path / "x.parquet")
    assert parquet.metadata.num_row_groups == 3
    assert parquet.metadata.num_rows == writer.rows == 7
    assert parquet.schema_arrow.names[-3:] == ["signals.f.score", *REJECT_COLUMNS]
    assert parquet.metadata.row_group(0).column(0).compression == "ZSTD"
    docs = list(table_to_documents(parquet.read()))
    assert [d.signals["f.score"] for d in docs] == [i / 2 for i in range(7)]
    assert docs[0].metadata == {"reject.filter": "f", "reject.reason": "r"}
