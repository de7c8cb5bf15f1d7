"""Benchmark `corpuskit dedup` on a synthetic corpus of ~2 KB documents.

    .venv/bin/python benchmarks/bench_dedup.py                  # 100,000 documents
    .venv/bin/python benchmarks/bench_dedup.py --docs 1000000   # 1M documents

Prints: MinHash signatures/s per core, vectorised vs a plain per-shingle datasketch
``MinHash.update`` loop (same process, same documents); end-to-end documents/s of the
three phases on a ``dask scheduler`` + ``--workers`` ``dask worker`` processes started on
127.0.0.1; and the peak RSS of every process (client, scheduler, each worker), sampled
with psutil. The corpus has planted exact copies (5 %) and near copies (10 %).
"""

from __future__ import annotations

import argparse
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
import psutil
import pyarrow as pa
import pyarrow.parquet as pq

BIN = Path(sys.executable).parent
WORDS_PER_DOC = 330  # ~2 KB of text with the vocabulary below


def make_corpus(folder: Path, docs: int, shard_docs: int, seed: int) -> int:
    """Write ``docs`` documents as Parquet shards; returns the bytes of text written."""
    rng = np.random.default_rng(seed)
    letters = np.array(list("abcdefghijklmnopqrstuvwxyz"))
    vocabulary = np.array(
        ["".join(rng.choice(letters, size=rng.integers(2, 9))) for _ in range(20_000)]
    )
    folder.mkdir(parents=True, exist_ok=True)
    total_bytes = 0
    for shard, first in enumerate(range(0, docs, shard_docs)):
        count = min(shard_docs, docs - first)
        words = rng.integers(0, len(vocabulary), size=(count, WORDS_PER_DOC))
        # 10 % near copies of an earlier document of the shard (6 words changed), 5 % exact.
        near = rng.random(count) < 0.10
        exact = (rng.random(count) < 0.05) & ~near
        for row in np.flatnonzero(near | exact):
            if row == 0:
                continue
            words[row] = words[rng.integers(0, row)]
            if near[row]:
                positions = rng.integers(0, WORDS_PER_DOC, size=6)
                words[row, positions] = rng.integers(0, len(vocabulary), size=6)
        texts = [" ".join(vocabulary[w]) + "." for w in words]
        total_bytes += sum(len(t) for t in texts)
        ids = [f"doc-{first + i:09d}" for i in range(count)]
        table = pa.table(
            {
                "id": ids,
                "text": texts,
                "url": [
                    f"https://site{(first + i) % 997}.example/{first + i}" for i in range(count)
                ],
                "timestamp": [
                    f"2024-01-{1 + (first + i) % 28:02d}T00:00:00Z" for i in range(count)
                ],
                "source": ["bench"] * count,
            }
        )
        pq.write_table(table, folder / f"shard-{shard:05d}.parquet", compression="zstd")
    return total_bytes


def signature_speed(folder: Path, sample: int, baseline_sample: int):
    """Signatures/s of the vectorised path and of a per-shingle datasketch loop (one core)."""
    from datasketch import MinHash

    from corpuskit.dedup.minhash import signatures
    from corpuskit.dedup.normalize import normalize_text

    texts = pq.read_table(sorted(folder.glob("*.parquet"))[0], columns=["text"])
    texts = texts.column("text").to_pylist()[:sample]
    signatures(texts[:10], 5, 112, 1)  # warm caches
    started = time.process_time()
    signatures(texts, 5, 112, 1)
    fast = len(texts) / (time.process_time() - started)
    started = time.process_time()
    for text in texts[:baseline_sample]:
        words = normalize_text(text).split()
        minhash = MinHash(num_perm=112, seed=1)
        for i in range(len(words) - 4):
            minhash.update(" ".join(words[i : i + 5]).encode("utf-8"))
    slow = baseline_sample / (time.process_time() - started)
    return fast, slow


def _role(proc) -> str:
    command = " ".join(proc.cmdline())
    if "resource_tracker" in command:
        return f"resource tracker {proc.pid}"
    if "spawn_main" in command:
        return f"worker process {proc.pid}"
    return f"child {proc.pid}"


class RssSampler:
    """Samples the RSS of named processes (and their children) every ``interval`` seconds."""

    def __init__(self, processes: dict[str, int], interval: float = 0.25):
        self.processes = processes
        self.interval = interval
        self.peaks: dict[str, int] = dict.fromkeys(processes, 0)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self._stop.is_set():
            for name, pid in self.processes.items():
                try:
                    proc = psutil.Process(pid)
                    family = [proc] + (proc.children(recursive=True) if name != "client" else [])
                    for member in family:
                        label = name if member.pid == pid else f"{name}: {_role(member)}"
                        rss = member.memory_info().rss
                        self.peaks[label] = max(self.peaks.get(label, 0), rss)
                except psutil.Error:
                    pass
            self._stop.wait(self.interval)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_cluster(workers: int, memory_limit: str):
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    scheduler = subprocess.Popen(
        [
            str(BIN / "dask"),
            "scheduler",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--no-dashboard",
        ],
        **quiet,
    )
    nannies = [
        subprocess.Popen(
            [str(BIN / "dask"), "worker", address, "--host", "127.0.0.1", "--nthreads", "1"]
            + ["--nworkers", "1", "--no-dashboard", "--memory-limit", memory_limit],
            **quiet,
        )
        for _ in range(workers)
    ]
    return address, scheduler, nannies


def stop(procs):
    for proc in procs:
        for child in psutil.Process(proc.pid).children(recursive=True):
            child.kill()
        proc.kill()
        proc.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--shard-docs", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--memory-limit", default="4GiB")
    parser.add_argument("--workdir", default=None, help="keep files here (default: a temp dir)")
    parser.add_argument("--verbose", action="store_true", help="show the phases' log lines")
    args = parser.parse_args()

    from distributed import Client

    from corpuskit.dedup.pipeline import DedupInput, DedupSettings, run_dedup
    from corpuskit.executor import DaskExecutor
    from corpuskit.progress import set_verbosity

    set_verbosity(2 if args.verbose else 0)
    root = Path(args.workdir or tempfile.mkdtemp(prefix="bench_dedup_"))
    corpus = root / "corpus"
    if corpus.exists():
        shutil.rmtree(corpus)
    started = time.monotonic()
    text_bytes = make_corpus(corpus, args.docs, args.shard_docs, seed=1)
    generated = time.monotonic() - started
    fast, slow = signature_speed(corpus, sample=2000, baseline_sample=200)

    address, scheduler, nannies = start_cluster(args.workers, args.memory_limit)
    try:
        with Client(address, timeout="60s") as client:
            client.wait_for_workers(args.workers, timeout=120)
            processes = {"client": psutil.Process().pid, "scheduler": scheduler.pid}
            processes.update({f"worker {i} nanny": n.pid for i, n in enumerate(nannies)})
            out = root / "out"
            shutil.rmtree(out, ignore_errors=True)
            with RssSampler(processes) as sampler:
                started = time.monotonic()
                report, counters = run_dedup(
                    [DedupInput("bench", str(corpus))],
                    DedupSettings(),
                    str(out),
                    DaskExecutor(client),
                )
                elapsed = time.monotonic() - started
    finally:
        stop(nannies + [scheduler])

    def row(name, value):
        print(f"  {name:<44} {value}")

    print(
        f"bench_dedup: {args.docs:,} documents, {text_bytes / 1e6:,.0f} MB of text, "
        f"{args.workers} dask workers, machine {psutil.cpu_count()} cores"
    )
    row("corpus generation (s)", f"{generated:,.1f}")
    row("signatures/s per core, vectorised", f"{fast:,.0f}")
    row("signatures/s per core, datasketch update loop", f"{slow:,.0f}")
    row("speed-up", f"{fast / slow:,.1f}x")
    row("end-to-end seconds (map+reduce+apply)", f"{elapsed:,.1f}")
    row("end-to-end documents/s", f"{args.docs / elapsed:,.0f}")
    row("documents kept", f"{report.counters.get('kept', 0):,}")
    row(
        "removed (exact / minhash)",
        f"{report.counters['removed']['exact']:,} / {report.counters['removed']['minhash']:,}",
    )
    row(
        "candidates / verified pairs",
        f"{counters.get('candidates', 0):,} / {counters.get('verified_pairs', 0):,}",
    )
    print("  peak RSS per process (MB):")
    for name, peak in sorted(sampler.peaks.items()):
        row("  " + name, f"{peak / 2**20:,.0f}")
    if not args.workdir:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
