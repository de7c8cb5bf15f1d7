"""URL lists for ``corpuskit crawl --urls``: plain lines, TSV/CSV with a header, or JSONL.

GPT-2's WebText was built from the outbound links of Reddit posts with at least 3 karma
(Radford et al., 2019); a list may therefore carry a ``score`` or ``karma`` column and
``--min-score 3`` keeps the URLs at or above it. Formats, by file name:

- ``*.jsonl`` / ``*.ndjson``: one object per line with ``url`` (and ``score``/``karma``);
- ``*.tsv`` / ``*.csv``: a header row naming a ``url`` column (and ``score``/``karma``);
- anything else: one URL per line; blank lines and ``#`` comments are ignored.

Lines without an http(s) URL and repeated URLs are skipped and counted, never fatal.
"""

from __future__ import annotations

import csv
import dataclasses
import urllib.parse
from pathlib import Path

from corpuskit.errors import ConfigError, InputError
from corpuskit.readers import json_objects

SCORE_COLUMNS = ("score", "karma")


@dataclasses.dataclass(frozen=True)
class UrlEntry:
    """One URL to fetch, its score if the list has one, and where it came from."""

    url: str
    score: float | None
    line: int


@dataclasses.dataclass
class UrlList:
    """The usable entries of a list, whether it had scores, and what was skipped."""

    entries: list[UrlEntry]
    has_scores: bool
    skipped: dict[str, int]


def is_http_url(url: str) -> bool:
    """True for an absolute http:// or https:// URL with a host."""
    parts = urllib.parse.urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def _rows(path: Path, text: str):
    """(line number, url, raw score) for each row of the list."""
    name = path.name.lower()
    if name.endswith((".jsonl", ".ndjson")):
        for lineno, row in json_objects(text.splitlines(), path, "a 'url'"):
            score = next((row[c] for c in SCORE_COLUMNS if c in row), None)
            yield lineno, str(row.get("url") or ""), score, any(c in row for c in SCORE_COLUMNS)
    elif name.endswith((".tsv", ".csv")):
        reader = csv.reader(text.splitlines(), delimiter="\t" if name.endswith(".tsv") else ",")
        header = [h.strip().lower() for h in next(reader, [])]
        if "url" not in header:
            raise InputError(
                f"{path}: the header row has no 'url' column (found: {', '.join(header) or 'nothing'}); "
                "add a header like 'url<TAB>score'"
            )
        url_at = header.index("url")
        score_at = next((header.index(c) for c in SCORE_COLUMNS if c in header), None)
        for lineno, row in enumerate(reader, 2):
            if not row:
                continue
            url = row[url_at] if url_at < len(row) else ""
            score = row[score_at] if score_at is not None and score_at < len(row) else None
            yield lineno, url, score, score_at is not None
    else:
        for lineno, line in enumerate(text.splitlines(), 1):
            line = line.strip()
            if line and not line.startswith("#"):
                yield lineno, line, None, False


def read_url_list(path: str | Path, min_score: float | None = None) -> UrlList:
    """Read a URL list, drop bad and repeated URLs, keep scores >= ``min_score`` if given."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot read URL list {path}: {exc.strerror}") from exc
    except UnicodeDecodeError as exc:
        raise InputError(f"URL list {path} is not UTF-8 text") from exc
    entries: list[UrlEntry] = []
    seen: set[str] = set()
    skipped = {"invalid_url": 0, "duplicate": 0, "below_min_score": 0, "bad_score": 0}
    has_scores = False
    for lineno, url, raw_score, row_has_score in _rows(path, text):
        has_scores = has_scores or row_has_score
        url = url.strip()
        if not is_http_url(url):
            skipped["invalid_url"] += 1
            continue
        score = None
        if raw_score not in (None, ""):
            try:
                score = float(raw_score)
            except (TypeError, ValueError):
                skipped["bad_score"] += 1
                continue
        if min_score is not None and (score is None or score < min_score):
            skipped["below_min_score"] += 1
            continue
        if url in seen:
            skipped["duplicate"] += 1
            continue
        seen.add(url)
        entries.append(UrlEntry(url, score, lineno))
    if min_score is not None and not has_scores:
        raise ConfigError(
            f"--min-score needs a 'score' or 'karma' column, and {path} has none: "
            "use a TSV/CSV with a header or JSONL, or drop --min-score"
        )
    return UrlList(entries, has_scores, skipped)
