"""The whole pipeline on sample_warcs through a real Dask LocalCluster, from one config file.

The fineweb preset needs the real lid.176 model: without it these tests fail naming the fix,
or skip with the reason under CORPUSKIT_TESTS_WITHOUT_LID176=1 (tests/lid_model.py).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from tests.lid_model import real_lid_model

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow


def corpuskit(*args, cwd=ROOT):
    return subprocess.run(
        [sys.executable, "-m", "corpuskit", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=600,
    )


def read_ids(folder: Path) -> list[str]:
    return sorted(
        row
        for path in sorted((folder / "data").glob("*.parquet"))
        for row in pq.read_table(path)["id"].to_pylist()
    )


@pytest.fixture(scope="module")
def pipeline(tmp_path_factory):
    real_lid_model()
    out = tmp_path_factory.mktemp("pipeline") / "out"
    config = out.parent / "pipeline.toml"
    config.write_text(
        f"""
[run]
output = "{out}"
workers = 2
dashboard_address = ":0"

[extract]
inputs = ["{ROOT / "sample_warcs"}"]

[filter]
preset = "fineweb"
keep_rejected = true

[dedup]
url = true

[mix]
recipe = "{ROOT / "sample_sources" / "demo-recipe.toml"}"
""",
        encoding="utf-8",
    )
    first = corpuskit("run", str(config), "--json")
    return out, config, first


def test_every_stage_runs_on_one_local_cluster(pipeline):
    out, _, first = pipeline
    assert first.returncode == 0, first.stderr
    summary = json.loads(first.stdout)
    assert [s["stage"] for s in summary["stages"]] == ["extract", "filter", "dedup", "mix"]
    assert all(s["exit_code"] == 0 for s in summary["stages"])
    assert first.stderr.count("Dask LocalCluster with 2 workers") == 1
    for stage in ("extract", "filter", "dedup"):
        manifest = json.loads((out / stage / "manifest.json").read_text())
        assert manifest["shards"]["failed"] == []
        assert manifest["shards"]["done"] == manifest["shards"]["total"] > 0


def test_filter_counts_every_reason_and_keeps_english_articles(pipeline):
    out, _, _ = pipeline
    counters = json.loads((out / "filter" / "manifest.json").read_text())["counters"]
    dropped = {
        f"{name}.{reason}": n
        for name, table in counters["filters"].items()
        for reason, n in table["dropped"].items()
        if n
    }
    assert dropped.get("lang.wrong_language", 0) >= 4  # de, fr, es, zh, ru sample pages
    assert dropped.get("url_blocklist.banned_url_word", 0) >= 1
    kept = read_ids(out / "filter")
    rejected = pq.read_table(out / "filter" / "rejected").to_pylist()
    assert kept and rejected
    assert not set(kept) & {row["id"] for row in rejected}
    assert {row["reject.filter"] for row in rejected} <= set(counters["filters"])


def test_dedup_removes_the_planted_duplicates(pipeline):
    out, _, _ = pipeline
    before, after = read_ids(out / "filter"), read_ids(out / "dedup")
    counters = json.loads((out / "dedup" / "manifest.json").read_text())["counters"]
    assert counters["removed"]["exact"] >= 1
    assert len(after) == len(before) - sum(counters["removed"].values())
    assert set(after) < set(before)


def test_the_package_verifies_and_carries_the_lineage(pipeline):
    out, _, _ = pipeline
    result = corpuskit("card", "verify", str(out / "mix"))
    assert result.returncode == 0, result.stderr
    manifest = json.loads((out / "mix" / "manifest.json").read_text())
    assert "fineweb" in json.dumps(manifest) or "gopher_repetition" in json.dumps(manifest)
    card = (out / "mix" / "README.md").read_text()
    assert card.startswith("---\n") and "wrong_language" in card


def test_a_rerun_resumes_and_does_nothing(pipeline):
    out, config, _ = pipeline
    before = {
        p: p.stat().st_mtime_ns
        for p in sorted(out.glob("*/data/*.parquet"))
        if "mix" not in p.parts
    }
    second = corpuskit("run", str(config), "--json", "--executor", "local")
    assert second.returncode == 0, second.stderr
    assert "already done; nothing to do" in second.stderr
    after = {p: p.stat().st_mtime_ns for p in before}
    assert after == before
