"""``corpuskit card``: check (``verify``) or re-render (``render``) a package's dataset card."""

from __future__ import annotations

import sys

import click

from cli import options


@click.group("card")
def command():
    """Verify or render the dataset card of a package written by `corpuskit mix`."""


@command.command("verify")
@click.argument("package")
@options.json_output
@options.storage_options
def verify(package, as_json):
    """Check shard checksums, sizes, row counts, schema and the card's split counts.

    Exit 0 when the package is intact, 1 when a check fails (each problem on stderr),
    2 when PACKAGE is not a package.
    """
    from corpuskit.mix.verify import verify_package

    result = verify_package(package)
    human = (
        f"card verify: {package}: OK, {result['shards']} shards, "
        + ", ".join(f"{split} {rows:,} rows" for split, rows in result["rows"].items())
        if result["ok"]
        else f"card verify: {package}: {len(result['problems'])} problem(s)"
    )
    options.report(result, as_json, human)
    if not result["ok"]:
        for problem in result["problems"]:
            click.echo(f"problem: {problem}", err=True)
        sys.exit(1)


@command.command("render")
@click.argument("package")
@options.storage_options
def render(package):
    """Rewrite PACKAGE/README.md and PACKAGE/plots/*.png from PACKAGE/manifest.json."""
    from corpuskit.mix.card import render_card

    path = render_card(package)
    click.echo(str(path))
