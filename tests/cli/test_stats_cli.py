"""`corpuskit stats`: table and JSON summaries of dataset folders, and its errors."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pyarrow.parquet as pq
from click.testing import CliRunner

from cli.main import cli
from corpuskit.dataset import DatasetFolder
from corpuskit.document import Document, documents_to_table
from corpuskit.executor import LocalExecutor, Shard, StageSpec
from corpuskit.registry import Step, register_step
from corpuskit.stage import run_stage


@register_step
class NumberStep(Step):
    """Writes ``count`` documents, rejects every third one, fails on shards named fail-*."""

    name = "test-stats.numbers"

    @dataclasses.dataclass(frozen=True)
    class Params:
        count: int = 6

    def run(self, shard, output):
        if shard.id.startswith("fail"):
            raise RuntimeError("disk on fire")
        counters = {"in": 0, "dropped": {"thirds": {"every_third": 0, "never": 0}}}
        for i in range(self.params.count):
            doc = Document(id=f"{shard.id}-{i}", text=f"document {i} of {shard.id}")
            counters["in"] += 1
            if i % 3 == 2:
                output.reject(doc, "thirds", "every_third")
                counters["dropped"]["thirds"]["every_third"] += 1
            else:
                output.write(doc)
        return counters


def make_folder(path, shard_ids=("a", "b", "c")) -> DatasetFolder:
    spec = StageSpec(NumberStep.name, NumberStep.Params(), str(path), keep_rejected=True)
    shards = [Shard(id=shard_id, path=f"in/{shard_id}") for shard_id in shard_ids]
    run_stage(spec, shards, LocalExecutor(1), ["in"])
    return DatasetFolder(path)


def invoke(*args):
    return CliRunner().invoke(cli, ["stats", *map(str, args)])


def test_table_shows_shards_documents_and_counters(tmp_path):
    make_folder(tmp_path / "ds")
    result = invoke(tmp_path / "ds")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split() == [
        "dataset",
        "stage",
        "shards",
        "failed",
        "documents",
        "rejected",
        "on",
        "disk",
    ]
    row = lines[1].split()
    assert row[:6] == [str(tmp_path / "ds"), NumberStep.name, "3/3", "0", "12", "6"]
    assert row[7] == "kB"
    counters = {line.split()[0]: line.split()[1] for line in lines[3:] if line.startswith("  ")}
    assert counters == {
        "dropped.thirds.every_third": "6",
        "dropped.thirds.never": "0",
        "in": "18",
        "rows": "12",
    }
    assert result.stderr == ""


def test_json_summary(tmp_path):
    folder = make_folder(tmp_path / "ds")
    result = invoke(tmp_path / "ds", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    (summary,) = data["datasets"]
    assert summary["stage"] == NumberStep.name
    assert summary["shards"] == {"total": 3, "done": 3, "failed": [], "unfinished": []}
    assert summary["documents"] == 12 and summary["rejected_documents"] == 6
    assert summary["counters"] == folder.read_manifest()["counters"]
    assert summary["manifest"] is True and summary["manifest_stale"] is False
    on_disk = sum(p.stat().st_size for p in (tmp_path / "ds").rglob("*") if p.is_file())
    assert summary["bytes"]["total"] == on_disk
    assert summary["bytes"]["data"] == sum(Path(p).stat().st_size for p in folder.data_files())
    assert data["total"] == {"documents": 12, "rejected_documents": 6, "bytes": on_disk}


def test_several_folders_are_summed(tmp_path):
    make_folder(tmp_path / "one", ("a",))
    make_folder(tmp_path / "two", ("a", "b"))
    data = json.loads(invoke(tmp_path / "one", tmp_path / "two", "--json").stdout)
    assert [s["documents"] for s in data["datasets"]] == [4, 8]
    assert data["total"]["documents"] == 12


def test_failed_shards_are_listed_with_the_fix(tmp_path):
    make_folder(tmp_path / "ds", ("a", "fail-1"))
    result = invoke(tmp_path / "ds", "--json")
    assert result.exit_code == 0
    (summary,) = json.loads(result.stdout)["datasets"]
    assert summary["shards"]["done"] == 1 and summary["shards"]["total"] == 2
    assert summary["shards"]["failed"] == [
        {"shard": "fail-1", "error": "RuntimeError: disk on fire"}
    ]
    assert f"{tmp_path / 'ds'}: failed shards: fail-1; rerun the same command" in result.stderr
    table = invoke(tmp_path / "ds").stdout.splitlines()[1].split()
    assert table[2:4] == ["1/2", "1"]


def test_interrupted_run_is_recomputed_from_stats(tmp_path):
    folder = make_folder(tmp_path / "ds")
    Path(folder.done_path("b")).unlink()  # as if b was killed before its marker
    result = invoke(tmp_path / "ds", "--json")
    (summary,) = json.loads(result.stdout)["datasets"]
    assert summary["documents"] == 8 and summary["counters"]["in"] == 12
    assert summary["shards"]["unfinished"] == ["b"]
    assert summary["manifest_stale"] is True
    assert "1 shard(s) without a _done marker" in result.stderr
    assert "manifest.json counters differ from _stats" in result.stderr


def test_package_without_markers(tmp_path):
    (tmp_path / "pkg" / "data").mkdir(parents=True)
    docs = [Document(id=str(i), text="x") for i in range(5)]
    pq.write_table(documents_to_table(docs), tmp_path / "pkg/data/train-00000-of-00001.parquet")
    DatasetFolder(tmp_path / "pkg").write_manifest(
        {"stage": "mix", "shards": [{"file": "data/train-00000-of-00001.parquet"}]}
    )
    (summary,) = json.loads(invoke(tmp_path / "pkg", "--json").stdout)["datasets"]
    assert summary["stage"] == "mix"
    assert summary["documents"] == 5
    assert summary["shards"] == {"total": 1, "done": 1, "failed": [], "unfinished": []}


def test_not_a_dataset_folder(tmp_path):
    (tmp_path / "plain").mkdir()
    result = invoke(tmp_path / "plain")
    assert result.exit_code == 2
    assert result.stderr == (
        f"Error: {tmp_path / 'plain'} is not a dataset folder (it has none of manifest.json, "
        "data, _stats, _done): give the output folder (-o) of a corpuskit command\n"
    )
    assert result.stdout == ""


def test_missing_path_and_file(tmp_path):
    result = invoke(tmp_path / "nope")
    assert result.exit_code == 2
    assert f"Error: {tmp_path / 'nope'}: no such folder: give the output folder (-o)" in (
        result.stderr
    )
    (tmp_path / "f.parquet").write_text("")
    result = invoke(tmp_path / "f.parquet")
    assert result.exit_code == 2
    assert "f.parquet: is a file, not a dataset folder" in result.stderr


def test_a_bad_folder_among_good_ones_fails_before_printing(tmp_path):
    make_folder(tmp_path / "ds", ("a",))
    result = invoke(tmp_path / "ds", tmp_path / "nope")
    assert result.exit_code == 2 and result.stdout == ""


def test_corrupt_manifest(tmp_path):
    make_folder(tmp_path / "ds", ("a",))
    (tmp_path / "ds" / "manifest.json").write_text("{not json")
    result = invoke(tmp_path / "ds")
    assert result.exit_code == 2
    assert "manifest.json: unreadable" in result.stderr
    assert "rerun the stage with --overwrite" in result.stderr


def test_no_path_is_a_usage_error():
    result = invoke()
    assert result.exit_code == 2
    assert "Missing argument 'PATH...'" in result.stderr
