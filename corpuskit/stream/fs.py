"""Byte ranges of one file on an fsspec filesystem (``s3://``, ``gs://``, ...), reopenable.

An fsspec file that fails mid-read (a reset connection to S3, a timeout) cannot be trusted
to go on; the source opens a fresh file at the byte where reading stopped. As over HTTP,
the first ``info()`` gives the size and a validator (ETag, else the modification time), and a
reopen that finds a different one is an error: the object was replaced while it was read.
Missing objects and refused permissions fail at once; other ``OSError``s are retried.
"""

from __future__ import annotations

from corpuskit.crawl.transfer import PermanentError, RetryableError

_VALIDATOR_KEYS = ("ETag", "etag", "VersionId", "generation", "LastModified", "mtime", "updated")


class _FileBody:
    """An open fsspec file whose errors are sorted into permanent and retryable."""

    def __init__(self, handle, url: str):
        self._handle = handle
        self._url = url

    def read(self, size: int) -> bytes:
        try:
            return self._handle.read(size)
        except (FileNotFoundError, PermissionError) as exc:
            raise _permanent(exc, self._url) from exc
        except OSError as exc:
            raise RetryableError(f"storage error: {type(exc).__name__}: {exc}") from exc

    def close(self) -> None:
        try:
            self._handle.close()
        except OSError:
            pass


def _permanent(exc: OSError, url: str) -> PermanentError:
    if isinstance(exc, FileNotFoundError):
        return PermanentError(f"not found: check the URL {url}")
    return PermanentError(f"permission denied ({exc}): check the credentials for {url}")


class FsspecSource:
    """Opens ``path`` on ``fs`` at any byte offset (``url`` names it in messages)."""

    def __init__(self, fs, path: str, url: str):
        self.fs = fs
        self.path = path
        self.url = url
        self.size: int | None = None
        self.validator: str | None = None

    def stat(self, count) -> None:
        """Learn the size and validator from ``fs.info``."""
        count("requests")
        self._check(self._info())

    def open(self, offset: int, count):
        """A file positioned at ``offset``."""
        if self.size is not None:
            self.fs.invalidate_cache(self.path)  # a reopen must see the object as it is now
        try:
            handle = self.fs.open(self.path, "rb")
        except (FileNotFoundError, PermissionError) as exc:
            raise _permanent(exc, self.url) from exc
        except OSError as exc:
            raise RetryableError(f"storage error: {type(exc).__name__}: {exc}") from exc
        body = _FileBody(handle, self.url)
        try:
            # Buffered fsspec files (s3fs, gcsfs...) hold the info they were opened with:
            # no second HEAD request for the check.
            details = getattr(handle, "details", None)
            self._check(details if isinstance(details, dict) else self._info())
            handle.seek(offset)
        except (FileNotFoundError, PermissionError) as exc:
            body.close()
            raise _permanent(exc, self.url) from exc
        except OSError as exc:
            body.close()
            raise RetryableError(f"storage error: {type(exc).__name__}: {exc}") from exc
        except BaseException:
            body.close()
            raise
        return body

    def _info(self) -> dict:
        try:
            return self.fs.info(self.path)
        except (FileNotFoundError, PermissionError) as exc:
            raise _permanent(exc, self.url) from exc
        except OSError as exc:
            raise RetryableError(f"storage error: {type(exc).__name__}: {exc}") from exc

    def _check(self, info: dict) -> None:
        size = info.get("size")
        validator = next((str(info[k]) for k in _VALIDATOR_KEYS if info.get(k) is not None), None)
        if self.size is None:
            self.size, self.validator = size, validator
            return
        if size != self.size or validator != self.validator:
            raise PermanentError(
                f"the object changed while it was read ({self.validator}, {self.size} bytes "
                f"became {validator}, {size} bytes): rerun to read the new version"
            )
