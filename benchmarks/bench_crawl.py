"""Download throughput of `corpuskit crawl` against a local server: 1, 4 and 16 threads.

The server (tests/httpserver.py) runs in its own process on 127.0.0.1 and serves N files
of random bytes laid out like Common Crawl. Each concurrency level downloads every file
into a fresh folder through the real downloader (resume bookkeeping, sha256, fsync,
markers); the table shows MB/s and the downloader's CPU seconds per GB (user+system time
of this process, which holds only the client).

Two scenarios: "loopback" (no limit: measures the client's CPU cost) and "remote-like"
(each connection capped at --link-mbps and answered after --latency seconds, as a
distant server behaves: there, parallel downloads are what buys throughput).

    .venv/bin/python benchmarks/bench_crawl.py                 # 16 files x 8 MB
    .venv/bin/python benchmarks/bench_crawl.py --files 32 --size-mb 64
"""

from __future__ import annotations

import argparse
import hashlib
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from corpuskit.crawl.bulk import FileJob, download_all  # noqa: E402
from corpuskit.crawl.ratelimit import RateLimiter  # noqa: E402
from corpuskit.crawl.retry import RetryPolicy  # noqa: E402
from corpuskit.crawl.transfer import TransferOptions  # noqa: E402

CRAWL = "CC-MAIN-2024-10"


def make_files(root: Path, count: int, size: int) -> dict[str, str]:
    """Random files under crawl-data/...; returns path -> sha256."""
    digests = {}
    for i in range(count):
        rel = f"crawl-data/{CRAWL}/segments/1707947473347.0/warc/{CRAWL}-{i:05d}.warc.gz"
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        data = os.urandom(size)
        target.write_bytes(data)
        digests[rel] = hashlib.sha256(data).hexdigest()
    return digests


def start_server(root: Path, throttle: float | None, delay: float) -> tuple[subprocess.Popen, int]:
    argv = [sys.executable, str(ROOT / "tests" / "httpserver.py"), "--root", str(root)]
    if throttle:
        argv += ["--throttle", str(throttle)]
    argv += ["--delay", str(delay)]
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, text=True)
    port = int(proc.stdout.readline())
    return proc, port


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def run_level(port: int, digests: dict[str, str], concurrency: int, work: Path) -> dict:
    out = work / f"out-{concurrency}"
    shutil.rmtree(out, ignore_errors=True)
    jobs = [FileJob(f"http://127.0.0.1:{port}/{rel}", rel) for rel in digests]
    options = TransferOptions(
        policy=RetryPolicy(retries=3, base_delay=0.1, max_delay=1), limiter=RateLimiter(None)
    )
    cpu0, t0 = cpu_seconds(), time.perf_counter()
    report = download_all(jobs, out, options, concurrency=concurrency, progress=False)
    seconds, cpu = time.perf_counter() - t0, cpu_seconds() - cpu0
    if report.failed:
        raise SystemExit(f"benchmark downloads failed: {report.failed[:3]}")
    for rel, digest in digests.items():  # outside the timing: correctness, not speed
        if hashlib.sha256((out / rel).read_bytes()).hexdigest() != digest:
            raise SystemExit(f"{rel}: sha256 differs from the source")
    shutil.rmtree(out)
    gb = report.bytes / 1e9
    return {
        "concurrency": concurrency,
        "mb": report.bytes / 1e6,
        "seconds": seconds,
        "mb_s": report.bytes / 1e6 / seconds,
        "cpu": cpu,
        "cpu_per_gb": cpu / gb if gb else 0.0,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--files", type=int, default=16)
    parser.add_argument("--size-mb", type=float, default=8.0)
    parser.add_argument("--levels", default="1,4,16", help="comma-separated thread counts")
    parser.add_argument(
        "--link-mbps", type=float, default=20.0, help="remote-like: MB/s per connection"
    )
    parser.add_argument(
        "--latency", type=float, default=0.05, help="remote-like: seconds to first byte"
    )
    args = parser.parse_args()
    levels = [int(x) for x in args.levels.split(",")]
    with tempfile.TemporaryDirectory(prefix="bench-crawl-") as tmp:
        work = Path(tmp)
        digests = make_files(work / "src", args.files, int(args.size_mb * 1e6))
        total_mb = args.files * args.size_mb
        print(
            f"corpuskit crawl benchmark: {args.files} files x {args.size_mb:g} MB = {total_mb:g} MB per run"
        )
        scenarios = [
            ("loopback", None, 0.0),
            (
                f"remote-like ({args.link_mbps:g} MB/s per connection, {args.latency * 1000:g} ms)",
                args.link_mbps * 1e6,
                args.latency,
            ),
        ]
        for name, throttle, delay in scenarios:
            proc, port = start_server(work / "src", throttle, delay)
            try:
                rows = [run_level(port, digests, level, work) for level in levels]
            finally:
                proc.terminate()
                proc.wait()
            print(f"\n{name}")
            print(
                f"{'threads':>8} {'MB':>8} {'seconds':>8} {'MB/s':>8} {'CPU s':>7} {'CPU s/GB':>9} {'speed-up':>9}"
            )
            for row in rows:
                speedup = row["mb_s"] / rows[0]["mb_s"]
                print(
                    f"{row['concurrency']:>8} {row['mb']:>8.1f} {row['seconds']:>8.2f} {row['mb_s']:>8.1f} "
                    f"{row['cpu']:>7.2f} {row['cpu_per_gb']:>9.2f} {speedup:>8.2f}x"
                )


if __name__ == "__main__":
    main()
