"""`corpuskit run` with curated sources: [import.<name>] tables and the decontaminate stage."""

from __future__ import annotations

import json

from click.testing import CliRunner

from cli.main import cli

CONFIG = """
[run]
output = "o"
executor = "local"
[extract]
inputs = ["warcs"]
[import.wiki]
kind = "wikipedia"
inputs = ["dump.xml"]
[import.web2]
inputs = ["pages.jsonl"]
kind = "webtext"
url_list = "urls.txt"
[dedup]
inputs = []
named_inputs = ["web=o/extract", "wiki=o/import/wiki"]
priority = "wiki,web"
[decontaminate]
benchmarks = ["b=bench.jsonl"]
"""


def test_imports_run_beside_the_chain_and_decontaminate_reads_dedup(tmp_path):
    config = tmp_path / "run.toml"
    config.write_text(CONFIG)
    result = CliRunner().invoke(cli, ["run", str(config), "--dry-run"])
    assert result.exit_code == 0, result.output
    stages = [(s["stage"], s["args"]) for s in json.loads(result.stdout)["stages"]]
    assert [s for s, _ in stages] == ["extract", "import", "import", "dedup", "decontaminate"]
    assert stages[1][1][-3:] == ["--", "wikipedia", "dump.xml"]
    assert "o/import/wiki" in stages[1][1] and "--executor" in stages[1][1]
    assert stages[2][1][-3:] == ["--", "webtext", "pages.jsonl"]
    assert "--url-list" in stages[2][1]
    assert stages[4][1][-2:] == ["--", "o/dedup"] and "--benchmark" in stages[4][1]


def test_an_import_table_without_kind_is_an_error(tmp_path):
    config = tmp_path / "run.toml"
    config.write_text('[run]\noutput = "o"\n[import.books]\ninputs = ["b"]\n')
    result = CliRunner().invoke(cli, ["run", str(config), "--dry-run"])
    assert result.exit_code == 2
    assert "[import.books] must be a table with kind and inputs" in result.stderr
