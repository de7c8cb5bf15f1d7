"""`corpuskit mix`: success, --json, --dry-run and every documented error (exit 2)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from click.testing import CliRunner

from cli.main import cli
from tests.corpuskit.mix_helpers import SAMPLES, write_web_folder

RECIPE = str(SAMPLES / "demo-recipe.toml")


@pytest.fixture(scope="module")
def web(tmp_path_factory):
    return write_web_folder(tmp_path_factory.mktemp("web") / "deduped", per_shard=100)


def run(*args):
    return CliRunner().invoke(cli, ["mix", *map(str, args)])


def test_demo_recipe_with_web_folder_builds_a_package(web, tmp_path):
    out = tmp_path / "package"
    result = run("--recipe", RECIPE, "--web", web, "-o", out, "--json", "-q")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert set(summary["sources"]) == {"web", "webtext", "books1", "books2", "wikipedia"}
    assert summary["splits"]["train"]["rows"] > 0
    assert (out / "data" / "train-00000-of-00001.parquet").exists()
    assert (out / "README.md").read_text().startswith("---\n")
    recorded = json.loads((out / "manifest.json").read_text())["recipe"]["sources"]["web"]["paths"]
    assert recorded == [str(web)]


def test_gpt3_preset_with_flags_and_overrides(web, tmp_path):
    out = tmp_path / "gpt3"
    result = run(
        "--preset",
        "gpt3",
        "--web",
        web,
        "--books",
        SAMPLES / "books" / "books1",
        "--books",
        SAMPLES / "books" / "books2",
        "--wikipedia",
        SAMPLES / "wiki" / "samplewiki-pages-articles.xml",
        "--webtext",
        SAMPLES / "webtext" / "webtext.jsonl",
        "--webtext-urls",
        SAMPLES / "webtext" / "urls.txt",
        "--total-tokens",
        "20000",
        "--max-epochs",
        "100",
        "--seed",
        "3",
        "--c4-validation",
        "--weight",
        "wikipedia=0.05",
        "-o",
        out,
    )
    assert result.exit_code == 0, result.output
    assert "mix: " in result.stdout and "books2" in result.stdout
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["recipe"]["validation"] == "c4-md5"
    assert manifest["recipe"]["sources"]["wikipedia"]["weight"] == 0.05
    assert manifest["recipe"]["sources"]["webtext"]["kind"] == "webtext"


def test_dry_run_prints_the_resolved_recipe_and_writes_nothing(web, tmp_path):
    result = run("--recipe", RECIPE, "--web", web, "-o", tmp_path / "p", "--dry-run", "--seed", "9")
    assert result.exit_code == 0, result.output
    resolved = json.loads(result.stdout)
    assert resolved["recipe"]["seed"] == 9
    assert not (tmp_path / "p").exists()


def _assert_clean_failure(result, tmp_path, *messages):
    assert result.exit_code == 2, result.output
    for message in messages:
        assert message in result.stderr
    assert "Traceback" not in result.output
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.startswith((".out", "out"))]
    assert leftovers == []


def test_malformed_dump_names_the_source_and_leaves_no_package(web, tmp_path):
    bad = tmp_path / "broken-dump.xml"
    bad.write_text("<mediawiki><page><title>Unclosed</title>\n<ns>0</ns>\n</mediawiki>")
    result = run("--recipe", RECIPE, "--web", web, "--wikipedia", bad, "-o", tmp_path / "out")
    _assert_clean_failure(
        result,
        tmp_path,
        "Error: source 'wikipedia' (wikipedia):",
        "broken-dump.xml: malformed MediaWiki XML at line 3",
    )


def test_unreadable_book_names_the_source_and_the_file(web, tmp_path):
    books = tmp_path / "books"
    books.mkdir()
    (books / "ok.txt").write_text("A readable book. " * 40)
    (books / "scan.txt").write_bytes(b"\x00\xff\xfe\x01" * 500)
    result = run(
        "--recipe", RECIPE, "--web", web, "--books", books, "--books", books, "-o", tmp_path / "out"
    )
    _assert_clean_failure(
        result,
        tmp_path,
        "Error: source 'books1' (books):",
        "scan.txt: cannot detect the text encoding",
    )


def test_empty_source_is_an_error_naming_it(web, tmp_path):
    empty = tmp_path / "empty-books"
    empty.mkdir()
    result = run(
        "--recipe", RECIPE, "--web", web, "--books", empty, "--books", empty, "-o", tmp_path / "out"
    )
    _assert_clean_failure(result, tmp_path, "Error: source 'books1' (books) has no documents")


def test_missing_input_path_is_an_error_naming_the_source(tmp_path):
    result = run("--recipe", RECIPE, "--web", tmp_path / "nope", "-o", tmp_path / "out")
    _assert_clean_failure(result, tmp_path, "Error: source 'web':", "does not exist")


def test_existing_output_needs_overwrite(web, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    result = run("--recipe", RECIPE, "--web", web, "-o", out)
    assert result.exit_code == 2
    assert "already exists and was not built from this recipe: use --overwrite" in result.stderr


def test_a_rerun_with_the_same_recipe_does_nothing(web, tmp_path):
    out = tmp_path / "out"
    assert run("--recipe", RECIPE, "--web", web, "-o", out).exit_code == 0
    shards = {p: p.stat().st_mtime_ns for p in (out / "data").iterdir()}
    again = run("--recipe", RECIPE, "--web", web, "-o", out)
    assert again.exit_code == 0, again.output
    assert "already complete with this recipe; nothing to do" in again.stderr
    assert {p: p.stat().st_mtime_ns for p in (out / "data").iterdir()} == shards
    other = run("--recipe", RECIPE, "--web", web, "--seed", "7", "-o", out)
    assert other.exit_code == 2 and "not built from this recipe" in other.stderr


def test_excess_epochs_can_fail(web, tmp_path):
    result = run(
        "--recipe",
        RECIPE,
        "--web",
        web,
        "--max-epochs",
        "2",
        "--on-excess-epochs",
        "fail",
        "-o",
        tmp_path / "out",
    )
    _assert_clean_failure(result, tmp_path, "needs", "epochs", "max_epochs is 2")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "no mixture given: use --recipe FILE or --preset gpt3"),
        (("--preset", "gpt3"), "--preset gpt3 needs at least one of"),
        (("--recipe", RECIPE, "--weight", "web"), "use NAME=WEIGHT"),
        (
            ("--recipe", RECIPE, "--weight", "nosuch=1", "--web", "x"),
            "--weight for unknown source(s) nosuch",
        ),
        (
            ("--recipe", RECIPE, "--webtext-urls", "u.txt", "--preset", "gpt3"),
            "either --recipe or --preset",
        ),
        (
            ("--preset", "gpt3", "--web", "w", "--c4-validation", "--validation-fraction", "0.1"),
            "either --c4-validation or",
        ),
        (("--recipe", RECIPE, "--web", "w", "--tokenizer", "bpe"), "unknown tokenizer 'bpe'"),
        (("--recipe", RECIPE, "--web", "w", "--shard-size", "lots"), "not a size"),
        (("--recipe", "missing.toml"), "cannot read recipe missing.toml"),
    ],
)
def test_usage_errors_exit_2_with_a_fix(tmp_path, args, message):
    result = run(*args, "-o", tmp_path / "out")
    assert result.exit_code == 2, result.output
    assert message in result.stderr


def test_help_lists_the_options():
    result = run("--help")
    assert result.exit_code == 0
    for option in (
        "--recipe",
        "--preset",
        "--books",
        "--wikipedia",
        "--webtext-urls",
        "--total-tokens",
        "--tokenizer",
        "--max-epochs",
        "--validation-fraction",
        "--c4-validation",
        "--shard-size",
    ):
        assert option in result.stdout


def test_positional_inputs_are_web_inputs_as_corpuskit_run_passes_them(web, tmp_path):
    out = tmp_path / "pkg"
    books = SAMPLES / "books" / "books1"
    result = run("--preset", "gpt3", "--books", books, "-o", out, "-q", "--", web)
    assert result.exit_code == 0, result.output
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["recipe"]["sources"]["web"]["paths"] == [str(web)]
    assert set(manifest["sources"]) == {"web", "books"}


def test_the_card_records_the_resolved_command(web, tmp_path):
    out = tmp_path / "pkg"
    result = run("--recipe", RECIPE, "--web", web, "--seed", "4", "-o", out, "-q")
    assert result.exit_code == 0, result.output
    command = json.loads((out / "manifest.json").read_text())["command"]
    assert command == f"corpuskit mix --recipe {RECIPE} --web {web} --seed 4 --output {out}"
    card = (out / "README.md").read_text()
    # The card is publishable: the builder's temporary (or home) folders never appear in it,
    # while manifest.json keeps the full lineage.
    assert str(tmp_path) not in card
    assert "--web …/" in card and "--seed 4 --output …/" in card


def test_a_build_abandoned_by_kill_9_is_removed_by_the_next_run(web, tmp_path):
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    abandoned = tmp_path / f".out.tmp-{dead.pid}"
    (abandoned / "data").mkdir(parents=True)
    running = tmp_path / f".out.tmp-{os.getppid()}"  # a live process: maybe still building
    running.mkdir()
    result = run("--recipe", RECIPE, "--web", web, "-o", tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert not abandoned.exists() and running.exists()
    assert f"removing {abandoned}, left by an interrupted run" in result.stderr
