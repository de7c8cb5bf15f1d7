"""URL block list: blocked domains (with their subdomains) and banned words in URLs.

Follows the shape of FineWeb's URL filter (Penedo et al. 2024, datatrove URLFilter): a page
is dropped when its host is a blocked domain or a subdomain of one (``example.com`` blocks
``www.example.com`` and ``a.b.example.com``, not ``notexample.com``); when a banned word is one
of the URL's tokens (the lower-cased URL split on every non-alphanumeric character); or when a
banned subword occurs anywhere in the lower-cased URL. The lists are ours: FineWeb's UT1
block list is not bundled; give your own through ``domains_file`` / ``banned_words_file``
(one entry per line, ``#`` comments). Pages without a URL are kept.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from urllib.parse import urlsplit

from corpuskit.errors import ConfigError
from corpuskit.registry import Filter, register_filter

_TOKEN_RE = re.compile(r"[^\W_]+")
DEFAULT_BANNED_WORDS = ("porn", "porno", "xxx", "hentai", "nsfw", "sexcam", "camgirls")


def host_of(url: str) -> str:
    """The lower-cased host of ``url`` (scheme optional), without port or trailing dot."""
    if "//" not in url.split("?", 1)[0]:
        url = "//" + url
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return ""
    return host.rstrip(".")


def _read_entries(path_text: str, what: str) -> list[str]:
    path = Path(path_text).expanduser()
    if not path.is_file():
        raise ConfigError(
            f"url_blocklist: {what} {str(path)!r} does not exist; give a text file with one "
            "entry per line"
        )
    with open(path, encoding="utf-8") as handle:
        return [
            line.strip().lower()
            for line in handle
            if line.strip() and not line.lstrip().startswith("#")
        ]


@register_filter
class UrlBlocklist(Filter):
    """Drop pages whose URL is on a domain block list or contains a banned word."""

    name = "url_blocklist"
    reasons = ("blocked_domain", "banned_url_word", "banned_url_subword")
    source = "FineWeb URL filter (Penedo et al. 2024), with corpuskit's own lists"

    @dataclasses.dataclass(frozen=True)
    class Params:
        domains: tuple = ()
        domains_file: str = ""
        banned_words: tuple = DEFAULT_BANNED_WORDS
        banned_words_file: str = ""
        banned_subwords: tuple = ()

    def setup(self) -> None:
        p = self.params
        domains = [d.strip().lower().lstrip(".") for d in p.domains if d.strip()]
        words = [w.strip().lower() for w in p.banned_words if w.strip()]
        if p.domains_file:
            domains += [d.lstrip(".") for d in _read_entries(p.domains_file, "domains_file")]
        if p.banned_words_file:
            words += _read_entries(p.banned_words_file, "banned_words_file")
        self._domains = frozenset(host_of(d) or d for d in domains)
        self._words = frozenset(words)
        self._subwords = tuple(s.strip().lower() for s in p.banned_subwords if s.strip())

    def score(self, doc) -> dict[str, float]:
        if not hasattr(self, "_domains"):
            self.setup()
        url = doc.url or ""
        if not url:
            return {"blocked_domain": 0.0, "banned_words": 0.0, "banned_subwords": 0.0}
        lower = url.lower()
        return {
            "blocked_domain": 1.0 if self._blocked(host_of(url)) else 0.0,
            "banned_words": float(sum(1 for t in _TOKEN_RE.findall(lower) if t in self._words)),
            "banned_subwords": float(sum(1 for s in self._subwords if s in lower)),
        }

    def _blocked(self, host: str) -> bool:
        labels = host.split(".")
        return any(".".join(labels[i:]) in self._domains for i in range(len(labels)))

    def decide(self, signals, doc):
        if signals["blocked_domain"]:
            return "blocked_domain"
        if signals["banned_words"]:
            return "banned_url_word"
        if signals["banned_subwords"]:
            return "banned_url_subword"
        return None
