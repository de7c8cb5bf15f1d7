"""``corpuskit decontaminate``: GPT-3's 13-gram benchmark decontamination (index, apply)."""

from __future__ import annotations

import click

from cli import options


@click.group()
def command():
    """Remove benchmark text from training data: GPT-3's 13-gram rule.

    Build an index of the benchmarks' n-grams once, then apply it to any dataset folder:

    \b
      corpuskit decontaminate index lambada=lambada.jsonl squad=squad.parquet -o out/bench-index
      corpuskit decontaminate apply out/deduped --index out/bench-index -o out/clean

    See docs/decontaminate.md for the rule and its source (Brown et al. 2020, appendix C).
    """


def _benchmarks(values: tuple[str, ...]) -> list[tuple[str, str]]:
    from corpuskit import storage

    pairs = []
    for value in values:
        name, sep, path = value.partition("=")
        if not sep:
            name, path = storage.name_of(value).split(".")[0], value
        if not name or not path:
            raise click.BadParameter(f"{value!r}: use NAME=PATH or PATH", param_hint="BENCHMARKS")
        pairs.append((name, path))
    return pairs


@command.command("index")
@click.argument("benchmarks", nargs=-1, required=True)
@click.option("-o", "--output", required=True, help="Index folder to write.")
@click.option(
    "--field",
    "fields",
    multiple=True,
    default=("text",),
    show_default=True,
    help="JSONL/Parquet field holding example text (repeatable; each is indexed on its own).",
)
@click.option(
    "--ngram",
    type=click.IntRange(min=1),
    default=13,
    show_default=True,
    help="n-gram size in normalised words (GPT-3: 13).",
)
@options.config
@options.json_output
@options.verbose
@options.quiet
def index(benchmarks, output, fields, ngram, as_json):
    """Index the n-grams of benchmark files: NAME=PATH or PATH (name: the file stem).

    Files are JSONL (.jsonl, .jsonl.gz, .ndjson) or Parquet with the example text in
    --field, or plain text with one example per line. The index folder is reusable.
    """
    from corpuskit.decontam.index import build_index

    meta = build_index(_benchmarks(benchmarks), output, ngram, tuple(fields))
    human = f"indexed {meta['ngrams']:,} {ngram}-grams of " + ", ".join(
        f"{name} ({b['examples']:,} examples, {b['too_short']:,} too short)"
        for name, b in meta["benchmarks"].items()
    )
    options.report({"output": output, **meta}, as_json, human)


@command.command("apply")
@click.argument("inputs", nargs=-1, required=True)
@click.option("--index", "index_folder", default=None, help="Index folder from `index`.")
@click.option(
    "--benchmark",
    "benchmarks",
    multiple=True,
    help="Instead of --index: benchmark file NAME=PATH (repeatable), indexed into OUT/_index "
    "(once; --overwrite rebuilds it).",
)
@click.option(
    "--field",
    "fields",
    multiple=True,
    default=("text",),
    show_default=True,
    help="With --benchmark: the JSONL/Parquet field(s) holding example text.",
)
@options.output
@click.option(
    "--mode",
    type=click.Choice(["split", "drop"]),
    default="split",
    show_default=True,
    help="split: cut collisions out (GPT-3); drop: remove any colliding document whole.",
)
@click.option(
    "--window",
    type=click.IntRange(min=0),
    default=200,
    show_default=True,
    help="Characters removed on each side of a colliding n-gram.",
)
@click.option(
    "--min-piece",
    type=click.IntRange(min=0),
    default=200,
    show_default=True,
    help="Pieces shorter than this (characters) are discarded.",
)
@click.option(
    "--max-pieces",
    type=click.IntRange(min=1),
    default=10,
    show_default=True,
    help="Documents cut into more pieces are dropped as contaminated.",
)
@click.option(
    "--max-doc-matches",
    type=click.IntRange(min=0),
    default=10,
    show_default=True,
    help="n-grams found in more training documents are ignored as common phrases (0: none).",
)
@click.option("--keep-rejected", is_flag=True, help="Write dropped documents to OUT/rejected/.")
@options.execution
@options.common
def apply(
    inputs,
    index_folder,
    benchmarks,
    fields,
    output,
    mode,
    window,
    min_piece,
    max_pieces,
    max_doc_matches,
    keep_rejected,
    executor,
    workers,
    scheduler,
    dashboard_address,
    overwrite,
    dry_run,
    as_json,
):
    """Cut benchmark n-grams out of dataset folders INPUTS into the dataset folder OUT.

    Counts per benchmark (documents, collisions) and per verdict are in OUT/manifest.json;
    every cut document's pieces carry a `decontamination` metadata record.
    """
    from corpuskit.decontam.pipeline import decontaminate, plan_shards
    from corpuskit.decontam.rule import DecontaminationRule
    from corpuskit.executor import make_executor
    from corpuskit.stage import params_to_json

    rule = DecontaminationRule(mode, window, min_piece, max_pieces)
    if bool(index_folder) == bool(benchmarks):
        raise click.UsageError("give --index INDEX, or --benchmark NAME=PATH (repeatable)")
    if benchmarks and not dry_run:
        index_folder = _index_in_output(output, _benchmarks(benchmarks), tuple(fields), overwrite)
    if dry_run:
        options.print_dry_run(
            {
                "stage": "decontaminate",
                "inputs": list(inputs),
                "index": index_folder,
                "output": output,
                "rule": params_to_json(rule),
                "max_doc_matches": max_doc_matches,
                "shards": [s.id for s in plan_shards(list(inputs))],
            }
        )
        return
    with make_executor(executor, workers, scheduler, dashboard_address) as runner:
        report = decontaminate(
            list(inputs),
            index_folder,
            output,
            rule,
            max_doc_matches,
            runner,
            overwrite=overwrite,
            keep_rejected=keep_rejected,
        )
    options.finish(report, as_json)


def _index_in_output(
    output: str, benchmarks: list[tuple[str, str]], fields: tuple[str, ...], overwrite: bool
) -> str:
    """OUT/_index, built from the benchmark files unless an index of the same files is there."""
    from corpuskit import storage
    from corpuskit.decontam.index import INDEX_JSON, build_index

    folder = storage.join(output, "_index")
    meta = storage.read_json(storage.join(folder, INDEX_JSON))
    wanted = {name: storage.normalize(path) for name, path in benchmarks}
    if overwrite or not meta or {n: b["path"] for n, b in meta["benchmarks"].items()} != wanted:
        build_index(benchmarks, folder, fields=fields)
    return folder
