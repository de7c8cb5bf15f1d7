"""A seekable, read-only file over a remote byte source, with read-ahead, retries and resume.

The file keeps one open body (an HTTP response, an fsspec file) streaming forward from some
offset and a window of the bytes it has received:

- reads inside the window cost nothing, so the small backward seeks of WARC boundary scans
  (:func:`corpuskit.extract.warc.find_record_start`) never reopen the source;
- reads just past the window read on from the open body (:data:`READ_AHEAD` bytes at a time;
  the first read after a seek asks only what it needs, at least :data:`FIRST_READ`, so probing
  a file's first bytes before seeking to a shard's range costs no megabyte);
- a seek further away closes the body and opens a new one at the target offset.

When a body fails (a dropped connection, a timeout, a body that ends before the size the
source announced) the file reopens the source at the exact byte where it stopped: a *resume*.
Failed attempts are *retries*, made with the backoff of :class:`corpuskit.crawl.retry.RetryPolicy`
(full jitter, a server's Retry-After as a floor). The attempt count starts again once bytes
arrive, so a long stream survives any number of separate faults; :class:`StreamError` is raised
when one position fails more than ``policy.retries`` times, or at once for a permanent failure
(404, a file changed upstream).
"""

from __future__ import annotations

import io
import time
from collections.abc import Callable

from corpuskit.crawl.http import TRANSPORT_ERRORS
from corpuskit.crawl.retry import RetryPolicy
from corpuskit.crawl.transfer import PermanentError, RetryableError
from corpuskit.errors import ShardError
from corpuskit.progress import log

READ_AHEAD = 1 << 20
FIRST_READ = 64 << 10
# Bytes kept before the read position: find_record_start reads 1 MiB + 64 and seeks back into it.
KEEP_BEHIND = 2 << 20
# A forward seek at most this far reads on through the open body instead of reopening it.
SKIP_AHEAD = 2 << 20

COUNTERS = ("requests", "bytes", "retries", "resumes", "range_ignored")


class StreamError(ShardError):
    """A remote file could not be read: it failed permanently, changed, or kept failing."""


class Body:
    """What a source's ``open`` returns: ``read(n)`` (b"" at the end) and ``close()``."""

    def read(self, size: int) -> bytes:  # pragma: no cover - interface
        raise NotImplementedError

    def close(self) -> None:  # pragma: no cover - interface
        raise NotImplementedError


class ResumableFile(io.RawIOBase):
    """A read-only, seekable file over ``source`` (an HTTP or fsspec source object).

    ``source.open(offset, counters)`` returns a :class:`Body` streaming from ``offset``; it
    raises RetryableError / PermanentError (or a transport error, retried) and sets
    ``source.size`` once known. ``counters`` (requests, bytes, retries, resumes,
    range_ignored) count this file's work; ``on_count`` also receives every increment.
    """

    def __init__(
        self,
        source,
        name: str,
        policy: RetryPolicy,
        sleep: Callable[[float], None] = time.sleep,
        on_count: Callable[[str, int], None] | None = None,
    ):
        super().__init__()
        self.source = source
        self.name = name
        self.policy = policy
        self._sleep = sleep
        self._on_count = on_count
        self.counters = dict.fromkeys(COUNTERS, 0)
        self._pos = 0
        self._window = bytearray()
        self._window_start = 0
        self._body: Body | None = None
        self._interrupted = False

    # -- io.RawIOBase ----------------------------------------------------------------------
    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        if whence == io.SEEK_SET:
            target = offset
        elif whence == io.SEEK_CUR:
            target = self._pos + offset
        elif whence == io.SEEK_END:
            target = self.size() + offset
        else:
            raise ValueError(f"invalid whence {whence}")
        if target < 0:
            raise ValueError(f"negative seek position {target}")
        self._pos = target
        return target

    def size(self) -> int:
        """The file's size in bytes (asks the source when no response has told it yet)."""
        if self.source.size is None:
            self._with_retries(lambda: self.source.stat(self._count))
        return self.source.size

    def read(self, size: int = -1) -> bytes:
        """Exactly ``size`` bytes (fewer only at the end of the file); all the rest for -1."""
        if self.closed:
            raise ValueError("read of a closed file")
        wanted = None if size is None or size < 0 else size
        parts: list[bytes] = []
        got = 0
        while wanted is None or got < wanted:
            offset = self._pos - self._window_start
            end = self._window_start + len(self._window)
            if 0 <= offset < len(self._window):
                take = len(self._window) - offset
                if wanted is not None:
                    take = min(take, wanted - got)
                parts.append(bytes(self._window[offset : offset + take]))
                got += take
                self._pos += take
                continue
            need = READ_AHEAD if wanted is None else wanted - got
            if not self._fill(self._pos, end, need):
                break
        return b"".join(parts)

    def readall(self) -> bytes:
        return self.read(-1)

    def readinto(self, buffer) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        self._drop_body()
        self._window = bytearray()
        super().close()

    # -- internals -------------------------------------------------------------------------
    def _count(self, key: str, n: int = 1) -> None:
        self.counters[key] += n
        if self._on_count is not None:
            self._on_count(key, n)

    def _drop_body(self) -> None:
        if self._body is not None:
            try:
                self._body.close()
            except TRANSPORT_ERRORS:
                pass
            self._body = None

    def _fill(self, pos: int, end: int, need: int) -> bool:
        """Extend the window so it holds ``pos``; False at the end of the file."""
        if not (self._window_start <= pos <= end + SKIP_AHEAD):
            self._drop_body()
            self._window = bytearray()
            self._window_start = end = pos
            self._interrupted = False
        if self.source.size is not None and end >= self.source.size:
            return False
        ahead = READ_AHEAD if self._window else min(READ_AHEAD, max(need, FIRST_READ))
        target = max(pos, end) + ahead
        if self.source.size is not None:
            target = min(target, self.source.size)
        while self._window_start + len(self._window) < target:
            chunk = self._next_chunk(target - (self._window_start + len(self._window)))
            if not chunk:
                break
            self._window += chunk
        keep_from = max(self._window_start, pos - KEEP_BEHIND)
        if keep_from > self._window_start:
            del self._window[: keep_from - self._window_start]
            self._window_start = keep_from
        return self._window_start + len(self._window) > pos

    def _next_chunk(self, size: int) -> bytes:
        """Up to ``size`` bytes from the window's end, reopening the source as needed."""

        def attempt() -> bytes:
            offset = self._window_start + len(self._window)
            if self._body is None:
                self._count("requests")
                self._body = self.source.open(offset, self._count)
                if self._interrupted:
                    self._count("resumes")
                    self._interrupted = False
            try:
                data = self._body.read(min(size, READ_AHEAD))
            except (RetryableError, *TRANSPORT_ERRORS):
                self._interrupted = True  # the next request continues this body
                raise
            if data:
                self._count("bytes", len(data))
                return data
            self._drop_body()
            total = self.source.size
            if total is not None and offset < total:
                self._interrupted = True
                raise RetryableError(
                    f"short body: the connection ended at byte {offset} of {total}"
                )
            return b""

        return self._with_retries(attempt)

    def _with_retries(self, call):
        failures = 0
        while True:
            try:
                return call()
            except PermanentError as exc:
                self._drop_body()
                raise StreamError(f"cannot read {self.name}: {exc}") from exc
            except (RetryableError, *TRANSPORT_ERRORS) as exc:
                self._drop_body()
                failures += 1
                offset = self._window_start + len(self._window)
                if failures > self.policy.retries:
                    raise StreamError(
                        f"cannot read {self.name} at byte {offset}: {_describe(exc)} "
                        f"(gave up after {failures} attempts): check the URL and the network, "
                        "then rerun to resume"
                    ) from exc
                self._count("retries")
                retry_after = exc.retry_after if isinstance(exc, RetryableError) else None
                wait = self.policy.delay(failures - 1, retry_after)
                log(
                    f"stream: {self.name} at byte {offset}: {_describe(exc)}; "
                    f"retry {failures} of {self.policy.retries} in {wait:.2f}s",
                    level=2,
                )
                self._sleep(wait)


def _describe(exc: BaseException) -> str:
    if isinstance(exc, TimeoutError):
        return "timed out"
    text = str(exc) or type(exc).__name__
    return text if isinstance(exc, RetryableError) else f"{type(exc).__name__}: {text}"
