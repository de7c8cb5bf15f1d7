"""Read remote files as seekable local ones: HTTP(S) byte ranges, and fsspec files, resumable.

:func:`open_remote` is what :func:`corpuskit.readers.open_binary` returns for a URL, and what
``extract`` reads WARCs through, so a remote WARC streams (no local copy) and is cut into
byte-range shards like a local one. How a file reads, retries and resumes:
:mod:`corpuskit.stream.resumable`; the HTTP rules: :mod:`corpuskit.stream.http`; other
protocols: :mod:`corpuskit.stream.fs`.

Settings come from the environment, so they reach every worker of a cluster unchanged:

=============================== ======= ==============================================
``CORPUSKIT_STREAM_RETRIES``    10      failed attempts allowed at one byte position
``CORPUSKIT_STREAM_BACKOFF_BASE`` 1.0   seconds; retry n waits up to base * 2**n
``CORPUSKIT_STREAM_BACKOFF_MAX``  60.0  longest wait, Retry-After included
``CORPUSKIT_STREAM_TIMEOUT``    60.0    seconds without data before a connection fails
=============================== ======= ==============================================

(the same defaults as ``corpuskit crawl``; tests set tiny backoffs this way).
"""

from __future__ import annotations

import contextlib
import contextvars
import os
from collections.abc import Iterator

from corpuskit.crawl.retry import RetryPolicy
from corpuskit.errors import ConfigError
from corpuskit.stream.resumable import COUNTERS, ResumableFile, StreamError

__all__ = [
    "COUNTERS",
    "ResumableFile",
    "StreamError",
    "collect_counters",
    "is_streamed",
    "open_remote",
    "remote_size",
    "stream_policy",
]

ENV_PREFIX = "CORPUSKIT_STREAM_"
# Files on this machine: nothing to retry, fsspec reads them directly.
_LOCAL_PROTOCOLS = ("file", "local", "memory")
_COLLECTOR: contextvars.ContextVar[dict[str, int] | None] = contextvars.ContextVar(
    "corpuskit_stream_counters", default=None
)


def _env_number(name: str, default: float, kind=float, positive: bool = False):
    raw = os.environ.get(ENV_PREFIX + name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = kind(raw)
    except ValueError:
        value = -1
    if value < 0 or (positive and value == 0):
        raise ConfigError(
            f"${ENV_PREFIX}{name}={raw!r} is not a valid {kind.__name__} "
            f"{'> 0' if positive else '>= 0'}: fix or unset it"
        )
    return value


def stream_policy() -> RetryPolicy:
    """The retry policy from ``$CORPUSKIT_STREAM_RETRIES`` / ``_BACKOFF_BASE`` / ``_BACKOFF_MAX``."""
    default = RetryPolicy()
    return RetryPolicy(
        retries=_env_number("RETRIES", default.retries, int),
        base_delay=_env_number("BACKOFF_BASE", default.base_delay),
        max_delay=_env_number("BACKOFF_MAX", default.max_delay),
    )


def is_streamed(url: str) -> bool:
    """True for URLs read through :func:`open_remote` (everything but local and memory files)."""
    protocol, sep, _ = url.partition("://")
    return bool(sep) and protocol.lower() not in _LOCAL_PROTOCOLS


@contextlib.contextmanager
def collect_counters() -> Iterator[dict[str, int]]:
    """Sum the counters of every remote file opened in this context (thread / task).

    Yields a dict with every key of :data:`COUNTERS`: requests, bytes, retries, resumes,
    range_ignored. The extract step puts it in each shard's stats as ``stream``.
    """
    counters = dict.fromkeys(COUNTERS, 0)
    token = _COLLECTOR.set(counters)
    try:
        yield counters
    finally:
        _COLLECTOR.reset(token)


def _source_for(url: str):
    if url.lower().startswith(("http://", "https://")):
        from corpuskit.stream.http import HttpSource

        return HttpSource(url, timeout=_env_number("TIMEOUT", 60.0, positive=True))
    from corpuskit import storage
    from corpuskit.stream.fs import FsspecSource

    fs, path = storage.filesystem(url)  # with the --storage-options of this process
    return FsspecSource(fs, path, url)


def open_remote(url: str, sleep=None) -> ResumableFile:
    """A seekable binary file reading ``url`` with read-ahead, retries and resume.

    Nothing is requested until the first read (or :meth:`ResumableFile.size`).
    """
    collector = _COLLECTOR.get()

    def on_count(key: str, n: int) -> None:
        collector[key] += n

    extra = {"sleep": sleep} if sleep is not None else {}
    return ResumableFile(
        _source_for(url),
        url,
        stream_policy(),
        on_count=on_count if collector is not None else None,
        **extra,
    )


def remote_size(url: str) -> int:
    """The size of the file at ``url`` in bytes (StreamError if it cannot be read)."""
    with open_remote(url) as fh:
        return fh.size()
