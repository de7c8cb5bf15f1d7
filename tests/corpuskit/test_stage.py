"""run_stage: resume by markers, overwrite, failed shards, manifest; merge_counters."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from corpuskit.dataset import DatasetFolder
from corpuskit.executor import LocalExecutor, Shard, StageSpec
from corpuskit.readers import expand_document_inputs, read_documents
from corpuskit.registry import Step, get_step, register_step
from corpuskit.stage import merge_counters, run_stage

# Shards run by TestStep, in order (LocalExecutor(1) runs them in this process).
RUNS: list[str] = []


@register_step
class TestStep(Step):
    """Keeps documents, rejects those containing ``drop_word``, fails on ``fail_word``."""

    __test__ = False  # not a pytest test class
    name = "test-stage.echo"

    @dataclasses.dataclass(frozen=True)
    class Params:
        drop_word: str = "drop"
        fail_word: str = "boom"

    def run(self, shard, output):
        RUNS.append(shard.id)
        counters = {"in": 0, "kept": 0, "dropped": {"words": {"drop": 0, "never": 0}}}
        for doc in read_documents(shard.path):
            counters["in"] += 1
            if self.params.fail_word in doc.text:
                raise ValueError(f"cannot handle document {doc.id}")
            if self.params.drop_word in doc.text:
                output.reject(doc, "words", "drop")
                counters["dropped"]["words"]["drop"] += 1
            else:
                output.write(doc)
                counters["kept"] += 1
        return counters


@pytest.fixture(autouse=True)
def _clear_runs():
    RUNS.clear()


def write_inputs(folder, texts_per_shard: dict[str, list[str]]) -> list[Shard]:
    folder.mkdir(parents=True, exist_ok=True)
    shards = []
    for shard_id, texts in texts_per_shard.items():
        path = folder / f"{shard_id}.jsonl"
        path.write_text("".join(json.dumps({"text": t}) + "\n" for t in texts), encoding="utf-8")
        shards.append(Shard(id=shard_id, path=str(path)))
    return shards


INPUTS = {
    "s0": ["keep one", "drop one", "keep two"],
    "s1": ["keep three"],
    "s2": ["drop two", "drop three", "keep four", "keep five"],
}


def run(tmp_path, shards, out="out", overwrite=False, keep_rejected=False, params=None):
    spec = StageSpec(TestStep.name, params or TestStep.Params(), str(tmp_path / out), keep_rejected)
    return run_stage(spec, shards, LocalExecutor(1), [str(tmp_path / "in")], overwrite)


def sum_of_stats(folder: DatasetFolder) -> dict:
    total: dict = {}
    for stats in folder.all_stats():
        merge_counters(total, stats["counters"])
        total["rows"] = total.get("rows", 0) + stats["rows"]
    return total


def test_first_run_processes_every_shard_and_writes_the_manifest(tmp_path):
    shards = write_inputs(tmp_path / "in", INPUTS)
    report = run(tmp_path, shards, keep_rejected=True)
    assert (report.total, report.processed, report.skipped, report.failed) == (3, 3, 0, [])
    assert report.exit_code == 0
    assert sorted(RUNS) == ["s0", "s1", "s2"]
    assert report.counters == {
        "in": 8,
        "kept": 5,
        "dropped": {"words": {"drop": 3, "never": 0}},
        "rows": 5,
    }
    folder = DatasetFolder(tmp_path / "out")
    manifest = folder.read_manifest()
    assert manifest["stage"] == TestStep.name
    assert manifest["params"] == {"drop_word": "drop", "fail_word": "boom"}
    assert manifest["inputs"] == [str(tmp_path / "in")]
    assert manifest["output"] == str(tmp_path / "out")
    assert manifest["shards"] == {"total": 3, "done": 3, "failed": []}
    assert manifest["counters"] == report.counters
    assert manifest["executor"] == "local"
    assert "corpuskit" in manifest["versions"] and "pyarrow" in manifest["versions"]
    assert set(manifest["timings"]) == {"shard_seconds", "wall_seconds"}
    assert manifest["created"].endswith("+00:00")
    texts = [d.text for f in expand_document_inputs([str(folder.root)]) for d in read_documents(f)]
    assert sorted(texts) == ["keep five", "keep four", "keep one", "keep three", "keep two"]
    assert len(list(read_documents(str(folder.rejected_path("s2"))))) == 2


def test_rerun_skips_done_shards_and_says_so(tmp_path, capsys):
    shards = write_inputs(tmp_path / "in", INPUTS)
    first = run(tmp_path, shards)
    RUNS.clear()
    capsys.readouterr()
    second = run(tmp_path, shards)
    assert RUNS == []
    assert (second.processed, second.skipped) == (0, 3)
    assert second.counters == first.counters
    assert "all 3 shards" in capsys.readouterr().err


def test_only_the_shard_without_marker_reruns(tmp_path, capsys):
    shards = write_inputs(tmp_path / "in", INPUTS)
    first = run(tmp_path, shards)
    Path(DatasetFolder(tmp_path / "out").done_path("s1")).unlink()
    RUNS.clear()
    capsys.readouterr()
    second = run(tmp_path, shards)
    assert RUNS == ["s1"]
    assert (second.processed, second.skipped) == (1, 2)
    assert "2 of 3 shards already done; running 1" in capsys.readouterr().err
    assert second.counters == first.counters


def test_temporaries_of_a_killed_run_are_removed_once_their_shard_is_done(tmp_path, capsys):
    shards = write_inputs(tmp_path / "in", INPUTS)
    folder = DatasetFolder(tmp_path / "out")
    # What `kill -9` leaves behind: a half-written data file, stats and marker of s1 ...
    left = [
        Path(folder.root) / "data" / ".s1.parquet.tmp-4242",
        Path(folder.root) / "_stats" / ".s1.json.tmp-4242",
        Path(folder.root) / "_done" / ".s1.tmp-4242",
    ]
    # ... and a temporary of a shard that is not part of this run (kept: not done).
    other = Path(folder.root) / "data" / ".s9.parquet.tmp-4242"
    for path in [*left, other]:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"partial")
    run(tmp_path, shards)
    assert [p for p in left if p.exists()] == []
    assert other.exists()
    assert "removed 3 temporary file(s) left by an interrupted run" in capsys.readouterr().err
    assert sorted(folder.done_shards()) == ["s0", "s1", "s2"]


def test_overwrite_reruns_everything(tmp_path):
    shards = write_inputs(tmp_path / "in", INPUTS)
    run(tmp_path, shards)
    RUNS.clear()
    report = run(tmp_path, shards, overwrite=True, params=TestStep.Params(drop_word="keep"))
    assert sorted(RUNS) == ["s0", "s1", "s2"]
    assert report.skipped == 0
    assert report.counters["kept"] == 3 and report.counters["dropped"]["words"]["drop"] == 5


def test_failed_shard_is_reported_without_marker_and_the_rest_go_on(tmp_path):
    inputs = dict(INPUTS, s1=["keep three", "boom"])
    shards = write_inputs(tmp_path / "in", inputs)
    report = run(tmp_path, shards, keep_rejected=True)
    assert sorted(RUNS) == ["s0", "s1", "s2"]
    assert report.exit_code == 1
    assert report.failed == [
        {"shard": "s1", "error": "ValueError: cannot handle document " + _id_of("boom")}
    ]
    folder = DatasetFolder(tmp_path / "out")
    assert folder.done_shards() == ["s0", "s2"]
    for path in (
        folder.data_path("s1"),
        folder.rejected_path("s1"),
        folder.stats_path("s1"),
    ):
        assert not Path(path).exists()
    leftovers = [p.name for p in Path(folder.root).rglob("*") if p.name.startswith(".")]
    assert leftovers == [], "an aborted shard leaves no temporary files"
    manifest = folder.read_manifest()
    assert manifest["shards"]["done"] == 2 and manifest["shards"]["failed"] == report.failed
    assert manifest["counters"]["in"] == 7


def _id_of(text: str) -> str:
    from corpuskit.document import content_id

    return content_id(text)


def test_resumed_run_manifest_equals_sum_of_stats_and_an_uninterrupted_run(tmp_path):
    broken = write_inputs(tmp_path / "in", dict(INPUTS, s2=["keep four", "boom"]))
    assert run(tmp_path, broken).exit_code == 1
    fixed = write_inputs(tmp_path / "in", INPUTS)  # the input is repaired; rerun resumes
    RUNS.clear()
    resumed = run(tmp_path, fixed)
    assert RUNS == ["s2"] and resumed.exit_code == 0
    folder = DatasetFolder(tmp_path / "out")
    manifest = folder.read_manifest()
    assert manifest["counters"] == sum_of_stats(folder)
    assert manifest["shards"] == {"total": 3, "done": 3, "failed": []}

    clean = run(tmp_path, fixed, out="clean")
    assert manifest["counters"] == clean.counters


def test_lineage_records_the_upstream_manifest(tmp_path):
    shards = write_inputs(tmp_path / "in", INPUTS)
    run(tmp_path, shards)
    upstream = str(tmp_path / "out")
    files = expand_document_inputs([upstream])
    second = [Shard(id=f"t{i}", path=path) for i, path in enumerate(files)]
    spec = StageSpec(TestStep.name, TestStep.Params(drop_word="five"), str(tmp_path / "next"))
    report = run_stage(spec, second, LocalExecutor(1), [upstream])
    assert report.counters["kept"] == 4
    (lineage,) = DatasetFolder(tmp_path / "next").read_manifest()["lineage"]
    assert lineage["path"] == upstream
    assert lineage["stage"] == TestStep.name
    assert lineage["counters"]["in"] == 8


def test_extra_manifest_keys_and_duplicate_shard_ids(tmp_path):
    shards = write_inputs(tmp_path / "in", {"a": ["keep"]})
    spec = StageSpec(TestStep.name, TestStep.Params(), str(tmp_path / "out"))
    run_stage(spec, shards, LocalExecutor(1), [], extra_manifest={"preset": "test"})
    assert DatasetFolder(tmp_path / "out").read_manifest()["preset"] == "test"
    with pytest.raises(ValueError, match="unique"):
        run_stage(spec, shards + shards, LocalExecutor(1), [])


def test_shards_left_from_other_inputs_are_warned_about(tmp_path, capsys):
    shards = write_inputs(tmp_path / "in", INPUTS)
    run(tmp_path, shards)
    capsys.readouterr()
    report = run(tmp_path, shards[:2])
    assert report.counters["in"] == 4, "the manifest counts only this run's shards"
    err = capsys.readouterr().err
    assert "warning: 1 completed shard(s) in" in err and "(e.g. s2)" in err
    assert "use --overwrite or a new output folder" in err
    run(tmp_path, shards[:2], overwrite=True)
    assert "warning" not in capsys.readouterr().err
    assert DatasetFolder(tmp_path / "out").done_shards() == ["s0", "s1"]


def test_the_step_is_found_by_name():
    assert get_step(TestStep.name) is TestStep


def test_merge_counters_sums_nested_numbers():
    into = {"in": 2, "dropped": {"c4": {"lorem": 1}}, "seconds": 0.5, "note": "a"}
    merge_counters(into, {"in": 3, "dropped": {"c4": {"lorem": 2, "curly": 1}}, "seconds": 0.25})
    merge_counters(into, {"dropped": {"gopher": {"words": 4}}, "note": "b", "errors": ["x"]})
    assert into == {
        "in": 5,
        "dropped": {"c4": {"lorem": 3, "curly": 1}, "gopher": {"words": 4}},
        "seconds": 0.75,
        "note": "b",
        "errors": ["x"],
    }


def test_merge_counters_does_not_add_booleans():
    assert merge_counters({"ok": True}, {"ok": True}) == {"ok": True}
    assert merge_counters({}, {"n": 0, "empty": {}}) == {"n": 0, "empty": {}}


def test_every_manifest_key_is_documented(tmp_path):
    from pathlib import Path

    shards = write_inputs(tmp_path / "in", {"a": ["keep"]})
    run(tmp_path, shards)
    doc = (Path(__file__).resolve().parents[2] / "docs" / "dataset-folder.md").read_text()
    for key in DatasetFolder(tmp_path / "out").read_manifest():
        assert f"| `{key}` |" in doc, f"manifest key {key!r} is not in docs/dataset-folder.md"
