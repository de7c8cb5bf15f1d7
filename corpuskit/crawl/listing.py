"""Common Crawl listings: which files a crawl has, which of them to fetch, which crawls exist.

Common Crawl publishes, per crawl, ``crawl-data/<CRAWL>/{warc,wet,wat}.paths.gz``: gzipped
text with one path per line relative to the bucket root
(``crawl-data/CC-MAIN-2024-10/segments/1707947473347.0/warc/CC-MAIN-...-00000.warc.gz``),
served under ``https://data.commoncrawl.org/`` and ``s3://commoncrawl/``
(https://commoncrawl.org/get-started). The list of crawls is ``collinfo.json`` of the
index server (https://index.commoncrawl.org/collinfo.json).
"""

from __future__ import annotations

import gzip
import json
import os
import random
import re
import tempfile
from pathlib import Path

from corpuskit.crawl.transfer import TransferFailed, TransferOptions, download
from corpuskit.errors import ConfigError, InputError

DEFAULT_BASE_URL = "https://data.commoncrawl.org/"
BASE_URL_ENV = "CORPUSKIT_CC_BASE_URL"
DEFAULT_COLLINFO_URL = "https://index.commoncrawl.org/collinfo.json"
KINDS = ("warc", "wet", "wat")
_SEGMENT = re.compile(r"/segments/([^/]+)/")


def resolve_base_url(base_url: str | None) -> str:
    """``--base-url``, else ``$CORPUSKIT_CC_BASE_URL``, else data.commoncrawl.org; ends in '/'."""
    base = base_url or os.environ.get(BASE_URL_ENV) or DEFAULT_BASE_URL
    if "://" not in base:
        raise ConfigError(
            f"base URL {base!r} has no scheme: use e.g. https://data.commoncrawl.org/ or s3://commoncrawl/"
        )
    return base if base.endswith("/") else base + "/"


def listing_url(base_url: str, crawl: str, kind: str) -> str:
    """Where the path listing of ``crawl`` for ``kind`` files lives."""
    return f"{base_url}crawl-data/{crawl}/{kind}.paths.gz"


def fetch_bytes(url: str, options: TransferOptions, what: str, hint: str) -> bytes:
    """Fetch a small file (with the usual retries); InputError naming ``what`` when it fails."""
    if "://" not in url:
        try:
            return Path(url).read_bytes()
        except OSError as exc:
            raise InputError(f"cannot read {what} {url}: {exc.strerror}: {hint}") from exc
    with tempfile.TemporaryDirectory(prefix="corpuskit-crawl-") as tmp:
        dest = Path(tmp) / "listing"
        try:
            download(url, dest, options)
        except TransferFailed as exc:
            raise InputError(f"cannot fetch {what} {url}: {exc}: {hint}") from exc
        return dest.read_bytes()


def parse_paths(data: bytes, source: str) -> list[str]:
    """The non-empty lines of a (gzipped or plain) path listing."""
    if data[:2] == b"\x1f\x8b":
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError) as exc:
            raise InputError(f"{source}: damaged gzip listing ({exc}): fetch it again") from exc
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"{source}: listing is not UTF-8 text (one path per line)") from exc
    paths = [line.strip().lstrip("/") for line in text.splitlines() if line.strip()]
    if not paths:
        raise InputError(f"{source}: the listing has no paths")
    for lineno, path in enumerate(paths, 1):
        # Paths become local file names under the output folder: never let one escape it.
        if ".." in path.split("/") or "://" in path or "\\" in path:
            raise InputError(
                f"{source}: path {lineno} ({path!r}) is not a relative path under the base URL"
            )
    return paths


def segment_of(path: str) -> str | None:
    """The segment id in a Common Crawl path (``.../segments/<id>/...``), or None."""
    match = _SEGMENT.search("/" + path)
    return match.group(1) if match else None


def select_paths(
    paths: list[str],
    segments: tuple[str, ...] = (),
    sample: int | None = None,
    seed: int = 0,
    limit: int | None = None,
) -> list[str]:
    """Filter by segment, then take a seeded random sample (kept in listing order), then limit.

    The sample is ``random.Random(seed).sample`` over the listing, so the same listing, size
    and seed always pick the same files.
    """
    if segments:
        wanted = set(segments)
        known = {segment_of(p) for p in paths}
        missing = sorted(wanted - known)
        if missing:
            shown = ", ".join(sorted(s for s in known if s)[:5])
            raise ConfigError(
                f"segment(s) {', '.join(missing)} not in the listing (first segments: {shown}); "
                "check --segments"
            )
        paths = [p for p in paths if segment_of(p) in wanted]
    if sample is not None:
        if sample > len(paths):
            raise ConfigError(
                f"--sample {sample} asks for more files than the listing has ({len(paths)}): "
                f"use --sample {len(paths)} or less"
            )
        chosen = set(random.Random(seed).sample(range(len(paths)), sample))
        paths = [p for i, p in enumerate(paths) if i in chosen]
    if limit is not None:
        paths = paths[:limit]
    return paths


def parse_collinfo(data: bytes, source: str) -> list[dict[str, str]]:
    """The crawls listed in ``collinfo.json`` (newest first, as the index server lists them)."""
    try:
        crawls = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"{source}: not valid JSON ({exc}): check --collinfo-url") from exc
    if not isinstance(crawls, list) or not all(isinstance(c, dict) and "id" in c for c in crawls):
        raise InputError(f"{source}: expected a JSON list of objects with an 'id'")
    return [
        {
            "id": str(c["id"]),
            "name": str(c.get("name", "")),
            "from": c.get("from", ""),
            "to": c.get("to", ""),
        }
        for c in crawls
    ]
