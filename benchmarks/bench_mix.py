"""Benchmark `corpuskit mix`: one process against Dask with 2 workers; docs/s and peak RSS.

Generates N small documents as Parquet (two sources, 80 % / 20 % of the documents, ~120 words
each, 100,000 documents a file), then mixes them 70/30 by tokens into a package:

- **single process** (``executor=None``: every task in the mixing process, the baseline's only
  path before mix ran on Dask), in a fresh subprocess at N/4 and N, so each peak RSS is that
  run's own; peak memory must stay flat as N grows (text is streamed; only per-document numpy
  plan arrays, ~75 bytes a document at peak, grow);
- **Dask, 2 workers**: a ``dask scheduler`` and two ``dask worker --nthreads 1 --no-nanny``
  processes started here (each in its own empty folder), and the mix run from a client
  subprocess with ``--scheduler``. Peak RSS is reported per process (client, scheduler, each
  worker): VmHWM of every process in each tree (psutil), read before the cluster stops.

Both give byte-identical packages; the benchmark checks the shard checksums agree.

    .venv/bin/python benchmarks/bench_mix.py                 # 400,000 documents (and 100,000)
    .venv/bin/python benchmarks/bench_mix.py --docs 20000    # a quick check
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

WORDS = (
    "the of and to in is was for on that with as by at from his her an which river city "
    "garden light tower sea glass seal mill apple orchard book page train market bread soup "
    "harbour wind stone bridge winter summer field road people history music water school"
).split()


# Small shards and spill buffer so that both benchmark sizes are far above them: peak memory is
# then set by these bounds, not by the number of documents (defaults: 256 MB and 64 MB).
SHARD_BYTES = 8 * 1024 * 1024
SPILL_BUFFER_BYTES = 8 * 1024 * 1024


def generate(folder: Path, docs: int, seed: int = 0) -> int:
    """Write docs as Parquet files (one source per subfolder); returns total text bytes."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    rng = np.random.default_rng(seed)
    vocab = np.array(WORDS)
    pool = [
        " ".join(vocab[rng.integers(0, len(vocab), rng.integers(60, 180))]) + "."
        for _ in range(4096)
    ]
    total = 0
    split = int(docs * 0.8)
    for name, start, end in (("web", 0, split), ("books", split, docs)):
        out = folder / name
        out.mkdir(parents=True)
        for file_number, lo in enumerate(range(start, end, 100_000)):
            hi = min(end, lo + 100_000)
            texts = [f"{pool[i % 4096]} document {i}" for i in range(lo, hi)]
            total += sum(len(t) for t in texts)
            table = pa.table(
                {
                    "id": [f"doc-{i}" for i in range(lo, hi)],
                    "text": texts,
                    "url": [f"https://site{i % 997}.example/{i}" for i in range(lo, hi)],
                }
            )
            pq.write_table(
                table,
                out / f"part-{file_number:04d}.parquet",
                compression="zstd",
                row_group_size=10_000,
            )
    return total


def peak_rss_mb() -> float:
    """This process's peak RSS: VmHWM (Linux), since ru_maxrss also counts the pages of the
    parent that forked us (it survives execve), which would blur the comparison."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_mix(folder: Path, out: Path, scheduler: str | None = None) -> dict:
    """Mix in this process (``scheduler``: as a Dask client) and report times and peak RSS."""
    import contextlib

    from corpuskit.mix.package import build_package
    from corpuskit.mix.recipe import Recipe, SourceSpec
    from corpuskit.progress import set_verbosity

    set_verbosity(0)
    recipe = Recipe(
        sources=(
            SourceSpec("web", "dataset", (str(folder / "web"),), 0.7),
            SourceSpec("books", "dataset", (str(folder / "books"),), 0.3),
        ),
        shard_size=SHARD_BYTES,
        seed=0,
    )
    with contextlib.ExitStack() as stack:
        executor = None
        if scheduler:
            from corpuskit.cluster import dask_client
            from corpuskit.executor import DaskExecutor

            executor = DaskExecutor(stack.enter_context(dask_client(scheduler)))
        started, cpu = time.monotonic(), time.process_time()
        manifest = build_package(
            recipe, str(out), memory_limit=SPILL_BUFFER_BYTES, executor=executor
        )
        wall, cpu = time.monotonic() - started, time.process_time() - cpu
    return {
        "wall": wall,
        "cpu": cpu,
        "peak_rss_mb": peak_rss_mb(),
        "rows": sum(s["rows"] for s in manifest["splits"].values()),
        "shards": len(manifest["shards"]),
        "sha256": [s["sha256"] for s in manifest["shards"]],
    }


def _child(folder: Path, scheduler: str | None = None) -> dict:
    command = [sys.executable, __file__, "--child", str(folder / "in"), str(folder / "package")]
    if scheduler:
        command += ["--scheduler", scheduler]
    child = subprocess.run(command, check=True, capture_output=True, text=True)
    return json.loads(child.stdout.strip().splitlines()[-1])


def measure(docs: int) -> dict:
    """One process at ``docs`` documents."""
    with tempfile.TemporaryDirectory(prefix="bench-mix-") as tmp:
        folder = Path(tmp)
        text_bytes = generate(folder / "in", docs)
        result = _child(folder)
    return _rates(result, docs, text_bytes)


def _rates(result: dict, docs: int, text_bytes: int) -> dict:
    result.update(docs=docs, text_mb=text_bytes / 1e6)
    result["docs_per_s_wall"] = docs / result["wall"]  # each pass reads every input document
    result["docs_per_s_core"] = docs / result["cpu"]
    result["mb_per_s_core"] = result["text_mb"] / result["cpu"]
    return result


def _hwm_mb(process) -> float:
    """Peak RSS (VmHWM) of one process; its current RSS where /proc is not available."""
    try:
        with open(f"/proc/{process.pid}/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return process.memory_info().rss / 2**20


def _tree(proc) -> list:
    import psutil

    root = psutil.Process(proc.pid)
    return [root, *root.children(recursive=True)]


def measure_dask(docs: int, workers: int = 2) -> dict:
    """The client in a subprocess against a scheduler and ``workers`` worker processes."""
    import socket

    with tempfile.TemporaryDirectory(prefix="bench-mix-dask-") as tmp:
        folder = Path(tmp)
        text_bytes = generate(folder / "in", docs)
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        address = f"tcp://127.0.0.1:{port}"
        dask = str(Path(sys.executable).parent / "dask")
        roles = [("scheduler", [dask, "scheduler", "--host", "127.0.0.1", "--port", str(port)])]
        worker = [dask, "worker", address, "--host", "127.0.0.1", "--nthreads", "1"]
        roles += [(f"worker {i + 1}", [*worker, "--no-nanny"]) for i in range(workers)]
        procs = []
        try:
            for role, command in roles:
                cwd = folder / role.replace(" ", "-")
                cwd.mkdir()
                procs.append(
                    (
                        role,
                        subprocess.Popen(
                            [*command, "--no-dashboard"],
                            cwd=cwd,
                            stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL,
                        ),
                    )
                )
            _wait_for_workers(address, workers)
            cpu_before = {role: _cpu(p) for role, p in procs}
            result = _child(folder, address)
            result["processes"] = {
                role: {
                    "peak_rss_mb": max(_hwm_mb(p) for p in _tree(proc)),
                    "cpu": _cpu(proc) - cpu_before[role],
                }
                for role, proc in procs
            }
        finally:
            for _, proc in reversed(procs):  # workers first, then the scheduler
                proc.terminate()
                try:
                    proc.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
    result = _rates(result, docs, text_bytes)
    total_cpu = result["cpu"] + sum(p["cpu"] for p in result["processes"].values())
    result["docs_per_s_core"] = docs / total_cpu
    result["mb_per_s_core"] = result["text_mb"] / total_cpu
    result["cpu_all"] = total_cpu
    return result


def _cpu(proc) -> float:
    return sum(sum(p.cpu_times()[:2]) for p in _tree(proc))


def _wait_for_workers(address: str, workers: int, timeout: float = 120) -> None:
    from distributed import Client

    deadline = time.monotonic() + timeout
    while True:
        try:
            with Client(address, timeout="5s") as client:
                client.wait_for_workers(workers, timeout=max(1, deadline - time.monotonic()))
                return
        except (OSError, TimeoutError):
            if time.monotonic() > deadline:
                raise


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--docs", type=int, default=400_000, help="documents at the large size (default 400,000)"
    )
    parser.add_argument("--workers", type=int, default=2, help="Dask workers (default 2)")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--scheduler", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run_mix(Path(args.child[0]), Path(args.child[1]), args.scheduler)))
        return
    sizes = [max(1000, args.docs // 4), args.docs]
    rows = [measure(n) for n in sizes]
    cluster = measure_dask(args.docs, args.workers)
    print(
        "corpuskit mix benchmark (2 sources, 70/30 token mix, 8 MB shards, 8 MB spill buffer, zstd)"
    )
    print(
        f"{'run':>16} {'documents':>10} {'text MB':>8} {'rows out':>9} {'shards':>6} {'wall s':>7} "
        f"{'docs/s':>8} {'cpu s':>7} {'docs/s/core':>12} {'peak RSS MB':>12}"
    )
    named = [("single process", r) for r in rows] + [(f"dask {args.workers} workers", cluster)]
    for name, r in named:
        cpu = r.get("cpu_all", r["cpu"])
        print(
            f"{name:>16} {r['docs']:>10,} {r['text_mb']:>8.1f} {r['rows']:>9,} {r['shards']:>6} "
            f"{r['wall']:>7.1f} {r['docs_per_s_wall']:>8,.0f} {cpu:>7.1f} "
            f"{r['docs_per_s_core']:>12,.0f} {r['peak_rss_mb']:>12.0f}"
        )
    print(f"dask peak RSS per process: client {cluster['peak_rss_mb']:.0f} MB, ", end="")
    print(
        ", ".join(
            f"{role} {info['peak_rss_mb']:.0f} MB" for role, info in cluster["processes"].items()
        )
    )
    small, large = rows
    print(
        f"single-process peak RSS ratio {large['peak_rss_mb'] / small['peak_rss_mb']:.2f} for "
        f"{large['docs'] / small['docs']:.0f}x the documents (flat = streaming); docs/s counts "
        "input documents per wall second; docs/s/core per CPU-second of every process"
    )
    same = large["sha256"] == cluster["sha256"]
    print(f"byte-identical shards, single process vs dask: {same}")
    if not same:
        sys.exit(1)


if __name__ == "__main__":
    main()
