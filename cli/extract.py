"""``corpuskit extract``: WARC / WARC.gz / ARC / WET files → a dataset folder of main texts."""

from __future__ import annotations

import click

from cli import options
from corpuskit.extract.language_gate import DEFAULT_FLOOR


def _split_commas(ctx, param, value):
    return tuple(s.strip() for item in value or () for s in item.split(",") if s.strip())


@click.command(name="extract")
@click.argument("inputs", nargs=-1, required=False)
@options.output
@click.option(
    "--crawl",
    default=None,
    help="Stream the files of this Common Crawl crawl (e.g. CC-MAIN-2024-10) from its listing "
    "instead of INPUTS; no download first.",
)
@click.option(
    "--kind",
    type=click.Choice(["warc", "wet"]),
    default="warc",
    show_default=True,
    help="With --crawl: WARC (raw HTML) or WET (text) files.",
)
@click.option(
    "--base-url",
    default=None,
    help="With --crawl: where crawl-data/ lives [env CORPUSKIT_CC_BASE_URL; default "
    "https://data.commoncrawl.org/; or s3://commoncrawl/].",
)
@click.option(
    "--segments",
    multiple=True,
    callback=_split_commas,
    help="With --crawl: only files of these segment ids (comma-separated or repeated).",
)
@click.option(
    "--sample",
    type=click.IntRange(min=1),
    default=None,
    help="With --crawl: a seeded random subset of N files.",
)
@click.option("--seed", type=int, default=None, help="Seed of --sample (default 0).")
@click.option(
    "--extractor",
    type=click.Choice(["trafilatura", "resiliparse"]),
    default="trafilatura",
    show_default=True,
    help="trafilatura (precise) or resiliparse (much faster; needs the 'fast' extra).",
)
@click.option(
    "--fast/--no-fast",
    default=None,
    help="trafilatura: --fast never runs the readability/jusText fallbacks, --no-fast runs "
    "them on every page. Default: only on pages where the fast pass finds under 1,000 "
    "characters.",
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
    "--languages",
    multiple=True,
    callback=_split_commas,
    help="Language gate: skip, before extraction, pages whose visible text fastText lid.176 "
    "gives under --language-floor for every one of these languages (e.g. en; comma-separated "
    "or repeated), counted as 'other_language'. Much faster for a one-language corpus.",
)
@click.option(
    "--language-floor",
    type=click.FloatRange(0, 1, min_open=True),
    default=DEFAULT_FLOOR,
    show_default=True,
    help="With --languages: the probability a wanted language needs on the whole page.",
)
@click.option(
    "--lid-model",
    default=None,
    help="With --languages: path of the fastText lid.176 model (default: $CORPUSKIT_LID_MODEL "
    "or the cache of `corpuskit models fetch lid`).",
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
    crawl,
    kind,
    base_url,
    segments,
    sample,
    seed,
    extractor,
    fast,
    favor_precision,
    favor_recall,
    include_comments,
    include_tables,
    deduplicate,
    languages,
    language_floor,
    lid_model,
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
    URLs (https://, s3://, ...: streamed, never copied). Or --crawl names a Common Crawl
    crawl whose listing gives the files. Responses with HTTP 200 and an HTML type become
    documents; everything else is counted by reason in OUT/manifest.json. Rerunning
    resumes where it stopped.

    \b
    Examples:
      corpuskit extract sample_warcs -o out/extracted --executor local
      corpuskit extract --crawl CC-MAIN-2024-10 --sample 4 --seed 1 -o out/cc
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
    if (language_floor != DEFAULT_FLOOR or lid_model) and not languages:
        raise click.UsageError("--language-floor and --lid-model only apply with --languages")
    params = ExtractStep.Params(
        extractor=extractor_options,
        timeout=timeout,
        max_page_bytes=page_bytes,
        source=source,
        languages=languages,
        language_floor=language_floor,
        lid_model=lid_model or "",
    )
    if languages:
        _check_lid_model(lid_model)
    crawl_plan = _check_crawl_options(inputs, crawl, kind, base_url, segments, sample, seed)
    if crawl_plan:
        from corpuskit.extract.shards import crawl_files

        files, crawl_plan = crawl_files(crawl_plan, limit)
        inputs = (crawl_plan["listing"],)
        shards = plan_shards(files, shard_bytes, probe=False)
    else:
        files = expand_warc_inputs(list(inputs))
        if limit:
            files = files[:limit]
        shards = plan_shards(files, shard_bytes)
    if dry_run:
        options.print_dry_run(
            {
                "stage": "extract",
                **({"crawl": crawl_plan} if crawl_plan else {}),
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
        report = run_stage(
            spec,
            shards,
            runner,
            list(inputs),
            overwrite,
            extra_manifest={"crawl": crawl_plan} if crawl_plan else None,
        )
    options.finish(report, as_json)


def _check_crawl_options(inputs, crawl, kind, base_url, segments, sample, seed) -> dict | None:
    """The --crawl settings (None without --crawl); UsageError for a wrong combination."""
    if crawl and inputs:
        raise click.UsageError("give either INPUTS or --crawl CRAWL, not both")
    if not crawl:
        if not inputs:
            raise click.UsageError(
                "nothing to extract: give WARC files, folders, globs or URLs, or --crawl CRAWL"
            )
        given = [
            name
            for name, value in (
                ("--base-url", base_url),
                ("--segments", segments),
                ("--sample", sample),
                ("--seed", seed),
                ("--kind", kind if kind != "warc" else None),
            )
            if value
        ]
        if given:
            raise click.UsageError(f"{', '.join(given)} only apply with --crawl CRAWL")
        return None
    if seed is not None and sample is None:
        raise click.UsageError("--seed only applies with --sample N")
    return {
        "crawl": crawl,
        "kind": kind,
        "base_url": base_url,
        "segments": list(segments),
        "sample": sample,
        "seed": seed,
    }


def _size_option(parse_size, value: str, name: str) -> int:
    from corpuskit.errors import ConfigError

    try:
        return parse_size(value)
    except ConfigError as exc:
        raise click.BadParameter(str(exc), param_hint=name) from None


def _check_lid_model(lid_model: str | None) -> None:
    """Fail before any shard runs when --languages has no language model to use."""
    from corpuskit.models import locate_model

    locate_model("lid", lid_model)
