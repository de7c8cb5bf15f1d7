"""CliRunner tests of `corpuskit crawl`: every documented error, --list-crawls, --dry-run."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from cli.main import cli
from tests.httpserver import CRAWL, FaultServer, common_crawl_files

FAST = ["--retries", "0", "--max-rps", "1000"]
COLLINFO = [
    {"id": "CC-MAIN-2024-10", "name": "February/March 2024 Index", "from": "2024-02-20"},
    {"id": "CC-MAIN-2023-50", "name": "November/December 2023 Index", "from": "2023-11-28"},
]


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    found = common_crawl_files(tmp_path_factory.mktemp("cc"), n_files=2)
    found["collinfo.json"] = json.dumps(COLLINFO).encode()
    return found


@pytest.fixture()
def server(files):
    with FaultServer(files) as srv:
        yield srv


def invoke(*args):
    return CliRunner().invoke(cli, ["crawl", *args])


def test_unknown_crawl_is_a_clear_error(server, tmp_path):
    result = invoke("CC-MAIN-1999-01", "-o", str(tmp_path), "--base-url", server.url(), *FAST)
    assert result.exit_code == 2
    assert (
        f"Error: cannot fetch the warc listing {server.url()}crawl-data/CC-MAIN-1999-01/warc.paths.gz: "
        "HTTP 404 Not Found" in result.stderr
    )
    assert (
        "check the crawl name 'CC-MAIN-1999-01' with `corpuskit crawl --list-crawls`"
        in result.stderr
    )


def test_listing_that_keeps_failing_is_a_clear_error(server, tmp_path):
    from tests.httpserver import Fault

    server.add_faults(f"crawl-data/{CRAWL}/warc.paths.gz", *[Fault("status", 503)] * 3)
    result = invoke(
        CRAWL,
        "-o",
        str(tmp_path),
        "--base-url",
        server.url(),
        "--retries",
        "1",
        "--backoff-base",
        "0.001",
    )
    assert result.exit_code == 2
    assert "HTTP 503" in result.stderr and "gave up after 2 attempts" in result.stderr


@pytest.mark.parametrize(
    "args, message",
    [
        (["--sample", "0"], "Invalid value for '--sample': 0 is not in the range x>=1."),
        (
            ["--sample", "5"],
            "Error: --sample 5 asks for more files than the listing has (2): use --sample 2 or less",
        ),
        (["--seed", "3"], "Error: --seed only applies with --sample N"),
        (["--segments", "42.0"], "Error: segment(s) 42.0 not in the listing"),
        (["--concurrency", "0"], "Invalid value for '--concurrency'"),
        (["--kind", "arc"], "Invalid value for '--kind'"),
    ],
)
def test_bad_selection_options(server, tmp_path, args, message):
    result = invoke(CRAWL, "-o", str(tmp_path), "--base-url", server.url(), *FAST, *args)
    assert result.exit_code == 2
    assert message in result.stderr


def test_missing_urls_file(tmp_path):
    result = invoke("--urls", str(tmp_path / "nope.txt"), "-o", str(tmp_path / "out"))
    assert result.exit_code == 2
    assert "Invalid value for '--urls'" in result.stderr and "does not exist" in result.stderr


def test_min_score_needs_a_score_column(tmp_path):
    urls = tmp_path / "urls.txt"
    urls.write_text("http://127.0.0.1:9/x\n")
    result = invoke("--urls", str(urls), "-o", str(tmp_path / "out"), "--min-score", "3")
    assert result.exit_code == 2
    assert "Error: --min-score needs a 'score' or 'karma' column" in result.stderr


@pytest.mark.parametrize(
    "args, message",
    [
        ([], "Error: nothing to crawl: give a crawl name"),
        ([CRAWL], "Error: missing option -o/--output"),
        (["../etc", "-o", "x"], "Error: crawl name '../etc' is not valid"),
        ([CRAWL, "-o", "x", "--urls", __file__], "give either CRAWL / --paths-file or --urls"),
        ([CRAWL, "--list-crawls"], "--list-crawls takes no CRAWL"),
        ([CRAWL, "-o", "x", "--min-score", "3"], "--min-score applies to --urls lists only"),
        (["--urls", __file__, "-o", "x", "--sample", "2"], "--sample and --segments apply to"),
        ([CRAWL, "-o", "x", "--base-url", "data.commoncrawl.org"], "has no scheme"),
    ],
)
def test_usage_errors(args, message):
    result = invoke(*args)
    assert result.exit_code == 2
    assert message in result.stderr


def test_missing_paths_file(tmp_path):
    result = invoke("--paths-file", str(tmp_path / "warc.paths.gz"), "-o", str(tmp_path))
    assert result.exit_code == 2
    assert "Error: cannot read the warc listing" in result.stderr
    assert "check the --paths-file path" in result.stderr


def test_a_store_without_its_backend_names_the_fix(tmp_path):
    # s3fs comes with corpuskit; gcsfs (gs://) is an extra, not installed for the tests.
    result = invoke(CRAWL, "-o", str(tmp_path), "--base-url", "gs://commoncrawl/")
    assert result.exit_code == 2
    assert (
        "gs:// needs the package gcsfs, which is not installed: pip install gcsfs" in result.stderr
    )


def test_list_crawls(server):
    url = server.url("collinfo.json")
    result = invoke("--list-crawls", "--collinfo-url", url)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == [
        "CC-MAIN-2024-10\tFebruary/March 2024 Index",
        "CC-MAIN-2023-50\tNovember/December 2023 Index",
    ]
    as_json = json.loads(invoke("--list-crawls", "--collinfo-url", url, "--json").stdout)
    assert [c["id"] for c in as_json] == ["CC-MAIN-2024-10", "CC-MAIN-2023-50"]
    missing = invoke("--list-crawls", "--collinfo-url", server.url("nope.json"), *FAST)
    assert missing.exit_code == 2
    assert (
        "cannot fetch the crawl list" in missing.stderr and "check --collinfo-url" in missing.stderr
    )


def test_dry_run_prints_the_plan_and_fetches_nothing(server, tmp_path, monkeypatch):
    monkeypatch.setenv("CORPUSKIT_CC_BASE_URL", server.url())
    result = invoke(CRAWL, "-o", str(tmp_path), "--kind", "wet", "--dry-run")
    assert result.exit_code == 0, result.stderr
    plan = json.loads(result.stdout)
    assert plan["listing"] == f"{server.url()}crawl-data/{CRAWL}/wet.paths.gz"
    assert plan["base_url"] == server.url() and server.log == []


def test_human_summary(server, tmp_path):
    result = invoke(CRAWL, "-o", str(tmp_path), "--base-url", server.url(), *FAST)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("crawl: 2 files downloaded (")
    assert "0 already done, 0 failed" in result.stdout
