"""Crawl a URL list into WARC files (the WebText way), politely and resumably.

For each URL: robots.txt of its host must allow it (:mod:`corpuskit.crawl.robots`); one
request at a time per host, starting at least ``host_delay`` seconds (or the host's
Crawl-delay, if larger) after the previous one to that host ended; redirects are followed up to ``max_redirects`` hops, each hop
checked against robots.txt and written to the WARC (a 3xx response, as crawlers archive
them); the body is cut at ``max_page_bytes`` and marked truncated. Transient failures are
retried with the same backoff as file downloads (each retry logged); a host that does not
resolve fails its URLs at once, and they stay unrecorded so a rerun tries them again.

Resume: ``OUT/crawl_state.json`` maps each finished URL to its outcome (the WARC file that
holds it, or why it was not archived: robots, 4xx, too many redirects). It is rewritten
atomically when a WARC file is committed and at the end, so after a crash the URLs of the
WARC file left open are simply fetched again (the ``.open`` file is deleted), with no
duplicate record. URLs that failed transiently are not recorded: a rerun retries them.
"""

from __future__ import annotations

import dataclasses
import http.client
import json
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path
from typing import Any

from corpuskit.crawl.http import open_url, split_url
from corpuskit.crawl.retry import is_retryable_status, parse_retry_after, with_retries
from corpuskit.crawl.robots import HostClock, RobotsCache, host_of
from corpuskit.crawl.transfer import RetryableError, TransferFailed, TransferOptions
from corpuskit.crawl.urls import UrlEntry, is_http_url
from corpuskit.crawl.warcwriter import Exchange, RollingWarcWriter, remove_open_files
from corpuskit.dataset import atomic_write_text
from corpuskit.progress import Progress, log
from corpuskit.report import RunReport

STATE_FILE = "crawl_state.json"


@dataclasses.dataclass(frozen=True)
class WebCrawlSettings:
    """Politeness and size limits of a URL-list crawl."""

    host_delay: float = 1.0
    max_redirects: int = 5
    # Common Crawl truncates payloads at 1 MiB; a typical article page is far smaller.
    max_page_bytes: int = 1 << 20
    warc_size: int = 1_000_000_000
    warc_prefix: str = "corpuskit"
    concurrency: int = 4


@dataclasses.dataclass
class WebCrawlReport(RunReport):
    """What a URL-list crawl did; ``exit_code`` is 1 when some URLs failed transiently."""

    output: str
    total: int
    already_done: int
    outcomes: dict[str, int]
    failed: list[dict[str, str]]
    warc_files: list[str]
    redirects: int  # hops followed to reach the pages archived by this run
    truncated: int
    seconds: float


class CrawlState:
    """Finished URLs and their outcomes, saved atomically to ``crawl_state.json``."""

    def __init__(self, path: Path):
        self.path = path
        self._lock = threading.Lock()
        self.urls: dict[str, dict[str, Any]] = {}
        if path.exists():
            self.urls = json.loads(path.read_text(encoding="utf-8")).get("urls", {})

    def is_done(self, url: str) -> bool:
        """True when ``url`` has a recorded outcome."""
        return url in self.urls

    def record(self, url: str, info: dict[str, Any]) -> None:
        """Remember the outcome of ``url`` (saved by the next :meth:`save`)."""
        with self._lock:
            self.urls[url] = info

    def save(self) -> None:
        """Write the state file atomically."""
        with self._lock:
            text = json.dumps({"urls": self.urls}, indent=0, sort_keys=True)
        atomic_write_text(self.path, text + "\n")


def fetch_once(url: str, options: TransferOptions, max_bytes: int) -> tuple[Exchange, int, str]:
    """One GET of ``url``: the exchange to archive, the status and the Location header."""
    _, netloc, target = split_url(url)
    headers = {"User-Agent": options.user_agent, "Accept-Encoding": "identity"}
    options.limiter.acquire()
    with open_url(url, headers, options.timeout) as response:
        if is_retryable_status(response.status):
            raise RetryableError(
                f"HTTP {response.status}: {response.reason}",
                retry_after=parse_retry_after(response.header("Retry-After")),
            )
        body, truncated = response.read_capped(max_bytes)
        length = response.header("Content-Length")
        if not truncated and length and length.isdigit() and len(body) < int(length):
            raise RetryableError(f"short body: {len(body)} of {length} bytes")
        exchange = Exchange(
            url=url,
            request_line=f"GET {target} HTTP/1.1",
            request_headers=[("Host", netloc), *headers.items()],
            status_line=f"{response.version} {response.status} {response.reason}",
            response_headers=response.headers,
            body=body,
            truncated=truncated,
        )
        return exchange, response.status, response.header("Location") or ""


def fetch_with_retries(url: str, options: TransferOptions, max_bytes: int):
    """:func:`fetch_once` retried on 429/5xx/connection errors (each retry logged);
    TransferFailed at the end, or at once when the host does not resolve or its TLS
    certificate is not trusted. A bad URL (InvalidURL) is raised as is: no retry."""
    result, _ = with_retries(
        lambda: fetch_once(url, options, max_bytes), url, options.policy, sleep=options.sleep
    )
    return result


def interleave_by_host(entries: list[UrlEntry]) -> list[UrlEntry]:
    """Round-robin over hosts, so one big host does not hold every thread in its delay."""
    by_host: dict[str, list[UrlEntry]] = {}
    for entry in entries:
        by_host.setdefault(host_of(entry.url), []).append(entry)
    queues = list(by_host.values())
    ordered: list[UrlEntry] = []
    for i in range(max((len(q) for q in queues), default=0)):
        ordered.extend(q[i] for q in queues if i < len(q))
    return ordered


class WebCrawler:
    """Fetches URL entries into rolling WARC files under ``output``."""

    def __init__(self, output: Path, options: TransferOptions, settings: WebCrawlSettings):
        self.output = output
        self.options = options
        self.settings = settings
        self.state = CrawlState(output / STATE_FILE)
        self.robots = RobotsCache(options.user_agent, options.timeout, options.limiter)
        self.clock = HostClock()
        self._pending: dict[str, dict[str, Any]] = {}
        self._lock = threading.Lock()
        self.writer = RollingWarcWriter(
            output,
            settings.warc_prefix,
            settings.warc_size,
            {"robots": "obey", "http-header-user-agent": options.user_agent},
            self._committed,
        )

    def _committed(self, warc_name: str, urls: list[str]) -> None:
        with self._lock:
            for url in urls:
                self.state.record(url, self._pending.pop(url) | {"warc": warc_name})
        self.state.save()

    def crawl_one(self, entry: UrlEntry) -> str:
        """Fetch one listed URL (following redirects); returns its outcome name."""
        try:
            return self._crawl(entry)
        except (http.client.InvalidURL, UnicodeError) as exc:  # e.g. a space in the host
            return self._finish(entry, "invalid_url", {"error": str(exc)})

    def _crawl(self, entry: UrlEntry) -> str:
        url, chain, exchanges = entry.url, [], []
        while True:
            if not self.robots.allowed(url):
                return self._finish(entry, "robots_disallowed", {"blocked_url": url})
            delay = max(self.settings.host_delay, self.robots.crawl_delay(url))
            with self.clock.turn(url, delay):
                exchange, status, location = fetch_with_retries(
                    url, self.options, self.settings.max_page_bytes
                )
            exchanges.append(exchange)
            if not (300 <= status < 400 and location):
                break
            target = urllib.parse.urljoin(url, location)
            if not is_http_url(target):
                return self._finish(entry, "bad_redirect", {"location": location})
            if len(chain) >= self.settings.max_redirects:
                return self._finish(entry, "too_many_redirects", {"redirects": chain + [target]})
            chain.append(target)
            url = target
        info = {"status": status, "final_url": url, "redirects": chain, "score": entry.score}
        if not 200 <= status < 300:
            return self._finish(entry, f"http_{status}", info)
        info |= {"bytes": len(exchange.body), "truncated": exchange.truncated}
        with self._lock:
            self._pending[entry.url] = {"outcome": "fetched"} | info
        self.writer.write_fetch(entry.url, exchanges)
        return "fetched"

    def _finish(self, entry: UrlEntry, outcome: str, info: dict[str, Any]) -> str:
        self.state.record(entry.url, {"outcome": outcome} | info)
        return outcome

    def run(
        self, entries: list[UrlEntry], overwrite: bool = False, progress: bool | None = None
    ) -> WebCrawlReport:
        """Crawl every entry not finished yet; failures are collected, never fatal."""
        started = time.monotonic()
        self.output.mkdir(parents=True, exist_ok=True)
        if overwrite:  # start afresh: drop the WARC files this folder's state lists
            for warc in {i["warc"] for i in self.state.urls.values() if i.get("warc")}:
                (self.output / warc).unlink(missing_ok=True)
            self.state.urls.clear()
        removed = remove_open_files(self.output)
        if removed:
            log(f"crawl: removed {removed} unfinished WARC file(s) of an interrupted run")
        todo = [e for e in entries if not self.state.is_done(e.url)]
        already = len(entries) - len(todo)
        if already:
            log(f"crawl: {already} of {len(entries)} URLs already done, skipping them")
        outcomes: dict[str, int] = {}
        failed: list[dict[str, str]] = []
        bar = Progress(len(todo), unit="urls", enabled=progress)
        stop = threading.Event()

        def work(entry: UrlEntry) -> str:
            if stop.is_set():
                return "interrupted"
            return self.crawl_one(entry)

        pool = ThreadPoolExecutor(self.settings.concurrency, thread_name_prefix="webcrawl")
        try:
            futures = {pool.submit(work, e): e for e in interleave_by_host(todo)}
            for future in as_completed(futures):
                entry = futures[future]
                try:
                    outcome = future.result()
                except TransferFailed as exc:
                    failed.append({"url": entry.url, "error": str(exc)})
                    outcome = "failed"
                outcomes[outcome] = outcomes.get(outcome, 0) + 1
                bar.update(1, **{outcome: 1})
        except BaseException:
            stop.set()
            pool.shutdown(wait=True, cancel_futures=True)
            raise
        finally:
            pool.shutdown(wait=True)
            bar.close()
            self.writer.close()  # every record written is complete: keep them
            self.state.save()
        redirects = truncated = 0
        for entry in todo:
            info = self.state.urls.get(entry.url, {})
            if info.get("outcome") != "fetched":
                continue
            redirects += len(info.get("redirects", []))
            truncated += bool(info.get("truncated"))
        return WebCrawlReport(
            output=str(self.output),
            total=len(entries),
            already_done=already,
            outcomes=dict(sorted(outcomes.items())),
            failed=sorted(failed, key=lambda f: f["url"]),
            warc_files=list(self.writer.committed),
            redirects=redirects,
            truncated=truncated,
            seconds=round(time.monotonic() - started, 3),
        )


def write_manifest(output: Path, report: WebCrawlReport, settings: dict[str, Any]) -> None:
    """``OUT/manifest.json``: settings, WARC files, outcome totals over every run, last run."""
    import datetime as dt

    from corpuskit.stage import library_versions

    state = CrawlState(output / STATE_FILE)
    totals: dict[str, int] = {}
    for info in state.urls.values():
        totals[info["outcome"]] = totals.get(info["outcome"], 0) + 1
    warcs = sorted({i["warc"] for i in state.urls.values() if i.get("warc")})
    manifest = {
        "stage": "crawl",
        "settings": settings,
        "warc_files": [{"path": w, "size": (output / w).stat().st_size} for w in warcs],
        "outcomes": dict(sorted(totals.items())),
        "last_run": report.to_json(),
        "versions": library_versions(),
        "written_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
    }
    atomic_write_text(
        output / "manifest.json", json.dumps(manifest, indent=2, sort_keys=True) + "\n"
    )
