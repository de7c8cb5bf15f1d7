"""Select WebText-like documents from web documents by a URL list (C4's ``webtextlike``).

C4's ``webtextlike`` variant keeps the Common Crawl pages whose URL appears in the
OpenWebText URL list (pages linked from Reddit posts with at least 3 karma, as in GPT-2's
WebText). URLs on both sides are compared after C4's normalisation
(:func:`normalise_url`): scheme and ``www.`` dropped, host lower-cased, tracking query
parameters (``utm_*``, ``ref*``, ``feed*``) and the fragment removed, trailing ``/`` stripped.
The same normalisation feeds C4's validation rule ``md5(normalised url) % 1000 == 0``.
"""

from __future__ import annotations

import gzip
import hashlib
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from corpuskit.errors import InputError

TRACKING_PREFIXES = ("utm_", "ref", "feed")


def normalise_url(url: str) -> str:
    """C4's URL key: no scheme, no ``www.``, no tracking parameters, no trailing slash."""
    url = url.strip()
    if "://" not in url:
        url = "http://" + url
    parts = urlsplit(url)
    host = parts.netloc.lower()
    if host.startswith("www."):
        host = host[4:]
    query = [
        (key, value)
        for key, value in parse_qsl(parts.query, keep_blank_values=True)
        if not key.lower().startswith(TRACKING_PREFIXES)
    ]
    normalised = host + parts.path
    if query:
        normalised += "?" + urlencode(query)
    return normalised.rstrip("/")


def c4_validation(url: str | None) -> bool:
    """C4's split rule: a page is in validation when md5(normalised url) % 1000 == 0."""
    if not url:
        return False
    digest = hashlib.md5(normalise_url(url).encode("utf-8")).hexdigest()
    return int(digest, 16) % 1000 == 0


class UrlSelector:
    """Keeps the rows of a table whose normalised ``url`` is in a URL list."""

    def __init__(self, urls: set[str]):
        self.urls = urls

    def __len__(self) -> int:
        return len(self.urls)

    @classmethod
    def from_file(cls, path: str | None) -> UrlSelector:
        """Read a URL list: one URL per line, ``#`` comments and blank lines ignored (.gz ok)."""
        if not path:
            raise InputError("a webtext source needs `url_list`: a file with one URL per line")
        try:
            opener = gzip.open if path.endswith(".gz") else open
            with opener(path, "rt", encoding="utf-8") as fh:
                urls = {
                    normalise_url(line)
                    for line in fh
                    if line.strip() and not line.lstrip().startswith("#")
                }
        except (OSError, UnicodeDecodeError, EOFError) as exc:
            raise InputError(f"cannot read URL list {path}: {exc}") from exc
        if not urls:
            raise InputError(f"URL list {path} is empty: add one URL per line")
        return cls(urls)

    def select(self, table, counters: dict[str, Any]):
        """The rows of ``table`` whose URL is listed; counts seen and selected rows."""
        import pyarrow as pa

        mask = [
            bool(url) and normalise_url(url) in self.urls for url in table.column("url").to_pylist()
        ]
        counters["web_documents_seen"] = counters.get("web_documents_seen", 0) + table.num_rows
        counters["selected_by_url"] = counters.get("selected_by_url", 0) + sum(mask)
        return table.filter(pa.array(mask, pa.bool_()))
