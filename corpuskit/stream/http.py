"""Byte ranges of one file over HTTP(S), through the crawl command's client (:mod:`corpuskit.crawl.http`).

The rules (RFC 9110), shared with :mod:`corpuskit.crawl.transfer`:

- every request asks ``Range: bytes=<offset>-`` (§14.2); a 206 must start exactly there
  (Content-Range, §14.4) and its total fixes the file's size;
- the first response's strong ETag, else its Last-Modified, is the file's validator; every
  later request sends it as ``If-Range`` (§13.1.5), so a file replaced upstream comes back as
  a 200 with another validator and is an error, never a splice of two versions;
- a 200 to a ranged request with the same validator means the server ignores ranges: the
  first ``offset`` bytes are skipped (counted as ``range_ignored``);
- 408/425/429/5xx are retried (Retry-After honoured, §10.2.3), 416 past the end is the end of
  the file, redirects are followed (at most :data:`MAX_REDIRECTS`), other statuses and
  unresolvable host names fail at once.
"""

from __future__ import annotations

import http.client
import socket
import ssl
import urllib.parse

from corpuskit.crawl.http import DEFAULT_USER_AGENT, open_url
from corpuskit.crawl.retry import is_retryable_status, parse_retry_after
from corpuskit.crawl.transfer import PermanentError, RetryableError, parse_content_range

MAX_REDIRECTS = 5
_REDIRECTS = (301, 302, 303, 307, 308)
_SKIP_CHUNK = 1 << 20


class _EmptyBody:
    """The body past the end of the file."""

    def read(self, size: int) -> bytes:
        return b""

    def close(self) -> None:
        pass


class HttpSource:
    """Opens ``url`` at any byte offset; ``size`` and ``validator`` are learnt from responses."""

    def __init__(self, url: str, timeout: float, user_agent: str = DEFAULT_USER_AGENT):
        self.url = url
        self.timeout = timeout
        self.user_agent = user_agent
        self.size: int | None = None
        self.validator: str | None = None

    def stat(self, count) -> None:
        """Learn the size with a one-byte request (``Range: bytes=0-0``)."""
        count("requests")
        body = self._request(0, count, last=0)
        body.close()

    def open(self, offset: int, count):
        """A response body streaming from ``offset`` to the end of the file."""
        return self._request(offset, count)

    def _request(self, offset: int, count, last: int | None = None):
        headers = {
            "User-Agent": self.user_agent,
            "Accept-Encoding": "identity",
            "Range": f"bytes={offset}-{'' if last is None else last}",
        }
        if self.validator:
            headers["If-Range"] = self.validator
        url = self.url
        for _ in range(MAX_REDIRECTS + 1):
            response = _open(url, headers, self.timeout)
            status = response.status
            location = response.header("Location")
            if status in _REDIRECTS and location:
                response.close()
                url = urllib.parse.urljoin(url, location)
                continue
            try:
                return self._accept(response, offset, count)
            except BaseException:
                response.close()
                raise
        raise PermanentError(
            f"more than {MAX_REDIRECTS} redirects (last to {url}): give the final URL"
        )

    def _accept(self, response, offset: int, count):
        status = response.status
        if status == 416:
            _, _, total = parse_content_range(response.header("Content-Range"))
            if total is not None:
                self._check_size(total)
            if self.size is not None and offset >= self.size:
                response.close()
                return _EmptyBody()
            raise RetryableError(f"HTTP 416 for byte {offset} of a file of unknown size")
        if is_retryable_status(status):
            raise RetryableError(
                f"HTTP {status} {response.reason}",
                retry_after=parse_retry_after(response.header("Retry-After")),
            )
        if status not in (200, 206):
            hint = "the file is not there" if status in (404, 410) else "check the URL"
            raise PermanentError(f"HTTP {status} {response.reason}: {hint}")
        self._check_validator(response)
        if status == 206:
            first, _, total = parse_content_range(response.header("Content-Range"))
            if first != offset:
                raise RetryableError(f"asked for byte {offset}, the server sent byte {first}")
            if total is not None:
                self._check_size(total)
            return response
        length = response.header("Content-Length")
        if length and length.isdigit():
            self._check_size(int(length))
        if offset:
            count("range_ignored")
            _skip(response, offset)
        return response

    def _check_validator(self, response) -> None:
        etag = response.header("ETag")
        # RFC 9110 §13.1.5: If-Range takes a strong ETag or a Last-Modified date, never a weak ETag.
        value = etag if etag and not etag.startswith("W/") else response.header("Last-Modified")
        if self.validator is None:
            self.validator = value
        elif value is not None and value != self.validator:
            raise PermanentError(
                f"the file changed upstream while it was read (validator {self.validator} "
                f"became {value}): rerun to read the new version from the start"
            )

    def _check_size(self, total: int) -> None:
        if self.size is None:
            self.size = total
        elif total != self.size:
            raise PermanentError(
                f"the file changed upstream while it was read (size {self.size} became "
                f"{total}): rerun to read the new version from the start"
            )


def _open(url: str, headers: dict[str, str], timeout: float):
    host = urllib.parse.urlsplit(url).hostname
    try:
        return open_url(url, headers, timeout)
    except socket.gaierror as exc:
        # A name that does not resolve will not resolve on the next attempt either.
        raise PermanentError(
            f"cannot resolve host {host!r} ({exc.strerror}): check the URL"
        ) from exc
    except http.client.InvalidURL as exc:
        raise PermanentError(f"invalid URL ({exc}): check the URL") from exc
    except ssl.SSLCertVerificationError as exc:
        raise PermanentError(
            f"TLS certificate of {host!r} not valid ({exc.verify_message})"
        ) from exc


def _skip(response, count: int) -> None:
    """Read and drop the first ``count`` bytes of a body (a server that ignores ranges)."""
    left = count
    while left:
        data = response.read(min(left, _SKIP_CHUNK))
        if not data:
            raise RetryableError(f"short body while skipping to byte {count}")
        left -= len(data)
