"""The stages driven by make (examples/pipeline.mk) give the same documents as `corpuskit run`."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_runs_the_stages_in_order_and_resumes(tmp_path):
    ck = Path(sys.executable).parent / "corpuskit"
    args = [
        "make",
        "-f",
        "examples/pipeline.mk",
        "filter",
        f"CK={ck}",
        f"OUT={tmp_path}",
        "EXECUTOR=local",
    ]
    first = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert first.returncode == 0, first.stderr
    commands = [line.split()[1] for line in first.stdout.splitlines() if line.startswith(str(ck))]
    assert commands == ["extract", "filter"]
    kept = [
        pq.read_table(p).num_rows for p in sorted((tmp_path / "filter" / "data").glob("*.parquet"))
    ]
    assert sum(kept) > 0
    second = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert second.returncode == 0
    assert "Nothing to be done" in second.stdout or "is up to date" in second.stdout
