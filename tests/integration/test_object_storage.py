"""Every stage on s3:// (a real S3 endpoint: moto's server) on a `dask scheduler` + 2 workers.

Each worker and the client start in their own empty folder, so nothing can pass through a
shared local path; the results must equal a local run. Kill tests: the client killed with
SIGKILL mid-stage, and a worker killed while it runs a shard, never leave a readable partial
or duplicated shard, and the rerun completes.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.httpserver import warc_bytes

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent

pytestmark = pytest.mark.slow

FILTERS = ["-f", "gopher_repetition", "-f", "gopher_quality", "-f", "fineweb_quality"]


def corpuskit(*args: str, cwd: Path, env: dict | None = None, check: bool = True):
    result = subprocess.run(
        [str(BIN / "corpuskit"), *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env or os.environ.copy(),
        timeout=600,
    )
    if check:
        assert result.returncode == 0, result.stderr
    return result


def rows(url: str, sub: str = "data") -> list[tuple]:
    """Every document of a dataset folder (local or s3://), as sorted (id, text, source) rows."""
    from corpuskit import storage
    from corpuskit.dataset import DatasetFolder
    from corpuskit.readers import read_documents

    folder = DatasetFolder(url)
    if sub == "data":
        files = folder.data_files()
    else:
        done = set(folder.done_shards())
        files = [
            storage.join(folder.root, sub, n)
            for n in storage.listdir(storage.join(folder.root, sub))
            if n.removesuffix(".parquet") in done
        ]
    return sorted((d.id, d.text, d.source) for f in files for d in read_documents(f))


def leftovers(url: str) -> list[str]:
    """Attempt objects (``.NAME.tmp-...``) anywhere under a folder."""
    from corpuskit import storage

    return [u for u, _ in storage.find_files(url) if storage.name_of(u).startswith(".")]


def upload(local: Path, url: str) -> None:
    from corpuskit import storage

    for path in sorted(local.rglob("*")):
        if path.is_file():
            with storage.open(storage.join(url, path.relative_to(local).as_posix()), "wb") as fh:
                fh.write(path.read_bytes())


def test_extract_filter_dedup_on_s3_equal_a_local_run(s3_bucket, dask_processes, tmp_path):
    cluster = dask_processes(workers=2)  # started after the S3 environment is set
    client_home = tmp_path / "client"
    client_home.mkdir()
    warcs = f"{s3_bucket}/warcs"
    upload(ROOT / "sample_warcs", warcs)
    remote = f"{s3_bucket}/out"
    run = ["--scheduler", cluster.address, "-q"]
    corpuskit("extract", warcs, "-o", f"{remote}/extracted", *run, cwd=client_home)
    corpuskit(
        "filter", f"{remote}/extracted", "-o", f"{remote}/filtered", *FILTERS,
        "--keep-rejected", *run, cwd=client_home,
    )  # fmt: skip
    corpuskit(
        "dedup", f"{remote}/filtered", "-o", f"{remote}/deduped", "--url", *run, cwd=client_home
    )

    local = tmp_path / "local"
    here = ["--executor", "local", "-q"]
    corpuskit(
        "extract", str(ROOT / "sample_warcs"), "-o", str(local / "extracted"), *here, cwd=tmp_path
    )
    corpuskit(
        "filter", str(local / "extracted"), "-o", str(local / "filtered"), *FILTERS,
        "--keep-rejected", *here, cwd=tmp_path,
    )  # fmt: skip
    corpuskit(
        "dedup", str(local / "filtered"), "-o", str(local / "deduped"), "--url", *here, cwd=tmp_path
    )

    for stage in ("extracted", "filtered", "deduped"):
        assert rows(f"{remote}/{stage}") == rows(str(local / stage)), stage
        assert rows(f"{remote}/{stage}"), f"{stage} kept nothing: the comparison would be empty"
    assert rows(f"{remote}/filtered", "rejected") == rows(str(local / "filtered"), "rejected")
    assert leftovers(remote) == []
    # Nothing was written to a local disk: not by the client, not by a worker.
    for home in [client_home, *cluster.homes]:
        written = [p for p in home.rglob("*") if p.is_file() and "dask-scratch" not in str(p)]
        assert written == [], written
    summary = json.loads(corpuskit("stats", f"{remote}/deduped", "--json", cwd=client_home).stdout)
    assert summary["datasets"][0]["documents"] == len(rows(str(local / "deduped")))


def _big_warc(tmp_path: Path, pages: int = 800) -> Path:
    path = tmp_path / "big.warc.gz"
    path.write_bytes(warc_bytes(tmp_path, "big.warc.gz", pages=pages, seed=5))
    return path


def _readable_shards_are_whole(url: str) -> int:
    """Every shard a marker names is complete (its row count is the marker's); returns how many."""
    from corpuskit import storage
    from corpuskit.dataset import DatasetFolder
    from corpuskit.readers import read_documents

    folder = DatasetFolder(url)
    markers = storage.read_many([folder.done_path(s) for s in folder.done_shards()])
    for marker_url, data in markers.items():
        marker = json.loads(data)
        shard = storage.name_of(marker_url)
        docs = list(read_documents(storage.join(url, marker["data"])))
        assert len(docs) == marker["rows"], shard
    return len(markers)


def test_client_killed_mid_stage_leaves_only_whole_shards_and_the_rerun_completes(
    s3_bucket, dask_processes, tmp_path
):
    cluster = dask_processes(workers=2)
    warc = _big_warc(tmp_path)
    source = f"{s3_bucket}/in/big.warc.gz"
    from corpuskit import storage

    with storage.open(source, "wb") as fh:
        fh.write(warc.read_bytes())
    out = f"{s3_bucket}/killed"
    args = [str(BIN / "corpuskit"), "extract", source, "-o", out, "--shard-size", "40KB"]
    args += ["--scheduler", cluster.address, "-q"]
    job = subprocess.Popen(args, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    from corpuskit.dataset import DatasetFolder

    folder = DatasetFolder(out)
    deadline = time.monotonic() + 120
    while not folder.done_shards():
        assert job.poll() is None, job.stderr.read().decode()
        assert time.monotonic() < deadline, "no shard finished in time"
        time.sleep(0.05)
    os.kill(job.pid, signal.SIGKILL)  # the client dies mid-stage
    job.wait(timeout=30)
    done_at_kill = _readable_shards_are_whole(out)
    planned = json.loads(
        corpuskit(
            "extract", source, "-o", out, "--shard-size", "40KB", "--dry-run", cwd=tmp_path
        ).stdout
    )["shards"]
    assert 0 < done_at_kill < len(planned), "the kill did not land mid-stage"

    rerun = corpuskit(
        "extract", source, "-o", out, "--shard-size", "40KB", "--scheduler", cluster.address,
        "--json", cwd=tmp_path,
    )  # fmt: skip
    report = json.loads(rerun.stdout)
    assert report["exit_code"] == 0 and report["skipped"] >= done_at_kill
    assert _readable_shards_are_whole(out) == len(planned)
    local = tmp_path / "local"
    corpuskit("extract", str(warc), "-o", str(local), "--executor", "local", "-q", cwd=tmp_path)
    got = rows(out)
    assert [r[1:] for r in got] == [r[1:] for r in rows(str(local))]
    assert len({r[0] for r in got}) == len(got), "a document was written twice"
    assert leftovers(out) == []


def test_worker_killed_mid_shard_with_output_on_s3(s3_bucket, dask_processes, tmp_path):
    from distributed import Client

    from corpuskit import storage

    cluster = dask_processes(workers=2)
    warc = _big_warc(tmp_path, pages=1200)
    source = f"{s3_bucket}/in/big.warc.gz"
    with storage.open(source, "wb") as fh:
        fh.write(warc.read_bytes())
    out = f"{s3_bucket}/worker-killed"
    args = [str(BIN / "corpuskit"), "extract", source, "-o", out, "--shard-size", "80KB"]
    args += ["--scheduler", cluster.address, "--json"]
    job = subprocess.Popen(
        args, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    killed = None
    with Client(cluster.address, timeout="10s") as watcher:
        pids = watcher.run(os.getpid)
        deadline = time.monotonic() + 120
        while killed is None and time.monotonic() < deadline and job.poll() is None:
            busy = {w: keys for w, keys in watcher.processing().items() if keys}
            running = [w for w, keys in busy.items() if any("extract" in str(k) for k in keys)]
            if running and any_shard_done(out):
                victim = running[0]
                os.kill(pids[victim], signal.SIGKILL)  # the worker dies with a shard in flight
                killed = (victim, list(busy[victim]))
            time.sleep(0.02)
    stdout, stderr = job.communicate(timeout=300)
    assert killed is not None, "no worker was caught running a shard: " + stderr
    assert job.returncode == 0, stderr
    report = json.loads(stdout)
    assert report["failed"] == [] and report["processed"] == report["total"]
    assert _readable_shards_are_whole(out) == report["total"]
    local = tmp_path / "local"
    corpuskit("extract", str(warc), "-o", str(local), "--executor", "local", "-q", cwd=tmp_path)
    assert [r[1:] for r in rows(out)] == [r[1:] for r in rows(str(local))]
    assert leftovers(out) == []


def any_shard_done(url: str) -> bool:
    """True once at least one shard is done (so the kill lands mid-stage, not before it)."""
    from corpuskit.dataset import DatasetFolder

    return bool(DatasetFolder(url).done_shards())
