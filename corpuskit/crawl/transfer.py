"""One robust, resumable file download.

The rules, in the order they apply:

- Bytes go to ``<name>.part`` next to the final name; the final name only ever appears by
  an atomic ``os.replace`` after the size check and an fsync, so a file under its final name
  is always complete.
- A ``.part`` left by an interrupted run (Ctrl-C, ``kill -9``, a dropped connection) is
  resumed with ``Range: bytes=<size>-`` (RFC 9110 §14.2) and ``If-Range`` set to the ETag
  (or Last-Modified) of the response that started it, kept in ``<name>.part.validator``
  (RFC 9110 §13.1.5), so a file changed upstream is fetched whole, never spliced. A 206 must
  start exactly there (Content-Range); a 200 (Range ignored, or the file changed) replaces
  the partial file from byte 0.
- The size must match Content-Length (200) or the Content-Range total (206); a body that
  ends early is kept and resumed, a body that is too long is discarded and restarted.
- 408/425/429/5xx, connection errors, timeouts and short bodies are retried with backoff,
  each retry logged, for at most ``policy.max_wait`` seconds in all
  (:mod:`corpuskit.crawl.retry`); other 4xx, a host name that does not resolve and an
  untrusted TLS certificate fail at once (retrying a 404 or an offline DNS cannot help).
- Every request takes a token from the shared :class:`~corpuskit.crawl.ratelimit.RateLimiter`.

``s3://`` and other non-HTTP URLs are read through fsspec with the same rules (seek to the
partial size instead of a Range header).
"""

from __future__ import annotations

import dataclasses
import http.client
import os
import re
import time
from collections.abc import Callable
from pathlib import Path

from corpuskit.checksum import file_sha256
from corpuskit.crawl.http import DEFAULT_USER_AGENT, open_url
from corpuskit.crawl.ratelimit import RateLimiter
from corpuskit.crawl.retry import (  # the error classes are re-exported from here
    PermanentError,
    RetryableError,
    RetryPolicy,
    TransferFailed,
    client_error_hint,
    is_retryable_status,
    parse_retry_after,
    reason_of,
    with_retries,
)

CHUNK_BYTES = 1 << 20
PART_SUFFIX = ".part"
VALIDATOR_SUFFIX = ".validator"
_CONTENT_RANGE = re.compile(r"bytes\s+(?:(\d+)-(\d+)|\*)/(\d+|\*)", re.IGNORECASE)


@dataclasses.dataclass
class TransferOptions:
    """Settings shared by every download of a run."""

    policy: RetryPolicy = dataclasses.field(default_factory=RetryPolicy)
    limiter: RateLimiter = dataclasses.field(default_factory=lambda: RateLimiter(None))
    timeout: float = 60.0
    user_agent: str = DEFAULT_USER_AGENT
    sleep: Callable[[float], None] = time.sleep


@dataclasses.dataclass
class TransferResult:
    """What one finished download did."""

    size: int
    sha256: str
    attempts: int
    resumed_from: int
    range_ignored: int
    retries: dict[str, int]
    seconds: float


@dataclasses.dataclass
class _Attempt:
    """Mutable state of one download across its attempts."""

    resumed_from: int = 0
    range_ignored: int = 0
    retries: dict[str, int] = dataclasses.field(default_factory=dict)


def part_path(dest: Path) -> Path:
    """Where the bytes of ``dest`` live until it is complete."""
    return dest.with_name(dest.name + PART_SUFFIX)


def validator_path(part: Path) -> Path:
    """Where the ETag / Last-Modified of the response that started ``part`` is kept."""
    return part.with_name(part.name + VALIDATOR_SUFFIX)


def _remember_validator(part: Path, response) -> None:
    # RFC 9110 §13.1.5: If-Range takes a strong ETag or a Last-Modified date, never a weak ETag.
    etag = response.header("ETag")
    value = etag if etag and not etag.startswith("W/") else response.header("Last-Modified")
    if value:
        validator_path(part).write_text(value, encoding="utf-8")
    else:
        validator_path(part).unlink(missing_ok=True)


def parse_content_range(value: str | None) -> tuple[int | None, int | None, int | None]:
    """``(first, last, total)`` of a Content-Range header; None for ``*`` or a missing part."""
    match = _CONTENT_RANGE.search(value or "")
    if not match:
        return None, None, None
    first, last, total = match.groups()
    return (
        int(first) if first else None,
        int(last) if last else None,
        int(total) if total and total != "*" else None,
    )


def download(
    url: str,
    dest: Path,
    options: TransferOptions,
    on_bytes: Callable[[int], None] | None = None,
) -> TransferResult:
    """Download ``url`` to ``dest`` (resuming ``dest.part``); raise TransferFailed when it cannot."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    part = part_path(dest)
    state = _Attempt(resumed_from=part.stat().st_size if part.exists() else 0)
    started = time.monotonic()
    attempt_once = _attempt_http if url.startswith(("http://", "https://")) else _attempt_fsspec
    on_bytes = on_bytes or (lambda n: None)

    def count(exc: BaseException) -> None:
        reason = reason_of(exc)
        state.retries[reason] = state.retries.get(reason, 0) + 1

    try:
        _, attempts = with_retries(
            lambda: attempt_once(url, part, options, state, on_bytes),
            url,
            options.policy,
            sleep=options.sleep,
            on_retry=count,
        )
    except http.client.InvalidURL as exc:
        raise TransferFailed(str(exc), 1, permanent=True) from exc
    size, digest = _finish(part, dest)
    return TransferResult(
        size=size,
        sha256=digest,
        attempts=attempts,
        resumed_from=state.resumed_from,
        range_ignored=state.range_ignored,
        retries=state.retries,
        seconds=round(time.monotonic() - started, 3),
    )


def _finish(part: Path, dest: Path) -> tuple[int, str]:
    """fsync, hash and rename the completed part file to its final name."""
    with open(part, "rb") as fh:
        os.fsync(fh.fileno())
    digest = file_sha256(part)
    size = part.stat().st_size
    os.replace(part, dest)
    validator_path(part).unlink(missing_ok=True)
    return size, digest


def _attempt_http(url, part: Path, options: TransferOptions, state: _Attempt, on_bytes) -> None:
    offset = part.stat().st_size if part.exists() else 0
    headers = {"User-Agent": options.user_agent, "Accept-Encoding": "identity"}
    if offset:
        headers["Range"] = f"bytes={offset}-"
        if validator_path(part).exists():
            # The rest only if the file is still the one we started, else all of it (200).
            headers["If-Range"] = validator_path(part).read_text(encoding="utf-8").strip()
    options.limiter.acquire()
    with open_url(url, headers, options.timeout) as response:
        status = response.status
        if status == 416 and offset:
            _, _, total = parse_content_range(response.header("Content-Range"))
            if total == offset:
                return  # the previous run had every byte already
            part.unlink()
            raise RetryableError("range not satisfiable: restarting from byte 0", retry_after=0)
        if is_retryable_status(status):
            raise RetryableError(
                f"HTTP {status}: {response.reason}",
                retry_after=parse_retry_after(response.header("Retry-After")),
            )
        length = response.header("Content-Length")
        length = int(length) if length and length.isdigit() else None
        if status == 200:
            if offset:
                state.range_ignored += 1  # Range ignored, or If-Range says it changed
                offset = 0
            total = length
            _remember_validator(part, response)
        elif status == 206:
            first, _, total = parse_content_range(response.header("Content-Range"))
            if first != offset:
                part.unlink()
                raise RetryableError(
                    f"bad range: asked for byte {offset}, got {first}; restarting", retry_after=0
                )
            if total is None and length is not None:
                total = offset + length
        else:
            raise PermanentError(f"HTTP {status} {response.reason} ({client_error_hint(status)})")
        _receive(response.read, part, offset, total, on_bytes)


def _receive(read, part: Path, offset: int, total: int | None, on_bytes) -> None:
    """Append the body to ``part`` from ``offset`` and check the final size against ``total``."""
    with open(part, "r+b" if offset else "wb") as fh:
        fh.seek(offset)
        fh.truncate()
        received = offset
        while True:
            chunk = read(CHUNK_BYTES)
            if not chunk:
                break
            fh.write(chunk)
            received += len(chunk)
            on_bytes(len(chunk))
    if total is not None and received < total:
        raise RetryableError(f"short body: {received} of {total} bytes; resuming")
    if total is not None and received > total:
        part.unlink()
        raise RetryableError(f"body too long: {received} of {total} bytes; restarting")


def _attempt_fsspec(url, part: Path, options: TransferOptions, state: _Attempt, on_bytes) -> None:
    fs, path = filesystem_for(url)
    offset = part.stat().st_size if part.exists() else 0
    options.limiter.acquire()
    try:
        total = fs.size(path)
        if offset > total:
            part.unlink()
            offset = 0
        with fs.open(path, "rb") as src:
            src.seek(offset)
            _receive(src.read, part, offset, total, on_bytes)
    except FileNotFoundError as exc:
        raise PermanentError(f"not found: {url}") from exc
    except OSError as exc:
        raise RetryableError(f"storage error: {exc}") from exc


def filesystem_for(url: str):
    """The fsspec filesystem and path of a non-HTTP URL, through :mod:`corpuskit.storage`
    (storage options apply; a missing backend such as gcsfs for gs:// names the package)."""
    from corpuskit import storage

    return storage.filesystem(url)
