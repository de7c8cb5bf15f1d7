"""``corpuskit dedup``: URL, exact, line/span and MinHash near-duplicate removal on Dask."""

from __future__ import annotations

from pathlib import Path

import click

from cli import options
from corpuskit.errors import ConfigError

KEEP_RULES = ("oldest", "newest", "longest", "first-source")


def _parse_inputs(paths: tuple[str, ...], named: tuple[str, ...], index: tuple[str, ...]):
    from corpuskit.dedup.pipeline import DedupInput

    inputs = []
    for path in paths:
        name = Path(path.rstrip("/")).name or path
        inputs.append(DedupInput(name, path))
    for item in named:
        name, sep, path = item.partition("=")
        if not sep or not name or not path:
            raise ConfigError(f"--input {item!r}: expected NAME=PATH, e.g. --input wiki=out/wiki")
        inputs.append(DedupInput(name, path))
    for path in index:
        name = "index:" + (Path(path.rstrip("/")).name or path)
        inputs.append(DedupInput(name, path, is_index=True))
    if not any(not i.is_index for i in inputs):
        raise ConfigError(
            "no input to deduplicate: give dataset folders or files, or --input NAME=PATH"
        )
    return inputs


def resolve_settings(
    ngram,
    num_perm,
    threshold,
    bands,
    rows,
    seed,
    exact,
    url,
    minhash,
    verify,
    lines,
    min_sentences,
    keep,
    priority,
    partition_rows,
    target_recall=0.99,
    shingle=None,
):
    """Resolve the shingles and bands x rows: explicit, else chosen for the verify mode."""
    from corpuskit.dedup.normalize import parse_shingle
    from corpuskit.dedup.pipeline import DedupSettings, resolve_banding

    unit, size = parse_shingle(shingle) if shingle else ("words", ngram)

    if (bands is None) != (rows is None):
        raise ConfigError("--bands and --rows go together: give both, or --threshold alone")
    if threshold is not None and not 0.0 < threshold <= 1.0:
        raise ConfigError(f"--threshold {threshold} is not in (0, 1]")
    if bands is not None and bands * rows > num_perm:
        raise ConfigError(
            f"--bands {bands} x --rows {rows} = {bands * rows} exceeds --num-perm {num_perm}"
        )
    if not (exact or url or minhash or lines):
        raise ConfigError(
            "nothing to do: enable at least one of --exact, --url, --minhash, --lines"
        )
    ranks = tuple(p.strip() for p in priority.split(",") if p.strip()) if priority else ()
    settings = DedupSettings(
        ngram=size,
        shingle=unit,
        target_recall=target_recall,
        num_perm=num_perm,
        bands=bands,
        rows=rows,
        threshold=threshold if threshold is not None else 0.72,
        seed=seed,
        exact=exact,
        url=url,
        minhash=minhash,
        verify=verify,
        lines=lines or "",
        min_sentences=min_sentences,
        keep=keep,
        priority=ranks,
        partition_rows=partition_rows,
    )
    return resolve_banding(settings)


@click.command("dedup")
@click.argument("inputs", nargs=-1)
@click.option(
    "--input",
    "named_inputs",
    multiple=True,
    metavar="NAME=PATH",
    help="A named input (repeatable); names are used by --priority.",
)
@click.option(
    "--index",
    "index_inputs",
    multiple=True,
    metavar="PATH",
    help="An earlier deduplicated dataset: documents duplicating it are removed, none of its documents are output.",
)
@click.option(
    "--priority",
    default=None,
    metavar="NAME,NAME,...",
    help="Source priority: in a duplicate group, documents of the first-listed input are kept.",
)
@click.option(
    "--exact/--no-exact",
    default=True,
    show_default=True,
    help="Remove exact duplicates (whitespace-normalised text).",
)
@click.option(
    "--url/--no-url",
    default=False,
    show_default=True,
    help="C4 URL dedup: one page per normalised URL, the newest capture.",
)
@click.option(
    "--minhash/--no-minhash",
    default=True,
    show_default=True,
    help="MinHash LSH near-duplicate removal.",
)
@click.option(
    "--lines",
    type=click.Choice(["c4-code", "c4-paper"]),
    default=None,
    help="Global line dedup (C4 code) or repeated three-sentence span removal (C4 paper).",
)
@click.option(
    "--min-sentences",
    type=click.IntRange(min=0),
    default=3,
    show_default=True,
    help="With --lines: drop pages left with fewer sentences.",
)
@click.option(
    "--ngram", type=click.IntRange(min=1), default=5, show_default=True, help="Words per shingle."
)
@click.option(
    "--shingle",
    default=None,
    metavar="words:N|chars:N",
    help="Shingles: N-word (CJK/Thai: N-character) or N-character windows [default: words:NGRAM].",
)
@click.option(
    "--num-perm",
    type=click.IntRange(min=1),
    default=112,
    show_default=True,
    help="MinHash permutations.",
)
@click.option(
    "--threshold",
    type=float,
    default=None,
    help="Jaccard threshold: picks bands x rows and the --verify cut [default: 0.72].",
)
@click.option(
    "--target-recall",
    type=click.FloatRange(0.0, 1.0, min_open=True, max_open=True),
    default=0.99,
    show_default=True,
    help="With --verify exact: chance that a pair at the threshold is found (picks bands x rows).",
)
@click.option("--bands", type=click.IntRange(min=1), default=None, help="LSH bands (with --rows).")
@click.option(
    "--rows", type=click.IntRange(min=1), default=None, help="Rows per band (with --bands)."
)
@click.option(
    "--verify",
    type=click.Choice(["exact", "signature", "none"]),
    default="exact",
    show_default=True,
    is_flag=False,
    flag_value="exact",
    help="Check candidate pairs: exact shingle Jaccard, the signature estimate, or not at all.",
)
@click.option("--seed", type=int, default=1, show_default=True, help="MinHash permutation seed.")
@click.option(
    "--keep",
    type=click.Choice(KEEP_RULES),
    default="oldest",
    show_default=True,
    help="Which member of a duplicate group is kept (ties broken by id).",
)
@click.option(
    "--partition-rows",
    type=click.IntRange(min=1),
    default=1_000_000,
    show_default=True,
    help="Rows per Dask partition in the reduce phase (bounds worker memory).",
)
@click.option("--keep-rejected", is_flag=True, help="Write removed documents to OUT/rejected/.")
@options.output
@options.execution
@options.common
def command(
    inputs,
    named_inputs,
    index_inputs,
    priority,
    exact,
    url,
    minhash,
    lines,
    min_sentences,
    ngram,
    shingle,
    num_perm,
    threshold,
    target_recall,
    bands,
    rows,
    verify,
    seed,
    keep,
    partition_rows,
    keep_rejected,
    output,
    executor,
    workers,
    scheduler,
    dashboard_address,
    overwrite,
    dry_run,
    as_json,
):
    """Remove duplicate documents across all INPUTS (dataset folders, folders, files).

    \b
    Phases: map (signatures per shard) -> reduce (Dask DataFrame shuffles: URL and exact
    groups, MinHash LSH buckets, connected components, keep rule) -> apply (each input
    shard rewritten without the removed documents). Defaults: FineWeb's 5-word shingles
    and 112 permutations; bands x rows chosen so a pair at --threshold (0.72) is found with
    --target-recall (0.99), and every candidate pair checked on its exact shingle Jaccard.

    \b
    Examples:
      corpuskit dedup out/filtered -o out/deduped
      corpuskit dedup --input web=out/web --input wiki=out/wiki --priority wiki,web -o out/dd
      corpuskit dedup out/new --index out/deduped-2023 -o out/new-dd --url
    """
    from corpuskit.dedup.pipeline import run_dedup, settings_to_json
    from corpuskit.executor import make_executor

    dedup_inputs = _parse_inputs(inputs, named_inputs, index_inputs)
    settings = resolve_settings(
        ngram,
        num_perm,
        threshold,
        bands,
        rows,
        seed,
        exact,
        url,
        minhash,
        verify,
        lines,
        min_sentences,
        keep,
        priority,
        partition_rows,
        target_recall,
        shingle,
    )
    if dry_run:
        options.print_dry_run(
            {
                "inputs": [vars(i) if hasattr(i, "__dict__") else i for i in dedup_inputs],
                "settings": settings_to_json(settings),
                "output": output,
                "executor": executor,
                "workers": workers,
                "scheduler": scheduler,
            }
        )
        return
    with make_executor(executor, workers, scheduler, dashboard_address) as pool:
        report, counters = run_dedup(
            dedup_inputs, settings, output, pool, overwrite=overwrite, keep_rejected=keep_rejected
        )
    if counters:
        report.counters["reduce"] = counters
    options.finish(report, as_json)
