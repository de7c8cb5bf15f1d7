"""`--config FILE` (shared by every stage): TOML defaults, flags win, clear errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli.main import cli

SAMPLES = Path(__file__).resolve().parents[2] / "sample_warcs"


def dry_run(tmp_path, text, *flags):
    config = tmp_path / "c.toml"
    config.write_text(text, encoding="utf-8")
    return CliRunner().invoke(
        cli, ["extract", "--config", str(config), "-o", str(tmp_path / "o"), "--dry-run", *flags]
    )


def test_the_command_table_gives_defaults_and_flags_win(tmp_path):
    text = f'[extract]\ninputs = ["{SAMPLES}"]\ntimeout = 3.5\nsource = "mine"\n'
    resolved = json.loads(dry_run(tmp_path, text).stdout)
    assert resolved["params"]["timeout"] == 3.5 and resolved["params"]["source"] == "mine"
    flagged = json.loads(dry_run(tmp_path, text, "--timeout", "7").stdout)
    assert flagged["params"]["timeout"] == 7.0 and flagged["params"]["source"] == "mine"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[extract]\nspeed = 1\n", "unknown setting(s) speed for `corpuskit extract`"),
        (
            "[extract]\n[extract.deep]\nx = 1\n",
            "sub-tables deep are not settings of `corpuskit extract`",
        ),
        ("[extract\n", "is not valid TOML"),
    ],
)
def test_config_errors_exit_2_naming_the_file(tmp_path, text, message):
    result = dry_run(tmp_path, text)
    assert result.exit_code == 2
    assert message in result.stderr
    assert "c.toml" in result.stderr


def test_a_reader_that_leaves_early_stops_the_command_quietly(tmp_path):
    """`corpuskit ... | head`: a closed stdout is exit 141 without a traceback."""
    import subprocess
    import sys
    from pathlib import Path

    command = [str(Path(sys.executable).parent / "corpuskit"), "filter", "--list"]
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.close()  # the reader is gone before the first line is written
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 141, stderr.decode()
    assert b"Traceback" not in stderr
