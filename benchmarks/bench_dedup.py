"""Benchmark `corpuskit dedup` on a synthetic corpus of ~2 KB documents.

    .venv/bin/python benchmarks/bench_dedup.py                  # 100,000 documents
    .venv/bin/python benchmarks/bench_dedup.py --docs 1000000   # 1M documents

Prints: MinHash signatures/s per core (CPU time of one process, 112 permutations, 5-word
shingles, batches of 512 documents as the map phase hashes them) of corpuskit's vectorised
path, of datasketch's fastest path (``MinHash.bulk``, i.e. ``update_batch`` per document, on
the same normalised shingles) and, with ``--compare-commit REV``, of the code at that git
revision; end-to-end documents/s of the three phases (defaults: --verify exact) on a
``dask scheduler`` + ``--workers`` ``dask worker`` processes started on 127.0.0.1, with the
verification phase's share of the time; and the peak RSS of every process (client,
scheduler, each worker), sampled with psutil. The corpus has planted exact copies (5 %) and
near copies (10 %); the signature speed is also measured on real text from
``../shared/devdata/`` when it is present.
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


def corpuskit_speed(texts: list[str], batch: int = 512) -> float:
    """Signatures/s (CPU time) of corpuskit's map-phase path on ``texts``."""
    from corpuskit.dedup.minhash import signatures

    signatures(texts[:batch], 5, 112, 1)  # warm caches
    started = time.process_time()
    for first in range(0, len(texts), batch):
        signatures(texts[first : first + batch], 5, 112, 1)
    return len(texts) / (time.process_time() - started)


def datasketch_speed(texts: list[str]) -> float:
    """Signatures/s (CPU time) of ``datasketch.MinHash.bulk`` on the same normalised shingles."""
    from datasketch import MinHash

    from corpuskit.dedup.normalize import normalize_text

    started = time.process_time()
    sets = []
    for text in texts:
        words = normalize_text(text).split()
        sets.append([" ".join(words[i : i + 5]).encode("utf-8") for i in range(len(words) - 4)])
    MinHash.bulk(sets, num_perm=112, seed=1)
    return len(texts) / (time.process_time() - started)


def commit_speed(commit: str, corpus: Path, sample: int) -> float:
    """corpuskit_speed of the code at a git revision (run in a subprocess on its sources)."""
    tree = Path(tempfile.mkdtemp(prefix="bench_dedup_rev_"))
    try:
        archive = subprocess.run(
            ["git", "archive", commit, "corpuskit"], check=True, capture_output=True
        ).stdout
        subprocess.run(["tar", "-x", "-C", str(tree)], input=archive, check=True)
        script = (
            "import sys, time, pyarrow.parquet as pq\n"
            f"sys.path.insert(1, {str(Path(__file__).parent)!r})\n"
            "from bench_dedup import corpuskit_speed, first_texts\n"
            "import corpuskit\n"
            f"assert corpuskit.__file__.startswith({str(tree)!r}), corpuskit.__file__\n"
            f"print(corpuskit_speed(first_texts({str(corpus)!r}, {sample})))\n"
        )
        # Run in the extracted tree: the script's folder comes first on sys.path, before the
        # editable install of the working copy.
        out = subprocess.run(
            [sys.executable, "-c", script], check=True, capture_output=True, text=True, cwd=tree
        )
        return float(out.stdout.strip().splitlines()[-1])
    finally:
        shutil.rmtree(tree, ignore_errors=True)


def first_texts(corpus: str, sample: int) -> list[str]:
    path = sorted(Path(corpus).glob("*.parquet"))[0]
    return pq.read_table(path, columns=["text"]).column("text").to_pylist()[:sample]


def real_texts(sample: int) -> list[str]:
    """~2 KB documents of real text (devdata passages), empty without devdata."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from tests.corpuskit.dedup_corpus import devdata_passages

    passages = devdata_passages()
    texts, current = [], []
    for i in range(sample * 8):
        if not passages:
            break
        current.append(passages[(i * 7919) % len(passages)])
        if sum(map(len, current)) >= 2000:
            texts.append("\n\n".join(current))
            current = []
        if len(texts) == sample:
            break
    return texts


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
    parser.add_argument("--sample", type=int, default=5000, help="documents timed per path")
    parser.add_argument("--compare-commit", default=None, help="also time this git revision")
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
    texts = first_texts(str(corpus), args.sample)
    speeds = {"synthetic": (corpuskit_speed(texts), datasketch_speed(texts[: args.sample // 5]))}
    real = real_texts(args.sample)
    if real:
        speeds["real text"] = (corpuskit_speed(real), datasketch_speed(real[: args.sample // 5]))
    previous = commit_speed(args.compare_commit, corpus, args.sample) if args.compare_commit else 0

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
    for name, (fast, slow) in speeds.items():
        size = sum(map(len, texts if name == "synthetic" else real)) / args.sample
        row(f"signatures/s per core, {name} (~{size:,.0f} chars)", f"{fast:,.0f}")
        row("  datasketch MinHash.bulk (update_batch)", f"{slow:,.0f} ({fast / slow:,.1f}x)")
    if previous:
        row(f"  code at {args.compare_commit}, synthetic", f"{previous:,.0f}")
    row("end-to-end seconds (map+reduce+apply)", f"{elapsed:,.1f}")
    row("end-to-end documents/s", f"{args.docs / elapsed:,.0f}")
    row("documents kept", f"{report.counters.get('kept', 0):,}")
    row(
        "removed (exact / minhash)",
        f"{report.counters['removed']['exact']:,} / {report.counters['removed']['minhash']:,}",
    )
    row(
        "candidates / verified / rejected pairs",
        f"{counters.get('candidates', 0):,} / {counters.get('verified_pairs', 0):,} / "
        f"{counters.get('rejected_pairs', 0):,}",
    )
    verify = counters.get("seconds", {}).get("verify", 0.0)
    row("verification seconds (share of end-to-end)", f"{verify:,.1f} ({verify / elapsed:.0%})")
    parts = {k: v for k, v in counters.get("seconds", {}).items() if k.startswith("verify.")}
    row("  of which", ", ".join(f"{k[7:]} {v:,.1f}" for k, v in parts.items()))
    print("  peak RSS per process (MB):")
    for name, peak in sorted(sampler.peaks.items()):
        row("  " + name, f"{peak / 2**20:,.0f}")
    if not args.workdir:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
