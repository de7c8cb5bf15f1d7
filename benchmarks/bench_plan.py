"""Planning a whole crawl: a 90,000-path listing, cheaply (issue: "A whole crawl, planned cheaply").

A synthetic Common Crawl listing of N WARC paths (default 90,000, the size of a snapshot) is
served on 127.0.0.1 with every listed file answering a small real WARC. Measured, each as a
separate ``corpuskit`` process (wall time and peak RSS of that process, from ``wait4``):

1. ``extract --crawl ... --dry-run``: fetch the listing, select, cut shards, print the plan.
2. The real submission: ``extract --crawl ...`` on an embedded cluster of 2 workers, stopped
   with Ctrl-C after ``--run-seconds``: time until the first shard is done, shards done per
   second, and the client's peak RSS while tasks flow (bounded windows keep it flat).

Targets: planning under 30 s and under 1 GB of client memory.

    python benchmarks/bench_plan.py [--paths 90000] [--run-seconds 60]
"""

from __future__ import annotations

import argparse
import gzip
import http.server
import io
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
CRAWL = "CC-MAIN-2099-01"


def tiny_warc() -> bytes:
    """A gzipped WARC with two small HTML pages (warcio's writer)."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=True)
    for i in range(2):
        body = (
            "<html><head><title>Page</title></head><body><article>"
            + "".join(f"<p>Paragraph {j} of a small page number {i}, with enough words.</p>" for j in range(8))
            + "</article></body></html>"
        ).encode()
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
        writer.write_record(
            writer.create_warc_record(f"https://example.com/{i}", "response", payload=io.BytesIO(body), http_headers=headers)
        )
    return buffer.getvalue()


def listing(paths: int) -> bytes:
    lines = []
    for i in range(paths):
        segment = f"17000000000{i // 1000:02d}.{i % 7}"
        lines.append(f"crawl-data/{CRAWL}/segments/{segment}/warc/{CRAWL}-{i:06d}.warc.gz\n")
    return gzip.compress("".join(lines).encode(), mtime=0)


def serve(paths: int):
    files = {f"/crawl-data/{CRAWL}/warc.paths.gz": listing(paths)}
    warc = tiny_warc()

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self):  # noqa: N802 - the http.server API
            body = files.get(self.path, warc if self.path.endswith(".warc.gz") else None)
            if body is None:
                self.send_error(404)
                return
            start, end = 0, len(body)
            wanted = self.headers.get("Range")
            if wanted and wanted.startswith("bytes="):
                first, _, last = wanted[6:].partition("-")
                start = int(first)
                end = min(len(body), int(last) + 1) if last else len(body)
                self.send_response(206)
                self.send_header("Content-Range", f"bytes {start}-{end - 1}/{len(body)}")
            else:
                self.send_response(200)
            self.send_header("Content-Length", str(end - start))
            self.send_header("ETag", '"fixed"')
            self.end_headers()
            self.wfile.write(body[start:end])

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


def measured(args: list[str], stop_after: float | None = None, watch=None):
    """Run a corpuskit command; (seconds, peak RSS MB, extra) with wait4's rusage."""
    started = time.monotonic()
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
    extra = watch(proc, started) if watch else None
    if stop_after is not None:
        remaining = stop_after - (time.monotonic() - started)
        if remaining > 0:
            time.sleep(remaining)
        proc.send_signal(signal.SIGINT)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.monotonic() - started
    return seconds, usage.ru_maxrss / 1024, extra


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--paths", type=int, default=90_000)
    parser.add_argument("--run-seconds", type=float, default=60.0)
    args = parser.parse_args()
    server, base = serve(args.paths)
    corpuskit = str(BIN / "corpuskit")
    with tempfile.TemporaryDirectory(prefix="bench-plan-") as tmp:
        out = os.path.join(tmp, "out")
        common = [corpuskit, "extract", "--crawl", CRAWL, "--base-url", base, "-o", out, "-q"]
        seconds, rss, _ = measured(common + ["--dry-run"])
        print(f"listing of {args.paths:,} paths, --dry-run: {seconds:.1f} s, client peak RSS {rss:.0f} MB")

        def first_done(proc, started):
            done = Path(out) / "_done"
            while proc.poll() is None:
                if done.is_dir() and any(done.iterdir()):
                    return time.monotonic() - started
                time.sleep(0.05)
            return None

        seconds, rss, first = measured(
            common + ["--workers", "2", "--dashboard-address", ":0"], stop_after=args.run_seconds, watch=first_done
        )
        shards = len([p for p in (Path(out) / "_done").iterdir()]) if (Path(out) / "_done").is_dir() else 0
        first_text = f"{first:.1f} s" if first is not None else "none"
        print(
            f"real submission (2 workers, stopped after {seconds:.0f} s): first shard done after "
            f"{first_text}; {shards:,} shards done ({shards / seconds:.0f}/s); client peak RSS {rss:.0f} MB"
        )
    server.shutdown()


if __name__ == "__main__":
    main()
