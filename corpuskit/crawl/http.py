"""One HTTP request over ``http.client`` (stdlib), with a timeout on every socket operation.

No redirects are followed and no content is decoded here: the downloader needs the exact
status (200 vs 206, 3xx to record) and the exact bytes. One connection per request keeps
threads independent; a Common Crawl file is large enough that the handshake does not matter.
"""

from __future__ import annotations

import http.client
import urllib.parse

from corpuskit.errors import ConfigError

# Every failure below the HTTP status line: refused/reset connections, timeouts (OSError),
# a connection closed before the status line or in a chunked body (HTTPException).
TRANSPORT_ERRORS = (OSError, http.client.HTTPException)

_URL_SAFE = "/?#[]@!$&'()*+,;=%:-._~"

DEFAULT_USER_AGENT = "corpuskit/0.1 (+https://github.com/corpuskit/corpuskit)"


class HttpResponse:
    """An open response: status, headers, and the body read in chunks."""

    def __init__(self, connection: http.client.HTTPConnection, response: http.client.HTTPResponse):
        self._connection = connection
        self._response = response
        self.status = response.status
        self.reason = response.reason
        self.version = "HTTP/1.0" if response.version == 10 else "HTTP/1.1"
        self.headers: list[tuple[str, str]] = response.getheaders()

    def header(self, name: str) -> str | None:
        """The first value of header ``name`` (case-insensitive), or None."""
        return self._response.getheader(name)

    def read(self, size: int) -> bytes:
        """Up to ``size`` bytes, whatever has arrived (one socket read at most, so progress,
        partial files and Ctrl-C follow the network); b"" at the end of the body or when the
        peer closed early."""
        return self._response.read1(size)

    def read_capped(self, limit: int, chunk: int = 64 * 1024) -> tuple[bytes, bool]:
        """The body up to ``limit`` bytes, and True when it was longer than that."""
        parts, size = [], 0
        while size <= limit:
            data = self.read(min(chunk, limit + 1 - size))
            if not data:
                break
            parts.append(data)
            size += len(data)
        return b"".join(parts)[:limit], size > limit

    def close(self) -> None:
        """Close the response and its connection."""
        self._response.close()
        self._connection.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def split_url(url: str) -> tuple[str, str, str]:
    """``(scheme, netloc, path?query)`` of an http(s) URL; ConfigError for anything else."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigError(f"not an http(s) URL: {url!r}")
    target = parts.path or "/"
    if parts.query:
        target += "?" + parts.query
    # Links in the wild are IRIs: percent-encode what HTTP/1.1 cannot carry (RFC 3987 §3.1)
    # and keep what is already encoded or reserved.
    target = urllib.parse.quote(target, safe=_URL_SAFE)
    netloc = parts.netloc
    if not netloc.isascii():
        host, sep, port = netloc.rpartition(":") if "]" not in netloc else (netloc, "", "")
        if not sep or not port.isdigit():
            host, sep, port = netloc, "", ""
        netloc = host.encode("idna").decode("ascii") + sep + port
    return parts.scheme, netloc, target


def open_url(url: str, headers: dict[str, str], timeout: float) -> HttpResponse:
    """Send a GET for ``url`` and return the response once its headers have arrived."""
    scheme, netloc, target = split_url(url)
    cls = http.client.HTTPSConnection if scheme == "https" else http.client.HTTPConnection
    connection = cls(netloc, timeout=timeout)
    try:
        connection.request("GET", target, headers=headers)
        response = connection.getresponse()
    except BaseException:
        connection.close()
        raise
    return HttpResponse(connection, response)
