"""`corpuskit extract` end to end: outputs, resume, errors, kill -9, Dask."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli.main import cli
from corpuskit.dataset import DatasetFolder
from corpuskit.readers import read_documents
from tests.warcs import (
    article_html,
    english_paragraphs,
    metadata,
    request,
    response,
    warcinfo,
    write_warc,
)

ROOT = Path(__file__).resolve().parents[2]


def make_crawl(folder: Path, files: int, pages: int, prefix: str = "CC-MAIN-2024-10") -> Path:
    """``files`` WARC.gz files of ``pages`` distinct articles each, in Common Crawl's order."""
    for f in range(files):
        records = [warcinfo()]
        for p in range(pages):
            url = f"https://news{f}.example/story/{p}"
            html = article_html(f"Story {f}-{p}", english_paragraphs(f * 1000 + p))
            records += [request(url), response(url, html), metadata(url)]
        records.append(
            response(f"https://news{f}.example/logo.png", b"PNG", content_type="image/png")
        )
        write_warc(folder / f"{prefix}-{f:05d}.warc.gz", records)
    return folder


def run(*args: str):
    return CliRunner().invoke(cli, ["extract", *args], catch_exceptions=False)


def documents(out: Path) -> list[tuple[str, str]]:
    """(id, text) of every document in a dataset folder, sorted; duplicates kept."""
    found = []
    for path in DatasetFolder(out).data_files():
        found.extend((d.id, d.text) for d in read_documents(str(path)))
    return sorted(found)


@pytest.fixture
def crawl(tmp_path):
    return make_crawl(tmp_path / "warcs", files=3, pages=4)


def test_extract_writes_documents_counters_and_a_manifest(crawl, tmp_path):
    out = tmp_path / "out"
    result = run(str(crawl), "-o", str(out), "--executor", "local", "--workers", "1", "--json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["processed"] == 3 and summary["failed"] == []
    counters = summary["counters"]
    assert counters["documents"] == counters["rows"] == 12
    assert counters["skipped"]["non_html"] == 3 and counters["skipped"]["not_response"] == 27
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["stage"] == "extract"
    assert manifest["params"]["extractor"]["favor_precision"] is True
    docs = [d for p in DatasetFolder(out).data_files() for d in read_documents(str(p))]
    assert {d.source for d in docs} == {"cc:CC-MAIN-2024-10"}
    assert all(d.metadata["title"].startswith("Story ") for d in docs)


def test_second_run_does_no_work_and_a_deleted_marker_reruns_one_shard(crawl, tmp_path):
    out = tmp_path / "out"
    args = [str(crawl), "-o", str(out), "--executor", "local", "--workers", "1"]
    assert run(*args).exit_code == 0
    before = documents(out)
    folder = DatasetFolder(out)
    mtimes = {Path(p).name: Path(p).stat().st_mtime_ns for p in folder.data_files()}

    again = run(*args)
    assert again.exit_code == 0
    assert "already done; nothing to do" in again.stderr
    assert "0 shards run, 3 skipped" in again.stdout

    victim = folder.done_shards()[1]
    Path(folder.done_path(victim)).unlink()
    rerun = run(*args, "--json")
    assert "2 of 3 shards already done; running 1" in rerun.stderr
    assert json.loads(rerun.stdout)["processed"] == 1
    assert documents(out) == before
    changed = [
        Path(p).name
        for p in folder.data_files()
        if Path(p).stat().st_mtime_ns != mtimes[Path(p).name]
    ]
    assert changed == [f"{victim}.parquet"]


def test_a_large_file_is_split_into_byte_range_shards_with_the_same_documents(tmp_path):
    crawl = make_crawl(tmp_path / "warcs", files=1, pages=30)
    whole, split = tmp_path / "whole", tmp_path / "split"
    assert run(str(crawl), "-o", str(whole), "--executor", "local", "--workers", "1").exit_code == 0
    result = run(str(crawl), "-o", str(split), "--executor", "local", "--workers", "1",
                 "--shard-size", "8KB", "--json")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["total"] > 3
    assert documents(split) == documents(whole)
    assert len(documents(whole)) == 30


def test_dry_run_prints_the_plan_and_writes_nothing(crawl, tmp_path):
    result = run(str(crawl), "-o", str(tmp_path / "out"), "--dry-run", "--extractor", "resiliparse")
    assert result.exit_code == 0
    plan = json.loads(result.stdout)
    assert len(plan["shards"]) == 3 and plan["params"]["extractor"]["extractor"] == "resiliparse"
    assert not (tmp_path / "out").exists()


def test_error_missing_input(tmp_path):
    result = run(str(tmp_path / "nope.warc.gz"), "-o", str(tmp_path / "out"))
    assert result.exit_code == 2
    assert "Error: input not found: " in result.stderr and "nope.warc.gz" in result.stderr


def test_error_folder_without_warcs(tmp_path):
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "notes.txt").write_text("hello")
    result = run(str(tmp_path / "empty"), "-o", str(tmp_path / "out"))
    assert result.exit_code == 2
    assert "Error: no WARC file found in folder" in result.stderr


def test_error_unreadable_file(crawl, tmp_path, monkeypatch):
    target = sorted(crawl.iterdir())[0]
    if os.geteuid() == 0:  # root reads anything: make open() fail as EACCES would
        import builtins

        from corpuskit.extract import shards

        real_open = builtins.open

        def deny(path, *args, **kwargs):
            if str(path) == str(target):
                raise PermissionError(13, "Permission denied", str(path))
            return real_open(path, *args, **kwargs)

        monkeypatch.setattr(shards, "open", deny, raising=False)
    else:
        target.chmod(0)
    result = run(str(target), "-o", str(tmp_path / "out"))
    assert result.exit_code == 2
    assert f"Error: cannot read {target}: Permission denied" in result.stderr


@pytest.mark.parametrize(
    ("option", "message"),
    [
        (["--shard-size", "lots"], "Invalid value for --shard-size: invalid size 'lots'"),
        (["--max-page-bytes", "0"], "Invalid value for --max-page-bytes: invalid size '0'"),
        (["--timeout", "-1"], "Invalid value for '--timeout'"),
        (
            ["--extractor", "boilerpipe"],
            "Invalid value for '--extractor': 'boilerpipe' is not one of",
        ),
        (["--workers", "0"], "Invalid value for '--workers'"),
    ],
)
def test_error_bad_option_values(crawl, tmp_path, option, message):
    result = run(str(crawl), "-o", str(tmp_path / "out"), *option)
    assert result.exit_code == 2
    assert message in result.stderr


def test_missing_resiliparse_is_reported_with_the_fix(crawl, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "resiliparse.extract.html2text", None)
    result = run(str(crawl), "-o", str(tmp_path / "out"), "--extractor", "resiliparse")
    assert result.exit_code == 2
    assert "pip install 'corpuskit[fast]'" in result.stderr


def test_a_file_that_is_not_a_warc_fails_its_shard_and_the_rest_goes_on(crawl, tmp_path):
    (crawl / "broken.warc.gz").write_bytes(b"\x1f\x8b\x08\x00 not really gzip" * 20)
    out = tmp_path / "out"
    result = run(str(crawl), "-o", str(out), "--executor", "local", "--workers", "1", "--json")
    assert result.exit_code == 1
    summary = json.loads(result.stdout)
    assert [f["shard"].split("-")[0] for f in summary["failed"]] == ["broken"]
    assert "nothing could be read" in summary["failed"][0]["error"]
    assert "rerun the same command to retry them" in result.stderr
    assert len(DatasetFolder(out).done_shards()) == 3


def test_sample_warcs_extract(tmp_path):
    samples = ROOT / "sample_warcs"
    if not any(samples.glob("*.warc.gz")):
        pytest.skip("sample_warcs not generated yet")
    out = tmp_path / "out"
    result = run(str(samples), "-o", str(out), "--executor", "local", "--workers", "1", "--json")
    assert result.exit_code == 0, result.output
    counters = json.loads(result.stdout)["counters"]
    assert counters["read_errors"] == 1  # the deliberately truncated file
    for reason in ("revisit", "non_200", "non_html", "empty"):
        assert counters["skipped"][reason] >= 1, reason


@pytest.mark.slow
def test_kill_9_mid_run_then_rerun_gives_the_same_documents(tmp_path):
    crawl = make_crawl(tmp_path / "warcs", files=8, pages=40)
    reference = tmp_path / "reference"
    assert (
        run(str(crawl), "-o", str(reference), "--executor", "local", "--workers", "1").exit_code
        == 0
    )

    out = tmp_path / "out"
    command = [sys.executable, "-m", "corpuskit", "extract", str(crawl), "-o", str(out),
               "--executor", "local", "--workers", "1"]  # fmt: skip
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    done_dir = out / "_done"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        if done_dir.is_dir() and len(list(done_dir.iterdir())) >= 2:
            break
        time.sleep(0.005)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL, "the run finished before it could be killed"
    done_at_kill = len(list(done_dir.iterdir()))
    assert 2 <= done_at_kill < 8

    rerun = run(str(crawl), "-o", str(out), "--executor", "local", "--workers", "1", "--json")
    assert rerun.exit_code == 0
    assert json.loads(rerun.stdout)["processed"] == 8 - done_at_kill
    final = documents(out)
    assert len({doc_id for doc_id, _ in final}) == len(final) == 320
    assert final == documents(reference)


@pytest.mark.slow
def test_dask_local_cluster_gives_the_same_output_as_local(crawl, tmp_path):
    local, dask = tmp_path / "local", tmp_path / "dask"
    assert run(str(crawl), "-o", str(local), "--executor", "local", "--workers", "1").exit_code == 0
    result = run(str(crawl), "-o", str(dask), "--executor", "dask", "--workers", "2",
                 "--dashboard-address", ":0", "--json")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["processed"] == 3
    assert documents(dask) == documents(local)
    counters = lambda p: json.loads((p / "manifest.json").read_text())["counters"]  # noqa: E731
    assert counters(dask)["skipped"] == counters(local)["skipped"]


@pytest.mark.slow
def test_existing_scheduler_gives_the_same_output_as_local(crawl, tmp_path, monkeypatch):
    from tests.integration.conftest import DaskProcesses

    local, remote = tmp_path / "local", tmp_path / "remote"
    assert run(str(crawl), "-o", str(local), "--executor", "local", "--workers", "1").exit_code == 0
    (tmp_path / "dask").mkdir()
    cluster = DaskProcesses(tmp_path / "dask", workers=1)  # its worker runs in tmp/dask
    monkeypatch.chdir(tmp_path)  # relative paths must still reach the worker
    try:
        result = run("warcs", "-o", "remote", "--scheduler", cluster.address, "--json")
    finally:
        cluster.close()
    assert result.exit_code == 0, result.output
    assert f"Dask scheduler: {cluster.address}" in result.stderr
    assert documents(remote) == documents(local)
