"""``corpuskit crawl``: download Common Crawl files, list crawls, or crawl a URL list into WARCs.

A thin layer over :mod:`corpuskit.crawl`; see docs/crawl.md.
"""

from __future__ import annotations

import re
import sys

import click

from cli import options
from corpuskit.crawl.listing import DEFAULT_COLLINFO_URL
from corpuskit.errors import ConfigError

_CRAWL_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


def _split_segments(ctx, param, value):
    if not value:
        return ()
    return tuple(s.strip() for item in value for s in item.split(",") if s.strip())


def _local_output(ctx, param, value):
    """Downloads go to a local folder (resumed through .part files); a URL is refused at once."""
    from corpuskit import storage

    if value is not None and not storage.is_local(value):
        raise click.BadParameter(
            f"{value}: crawl downloads into a local folder. To process a crawl without "
            "downloading, stream it: `corpuskit extract --crawl CRAWL -o s3://...`; to keep "
            "WARCs on object storage, download here and copy them (e.g. `aws s3 sync`)",
            ctx=ctx,
            param=param,
        )
    return value


@click.command()
@click.argument("crawl", required=False)
@click.option(
    "-o",
    "--output",
    type=click.Path(file_okay=False),
    callback=_local_output,
    help="Output folder (local: downloads resume from .part files).",
)
@click.option(
    "--kind",
    type=click.Choice(["warc", "wet", "wat"]),
    default="warc",
    show_default=True,
    help="Which files of the crawl: WARC (raw HTML), WET (text) or WAT (metadata).",
)
@click.option(
    "--base-url",
    envvar="CORPUSKIT_CC_BASE_URL",
    default=None,
    help="Where crawl-data/ lives [env CORPUSKIT_CC_BASE_URL; default https://data.commoncrawl.org/; "
    "s3://commoncrawl/ needs s3fs].",
)
@click.option(
    "--paths-file",
    type=click.Path(dir_okay=False),
    help="A local listing (warc.paths[.gz]) instead of the crawl's published one.",
)
@options.limit
@click.option(
    "--sample", type=click.IntRange(min=1), default=None, help="A random subset of N files."
)
@click.option("--seed", type=int, default=None, help="Seed of --sample (default 0).")
@click.option(
    "--segments",
    multiple=True,
    callback=_split_segments,
    help="Only files of these segment ids (comma-separated or repeated).",
)
@click.option("--list-crawls", is_flag=True, help="List the crawls in collinfo.json and exit.")
@click.option(
    "--collinfo-url",
    default=DEFAULT_COLLINFO_URL,
    show_default=True,
    help="The crawl index listing read by --list-crawls.",
)
@click.option(
    "--urls",
    "urls_file",
    type=click.Path(exists=True, dir_okay=False),
    help="Crawl the URLs of FILE into WARC files (lines, TSV/CSV with a url column, or JSONL).",
)
@click.option(
    "--min-score",
    type=float,
    default=None,
    help="With --urls: keep URLs whose score/karma column is at least this (WebText: 3).",
)
@click.option(
    "--host-delay",
    type=click.FloatRange(min=0),
    default=1.0,
    show_default=True,
    help="With --urls: seconds between two requests to the same host (robots Crawl-delay wins if larger).",
)
@click.option(
    "--max-redirects", type=click.IntRange(min=0), default=5, show_default=True, help="With --urls."
)
@click.option(
    "--max-page-bytes",
    type=click.IntRange(min=1),
    default=1 << 20,
    show_default=True,
    help="With --urls: longer bodies are cut and marked WARC-Truncated.",
)
@click.option(
    "--warc-size",
    type=click.IntRange(min=1),
    default=1_000_000_000,
    show_default=True,
    help="With --urls: start a new WARC file after this many bytes.",
)
@click.option(
    "--warc-prefix", default="corpuskit", show_default=True, help="With --urls: WARC file prefix."
)
@click.option(
    "--concurrency",
    type=click.IntRange(min=1),
    default=4,
    show_default=True,
    help="Parallel downloads (threads).",
)
@click.option(
    "--max-rps",
    type=click.FloatRange(min=0, min_open=True),
    default=5.0,
    show_default=True,
    help="Requests per second over all threads (a shared token bucket).",
)
@click.option(
    "--retries",
    type=click.IntRange(min=0),
    default=10,
    show_default=True,
    help="Retries per file on 429/5xx/connection errors/short bodies.",
)
@click.option(
    "--backoff-base",
    type=click.FloatRange(min=0),
    default=1.0,
    show_default=True,
    help="Seconds; retry n waits up to base*2^n (full jitter).",
)
@click.option(
    "--backoff-max",
    type=click.FloatRange(min=0),
    default=60.0,
    show_default=True,
    help="Longest wait between retries, Retry-After included.",
)
@click.option(
    "--max-wait",
    type=click.FloatRange(min=0),
    default=300.0,
    show_default=True,
    help="Seconds of backoff per file (or listing) in all; then it fails. A host that does "
    "not resolve, an untrusted TLS certificate and 4xx (not 408/425/429) fail at once.",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=60.0,
    show_default=True,
    help="Seconds without data before a connection counts as failed.",
)
@click.option("--user-agent", default=None, help="User-Agent header (and robots.txt agent).")
@options.common
def command(
    crawl,
    output,
    kind,
    base_url,
    paths_file,
    limit,
    sample,
    seed,
    segments,
    list_crawls,
    collinfo_url,
    urls_file,
    min_score,
    host_delay,
    max_redirects,
    max_page_bytes,
    warc_size,
    warc_prefix,
    concurrency,
    max_rps,
    retries,
    backoff_base,
    backoff_max,
    max_wait,
    timeout,
    user_agent,
    overwrite,
    dry_run,
    as_json,
):
    """Download Common Crawl files resumably, or crawl a URL list into WARC files.

    \b
      corpuskit crawl CC-MAIN-2024-10 --limit 2 -o warcs/
      corpuskit crawl CC-MAIN-2024-10 --kind wet --sample 10 --seed 1 -o wets/
      corpuskit crawl --paths-file warc.paths.gz -o warcs/
      corpuskit crawl --list-crawls
      corpuskit crawl --urls links.tsv --min-score 3 -o webtext/

    Files keep their path under the base URL, so `corpuskit extract OUT` finds them.
    Rerunning the same command resumes: finished files are skipped, partial ones continue
    with HTTP Range requests. Exit code 1 means some files failed (listed on stderr).
    """
    from corpuskit.crawl.http import DEFAULT_USER_AGENT
    from corpuskit.crawl.ratelimit import RateLimiter
    from corpuskit.crawl.retry import RetryPolicy
    from corpuskit.crawl.transfer import TransferOptions

    settings = {
        "crawl": crawl,
        "kind": kind,
        "paths_file": paths_file,
        "limit": limit,
        "sample": sample,
        "seed": seed,
        "segments": list(segments),
        "urls": urls_file,
        "min_score": min_score,
        "concurrency": concurrency,
        "max_rps": max_rps,
        "retries": retries,
        "backoff_base": backoff_base,
        "backoff_max": backoff_max,
        "max_wait": max_wait,
        "timeout": timeout,
        "user_agent": user_agent or DEFAULT_USER_AGENT,
    }
    _check_combination(
        crawl, output, paths_file, list_crawls, urls_file, min_score, sample, seed, segments
    )
    transfer = TransferOptions(
        policy=RetryPolicy(
            retries=retries, base_delay=backoff_base, max_delay=backoff_max, max_wait=max_wait
        ),
        limiter=RateLimiter(max_rps),
        timeout=timeout,
        user_agent=settings["user_agent"],
    )
    if list_crawls:
        return _list_crawls(collinfo_url, transfer, as_json)
    if urls_file:
        settings |= {
            "host_delay": host_delay,
            "max_redirects": max_redirects,
            "max_page_bytes": max_page_bytes,
            "warc_size": warc_size,
            "warc_prefix": warc_prefix,
        }
        return _crawl_urls(urls_file, output, settings, transfer, overwrite, dry_run, as_json)
    return _crawl_files(
        crawl, output, kind, base_url, paths_file, settings, transfer, overwrite, dry_run, as_json
    )


def _check_combination(
    crawl, output, paths_file, list_crawls, urls_file, min_score, sample, seed, segments
):
    if list_crawls:
        if crawl or urls_file or paths_file:
            raise click.UsageError("--list-crawls takes no CRAWL, --urls or --paths-file")
        return
    if urls_file and (crawl or paths_file):
        raise click.UsageError("give either CRAWL / --paths-file or --urls, not both")
    if not (crawl or paths_file or urls_file):
        raise click.UsageError(
            "nothing to crawl: give a crawl name (e.g. CC-MAIN-2024-10), --paths-file, --urls "
            "or --list-crawls"
        )
    if not output:
        raise click.UsageError("missing option -o/--output: the folder to download into")
    if urls_file and (sample or segments):
        raise click.UsageError("--sample and --segments apply to Common Crawl listings, not --urls")
    if min_score is not None and not urls_file:
        raise click.UsageError("--min-score applies to --urls lists only")
    if seed is not None and sample is None:
        raise click.UsageError("--seed only applies with --sample N")
    if crawl and not _CRAWL_NAME.match(crawl):
        raise ConfigError(
            f"crawl name {crawl!r} is not valid: use an id like CC-MAIN-2024-10 "
            "(see `corpuskit crawl --list-crawls`)"
        )


def _list_crawls(collinfo_url, transfer, as_json):
    import json

    from corpuskit.crawl.listing import fetch_bytes, parse_collinfo

    data = fetch_bytes(collinfo_url, transfer, "the crawl list", "check --collinfo-url")
    crawls = parse_collinfo(data, collinfo_url)
    if as_json:
        click.echo(json.dumps(crawls, indent=2))
    else:
        for c in crawls:
            click.echo(f"{c['id']}\t{c['name']}")


def _crawl_files(
    crawl, output, kind, base_url, paths_file, settings, transfer, overwrite, dry_run, as_json
):
    from pathlib import Path

    from corpuskit.crawl import bulk, listing

    base = listing.resolve_base_url(base_url)
    if paths_file:
        source = paths_file
        hint = "check the --paths-file path"
    else:
        source = listing.listing_url(base, crawl, kind)
        hint = f"check the crawl name {crawl!r} with `corpuskit crawl --list-crawls` and --base-url"
    settings |= {"base_url": base, "listing": source}
    if dry_run:
        return options.print_dry_run(settings)
    data = listing.fetch_bytes(source, transfer, f"the {kind} listing", hint)
    paths = listing.parse_paths(data, source)
    chosen = listing.select_paths(
        paths,
        segments=tuple(settings["segments"]),
        sample=settings["sample"],
        seed=settings["seed"] or 0,
        limit=settings["limit"],
    )
    settings["listing_files"] = len(paths)
    jobs = [bulk.FileJob(url=base + path, relpath=path) for path in chosen]
    out = Path(output)
    report = bulk.download_all(
        jobs, out, transfer, concurrency=settings["concurrency"], overwrite=overwrite
    )
    bulk.write_manifest(out, report, settings)
    summary = report.to_json()
    human = (
        f"crawl: {report.downloaded} files downloaded ({report.bytes / 1e6:,.1f} MB, "
        f"{summary['mb_per_s']:,.2f} MB/s), {report.skipped} already done, "
        f"{len(report.failed)} failed, in {out}"
    )
    options.report(summary, as_json, human)
    _exit_on_failures([f["path"] + ": " + f["error"] for f in report.failed])


def _crawl_urls(urls_file, output, settings, transfer, overwrite, dry_run, as_json):
    from pathlib import Path

    from corpuskit.crawl import webcrawl
    from corpuskit.crawl.urls import read_url_list

    url_list = read_url_list(urls_file, settings["min_score"])
    settings["list_skipped"] = url_list.skipped
    if dry_run:
        return options.print_dry_run(settings | {"urls_to_fetch": len(url_list.entries)})
    entries = url_list.entries[: settings["limit"]] if settings["limit"] else url_list.entries
    crawl_settings = webcrawl.WebCrawlSettings(
        host_delay=settings["host_delay"],
        max_redirects=settings["max_redirects"],
        max_page_bytes=settings["max_page_bytes"],
        warc_size=settings["warc_size"],
        warc_prefix=settings["warc_prefix"],
        concurrency=settings["concurrency"],
    )
    out = Path(output)
    report = webcrawl.WebCrawler(out, transfer, crawl_settings).run(entries, overwrite=overwrite)
    webcrawl.write_manifest(out, report, settings)
    outcomes = ", ".join(f"{n} {k}" for k, n in report.outcomes.items()) or "nothing to do"
    human = (
        f"crawl: {len(entries)} URLs ({report.already_done} already done): {outcomes}; "
        f"{len(report.warc_files)} WARC file(s) written in {out}"
    )
    options.report(report.to_json(), as_json, human)
    _exit_on_failures([f["url"] + ": " + f["error"] for f in report.failed])


def _exit_on_failures(lines: list[str]) -> None:
    if not lines:
        return
    click.echo(f"{len(lines)} failed (rerun the same command to retry them):", err=True)
    for line in lines:
        click.echo(f"  {line}", err=True)
    sys.exit(1)
