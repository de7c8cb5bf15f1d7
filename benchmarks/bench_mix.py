"""Benchmark `corpuskit mix`: documents/s and MB/s per core, and peak memory at two sizes.

Generates N small documents as Parquet (two sources, 80 % / 20 % of the documents, ~120 words
each), then mixes them 70/30 by tokens into a package in a fresh subprocess per size, so each
peak RSS is that run's own. Peak memory must stay flat as N grows (the text is streamed; only
per-document numpy plan arrays, ~75 bytes a document at peak, grow).

    .venv/bin/python benchmarks/bench_mix.py                 # 400,000 documents (and 100,000)
    .venv/bin/python benchmarks/bench_mix.py --docs 1000000  # the 1M run (and 250,000)
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


def run_mix(folder: Path, out: Path) -> dict:
    """Mix in this process and report wall/CPU seconds and peak RSS."""
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
    started, cpu = time.monotonic(), time.process_time()
    manifest = build_package(recipe, str(out), memory_limit=SPILL_BUFFER_BYTES)
    return {
        "wall": time.monotonic() - started,
        "cpu": time.process_time() - cpu,
        "peak_rss_mb": peak_rss_mb(),
        "rows": sum(s["rows"] for s in manifest["splits"].values()),
        "shards": len(manifest["shards"]),
    }


def measure(docs: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="bench-mix-") as tmp:
        folder = Path(tmp)
        started = time.monotonic()
        text_bytes = generate(folder / "in", docs)
        generated = time.monotonic() - started
        child = subprocess.run(
            [sys.executable, __file__, "--child", str(folder / "in"), str(folder / "package")],
            check=True,
            capture_output=True,
            text=True,
        )
        result = json.loads(child.stdout.strip().splitlines()[-1])
    read_docs = docs  # pass 1 and pass 2 each read every input document
    result.update(docs=docs, text_mb=text_bytes / 1e6, generate_s=generated)
    result["docs_per_s_core"] = read_docs / result["cpu"]
    result["mb_per_s_core"] = result["text_mb"] / result["cpu"]
    result["docs_per_s_wall"] = read_docs / result["wall"]
    return result


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--docs",
        type=int,
        default=400_000,
        help="documents at the large size (default 400,000; 1,000,000 for the full run)",
    )
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run_mix(Path(args.child[0]), Path(args.child[1]))))
        return
    sizes = [max(1000, args.docs // 4), args.docs]
    rows = [measure(n) for n in sizes]
    header = f"{'documents':>10} {'text MB':>8} {'rows out':>9} {'shards':>6} {'wall s':>7} {'cpu s':>7} {'docs/s/core':>12} {'MB/s/core':>10} {'peak RSS MB':>12}"
    print(
        "corpuskit mix benchmark (2 sources, 70/30 token mix, 8 MB shards, 8 MB spill buffer, zstd)"
    )
    print(header)
    for r in rows:
        print(
            f"{r['docs']:>10,} {r['text_mb']:>8.1f} {r['rows']:>9,} {r['shards']:>6} {r['wall']:>7.1f} {r['cpu']:>7.1f} "
            f"{r['docs_per_s_core']:>12,.0f} {r['mb_per_s_core']:>10.1f} {r['peak_rss_mb']:>12.0f}"
        )
    small, large = rows
    print(
        f"peak RSS ratio {large['peak_rss_mb'] / small['peak_rss_mb']:.2f} for {large['docs'] / small['docs']:.0f}x the documents "
        "(flat = streaming); docs/s per core counts input documents per CPU-second of the mix process (both passes)"
    )


if __name__ == "__main__":
    main()
