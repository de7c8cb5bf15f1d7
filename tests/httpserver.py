"""A fault-injecting HTTP server on 127.0.0.1, for crawl tests and the crawl benchmark.

It serves files from a dict (``path -> bytes``) and/or a folder, honours ``Range:
bytes=N-`` and ``bytes=N-M`` (206 / 416) and ``If-Range`` (against an ETag derived from the
content), and can be told, per path, to:

- fail the next requests (:class:`Fault`): ``status`` (503 with Retry-After, 429, 404 ...),
  ``drop`` (send part of the body then reset the connection), ``short`` (send part of the
  body, then close cleanly: a body shorter than Content-Length), ``ignore-range`` (answer 200
  with the whole body even when asked for a range), or ``pass`` (answer normally: aims the
  faults queued after it at later requests);
- throttle the body (bytes per second), wait before answering (a slow host), redirect, or
  add headers.

Every request is logged (:class:`LogEntry`: monotonic arrival time, path, Range header,
status, User-Agent) when its answer starts. Run ``python tests/httpserver.py --root DIR`` to serve a folder from another
process (the benchmark does); it prints the port on stdout.
"""

from __future__ import annotations

import dataclasses
import hashlib
import http.server
import socket
import struct
import threading
import time
from pathlib import Path

CHUNK = 64 * 1024


@dataclasses.dataclass
class Fault:
    """One injected failure, used by one request to its path."""

    kind: str  # "status", "drop", "short", "ignore-range" or "pass"
    status: int = 503
    retry_after: str | None = None
    fraction: float = 0.5  # share of the body sent before "drop" / "short"


@dataclasses.dataclass
class LogEntry:
    """One request as the server saw it."""

    time: float
    path: str
    range: str | None
    status: int
    user_agent: str | None
    if_range: str | None = None


class FaultServer:
    """The server; use as a context manager, ``url(path)`` gives the full URL of a path."""

    def __init__(self, files: dict[str, bytes] | None = None, root: Path | None = None):
        self.files = dict(files or {})
        self.root = Path(root) if root else None
        self.faults: dict[str, list[Fault]] = {}
        self.throttle: dict[str, float] = {}
        self.default_throttle: float | None = None  # bytes/s for paths not in ``throttle``
        self.default_delay = 0.0  # seconds before answering paths not in ``delays``
        self.delays: dict[str, float] = {}
        self.redirects: dict[str, tuple[int, str]] = {}
        self.headers: dict[str, dict[str, str]] = {}
        self.log: list[LogEntry] = []
        self._lock = threading.Lock()
        self._httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._httpd.daemon_threads = True
        self._httpd.handle_error = lambda request, address: None
        self.port = self._httpd.server_address[1]
        self._thread: threading.Thread | None = None

    # -- control ------------------------------------------------------------------------
    def url(self, path: str = "") -> str:
        """The full URL of ``path`` on this server."""
        return f"http://127.0.0.1:{self.port}/{path.lstrip('/')}"

    def add_faults(self, path: str, *faults: Fault) -> None:
        """Queue faults for the next requests to ``path``, one per request."""
        with self._lock:
            self.faults.setdefault(path.lstrip("/"), []).extend(faults)

    def requests_for(self, path: str) -> list[LogEntry]:
        """The logged requests to ``path``, in order."""
        with self._lock:
            return [e for e in self.log if e.path == path.lstrip("/")]

    def start(self) -> FaultServer:
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.05,), daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    # -- used by the handler ------------------------------------------------------------
    def _next_fault(self, path: str) -> Fault | None:
        with self._lock:
            queue = self.faults.get(path)
            return queue.pop(0) if queue else None

    def _record(self, entry: LogEntry) -> None:
        with self._lock:
            self.log.append(entry)

    def _content(self, path: str) -> bytes | None:
        if path in self.files:
            return self.files[path]
        if self.root is not None:
            candidate = (self.root / path).resolve()
            if candidate.is_file() and self.root.resolve() in candidate.parents:
                return candidate.read_bytes()
        return None


def _content_type(path: str) -> str:
    if path.endswith((".html", "/")) or path == "":
        return "text/html; charset=utf-8"
    if path.endswith(".txt"):
        return "text/plain; charset=utf-8"
    if path.endswith(".json"):
        return "application/json"
    return "application/octet-stream"


def _handler_for(server: FaultServer):
    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format, *args):  # keep test output clean
            pass

        def _log(self, path: str, status: int) -> None:
            server._record(
                LogEntry(
                    self._arrived,
                    path,
                    self.headers.get("Range"),
                    status,
                    self.headers.get("User-Agent"),
                    self.headers.get("If-Range"),
                )
            )

        def _simple(self, path: str, status: int, extra: dict[str, str] | None = None) -> None:
            self._log(path, status)
            body = f"{status}\n".encode()
            self.send_response(status)
            for name, value in (extra or {}).items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(body)
            self.close_connection = True

        def do_GET(self):
            self._arrived = time.monotonic()  # logged once the answer is chosen
            path = self.path.split("?", 1)[0].lstrip("/")
            time.sleep(server.delays.get(path, server.default_delay))
            fault = server._next_fault(path)
            if fault is not None and fault.kind == "status":
                extra = {"Retry-After": fault.retry_after} if fault.retry_after else {}
                return self._simple(path, fault.status, extra)
            if path in server.redirects:
                status, location = server.redirects[path]
                return self._simple(path, status, {"Location": location})
            body = server._content(path)
            if body is None:
                return self._simple(path, 404)
            self._send_body(path, body, fault)

        def _send_body(self, path: str, body: bytes, fault: Fault | None) -> None:
            start, status = 0, 200
            etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
            asked = self.headers.get("Range")
            if_range = self.headers.get("If-Range")
            if if_range is not None and if_range != etag:
                asked = None  # RFC 9110 §13.1.5: changed since, so send it all
            stop = len(body)  # one past the last byte sent
            if asked and not (fault and fault.kind == "ignore-range"):
                first, _, last = asked.split("=", 1)[1].partition("-")
                start = int(first)
                if start >= len(body):
                    return self._simple(path, 416, {"Content-Range": f"bytes */{len(body)}"})
                if last.strip():
                    stop = min(len(body), int(last) + 1)
                status = 206
            self._log(path, status)
            self.send_response(status)
            self.send_header("Content-Type", _content_type(path))
            self.send_header("Content-Length", str(stop - start))
            self.send_header("ETag", etag)
            if status == 206:
                self.send_header("Content-Range", f"bytes {start}-{stop - 1}/{len(body)}")
            for name, value in server.headers.get(path, {}).items():
                self.send_header(name, value)
            self.send_header("Connection", "close")
            self.end_headers()
            self.close_connection = True
            payload = memoryview(body)[start:stop]
            if fault is not None and fault.kind in ("drop", "short"):
                payload = payload[: int(len(payload) * fault.fraction)]
            rate = server.throttle.get(path, server.default_throttle)
            try:
                for offset in range(0, len(payload), CHUNK):
                    self.wfile.write(payload[offset : offset + CHUNK])
                    if rate:
                        time.sleep(CHUNK / rate)
            except OSError:
                return  # the client went away
            if fault is not None and fault.kind == "drop":
                time.sleep(0.05)  # let the client take the bytes sent before the reset
                # SO_LINGER 0 turns close() into a TCP reset: the connection is dropped.
                self.connection.setsockopt(
                    socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
                )
                self.connection.close()

    return Handler


def main() -> None:
    """Serve a folder until killed (used by benchmarks/bench_crawl.py)."""
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--root", required=True, help="folder to serve")
    parser.add_argument("--throttle", type=float, default=None, help="bytes/s per connection")
    parser.add_argument("--delay", type=float, default=0.0, help="seconds before each answer")
    args = parser.parse_args()
    server = FaultServer(root=Path(args.root))
    server.default_throttle = args.throttle
    server.default_delay = args.delay
    print(server.port, flush=True)
    server._httpd.serve_forever()


if __name__ == "__main__":
    main()


# -- a Common Crawl look-alike ------------------------------------------------------------

CRAWL = "CC-MAIN-2024-10"
SEGMENTS = ("1707947473347.0", "1707947473518.2")


def warc_bytes(tmp: Path, name: str, pages: int, seed: int, padding: int = 0) -> bytes:
    """A real gzipped WARC (warcio) with ``pages`` article responses.

    ``padding`` adds an incompressible binary response of that many bytes, to make a large
    file for throttled/interrupted downloads.
    """
    import random

    from tests.warcs import article_html, english_paragraphs, response, warcinfo, write_warc

    records = [warcinfo(name)]
    for i in range(pages):
        html = article_html(f"Page {seed}-{i}", english_paragraphs(seed * 100 + i))
        records.append(response(f"https://example.com/{seed}/{i}", html))
    if padding:
        blob = random.Random(seed).randbytes(padding)
        records.append(
            response(f"https://example.com/{seed}/blob", blob, content_type="image/jpeg")
        )
    path = write_warc(tmp / name, records)
    return path.read_bytes()


def common_crawl_files(
    tmp: Path, n_files: int = 4, kind: str = "warc", crawl: str = CRAWL, padding: int = 0
) -> dict[str, bytes]:
    """``crawl-data/<crawl>/<kind>.paths.gz`` and the gzipped WARC files it lists."""
    import gzip

    files: dict[str, bytes] = {}
    for i in range(n_files):
        segment = SEGMENTS[i % len(SEGMENTS)]
        name = f"{crawl}-20240220000000-{i:05d}.{kind}.gz"
        path = f"crawl-data/{crawl}/segments/{segment}/{kind}/{name}"
        files[path] = warc_bytes(tmp, name, pages=3, seed=i + 1, padding=padding)
    listing = "".join(p + "\n" for p in files).encode()
    files[f"crawl-data/{crawl}/{kind}.paths.gz"] = gzip.compress(listing, mtime=0)
    return files
