"""`corpuskit extract` streaming WARCs over HTTP: same documents as local copies, faults counted.

A Common Crawl look-alike (``crawl-data/<crawl>/segments/<seg>/warc/*.warc.gz`` and the
``warc.paths.gz`` / ``wet.paths.gz`` listings) is served by tests/httpserver.py on 127.0.0.1,
which drops connections mid-body, answers 503 with Retry-After and 429, and cuts bodies short.
Every streamed run is compared with ``extract`` over the same files on the local disk, row by
row in the data Parquet files.
"""

from __future__ import annotations

import gzip
import json
import socket
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli.main import cli
from corpuskit.crawl.listing import select_paths
from corpuskit.dataset import DatasetFolder
from tests.httpserver import Fault, FaultServer
from tests.warcs import (
    article_html,
    conversion,
    english_paragraphs,
    metadata,
    request,
    response,
    warcinfo,
    write_warc,
)

CRAWL = "CC-MAIN-2024-10"
SEGMENTS = ("1707947473347.0", "1707947473518.2")


def run(*args: str):
    return CliRunner().invoke(
        cli, ["extract", *args, "--executor", "local", "--workers", "1"], catch_exceptions=False
    )


def rows(out: Path, root: str) -> list[dict]:
    """Every data row, sorted by id; ``metadata.warc_file`` made relative to ``root``."""
    import pyarrow.parquet as pq

    found = []
    for path in DatasetFolder(out).data_files():
        for row in pq.read_table(path).to_pylist():
            meta = json.loads(row["metadata"])
            assert meta["warc_file"].startswith(root)
            meta["warc_file"] = meta["warc_file"][len(root) :].lstrip("/")
            row["metadata"] = meta
            found.append(row)
    return sorted(found, key=lambda r: (r["id"], r["text"]))


def counters(out: Path) -> dict:
    return json.loads((out / "manifest.json").read_text())["counters"]


@pytest.fixture(scope="module")
def root(tmp_path_factory) -> Path:
    """Four WARC files of 12 articles each and one WET file, with their listings."""
    root = tmp_path_factory.mktemp("cc")
    warcs = []
    for f in range(4):
        records = [warcinfo()]
        for p in range(12):
            url = f"https://news{f}.example/story/{p}"
            html = article_html(f"Story {f}-{p}", english_paragraphs(f * 1000 + p))
            records += [request(url), response(url, html), metadata(url)]
        path = f"crawl-data/{CRAWL}/segments/{SEGMENTS[f % 2]}/warc/{CRAWL}-2024-{f:05d}.warc.gz"
        write_warc(root / path, records)
        warcs.append(path)
    wet = f"crawl-data/{CRAWL}/segments/{SEGMENTS[0]}/wet/{CRAWL}-2024-00000.warc.wet.gz"
    texts = [conversion(f"https://t.example/{i}", f"Plain text number {i}.") for i in range(5)]
    write_warc(root / wet, [warcinfo(), *texts])
    for kind, paths in (("warc", warcs), ("wet", [wet])):
        listing = root / f"crawl-data/{CRAWL}/{kind}.paths.gz"
        listing.write_bytes(gzip.compress("".join(p + "\n" for p in paths).encode(), mtime=0))
    return root


@pytest.fixture(scope="module")
def local_rows(root, tmp_path_factory) -> list[dict]:
    out = tmp_path_factory.mktemp("local") / "out"
    result = run(str(root / "crawl-data"), "-o", str(out))
    assert result.exit_code == 0, result.output
    return rows(out, str(root))


@pytest.fixture()
def server(root, monkeypatch):
    monkeypatch.setenv("CORPUSKIT_STREAM_RETRIES", "4")
    monkeypatch.setenv("CORPUSKIT_STREAM_BACKOFF_BASE", "0.001")
    monkeypatch.setenv("CORPUSKIT_STREAM_BACKOFF_MAX", "0.01")
    with FaultServer(root=root) as srv:
        yield srv


def warc_paths(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*.warc.gz") if "/warc/" in str(p))


def test_streaming_through_faults_gives_the_local_documents_and_counts_resumes(
    root, server, local_rows, tmp_path
):
    paths = warc_paths(root)
    for path in paths:
        server.add_faults(
            path,
            Fault("pass"),  # the size probe while planning
            Fault("status", 503, retry_after="1"),
            Fault("drop", fraction=0.5),
            Fault("status", 429),
            Fault("short", fraction=0.5),
        )
    out = tmp_path / "out"
    result = run(*(server.url(p) for p in paths), "-o", str(out))
    assert result.exit_code == 0, result.output
    wet_free = [r for r in local_rows if "/wet/" not in r["metadata"]["warc_file"]]
    assert rows(out, server.url()) == wet_free
    assert counters(out)["stream"]["retries"] == 4 * 4  # every fault, once
    assert counters(out)["stream"]["resumes"] == 4 * 2  # the dropped and the short body
    for path in paths:
        assert server.faults[path] == []
        resumed = [e for e in server.requests_for(path) if e.range not in ("bytes=0-", "bytes=0-0")]
        assert resumed and all(e.if_range for e in resumed)


@pytest.mark.slow
def test_byte_range_shards_of_a_remote_file_in_worker_processes_match_the_local_file(
    root, server, tmp_path
):
    path = warc_paths(root)[0]
    runs = {}
    for name, source, base in (
        ("local", str(root / path), str(root)),
        ("remote", server.url(path), server.url()),
    ):
        out = tmp_path / name
        result = CliRunner().invoke(
            cli,
            ["extract", source, "-o", str(out), "--shard-size", "6KB"]
            + ["--executor", "local", "--workers", "2"],
            catch_exceptions=False,
        )
        assert result.exit_code == 0, result.output
        runs[name] = (rows(out, base), json.loads((out / "manifest.json").read_text()))
    local, remote = runs["local"], runs["remote"]
    assert remote[1]["shards"]["total"] == local[1]["shards"]["total"] > 3
    assert remote[0] == local[0] and len(local[0]) == 12
    assert remote[1]["counters"]["stream"]["requests"] >= remote[1]["shards"]["total"]


def test_a_shard_that_keeps_failing_fails_and_the_rerun_completes(
    root, server, local_rows, tmp_path
):
    paths = warc_paths(root)
    # A body that makes progress is resumed any number of times; 5 failures in a row at
    # one byte are more than the 4 retries allowed.
    server.add_faults(paths[1], Fault("pass"), Fault("drop"), *[Fault("status", 503)] * 5)
    out = tmp_path / "out"
    urls = [server.url(p) for p in paths]
    first = run(*urls, "-o", str(out))
    assert first.exit_code == 1
    assert "gave up after 5 attempts" in first.stderr and "rerun to resume" in first.stderr
    assert len(DatasetFolder(out).done_shards()) == 3  # nothing of the failed shard is readable
    second = run(*urls, "-o", str(out))
    assert second.exit_code == 0, second.output
    wet_free = [r for r in local_rows if "/wet/" not in r["metadata"]["warc_file"]]
    assert rows(out, server.url()) == wet_free


def test_crawl_streams_the_sampled_files_of_the_listing(root, server, local_rows, tmp_path):
    out = tmp_path / "out"
    result = run(
        "--crawl", CRAWL, "--base-url", server.url(), "--sample", "2", "--seed", "3", "-o", str(out)
    )
    assert result.exit_code == 0, result.output
    chosen = select_paths(warc_paths(root), sample=2, seed=3)
    expected = [r for r in local_rows if r["metadata"]["warc_file"] in chosen]
    assert expected and rows(out, server.url()) == expected
    assert {r["source"] for r in expected} == {f"cc:{CRAWL}"}
    manifest = json.loads((out / "manifest.json").read_text())
    listing = server.url(f"crawl-data/{CRAWL}/warc.paths.gz")
    assert manifest["inputs"] == [listing]
    assert manifest["crawl"] | {"base_url": None} == {
        "crawl": CRAWL,
        "kind": "warc",
        "base_url": None,
        "listing": listing,
        "segments": [],
        "sample": 2,
        "seed": 3,
        "listed": 4,
        "files": 2,
    }


def test_crawl_wet_files_segments_limit_and_the_base_url_variable(
    root, server, local_rows, tmp_path, monkeypatch
):
    monkeypatch.setenv("CORPUSKIT_CC_BASE_URL", server.url())
    out = tmp_path / "wet"
    result = run("--crawl", CRAWL, "--kind", "wet", "-o", str(out))
    assert result.exit_code == 0, result.output
    wet = [r for r in local_rows if "/wet/" in r["metadata"]["warc_file"]]
    assert len(wet) == 5 and rows(out, server.url()) == wet
    out = tmp_path / "seg"
    result = run("--crawl", CRAWL, "--segments", SEGMENTS[1], "--limit", "1", "-o", str(out))
    assert result.exit_code == 0, result.output
    first_of_segment = [p for p in warc_paths(root) if SEGMENTS[1] in p][:1]
    expected = [r for r in local_rows if r["metadata"]["warc_file"] in first_of_segment]
    assert expected and rows(out, server.url()) == expected


def test_crawl_plans_from_the_listing_alone(root, server, tmp_path):
    result = run("--crawl", CRAWL, "--base-url", server.url(), "-o", str(tmp_path), "--dry-run")
    assert result.exit_code == 0, result.output
    plan = json.loads(result.stdout)
    assert len(plan["shards"]) == 4 and plan["crawl"]["files"] == 4
    assert [e.path for e in server.log] == [f"crawl-data/{CRAWL}/warc.paths.gz"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--crawl", CRAWL, "x.warc.gz"], "give either INPUTS or --crawl CRAWL, not both"),
        ([], "nothing to extract: give WARC files, folders, globs or URLs, or --crawl CRAWL"),
        (["x.warc.gz", "--sample", "2"], "--sample only apply with --crawl CRAWL"),
        (["--crawl", CRAWL, "--seed", "2"], "--seed only applies with --sample N"),
        (["--crawl", "../etc"], "crawl name '../etc' is not valid"),
    ],
)
def test_option_errors_say_what_to_do(args, message, tmp_path):
    result = run(*args, "-o", str(tmp_path / "o"))
    assert result.exit_code == 2 and message in result.stderr


def test_missing_files_and_crawls_are_clear_errors_before_work_starts(server, tmp_path):
    out = tmp_path / "out"
    missing = server.url("crawl-data/missing.warc.gz")
    result = run(missing, "-o", str(out))
    assert result.exit_code == 2
    assert f"Error: cannot read {missing}: HTTP 404 Not Found: the file is not there" in (
        result.stderr
    )
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{probe.getsockname()[1]}/a.warc.gz"
    result = run(closed, "-o", str(out))
    assert result.exit_code == 2
    assert f"Error: cannot read {closed} at byte 0: ConnectionRefusedError" in result.stderr
    assert "(gave up after 5 attempts): check the URL and the network" in result.stderr
    result = run("--crawl", "CC-MAIN-1999-01", "--base-url", server.url(), "-o", str(out))
    assert result.exit_code == 2
    assert "cannot fetch the warc listing" in result.stderr and "--list-crawls" in result.stderr
    assert not out.exists()


@pytest.mark.slow
def test_s3_inputs_stream_in_byte_range_shards_and_crawl_from_an_s3_base(
    root, local_rows, s3_bucket, tmp_path
):
    from corpuskit import storage

    fs, bucket = storage.filesystem(s3_bucket)
    fs.put(str(root / "crawl-data"), f"{bucket}/crawl-data", recursive=True)
    out = tmp_path / "s3"
    result = run(f"{s3_bucket}/crawl-data", "-o", str(out), "--shard-size", "6KB")
    assert result.exit_code == 0, result.output
    assert rows(out, s3_bucket) == local_rows
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["shards"]["total"] > 5  # the WARCs were split into byte ranges
    assert manifest["counters"]["stream"]["requests"] >= manifest["shards"]["total"]
    out = tmp_path / "crawl"
    result = run("--crawl", CRAWL, "--base-url", s3_bucket + "/", "--limit", "2", "-o", str(out))
    assert result.exit_code == 0, result.output
    listing = gzip.decompress((root / f"crawl-data/{CRAWL}/warc.paths.gz").read_bytes())
    first_two = listing.decode().split()[:2]
    expected = [r for r in local_rows if r["metadata"]["warc_file"] in first_two]
    assert expected and rows(out, s3_bucket) == expected
