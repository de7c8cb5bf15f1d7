"""Rolling gzipped WARC files written with warcio, as Common Crawl writes them.

Each file starts with a ``warcinfo`` record; every fetch adds a ``request`` record and a
``response`` record (WARC 1.0, ISO 28500) linked by ``WARC-Concurrent-To``; each record is
its own gzip member. A file is written as ``<name>.warc.gz.open`` and renamed to
``<name>.warc.gz`` when it reaches ``max_bytes`` or the run ends, so readers never see a
half-written file. A page cut at the size cap carries ``WARC-Truncated: length``, as
Common Crawl marks pages truncated at its 1 MiB limit.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import os
import threading
from collections.abc import Callable
from pathlib import Path

from corpuskit import __version__

OPEN_SUFFIX = ".open"
# The body is stored as received (de-chunked by http.client), so these no longer apply.
DROPPED_RESPONSE_HEADERS = {"transfer-encoding"}


@dataclasses.dataclass
class Exchange:
    """One HTTP request and its response, as sent and received."""

    url: str
    request_line: str
    request_headers: list[tuple[str, str]]
    status_line: str  # "HTTP/1.1 200 OK"
    response_headers: list[tuple[str, str]]
    body: bytes
    truncated: bool = False


class RollingWarcWriter:
    """Thread-safe writer of request/response pairs into size-bounded WARC files.

    ``on_commit(filename, urls)`` is called after a file is renamed to its final name, with
    the URLs whose records it holds.
    """

    def __init__(
        self,
        folder: Path,
        prefix: str,
        max_bytes: int,
        info: dict[str, str],
        on_commit: Callable[[str, list[str]], None],
    ):
        self.folder = folder
        self.prefix = prefix
        self.max_bytes = max_bytes
        self.info = info
        self.on_commit = on_commit
        self._lock = threading.Lock()
        self._stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%d%H%M%S")
        self._serial = 0
        self._file = None
        self._writer = None
        self._path: Path | None = None
        self._urls: list[str] = []
        self.committed: list[str] = []

    def _open(self) -> None:
        from warcio.warcwriter import WARCWriter

        self.folder.mkdir(parents=True, exist_ok=True)
        while True:
            name = f"{self.prefix}-{self._stamp}-{self._serial:05d}.warc.gz"
            self._serial += 1
            if not (self.folder / name).exists():
                break
        self._path = self.folder / name
        self._file = open(self.folder / (name + OPEN_SUFFIX), "wb")
        self._writer = WARCWriter(self._file, gzip=True)
        info = {"software": f"corpuskit/{__version__} (warcio)", "format": "WARC File Format 1.0"}
        self._writer.write_record(self._writer.create_warcinfo_record(name, info | self.info))
        self._urls = []

    def write_fetch(self, key: str, exchanges: list[Exchange]) -> None:
        """Append the exchanges of one fetch (redirect hops, then the page) to one file.

        ``key`` (the URL as listed) is reported to ``on_commit`` once the file is final.
        The file rolls over when it has reached ``max_bytes``.
        """
        with self._lock:
            if self._writer is None:
                self._open()
            for exchange in exchanges:
                self._write_exchange(exchange)
            self._urls.append(key)
            if self._file.tell() >= self.max_bytes:
                self._commit()

    def _write_exchange(self, exchange: Exchange) -> None:
        from warcio.statusandheaders import StatusAndHeaders

        protocol, status = exchange.status_line.split(" ", 1)
        http_response = StatusAndHeaders(
            status,
            [
                (k, v)
                for k, v in exchange.response_headers
                if k.lower() not in DROPPED_RESPONSE_HEADERS
            ],
            protocol=protocol,
        )
        extra = {"WARC-Truncated": "length"} if exchange.truncated else {}
        response = self._writer.create_warc_record(
            exchange.url,
            "response",
            payload=io.BytesIO(exchange.body),
            http_headers=http_response,
            warc_headers_dict=extra,
        )
        request = self._writer.create_warc_record(
            exchange.url,
            "request",
            payload=io.BytesIO(b""),
            http_headers=StatusAndHeaders(
                exchange.request_line, exchange.request_headers, is_http_request=True
            ),
            warc_headers_dict={
                "WARC-Concurrent-To": response.rec_headers.get_header("WARC-Record-ID")
            },
        )
        self._writer.write_record(request)
        self._writer.write_record(response)

    def _commit(self) -> None:
        self._file.flush()
        os.fsync(self._file.fileno())
        self._file.close()
        os.replace(self._path.with_name(self._path.name + OPEN_SUFFIX), self._path)
        self.committed.append(self._path.name)
        urls, name = self._urls, self._path.name
        self._file = self._writer = self._path = None
        self._urls = []
        self.on_commit(name, urls)

    def close(self) -> None:
        """Finish the current file (if any) under its final name."""
        with self._lock:
            if self._writer is not None:
                self._commit()

    def abandon(self) -> None:
        """Close the current file without committing it (its URLs are fetched again later)."""
        with self._lock:
            if self._file is not None:
                self._file.close()
                self._file = self._writer = self._path = None


def remove_open_files(folder: Path) -> int:
    """Delete WARC files left open by a crashed run; returns how many."""
    if not folder.is_dir():
        return 0
    leftovers = list(folder.glob(f"*.warc.gz{OPEN_SUFFIX}"))
    for path in leftovers:
        path.unlink()
    return len(leftovers)
