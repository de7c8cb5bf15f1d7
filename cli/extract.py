"""``corpuskit extract``: WARC / WARC.gz / ARC / WET files → a dataset folder of main texts."""

from __future__ import annotations

import click

from cli import options


@click.command(name="extract")
@click.argument("inputs", nargs=-1, required=True)
@options.output
@click.option(
    "--extractor",
    type=click.Choice(["trafilatura", "resiliparse"]),
    default="trafilatura",
    show_default=True,
    help="trafilatura (precise) or resiliparse (much faster; needs the 'fast' extra).",
)
@click.option(
    "--fast/--no-fast",
    default=True,
    show_default=True,
    help="trafilatura: skip the readability/jusText fallback extractors.",
)
@click.option(
    "--favor-precision/--no-favor-precision",
    default=True,
    show_default=True,
    help="trafilatura: drop borderline blocks (FineWeb's setting).",
)
@click.option("--favor-recall", is_flag=True, help="trafilatura: keep borderline blocks.")
@click.option(
    "--include-comments/--no-include-comments",
    default=False,
    show_default=True,
    help="Keep user comment sections.",
)
@click.option(
    "--include-tables/--no-include-tables",
    default=True,
    show_default=True,
    help="trafilatura: keep text of tables.",
)
@click.option(
    "--deduplicate", is_flag=True, help="trafilatura: drop repeated text segments within a worker."
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0),
    default=10.0,
    show_default=True,
    help="Seconds allowed per page (0: no limit); slower pages are counted as 'timeout'.",
)
@click.option(
    "--max-page-bytes",
    default="2MiB",
    show_default=True,
    help="Larger payloads are skipped as 'too_large' (bytes, or e.g. 500KB, 2MiB).",
)
@click.option(
    "--shard-size",
    default="128MiB",
    show_default=True,
    help="Files larger than this are split into byte-range shards (bytes, or e.g. 64MB).",
)
@click.option(
    "--source",
    default="web",
    show_default=True,
    help="Document source when the path names no crawl (CC-MAIN-YYYY-WW gives cc:<crawl>).",
)
@options.limit
@options.execution
@options.common
def command(
    inputs,
    output,
    extractor,
    fast,
    favor_precision,
    favor_recall,
    include_comments,
    include_tables,
    deduplicate,
    timeout,
    max_page_bytes,
    shard_size,
    source,
    limit,
    executor,
    workers,
    scheduler,
    dashboard_address,
    overwrite,
    dry_run,
    as_json,
):
    """Extract the main text of HTML pages in WARC files into a dataset folder.

    INPUTS are WARC, WARC.gz, ARC or WET files, folders (searched recursively), globs or
    fsspec URLs. Responses with HTTP 200 and an HTML type become documents; everything
    else is counted by reason in OUT/manifest.json. Rerunning resumes where it stopped.

    \b
    Example:
      corpuskit extract sample_warcs -o out/extracted --executor local
    """
    import dataclasses

    from corpuskit.executor import StageSpec, make_executor
    from corpuskit.extract.html import ExtractorOptions, check_extractor
    from corpuskit.extract.shards import expand_warc_inputs, parse_size, plan_shards
    from corpuskit.extract.step import ExtractStep
    from corpuskit.stage import params_to_json, run_stage

    shard_bytes = _size_option(parse_size, shard_size, "--shard-size")
    page_bytes = _size_option(parse_size, max_page_bytes, "--max-page-bytes")
    extractor_options = ExtractorOptions(
        extractor=extractor,
        fast=fast,
        favor_precision=favor_precision,
        favor_recall=favor_recall,
        include_comments=include_comments,
        include_tables=include_tables,
        deduplicate=deduplicate,
    )
    check_extractor(extractor_options)
    params = ExtractStep.Params(
        extractor=extractor_options,
        timeout=timeout,
        max_page_bytes=page_bytes,
        source=source,
    )
    files = expand_warc_inputs(list(inputs))
    if limit:
        files = files[:limit]
    shards = plan_shards(files, shard_bytes)
    if dry_run:
        options.print_dry_run(
            {
                "stage": "extract",
                "inputs": files,
                "output": output,
                "params": params_to_json(params),
                "shards": [dataclasses.asdict(s) for s in shards],
                "executor": executor,
                "workers": workers,
                "scheduler": scheduler,
            }
        )
        return
    spec = StageSpec(step=ExtractStep.name, params=params, output=output)
    with make_executor(executor, workers, scheduler, dashboard_address) as runner:
        report = run_stage(spec, shards, runner, list(inputs), overwrite)
    options.finish(report, as_json)


def _size_option(parse_size, value: str, name: str) -> int:
    from corpuskit.errors import ConfigError

    try:
        return parse_size(value)
    except ConfigError as exc:
        raise click.BadParameter(str(exc), param_hint=name) from None
