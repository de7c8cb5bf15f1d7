"""Benchmark streaming `extract` over HTTP against the same WARC read from the local disk.

The baseline is the fastest path corpuskit has: the WARC on local disk, opened with
``open()`` (what ``extract FILE`` does). The streamed path reads the same file as a URL from
tests/httpserver.py, started as a separate process on 127.0.0.1 (so the server does not share
this process's GIL), through :mod:`corpuskit.stream` (HTTP range requests, read-ahead).

The WARC is built like a Common Crawl file (warcinfo, then request / response / metadata per
page, one gzip member per record) from real pages: the 990 pages of
``../shared/devdata/extraction/trafilatura-eval/`` (mostly news, blogs and shops), or, when
that folder is absent, the hand-written pages of ``benchmarks/extract_groundtruth/``, cycled
with distinct URLs until the compressed file reaches ``--mb``.

Two measurements, each the best of ``--rounds`` (local and HTTP interleaved):

* ``read``: every record's payload read (warcio + gzip), no extraction: the stream layer's
  own cost shows here;
* ``extract``: the extract step as the CLI runs one shard (trafilatura, Parquet output).

It prints MB/s (compressed WARC bytes per wall second), records or documents per second, and
MB per CPU-second of this (client) process, the steadier figure on a shared machine. Run: ``.venv/bin/python benchmarks/bench_stream.py [--mb 20]``.
"""

from __future__ import annotations

import argparse
import gzip
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from corpuskit.executor import StageSpec, run_shard  # noqa: E402
from corpuskit.extract.shards import plan_shards  # noqa: E402
from corpuskit.extract.step import ExtractStep  # noqa: E402
from corpuskit.extract.warc import RecordReader  # noqa: E402
from corpuskit.stream import collect_counters  # noqa: E402
from tests.warcs import metadata, request, response, warcinfo, write_warc  # noqa: E402

DEVDATA = ROOT.parent / "shared" / "devdata" / "extraction" / "trafilatura-eval" / "html"
GROUND_TRUTH = ROOT / "benchmarks" / "extract_groundtruth"


def load_pages() -> tuple[str, list[tuple[str, bytes, int]]]:
    """(which set, [(name, html bytes, compressed size)]) of the real pages, else the local ones."""
    if DEVDATA.is_dir():
        files = sorted(DEVDATA.glob("*.gz"))
        pages = [(f.name[:-3], gzip.decompress(f.read_bytes()), f.stat().st_size) for f in files]
        return f"devdata trafilatura-eval ({len(pages)} real pages)", pages
    print(f"note: {DEVDATA} is absent; using {GROUND_TRUTH.name}", file=sys.stderr)
    pages = []
    for f in sorted(GROUND_TRUTH.glob("*.html")):
        html = f.read_bytes()
        pages.append((f.stem, html, len(gzip.compress(html))))
    return f"extract_groundtruth ({len(pages)} hand-written pages)", pages


def build_warc(dest: Path, target_mb: float, pages) -> int:
    """Write the WARC; returns the number of HTML pages in it."""
    count, size, target = 0, 0, target_mb * 1e6
    while size < target:
        name, _, compressed = pages[count % len(pages)]
        size += compressed + 700  # request and metadata records, gzip headers
        count += 1

    def records():
        yield warcinfo(dest.name)
        for i in range(count):
            name, html, _ = pages[i % len(pages)]
            url = f"https://bench{i // len(pages)}.example/{urllib.parse.quote(name)}"
            yield request(url)
            yield response(url, html, content_type="text/html")
            yield metadata(url)

    write_warc(dest, records())
    return count


def build_small(dest: Path, pages) -> Path:
    write_warc(
        dest,
        [warcinfo(dest.name)] + [response(f"https://w.example/{i}", pages[i][1]) for i in range(3)],
    )
    return dest


def start_server(root: Path) -> tuple[subprocess.Popen, int]:
    server = subprocess.Popen(
        [sys.executable, str(ROOT / "tests" / "httpserver.py"), "--root", str(root)],
        stdout=subprocess.PIPE,
        text=True,
    )
    return server, int(server.stdout.readline())


def read_records(path: str) -> tuple[int, dict]:
    with collect_counters() as counters:
        reader = RecordReader(path)
        records = 0
        for _, record in reader:
            record.content_stream().read()
            reader.complete(record)
            records += 1
    assert not reader.errors, reader.errors
    return records, counters


def extract(path: str, out: Path) -> tuple[int, dict]:
    (shard,) = plan_shards([path])
    spec = StageSpec(step=ExtractStep.name, params=ExtractStep.Params(), output=str(out))
    result = run_shard(spec, shard)
    assert result.ok, result.error
    counters = result.stats["counters"]
    return counters["documents"], counters.get("stream", {})


def timed(fn, *args) -> tuple[float, float, int, dict]:
    wall, cpu = time.perf_counter(), time.process_time()
    count, counters = fn(*args)
    return time.perf_counter() - wall, time.process_time() - cpu, count, counters


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mb", type=float, default=20.0, help="size of the WARC.gz (MB)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of the read test")
    parser.add_argument("--extract-rounds", type=int, default=1, help="rounds of the extract test")
    args = parser.parse_args()

    which, pages = load_pages()
    with tempfile.TemporaryDirectory(prefix="bench-stream-") as tmp:
        tmp = Path(tmp)
        warc = tmp / "CC-MAIN-2024-10-bench.warc.gz"
        n_pages = build_warc(warc, args.mb, pages)
        size_mb = warc.stat().st_size / 1e6
        print(f"WARC: {size_mb:.1f} MB gzipped, {n_pages} HTML pages from {which}")
        # Load trafilatura and set the step up once, outside the timings.
        extract(str(build_small(tmp / "warmup.warc.gz", pages)), tmp / "out-warmup")
        server, port = start_server(tmp)
        url = f"http://127.0.0.1:{port}/{warc.name}"
        try:
            sources = {"local file (baseline)": str(warc), "HTTP stream": url}
            tests = [("read", read_records, args.rounds), ("extract", extract, args.extract_rounds)]
            for test, fn, rounds in tests:
                best: dict[str, tuple] = {}
                for r in range(rounds):
                    for label, source in sources.items():
                        extra = (tmp / f"out-{test}-{r}-{len(best)}",) if test == "extract" else ()
                        result = timed(fn, source, *extra)
                        if label not in best or result[0] < best[label][0]:
                            best[label] = result
                unit = "records" if test == "read" else "docs"
                print(f"\n{test} (best of {rounds}):")
                for label, (wall, cpu, count, counters) in best.items():
                    print(
                        f"  {label:22s} {size_mb / wall:8.1f} MB/s  {count / wall:8.1f} {unit}/s"
                        f"  ({size_mb / cpu:6.1f} MB/cpu-s, {count / cpu:7.1f} {unit}/cpu-s)"
                        f"  wall {wall:6.2f}s  cpu {cpu:6.2f}s"
                        f"  {count} {unit}"
                        + (f"  requests {counters.get('requests', 0)}" if counters else "")
                    )
                local_wall = best["local file (baseline)"][0]
                print(f"  HTTP / local wall time: {best['HTTP stream'][0] / local_wall:.2f}x")
        finally:
            server.terminate()
            server.wait()


if __name__ == "__main__":
    main()
