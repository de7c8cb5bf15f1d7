"""Every stage gives byte-identical shards in two processes with different hash seeds.

A dependence on ``PYTHONHASHSEED`` (str hashes), set iteration order or dict order across
processes passes any check made twice in one interpreter. Here each stage runs as its own
``corpuskit`` process, once with ``PYTHONHASHSEED=1`` and once with ``PYTHONHASHSEED=2024``,
in two folders laid out the same way (so paths in the outputs agree), and every output shard
is compared byte for byte: document ids, the filter's keep/reject decisions (and the real
lid.176 classifier's languages and scores), dedup's kept documents and clusters, the mixed
package and its card, and the files a seeded ``crawl --sample`` picks from a listing.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.httpserver import CRAWL, FaultServer, common_crawl_files
from tests.lid_model import real_lid_model

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ("1", "2024")
# Written per run, legitimately different between two runs: wall-clock times and dates.
VOLATILE = {"manifest.json", "reduce.json", "settings.json"}
VOLATILE_DIRS = {"_done", "_stats"}

pytestmark = pytest.mark.slow


def start(cwd: Path, seed: str, *args: str, model: Path) -> subprocess.Popen:
    env = {**os.environ, "PYTHONHASHSEED": seed, "CORPUSKIT_LID_MODEL": str(model)}
    env.pop("DASK_SCHEDULER_ADDRESS", None)
    return subprocess.Popen(
        [sys.executable, "-m", "corpuskit", *args],
        cwd=cwd,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def run_both(folders: dict[str, Path], *args: str, model: Path) -> None:
    """The same command in each folder at once, each with its own hash seed."""
    jobs = {seed: start(folder, seed, *args, model=model) for seed, folder in folders.items()}
    for seed, job in jobs.items():
        try:
            _, stderr = job.communicate(timeout=300)
        except subprocess.TimeoutExpired:
            job.kill()
            _, stderr = job.communicate()
        assert job.returncode == 0, f"{args} with PYTHONHASHSEED={seed}:\n{stderr[-3000:]}"


def shards(folder: Path, run_folder: Path) -> dict[str, bytes]:
    """Every output file of a stage by relative path, run-specific metadata left out; the
    run's own folder (in recorded lineage paths: A or B, of equal length) reads ``RUN``."""
    found = {}
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder)
        if path.is_file() and path.name not in VOLATILE and not VOLATILE_DIRS & set(rel.parts):
            data = path.read_bytes().replace(bytes(run_folder), b"RUN")
            if path.name == "README.md":  # the card's counter tables show stage timings
                data = re.sub(rb"(?m)^.*seconds.*$", b"", data)
            found[str(rel)] = data
    return found


def without_timings(value):
    if isinstance(value, dict):
        return {k: without_timings(v) for k, v in value.items() if "seconds" not in k}
    return value


def counters(folder: Path):
    """The manifest's counters, without the ``*seconds*`` timings."""
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    return without_timings(manifest.get("counters"))


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """Two folders, A and B, each running every stage with one hash seed."""
    base = tmp_path_factory.mktemp("determinism")
    # The real lid.176 (or a loud failure: tests/lid_model.py). A model trained here would do
    # as well, but fastText training in a process that ran an in-process Dask cluster
    # before (test_dedup_cluster.py) ends in "Encountered NaN" for every seed.
    model = real_lid_model()
    folders = {seed: base / name for seed, name in zip(SEEDS, "AB", strict=True)}
    for folder in folders.values():
        folder.mkdir()
    return folders, model


STAGES = [
    ("extract", [str(ROOT / "sample_warcs"), "-o", "extract", "--executor", "local"]),
    (
        "filter",
        ["extract", "-o", "filter", "--preset", "fineweb", "--keep-rejected"]
        + ["--executor", "local"],
    ),
    ("dedup", ["filter", "-o", "dedup", "--url", "--executor", "local", "--workers", "2"]),
    ("mix", ["dedup", "-o", "mix", "--recipe", str(ROOT / "sample_sources/demo-recipe.toml")]),
]


@pytest.mark.parametrize(("stage", "args"), STAGES, ids=[s for s, _ in STAGES])
def test_a_stage_gives_the_same_bytes_under_two_hash_seeds(runs, stage, args):
    """Stages run in pipeline order; each reads its own folder's previous output, which the
    previous test found identical, so a difference here is this stage's own."""
    folders, model = runs
    if not all((f / args[0]).exists() for f in folders.values()) and stage != "extract":
        pytest.skip(f"the stage before {stage} did not run (see its failure)")
    run_both(folders, stage, *args, model=model)
    a, b = (shards(f / stage, f) for f in folders.values())
    assert a, f"{stage} wrote no output files"
    assert sorted(a) == sorted(b)
    differing = [name for name in a if a[name] != b[name]]
    assert not differing, f"{stage}: these files differ between the two hash seeds: {differing}"
    first, second = (counters(f / stage) for f in folders.values())
    assert first == second


def test_the_seeded_listing_sample_is_the_same_under_two_hash_seeds(tmp_path):
    files = common_crawl_files(tmp_path / "cc", n_files=8)
    folders = {seed: tmp_path / f"out-{seed}" for seed in SEEDS}
    for folder in folders.values():
        folder.mkdir()
    with FaultServer(files) as server:
        args = [CRAWL, "--sample", "3", "--seed", "5", "--base-url", server.url(), "-o", "."]
        run_both(folders, "crawl", *args, model=Path())
    picked = {
        seed: sorted(str(p.relative_to(out)) for p in out.rglob("*.warc.gz"))
        for seed, out in folders.items()
    }
    assert len(picked[SEEDS[0]]) == 3
    assert picked[SEEDS[0]] == picked[SEEDS[1]]
