"""`corpuskit import`: curated sources become dataset folders that dedup and mix read."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli.main import cli
from corpuskit.dataset import DatasetFolder
from corpuskit.mix.sources import SourceReader
from corpuskit.mix.webtext import UrlSelector, normalise_url
from corpuskit.readers import read_documents
from tests.corpuskit.mix_helpers import SAMPLES

DEV_BOOKS = Path(__file__).resolve().parents[2] / ".." / "shared" / "devdata" / "books"
LOCAL = ("--executor", "local", "--workers", "1", "-q")


def run(*args):
    return CliRunner().invoke(cli, [*map(str, args)])


def documents(folder: Path):
    return [d for f in DatasetFolder(str(folder)).data_files() for d in read_documents(f)]


def test_wikipedia_import_holds_what_mix_reads_and_resumes(tmp_path):
    dump = SAMPLES / "wiki" / "samplewiki-pages-articles.xml"
    out = tmp_path / "wikipedia"
    result = run("import", "wikipedia", dump, "-o", out, "--json", *LOCAL)
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["counters"]["documents"] == 4
    assert summary["counters"]["reading"]["skipped"]["redirect"] == 2
    expected = [
        row["text"]
        for table in SourceReader("w", "wikipedia", (str(dump),)).tables()
        for row in table.to_pylist()
    ]
    docs = documents(out)
    assert [d.text for d in docs] == expected
    assert {d.source for d in docs} == {"wikipedia"}
    assert json.loads((out / "manifest.json").read_text())["stage"] == "import"
    again = run("import", "wikipedia", dump, "-o", out, "--json", *LOCAL)
    assert json.loads(again.stdout)["skipped"] == 1


def test_books_are_grouped_into_shards_and_webtext_is_selected_by_url(tmp_path):
    books = run(
        "import", "books", SAMPLES / "books", "-o", tmp_path / "b", "--books-per-shard", 2, *LOCAL
    )
    assert books.exit_code == 0, books.output
    assert sorted(DatasetFolder(str(tmp_path / "b")).done_shards()) == [
        "books-00000",
        "books-00001",
    ]
    assert len(documents(tmp_path / "b")) == 3
    web = run(
        "import",
        "webtext",
        SAMPLES / "webtext" / "webtext.jsonl",
        "--url-list",
        SAMPLES / "webtext" / "urls.txt",
        "-o",
        tmp_path / "wt",
        *LOCAL,
    )
    assert web.exit_code == 0, web.output
    kept = documents(tmp_path / "wt")
    listed = UrlSelector.from_file(str(SAMPLES / "webtext" / "urls.txt")).urls
    assert kept and all(d.source == "webtext" for d in kept)
    assert all(normalise_url(d.url) in listed for d in kept)
    assert len(kept) < len(list(read_documents(str(SAMPLES / "webtext" / "webtext.jsonl"))))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("webtext", "x.jsonl"), "import webtext needs --url-list FILE"),
        (("books", "nowhere"), "nowhere does not exist"),
        (("books", "{samples}/books", "--url-list", "{samples}/webtext/urls.txt"), "--url-list"),
    ],
)
def test_errors_name_the_fix(tmp_path, args, message):
    args = [a.format(samples=SAMPLES) for a in args]
    result = run("import", *args, "-o", tmp_path / "o", *LOCAL)
    assert result.exit_code == 2
    assert message in result.stderr


@pytest.mark.slow
def test_the_same_book_in_two_encodings_is_one_document_after_import_and_dedup(tmp_path):
    if not (DEV_BOOKS / "pg44157").is_dir():
        pytest.skip(f"devdata books not found at {DEV_BOOKS} (shared dev data absent)")
    books = tmp_path / "in"
    shutil.copytree(DEV_BOOKS / "pg44157", books, ignore=shutil.ignore_patterns("*.yaml"))
    assert run("import", "books", books, "-o", tmp_path / "books", *LOCAL).exit_code == 0
    wiki = SAMPLES / "wiki" / "samplewiki-pages-articles.xml"
    assert run("import", "wikipedia", wiki, "-o", tmp_path / "wikipedia", *LOCAL).exit_code == 0
    assert len(documents(tmp_path / "books")) == 2
    result = run(
        "dedup",
        tmp_path / "wikipedia",
        tmp_path / "books",
        "-o",
        tmp_path / "dd",
        "--priority",
        "wikipedia,books",
        "--json",
        *LOCAL,
    )
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["counters"]["removed_by_input"]["books"]["minhash"] == 1
    kept = documents(tmp_path / "dd")
    assert sum(d.source == "books" for d in kept) == 1
    assert sum(d.source == "wikipedia" for d in kept) == 4
    package = run(
        "mix",
        "--preset",
        "gpt3",
        "--books",
        tmp_path / "dd" / "data" / "books__books-00000.parquet",
        "--wikipedia",
        tmp_path / "wikipedia",
        "-o",
        tmp_path / "pkg",
        "--total-tokens",
        60000,
        "--json",
        "-q",
    )
    assert package.exit_code == 0, package.output
    assert json.loads(package.stdout)["sources"]["books"]["rows"] >= 1
    recipe = json.loads((tmp_path / "pkg" / "manifest.json").read_text())["recipe"]
    assert recipe["sources"]["books"]["kind"] == recipe["sources"]["wikipedia"]["kind"] == "dataset"
