"""``corpuskit inspect DATASET``: page through documents with their metadata and signals.

DATASET is a dataset folder (its completed shards), a package written by ``mix``, a folder of
Parquet files such as ``OUT/rejected``, or one Parquet file. ``--rejected`` (implied by
``--reason``) reads the folder's ``rejected/`` files instead of ``data/``. Selections
(``--where``, ``--reason``, ``--source``) are evaluated per row group; ``--sample N --seed S``
draws a reproducible uniform sample (see ``corpuskit.inspection.rows``).
"""

from __future__ import annotations

import itertools
import json
import sys

import click

from cli import options

HIDDEN = ("_file", "_row")


def format_document(number: int, record: dict, chars: int) -> str:
    """One document for a person: a header line, its fields, signals, then the text."""
    lines = [f"── #{number}  {record.get('id', '')}  ({record['_file']} row {record['_row']})"]
    reject = record.get("reject.filter")
    if reject:
        lines.append(f"rejected by: {reject}.{record.get('reject.reason')}")
    for key in ("url", "source", "timestamp", "language", "language_score", "tokens", "epoch"):
        value = record.get(key)
        if value is not None:
            if key == "language_score":
                value = f"{value:.3f}"
            lines.append(f"{key}: {value}")
    signals = sorted(k for k in record if k.startswith("signals.") and record[k] is not None)
    for key in signals:
        lines.append(f"{key}: {record[key]:.4g}")
    if record.get("metadata"):
        lines.append(f"metadata: {record['metadata']}")
    text = record.get("text") or ""
    shown = text if not chars or len(text) <= chars else text[:chars] + " […]"
    lines.append(f"text ({len(text):,} chars):")
    lines += ["  " + line for line in shown.splitlines()]
    return "\n".join(lines) + "\n"


@click.command("inspect")
@click.argument("dataset", metavar="DATASET")
@click.option(
    "--where",
    "where",
    default=None,
    help="Select documents: COLUMN OP VALUE joined by and/or/not, e.g. "
    "\"signals.gopher_quality.words < 80 and language == 'en'\".",
)
@click.option(
    "--reason",
    default=None,
    metavar="FILTER[.REASON]",
    help="Rejected documents of this filter and reason (reads rejected/; e.g. lang.wrong_language).",
)
@click.option("--source", default=None, help="Only documents whose source is this (e.g. webtext).")
@click.option(
    "--rejected", is_flag=True, help="Read the folder's rejected/ documents instead of data/."
)
@click.option(
    "--sample",
    "sample_n",
    type=click.IntRange(min=1),
    default=None,
    metavar="N",
    help="A seeded uniform sample of N selected documents instead of all of them.",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of --sample.")
@click.option(
    "--limit",
    type=click.IntRange(min=0),
    default=0,
    metavar="N",
    help="Stop after N documents (0: no limit).",
)
@click.option(
    "--chars",
    type=click.IntRange(min=0),
    default=2000,
    show_default=True,
    help="Characters of text shown per document (0: all).",
)
@options.json_output
@options.verbose
@options.quiet
def command(dataset, where, reason, source, rejected, sample_n, seed, limit, chars, as_json):
    """Show the documents of DATASET with their metadata and signals.

    DATASET is a dataset folder, a package, a folder of Parquet files (OUT/rejected) or a
    Parquet file. Output goes through a pager on a terminal and is plain otherwise; --json
    prints one JSON object per document and line (all columns, full text).
    Exit 0; 2 for a bad DATASET or expression.
    """
    from corpuskit.errors import InputError
    from corpuskit.inspection import rows
    from corpuskit.inspection.where import parse

    node = rows.selection(parse(where) if where else None, reason, source)
    files = rows.document_files(dataset, rejected=rejected or bool(reason))
    if not files:
        what = (
            "rejected/ files (run the stage with --keep-rejected)"
            if rejected or reason
            else "documents"
        )
        raise InputError(f"{dataset}: no {what} to inspect")
    if sample_n:
        found = iter(rows.sample(files, sample_n, seed, node))
    else:
        found = rows.iterate(files, node)
    if limit:
        found = itertools.islice(found, limit)
    if as_json:
        for record in found:
            record = {k: v for k, v in record.items() if k not in HIDDEN} | {
                "file": record["_file"],
                "row": record["_row"],
            }
            click.echo(json.dumps(record, ensure_ascii=False, default=str))
        return
    pages = (format_document(n, record, chars) for n, record in enumerate(found, 1))
    if sys.stdout.isatty():
        click.echo_via_pager(pages)
        return
    shown = 0
    for page in pages:
        click.echo(page)
        shown += 1
    if not shown:
        click.echo(f"no documents in {dataset} match", err=True)
