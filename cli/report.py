"""``corpuskit report PATH... -o report.html``: one self-contained HTML page about a pipeline.

The numbers come from :func:`cli.stats.summarise`, the same code as ``corpuskit stats``, so
the page and ``stats --json`` agree; the rest (examples, distributions, dedup clusters) is
sampled by :mod:`corpuskit.htmlreport`.
"""

from __future__ import annotations

import click

from cli import options


def write_report(
    paths: list[str], output: str, seed: int = 0, examples: int = 3, sample_rows: int = 5000
):
    """Build the report for ``paths`` and write it to ``output``; returns the path written."""
    from cli.stats import summarise
    from corpuskit.htmlreport import build, page
    from corpuskit.htmlreport.layout import dataset_folders

    folders = dataset_folders(list(paths))
    summaries = [summarise(str(folder)) for folder in folders]
    report = build.collect(
        folders, summaries, seed=seed, examples=examples, sample_rows=sample_rows
    )
    return page.write(report, output)


@click.command("report")
@click.argument("paths", nargs=-1, required=True, metavar="PATH...")
@click.option(
    "-o",
    "--output",
    default="report.html",
    show_default=True,
    type=click.Path(dir_okay=False),
    help="The HTML file to write.",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of every sample shown.")
@click.option(
    "--examples",
    type=click.IntRange(min=0),
    default=3,
    show_default=True,
    help="Rejected documents shown per drop reason.",
)
@click.option(
    "--sample-rows",
    type=click.IntRange(min=1),
    default=5000,
    show_default=True,
    help="Documents sampled per folder for the distributions (whole row groups).",
)
@options.verbose
@options.quiet
def command(paths, output, seed, examples, sample_rows):
    """Write one self-contained HTML page about dataset folders: funnel, reasons with
    sampled rejected documents, distributions, dedup clusters, package sources.

    PATH is a dataset folder, a package, or the output root of `corpuskit run` (every stage
    folder in it is included). The page has no external resources: open it from disk or
    attach it to a pull request. Prints the path written. Exit 0; 2 for a bad PATH.
    """
    path = write_report(list(paths), output, seed, examples, sample_rows)
    click.echo(str(path))
