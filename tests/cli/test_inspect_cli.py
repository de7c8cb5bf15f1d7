"""`corpuskit inspect`: selections, seeded sampling, paging without a TTY, --json."""

from __future__ import annotations

import json

import click
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from cli.main import cli
from tests.report_corpus import make_filtered


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return make_filtered(tmp_path_factory.mktemp("inspect"))


def inspect(*args):
    return CliRunner().invoke(cli, ["inspect", *map(str, args)])


def json_rows(result) -> list[dict]:
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_where_selects_exactly_the_matching_documents(folder):
    data = pq.read_table(folder / "data")
    expected = data.filter(pc.less(data["signals.gopher_quality.words"], 300))["id"].to_pylist()
    found = json_rows(inspect(folder, "--where", "signals.gopher_quality.words < 300", "--json"))
    assert expected and [r["id"] for r in found] == expected
    assert all(r["signals.gopher_quality.words"] < 300 for r in found)


def test_reason_reads_rejected_documents(folder):
    stats = json.loads(CliRunner().invoke(cli, ["stats", str(folder), "--json"]).stdout)
    count = stats["datasets"][0]["counters"]["filters"]["gopher_quality"]["dropped"][
        "too_few_words"
    ]
    found = json_rows(inspect(folder, "--reason", "gopher_quality.too_few_words", "--json"))
    assert count > 0 and len(found) == count
    assert {(r["reject.filter"], r["reject.reason"]) for r in found} == {
        ("gopher_quality", "too_few_words")
    }
    whole_filter = json_rows(inspect(folder, "--reason", "gopher_quality", "--json"))
    assert len(whole_filter) > count


def test_sample_is_seeded(folder):
    def ids(seed):
        return [
            r["id"] for r in json_rows(inspect(folder, "--sample", 4, "--seed", seed, "--json"))
        ]

    first = ids(7)
    assert len(first) == len(set(first)) == 4
    assert first == ids(7)
    assert first != ids(8)


def test_plain_output_without_a_tty_pages_nothing(folder, monkeypatch):
    def no_pager(*args, **kwargs):
        raise AssertionError("the pager must not run without a terminal")

    monkeypatch.setattr(click, "echo_via_pager", no_pager)
    result = inspect(folder, "--rejected", "--chars", 40)
    assert result.exit_code == 0, result.output
    rejected = pq.read_table(folder / "rejected")
    assert result.stdout.count("── #") == rejected.num_rows
    assert "rejected by: gopher_quality." in result.stdout
    assert "signals.gopher_quality.words: " in result.stdout
    assert "[…]" in result.stdout  # --chars cut the text


def test_limit_and_source(folder):
    assert len(json_rows(inspect(folder, "--limit", 2, "--json"))) == 2
    assert json_rows(inspect(folder, "--source", "nowhere", "--json")) == []


def test_a_single_parquet_file(folder):
    path = sorted((folder / "rejected").glob("*.parquet"))[0]
    found = json_rows(inspect(path, "--json"))
    assert len(found) == pq.read_metadata(path).num_rows


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--where", "words <"], "ends too early"),
        (["--where", "signals.nope.x < 3"], "no column signals.nope.x"),
    ],
)
def test_errors_exit_2_with_the_fix(folder, args, message):
    result = inspect(folder, *args)
    assert result.exit_code == 2
    assert message in result.output


def test_no_rejected_files(tmp_path):
    folder = make_filtered(tmp_path, annotate=False, keep_rejected=False)
    result = inspect(folder, "--reason", "c4_page")
    assert result.exit_code == 2
    assert "--keep-rejected" in result.output
    result = inspect(tmp_path / "absent")
    assert result.exit_code == 2 and "no such file or folder" in result.output


def test_inspect_and_report_read_any_storage_url(folder, tmp_path):
    """A dataset folder on another fsspec store (memory://) reads like a local one."""
    import fsspec

    fs = fsspec.filesystem("memory")
    fs.put(str(folder), "/i13-inspect/filtered", recursive=True)
    url = "memory://i13-inspect/filtered"
    local = json_rows(inspect(folder, "--reason", "c4_page", "--json"))
    remote = json_rows(inspect(url, "--reason", "c4_page", "--json"))
    assert [r["id"] for r in remote] == [r["id"] for r in local] and remote
    assert remote[0]["file"].startswith("memory://")
    page = tmp_path / "remote.html"
    result = CliRunner().invoke(cli, ["report", url, "-o", str(page)])
    assert result.exit_code == 0, result.output
    assert 'data-reason="c4_page.too_few_sentences"' in page.read_text(encoding="utf-8")
    fs.rm("/i13-inspect", recursive=True)
