"""The package layout as an API: dependency direction, help on every command, lazy imports."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from cli.main import cli, command_names

ROOT = Path(__file__).resolve().parents[1]
HEAVY = (
    "trafilatura",
    "fasttext",
    "dask",
    "distributed",
    "datasketch",
    "pyarrow",
    "numpy",
    "warcio",
    "pandas",
)


def imported_top_levels(package: str) -> dict[str, set[str]]:
    """Top-level module names imported anywhere in each file of ``package``."""
    found = {}
    for path in sorted((ROOT / package).rglob("*.py")):
        names = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module.split(".")[0])
        found[str(path.relative_to(ROOT))] = names
    return found


@pytest.mark.parametrize(
    ("package", "forbidden"),
    [("corpuskit", {"cli", "filters"}), ("filters", {"cli"})],
)
def test_dependency_direction(package, forbidden):
    """cli -> filters -> corpuskit; the core reaches filters only through the registry."""
    offenders = {
        path: sorted(names & forbidden)
        for path, names in imported_top_levels(package).items()
        if names & forbidden and path != "corpuskit/__main__.py"
    }
    assert offenders == {}


def all_commands():
    """(path, command) for every subcommand, including the commands of nested groups."""
    ctx = click.Context(cli)
    stack = [((name,), cli.get_command(ctx, name)) for name in command_names()]
    while stack:
        path, command = stack.pop()
        yield path, command
        if isinstance(command, click.Group):
            stack.extend((path + (name,), sub) for name, sub in command.commands.items())


def test_every_module_is_a_command():
    assert {"extract", "filter", "dedup", "mix", "crawl", "card", "run", "stats"} <= set(
        command_names()
    )


@pytest.mark.parametrize("path", [p for p, _ in all_commands()], ids=" ".join)
def test_help_on_every_command(path):
    """Lazy loading can hide import errors: ask every command for its help."""
    result = CliRunner().invoke(cli, [*path, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage: " in result.output
    command = dict(all_commands())[path]
    assert (command.help or "").strip(), f"corpuskit {' '.join(path)} has no help text"


def test_help_imports_no_heavy_library():
    code = (
        "import sys, json\n"
        "from cli.main import cli\n"
        "try:\n    cli(['--help'])\nexcept SystemExit:\n    pass\n"
        f"print(json.dumps(sorted(m for m in {HEAVY!r} if m in sys.modules)), file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert json.loads(done.stderr.strip().splitlines()[-1]) == []


def test_python_dash_m_runs_the_cli():
    done = subprocess.run(
        [sys.executable, "-m", "corpuskit", "--version"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    assert "corpuskit" in done.stdout
