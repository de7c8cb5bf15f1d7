"""`corpuskit dedup` on the command line: a run, --dry-run, and every documented error."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from cli.main import cli
from corpuskit.document import Document
from tests.corpuskit.dedup_corpus import write_dataset


@pytest.fixture
def dataset(tmp_path):
    text = "The same article text, repeated across two captures of a page. " * 6
    docs = [
        Document(
            "one", text, url="https://www.a.org/x?utm_source=y", timestamp="2020-01-01T00:00:00Z"
        ),
        Document("two", text, url="https://b.org/y", timestamp="2021-01-01T00:00:00Z"),
        Document(
            "three", "Something else entirely, written once only. " * 6, url="http://a.org/x/"
        ),
    ]
    return write_dataset(tmp_path / "in", docs, 2)


def invoke(*args):
    return CliRunner().invoke(cli, ["dedup", *map(str, args)])


def test_run_with_json_summary(dataset, tmp_path):
    out = tmp_path / "out"
    result = invoke(
        dataset,
        "-o",
        out,
        "--executor",
        "local",
        "--workers",
        "1",
        "--url",
        "--keep",
        "newest",
        "--json",
    )
    assert result.exit_code == 0, result.output + result.stderr
    summary = json.loads(result.stdout)
    assert summary["counters"]["removed"] == {"url": 1, "exact": 1, "minhash": 0, "lines": 0}
    assert summary["counters"]["kept"] == 1
    assert summary["counters"]["reduce"]["clusters"] == {"exact": 1, "url": 1}
    assert (out / "clusters").is_dir() and (out / "manifest.json").exists()
    # A second run resumes: every shard is already done.
    again = invoke(
        dataset,
        "-o",
        out,
        "--executor",
        "local",
        "--workers",
        "1",
        "--url",
        "--keep",
        "newest",
        "--json",
    )
    assert again.exit_code == 0
    assert json.loads(again.stdout)["skipped"] == 2


def test_dry_run_prints_resolved_settings(dataset, tmp_path):
    plain = ["--threshold", "0.8", "--num-perm", "128", "--verify", "none", "--dry-run"]
    result = invoke(dataset, "-o", tmp_path / "o", *plain)
    assert result.exit_code == 0
    resolved = json.loads(result.stdout)
    assert (resolved["settings"]["bands"], resolved["settings"]["rows"]) == (9, 13)
    assert resolved["inputs"][0]["name"] == "in"
    fineweb = json.loads(
        invoke(dataset, "-o", tmp_path / "o", "--verify", "none", "--dry-run").stdout
    )
    assert (fineweb["settings"]["bands"], fineweb["settings"]["rows"]) == (14, 8)
    # The default, exact verification: banding chosen for recall 0.99 at the threshold.
    default = json.loads(invoke(dataset, "-o", tmp_path / "o", "--dry-run").stdout)["settings"]
    assert (default["verify"], default["bands"], default["rows"]) == ("exact", 22, 5)
    chars = ["--shingle", "chars:24", "--threshold", "0.8", "--dry-run"]
    chars = json.loads(invoke(dataset, "-o", tmp_path / "o", *chars).stdout)["settings"]
    assert (chars["shingle"], chars["ngram"], chars["bands"], chars["rows"]) == ("chars", 24, 16, 6)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--bands", "4"], "--bands and --rows go together"),
        (["--shingle", "letters:3"], "expected words:N or chars:N"),
        (["--bands", "20", "--rows", "8"], "exceeds --num-perm 112"),
        (["--threshold", "1.5"], "is not in (0, 1]"),
        (["--no-exact", "--no-minhash"], "nothing to do"),
        (["--input", "nameonly"], "expected NAME=PATH"),
        (["--priority", "wiki,in"], "--priority names unknown input(s) wiki"),
        (["--input", "in=DATASET"], "input name(s) in used twice"),
        (["--input", "a/b=DATASET"], "cannot name files"),
    ],
)
def test_configuration_errors(dataset, tmp_path, args, message):
    args = [str(dataset) if a == "DATASET" else a for a in args]
    result = invoke(dataset, "-o", tmp_path / "o", "--executor", "local", *args)
    assert result.exit_code == 2
    assert message in result.stderr


def test_no_input_is_an_error(tmp_path):
    result = invoke("-o", tmp_path / "o", "--index", tmp_path)
    assert result.exit_code == 2
    assert "no input to deduplicate" in result.stderr


def test_missing_input_is_an_error(tmp_path):
    result = invoke(tmp_path / "nope", "-o", tmp_path / "o", "--executor", "local")
    assert result.exit_code == 2
    assert "input not found" in result.stderr


def test_changed_settings_need_overwrite(dataset, tmp_path):
    out = tmp_path / "out"
    assert (
        invoke(
            dataset, "-o", out, "--executor", "local", "--workers", "1", "--no-minhash"
        ).exit_code
        == 0
    )
    result = invoke(dataset, "-o", out, "--executor", "local", "--workers", "1")
    assert result.exit_code == 2
    assert "rerun with --overwrite" in result.stderr
    forced = invoke(dataset, "-o", out, "--executor", "local", "--workers", "1", "--overwrite")
    assert forced.exit_code == 0, forced.stderr


def test_help_lists_the_options():
    result = invoke("--help")
    assert result.exit_code == 0
    for option in ("--keep", "--priority", "--index", "--verify", "--lines", "--scheduler"):
        assert option in result.stdout


def test_unreadable_shard_fails_the_map_phase_with_exit_1(tmp_path):
    folder = tmp_path / "files"
    folder.mkdir()
    (folder / "good.jsonl").write_text(json.dumps({"id": "g", "text": "fine text here"}) + "\n")
    (folder / "broken.parquet").write_bytes(b"not parquet at all")
    result = invoke(folder, "-o", tmp_path / "o", "--executor", "local", "--workers", "1")
    assert result.exit_code == 1
    assert "failed shards: broken" in result.stderr
    assert "broken.parquet: unreadable Parquet file" in result.stderr
    assert not (tmp_path / "o" / "data").exists()  # no partial dedup output
