"""`corpuskit filter` through CliRunner: every documented error, --list, --config, --dry-run."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli.main import cli
from corpuskit.dataset import DatasetFolder, ShardOutput
from corpuskit.document import Document
from tests.lid_model import train_lid_model
from tests.prose import english_article


@pytest.fixture(scope="session")
def lid_model(tmp_path_factory):
    return train_lid_model(tmp_path_factory.mktemp("lid"))


@pytest.fixture
def docs(tmp_path):
    """A JSONL file with good articles and short pages."""
    path = tmp_path / "docs.jsonl"
    rows = [{"id": f"good-{i}", "text": english_article(i)} for i in range(4)]
    rows += [{"id": f"short-{i}", "text": "Too short."} for i in range(2)]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    return path


def invoke(*args, env=None):
    return CliRunner().invoke(cli, ["filter", *map(str, args)], env=env, catch_exceptions=False)


def local(*args):
    return invoke(*args, "--executor", "local", "--workers", "1", "-q")


def test_filters_with_set_and_reports_counters(docs, tmp_path):
    result = local(
        docs,
        "-o",
        tmp_path / "out",
        "-f",
        "gopher_quality",
        "--set",
        "gopher_quality.min_words=60",
        "--json",
    )
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    stats = summary["counters"]["filters"]["gopher_quality"]
    assert stats["in"] == 6 and stats["kept"] == 4
    assert stats["dropped"]["too_few_words"] == 2
    assert stats["dropped"]["stop_words"] == 0
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert manifest["params"]["chain"][0]["params"]["min_words"] == 60
    assert (tmp_path / "out" / "data" / "docs.parquet").exists()


def test_config_file_gives_the_chain_in_order(docs, tmp_path):
    config = tmp_path / "pipeline.toml"
    config.write_text(
        "[filters.gopher_repetition]\n\n[filters.gopher_quality]\nmin_words = 10\n",
        encoding="utf-8",
    )
    result = local(docs, "-o", tmp_path / "out", "--config", config, "--dry-run")
    assert result.exit_code == 0, result.output
    resolved = json.loads(result.stdout)
    assert [link["name"] for link in resolved["chain"]] == ["gopher_repetition", "gopher_quality"]
    assert resolved["chain"][1]["params"]["min_words"] == 10
    assert resolved["shards"] == [{"id": "docs", "path": str(docs)}]


def test_config_tables_update_a_preset_and_set_wins(docs, tmp_path):
    config = tmp_path / "pipeline.toml"
    config.write_text('preset = "gopher"\n[gopher_quality]\nmin_words = 10\n', encoding="utf-8")
    result = local(
        docs,
        "-o",
        tmp_path / "out",
        "--config",
        config,
        "--set",
        "gopher_quality.min_words=20",
        "--dry-run",
    )
    assert result.exit_code == 0, result.output
    chain = json.loads(result.stdout)["chain"]
    assert [link["name"] for link in chain] == ["gopher_repetition", "gopher_quality"]
    assert chain[1]["params"]["min_words"] == 20


def test_list_shows_filters_params_reasons_and_presets():
    result = invoke("--list")
    assert result.exit_code == 0
    assert "gopher_quality (filter)" in result.stdout
    assert "c4_lines (cleaner)" in result.stdout
    assert "min_score = 0.65" in result.stdout
    assert "reasons: wrong_language, low_score" in result.stdout
    assert "fineweb: url_blocklist -> lang -> gopher_repetition" in result.stdout
    as_json = json.loads(invoke("--list", "--json").stdout)
    by_name = {row["name"]: row for row in as_json["filters"]}
    assert by_name["lang"]["params"]["languages"] == ["en"]
    assert all(row["source"] for row in as_json["filters"] if not row["name"].startswith("test_"))


def test_keep_rejected_writes_filter_and_reason(docs, tmp_path):
    result = local(docs, "-o", tmp_path / "out", "-f", "gopher_quality", "--keep-rejected")
    assert result.exit_code == 0
    import pyarrow.parquet as pq

    rejected = pq.read_table(tmp_path / "out" / "rejected" / "docs.parquet").to_pylist()
    assert {(r["id"], r["reject.filter"], r["reject.reason"]) for r in rejected} == {
        ("short-0", "gopher_quality", "too_few_words"),
        ("short-1", "gopher_quality", "too_few_words"),
    }


def test_rerun_skips_done_shards(docs, tmp_path):
    assert local(docs, "-o", tmp_path / "out", "-f", "gopher_quality").exit_code == 0
    again = invoke(
        docs, "-o", tmp_path / "out", "-f", "gopher_quality", "--executor", "local", "-v"
    )
    assert again.exit_code == 0
    assert "already done" in again.stderr


def test_lang_with_lid_model(docs, tmp_path, lid_model):
    result = local(docs, "-o", tmp_path / "out", "-f", "lang", "--lid-model", lid_model, "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["counters"]["filters"]["lang"]["kept"] == 6
    german = local(
        docs,
        "-o",
        tmp_path / "de",
        "-f",
        "lang",
        "--lid-model",
        lid_model,
        "--set",
        "lang.languages=de",
        "--json",
    )
    assert (
        json.loads(german.stdout)["counters"]["filters"]["lang"]["dropped"]["wrong_language"] == 6
    )


def _annotated_without_manifest(tmp_path):
    folder = DatasetFolder(tmp_path / "plain")
    output = ShardOutput(folder, "s0")
    output.write(Document("a", "text without signals"))
    output.finish({})
    return Path(folder.root)


@pytest.mark.parametrize(
    "args, message",
    [
        (["-f", "gopher_quality"], "no output folder given: add -o OUT"),
        (["-o", "OUT"], "no filter given: use -f NAME"),
        (["-o", "OUT", "-f", "nosuch"], "unknown filter 'nosuch'"),
        (["-o", "OUT", "--preset", "c5"], "unknown preset 'c5'"),
        (
            ["-o", "OUT", "-f", "gopher_quality", "--set", "gopher_quality.nope=1"],
            "unknown parameter(s) nope",
        ),
        (
            ["-o", "OUT", "-f", "gopher_quality", "--set", "gopher_quality"],
            "expected FILTER.PARAM=VALUE",
        ),
        (
            ["-o", "OUT", "-f", "gopher_quality", "--set", "lang.min_score=0.5"],
            "filter 'lang' is not in the chain",
        ),
        (
            ["-o", "OUT", "-f", "gopher_quality", "--set", "gopher_quality.min_words=ten"],
            "min_words='ten' is not a valid int",
        ),
        (
            ["-o", "OUT", "-f", "gopher_quality", "--annotate", "--from-signals"],
            "--annotate and --from-signals exclude each other",
        ),
        (
            ["-o", "OUT", "-f", "gopher_quality", "--keep-signals"],
            "--keep-signals only applies with --from-signals",
        ),
        (
            ["-o", "OUT", "-f", "gopher_quality", "--lid-model", "m.bin"],
            "--lid-model given but the chain has no `lang` filter",
        ),
    ],
)
def test_configuration_errors_exit_2(docs, tmp_path, args, message):
    args = [str(tmp_path / "out") if a == "OUT" else a for a in args]
    result = invoke(docs, *args)
    assert result.exit_code == 2
    assert message in result.stderr


def test_input_errors_exit_2(tmp_path):
    result = invoke("-o", tmp_path / "out", "-f", "gopher_quality")
    assert result.exit_code == 2 and "no input given" in result.stderr
    result = invoke(tmp_path / "missing.jsonl", "-o", tmp_path / "out", "-f", "gopher_quality")
    assert result.exit_code == 2 and "input not found" in result.stderr


def test_missing_lid_model_is_exit_2_with_the_fix(docs, tmp_path, monkeypatch):
    monkeypatch.setenv("CORPUSKIT_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv("CORPUSKIT_LID_MODEL", raising=False)
    result = local(docs, "-o", tmp_path / "out", "-f", "lang")
    assert result.exit_code == 2
    assert "run `corpuskit models fetch lid`" in result.stderr
    assert not (tmp_path / "out").exists()


def test_from_signals_errors(docs, tmp_path):
    plain = _annotated_without_manifest(tmp_path)
    result = invoke(plain, "-o", tmp_path / "out", "--from-signals")
    assert result.exit_code == 2
    assert "--from-signals without -f/--preset needs an input folder written by" in result.stderr
    result = invoke(plain, "-o", tmp_path / "out", "--from-signals", "-f", "gopher_quality")
    assert result.exit_code == 2
    assert "has no signals for filter gopher_quality" in result.stderr


def test_from_signals_refuses_to_change_a_cleaner(docs, tmp_path):
    annotated = tmp_path / "annotated"
    assert (
        local(
            docs, "-o", annotated, "-f", "c4_lines", "-f", "gopher_quality", "--annotate"
        ).exit_code
        == 0
    )
    result = invoke(
        annotated,
        "-o",
        tmp_path / "out",
        "--from-signals",
        "--set",
        "c4_lines.min_words_per_line=2",
    )
    assert result.exit_code == 2
    assert "cleaner c4_lines edited the text when the data was annotated" in result.stderr
    ok = local(
        annotated,
        "-o",
        tmp_path / "out",
        "--from-signals",
        "--set",
        "gopher_quality.min_words=1",
        "--json",
    )
    assert ok.exit_code == 0, ok.output
    assert json.loads(ok.stdout)["counters"]["documents_kept"] >= 4


def test_help_is_complete():
    result = invoke("--help")
    assert result.exit_code == 0
    for option in (
        "--preset",
        "--set",
        "--annotate",
        "--from-signals",
        "--by-language",
        "--lid-model",
        "--list",
    ):
        assert option in result.stdout


def test_a_damaged_input_fails_its_shard_only_exit_1(docs, tmp_path):
    damaged = tmp_path / "damaged.parquet"
    damaged.write_bytes(b"PAR1 this is not parquet")
    result = invoke(
        docs,
        damaged,
        "-o",
        tmp_path / "out",
        "-f",
        "gopher_quality",
        "--executor",
        "local",
        "--workers",
        "1",
    )
    assert result.exit_code == 1
    assert "failed shards: damaged; rerun the same command to retry them" in result.stderr
    assert (tmp_path / "out" / "_done" / "docs").exists()
    assert not (tmp_path / "out" / "_done" / "damaged").exists()


def test_shard_ids_follow_file_names_and_stay_unique():
    from cli.filter import shard_ids

    files = ["a/data/x.parquet", "b/data/x.parquet", "c/y.jsonl.gz", "d/z.jsonl"]
    assert shard_ids(files) == ["x", "x-2", "y", "z"]


def test_limit_takes_the_first_inputs(docs, tmp_path):
    second = tmp_path / "second.jsonl"
    second.write_text(docs.read_text(), encoding="utf-8")
    result = local(
        docs, second, "-o", tmp_path / "out", "-f", "gopher_quality", "--limit", "1", "--dry-run"
    )
    assert [s["id"] for s in json.loads(result.stdout)["shards"]] == ["docs"]


@pytest.mark.slow
def test_two_worker_processes_resolve_filters_by_name(tmp_path):
    """The chain travels to other processes as (name, frozen params): no test-only state."""
    for name in ("one", "two"):
        rows = [{"id": f"{name}-{i}", "text": english_article(i)} for i in range(3)]
        rows.append({"id": f"{name}-short", "text": "Short."})
        (tmp_path / f"{name}.jsonl").write_text(
            "\n".join(json.dumps(r) for r in rows), encoding="utf-8"
        )
    result = invoke(
        tmp_path / "one.jsonl",
        tmp_path / "two.jsonl",
        "-o",
        tmp_path / "out",
        "--preset",
        "gopher",
        "--executor",
        "local",
        "--workers",
        "2",
        "--json",
    )
    assert result.exit_code == 0, result.output + result.stderr
    counters = json.loads(result.stdout)["counters"]
    assert counters["documents_in"] == 8 and counters["documents_kept"] == 6
    assert counters["filters"]["gopher_quality"]["dropped"]["too_few_words"] == 2


def test_config_file_takes_filter_and_set_lists(docs, tmp_path):
    config = tmp_path / "filter.toml"
    config.write_text(
        '[filter]\nfilter = ["gopher_repetition", "gopher_quality"]\n'
        'set = ["gopher_quality.min_words=40"]\nkeep_rejected = true\n',
        encoding="utf-8",
    )
    result = local(docs, "-o", tmp_path / "out", "--config", config, "--dry-run")
    assert result.exit_code == 0, result.output + result.stderr
    chain = json.loads(result.stdout)["chain"]
    assert [link["name"] for link in chain] == ["gopher_repetition", "gopher_quality"]
    assert chain[1]["params"]["min_words"] == 40
