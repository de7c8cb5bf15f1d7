"""`corpuskit run`: the plan built from one config file, and its errors."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from cli.main import cli


def invoke(*args):
    return CliRunner().invoke(cli, ["run", *args])


def write(tmp_path, text):
    path = tmp_path / "pipeline.toml"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_dry_run_chains_each_stage_on_the_previous_output(tmp_path):
    config = write(
        tmp_path,
        '[run]\noutput = "OUT"\nworkers = 3\n[extract]\ninputs = ["warcs"]\n'
        '[filter]\npreset = "fineweb"\nkeep_rejected = true\n[dedup]\nurl = true\n',
    )
    result = invoke(config, "--dry-run")
    assert result.exit_code == 0, result.output
    stages = json.loads(result.stdout)["stages"]
    assert [s["stage"] for s in stages] == ["extract", "filter", "dedup"]
    extract, filter_, dedup = (s["args"] for s in stages)
    assert extract[-2:] == ["--", "warcs"] and "--workers" in extract
    assert filter_[-2:] == ["--", "OUT/extract"]
    assert "--keep-rejected" in filter_ and filter_[filter_.index("--preset") + 1] == "fineweb"
    assert dedup[-2:] == ["--", "OUT/filter"] and "--url" in dedup


def test_extract_table_sets_the_language_gate(tmp_path):
    config = write(
        tmp_path,
        '[run]\noutput = "OUT"\n[extract]\ninputs = ["w"]\nlanguages = ["en", "de"]\n'
        "language_floor = 0.05\n",
    )
    result = invoke(config, "--dry-run")
    assert result.exit_code == 0, result.output
    args = json.loads(result.stdout)["stages"][0]["args"]
    languages = [args[i + 1] for i, arg in enumerate(args) if arg == "--languages"]
    assert languages == ["en", "de"]
    assert args[args.index("--language-floor") + 1] == "0.05"


def test_flags_on_the_command_line_win_over_the_run_table(tmp_path):
    config = write(tmp_path, '[run]\noutput = "OUT"\nworkers = 3\n[extract]\ninputs = ["w"]\n')
    result = invoke(config, "--dry-run", "--workers", "1", "--executor", "local")
    args = json.loads(result.stdout)["stages"][0]["args"]
    assert args[args.index("--workers") + 1] == "1"
    assert args[args.index("--executor") + 1] == "local"


def test_output_flag_replaces_the_run_tables_output_root(tmp_path):
    config = write(tmp_path, '[run]\noutput = "OUT"\n[extract]\ninputs = ["w"]\n[filter]\n')
    result = invoke(config, "--dry-run", "-o", "ELSEWHERE")
    extract, filter_ = (s["args"] for s in json.loads(result.stdout)["stages"])
    assert extract[extract.index("--output") + 1] == "ELSEWHERE/extract"
    assert filter_[-2:] == ["--", "ELSEWHERE/extract"]
    assert "OUT" not in json.dumps(extract + filter_)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[extract]\ninputs = ['w']\n", '[run] needs output = "FOLDER"'),
        ("[run]\noutput = 'o'\ncolour = 1\n[extract]\n", "unknown key(s) in [run]: colour"),
        ("[run]\noutput = 'o'\nstages = ['bake']\n", "stages must be among"),
        ("[run]\noutput = 'o'\n[extract]\ninputs = ['w']\nspeed = 3\n", "unknown setting 'speed'"),
        ("[run]\noutput = 'o'\n[filter]\nannotate = 'yes'\n", "annotate must be true or false"),
        ("[run\n", "is not valid TOML"),
    ],
)
def test_bad_configs_exit_2_with_the_fix(tmp_path, text, message):
    result = invoke(write(tmp_path, text), "--dry-run")
    assert result.exit_code == 2
    assert message in result.stderr


def test_a_missing_config_file_is_a_usage_error(tmp_path):
    result = invoke(str(tmp_path / "nope.toml"))
    assert result.exit_code == 2
    assert "does not exist" in result.stderr


def test_a_failed_stage_stops_the_chain_with_its_exit_code(tmp_path):
    warcs = tmp_path / "warcs"
    warcs.mkdir()
    (warcs / "broken.warc.gz").write_bytes(b"this is not a WARC file at all\n" * 10)
    config = write(
        tmp_path,
        f'[run]\noutput = "{tmp_path / "out"}"\nexecutor = "local"\nworkers = 1\n'
        f'[extract]\ninputs = ["{warcs}"]\n[filter]\npreset = "gopher"\n',
    )
    result = invoke(config, "--json")
    assert result.exit_code == 1
    stages = json.loads(result.stdout)["stages"]
    assert [(s["stage"], s["exit_code"]) for s in stages] == [("extract", 1)]
    assert stages[0]["summary"]["failed"][0]["shard"].startswith("broken")
    assert not (tmp_path / "out" / "filter").exists()


def test_per_filter_tables_reach_the_filter_stage(tmp_path):
    """[filter.<name>] tables configure that filter, as in `corpuskit filter --config`."""
    docs = tmp_path / "docs.jsonl"
    words = " ".join(["the river ran past the old mill and the town"] * 6)
    docs.write_text(
        "\n".join(json.dumps({"id": f"d{i}", "text": f"{words}. " * (i + 1)}) for i in range(3)),
        encoding="utf-8",
    )
    config = write(
        tmp_path,
        f'[run]\noutput = "{tmp_path / "out"}"\nexecutor = "local"\nworkers = 1\n'
        f'stages = ["filter"]\n[filter]\ninputs = ["{docs}"]\nfilter = ["gopher_quality"]\n'
        "[filter.gopher_quality]\nmax_words = 100\n",
    )
    planned = json.loads(invoke(config, "--dry-run").stdout)["stages"][0]["args"]
    assert planned[planned.index("--config") + 1] == config
    result = invoke(config, "--json")
    assert result.exit_code == 0, result.output
    counters = json.loads(result.stdout)["stages"][0]["summary"]["counters"]
    assert counters["filters"]["gopher_quality"]["dropped"]["too_many_words"] == 2
    assert counters["filters"]["gopher_quality"]["kept"] == 1


def test_sub_tables_of_a_stage_without_config_tables_are_refused(tmp_path):
    config = write(
        tmp_path, '[run]\noutput = "o"\n[extract]\ninputs = ["w"]\n[extract.deep]\nx = 1\n'
    )
    result = invoke(config, "--dry-run")
    assert result.exit_code == 2
    assert "[extract]: sub-tables ['deep']" in result.stderr
