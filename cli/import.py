"""``corpuskit import``: books, Wikipedia dumps or WebText-like documents → a dataset folder.

The module is named after the command (``import``), as every subcommand module is; it is
only ever loaded with :func:`importlib.import_module`, never by an import statement.
"""

from __future__ import annotations

import click

from cli import options
from corpuskit.mix.importing import IMPORT_KINDS


@click.command(name="import")
@click.argument("kind", type=click.Choice(IMPORT_KINDS))
@click.argument("inputs", nargs=-1, required=True)
@options.output
@click.option(
    "--source",
    default=None,
    help="The documents' source name (default: KIND); dedup --priority uses folder names.",
)
@click.option(
    "--url-list",
    type=click.Path(dir_okay=False),
    default=None,
    help="webtext: file of URLs (one a line, .gz ok) selecting the WebText-like documents.",
)
@click.option(
    "--books-per-shard",
    type=click.IntRange(min=1),
    default=200,
    show_default=True,
    help="books: book files written to one shard.",
)
@options.limit
@options.execution
@options.common
def command(
    kind,
    inputs,
    output,
    source,
    url_list,
    books_per_shard,
    limit,
    executor,
    workers,
    scheduler,
    dashboard_address,
    overwrite,
    dry_run,
    as_json,
):
    """Import a curated source as a dataset folder that dedup and mix read like web output.

    \b
    KIND is one of:
      books      folders of plain-text books (.txt/.txt.gz, any encoding); Project
                 Gutenberg headers, licences and credit lines are removed
      wikipedia  MediaWiki pages-articles dumps (.xml/.xml.bz2); articles only, as plain text
      webtext    dataset folders or Parquet/JSONL files of web documents, kept when their
                 URL is in --url-list (C4's webtextlike selection)

    One shard per dump or web file (books: --books-per-shard books a shard); rerunning
    resumes. Then deduplicate within and across sources, GPT-3 style, and mix:

    \b
      corpuskit import books corpora/books -o out/books
      corpuskit import wikipedia enwiki-pages-articles.xml.bz2 -o out/wikipedia
      corpuskit dedup out/wikipedia out/books out/web -o out/dd \\
          --priority wikipedia,books,web
    """
    import dataclasses
    import os

    from corpuskit.errors import ConfigError
    from corpuskit.executor import StageSpec, make_executor
    from corpuskit.mix.importing import ImportStep, plan_import_shards
    from corpuskit.stage import params_to_json, run_stage

    if kind == "webtext" and not url_list:
        raise ConfigError("import webtext needs --url-list FILE: the URLs that select WebText")
    if kind != "webtext" and url_list:
        raise ConfigError(f"--url-list selects webtext documents; it means nothing for {kind}")
    params = ImportStep.Params(
        kind=kind,
        source=source or kind,
        url_list=os.path.abspath(url_list) if url_list else None,
    )
    shards = plan_import_shards(kind, tuple(inputs), books_per_shard)
    if limit:
        shards = shards[:limit]
    if dry_run:
        options.print_dry_run(
            {
                "stage": "import",
                "inputs": list(inputs),
                "output": output,
                "params": params_to_json(params),
                "shards": [dataclasses.asdict(s) for s in shards],
                "executor": executor,
                "workers": workers,
                "scheduler": scheduler,
            }
        )
        return
    spec = StageSpec(step=ImportStep.name, params=params, output=output)
    with make_executor(executor, workers, scheduler, dashboard_address) as runner:
        report = run_stage(spec, shards, runner, list(inputs), overwrite)
    options.finish(report, as_json)
