"""The stages driven by make (examples/pipeline.mk) give the same documents as `corpuskit run`.

`corpuskit run examples/demo.toml` is run once by the ``demo_run`` fixture (`make demo`'s
recipe); here make drives the same stages one command each (with the local executor, where
the demo uses Dask), and every stage's documents must be identical, row for row and column
for column, shard by shard.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest

ROOT = Path(__file__).resolve().parents[2]
STAGES = ("extract", "filter", "dedup", "decontaminate", "mix")
COMMANDS = ("extract", "filter", *["import"] * 4, "dedup", "decontaminate", "mix")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed"),
]


def documents(stage_folder: Path, part: str = "data") -> dict[str, list[dict]]:
    """Every row of every Parquet shard under ``stage_folder/part``, by shard file name."""
    return {
        path.name: pq.read_table(path).to_pylist()
        for path in sorted((stage_folder / part).glob("*.parquet"))
    }


@pytest.fixture(scope="module")
def make_run(tmp_path_factory):
    ck = Path(sys.executable).parent / "corpuskit"
    out = tmp_path_factory.mktemp("make") / "out"
    args = ["make", "-f", "examples/pipeline.mk", f"CK={ck}", f"OUT={out}", "EXECUTOR=local"]
    first = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=600)
    return args, ck, out, first


def test_make_runs_every_stage_once_in_order(make_run):
    _, ck, _, first = make_run
    assert first.returncode == 0, first.stderr[-3000:]
    commands = [line.split()[1] for line in first.stdout.splitlines() if line.startswith(str(ck))]
    assert commands == list(COMMANDS)


@pytest.mark.parametrize("stage", STAGES)
def test_each_stage_gives_the_documents_of_corpuskit_run(make_run, demo_run, stage):
    _, _, out, first = make_run
    demo_out, demo = demo_run
    assert first.returncode == 0, first.stderr[-3000:]
    assert demo.returncode == 0, demo.stderr[-3000:]
    by_make, by_run = documents(out / stage), documents(demo_out / stage)
    assert by_run and sum(map(len, by_run.values())) > 0, f"{stage}: `corpuskit run` kept nothing"
    assert sorted(by_make) == sorted(by_run)  # the same shards
    for shard, rows in by_run.items():
        assert by_make[shard] == rows, f"{stage}/{shard}: the documents differ"
    if stage == "filter":
        assert documents(out / stage, "rejected") == documents(demo_out / stage, "rejected")


def test_a_second_make_has_nothing_to_do(make_run):
    args, _, _, first = make_run
    assert first.returncode == 0, first.stderr[-3000:]
    second = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert second.returncode == 0, second.stderr
    assert "Nothing to be done" in second.stdout or "is up to date" in second.stdout
