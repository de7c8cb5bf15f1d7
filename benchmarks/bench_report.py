"""Benchmark `corpuskit report`: generation time and peak memory on a 1M-document folder.

Generates a filter output folder the way `corpuskit filter --annotate`/`--keep-rejected`
lays it out: 10 shards of 100,000 documents (~120 words each, one 100,000-row group per
shard as the real writer makes them), 80 % in data/ and 20 % in rejected/ with
``reject.filter``/``reject.reason`` and three ``signals.gopher_quality.*`` columns, plus
``_stats/``, ``_done/`` and a manifest. Then, each in a fresh subprocess so every peak RSS is
its own, it measures:

- ``corpuskit report`` (funnel from _stats, 3 seeded examples per reason, distributions over
  a 5,000-row sample, top domains kept and dropped);
- ``corpuskit stats --json``, the floor: footers and _stats only;
- the baseline it replaces (at two sizes, to show which grows): the fastest full-read path, pyarrow reading the ``text``,
  ``url`` and ``reject.*`` columns of every file (what a pandas/Data-Juicer-style analyzer
  does) to compute the same length histogram and domain counts with pyarrow.compute.

    .venv/bin/python benchmarks/bench_report.py                # 1,000,000 documents
    .venv/bin/python benchmarks/bench_report.py --docs 100000  # a quick run
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
REASONS = [
    ("gopher_quality", "too_few_words"),
    ("gopher_quality", "alpha_words"),
    ("c4_page", "too_few_sentences"),
    ("c4_page", "curly_bracket"),
]
SHARD_ROWS = 100_000


def generate(folder: Path, docs: int, seed: int = 0) -> int:
    """Write the dataset folder; returns its text bytes."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    rng = np.random.default_rng(seed)
    vocab = np.array(WORDS)
    pool = [
        " ".join(vocab[rng.integers(0, len(vocab), rng.integers(60, 180))]) + "."
        for _ in range(4096)
    ]
    for sub in ("data", "rejected", "_stats", "_done"):
        (folder / sub).mkdir(parents=True)
    total_bytes = 0
    counters_all: dict = {}
    for shard_number, lo in enumerate(range(0, docs, SHARD_ROWS)):
        hi = min(docs, lo + SHARD_ROWS)
        shard = f"shard-{shard_number:04d}"
        texts = [f"{pool[i % 4096]} document {i}" for i in range(lo, hi)]
        total_bytes += sum(len(t) for t in texts)
        words = np.array([t.count(" ") + 1 for t in texts], dtype="float64")
        rejected = rng.random(hi - lo) < 0.2
        reason_index = rng.integers(0, len(REASONS), hi - lo)
        table = pa.table(
            {
                "id": [f"doc-{i}" for i in range(lo, hi)],
                "text": texts,
                "url": [f"https://site{i % 997}.example/{i}" for i in range(lo, hi)],
                "source": ["cc:CC-MAIN-2024-10"] * (hi - lo),
                "language": ["en"] * (hi - lo),
                "language_score": pa.array(rng.uniform(0.65, 1.0, hi - lo), pa.float32()),
                "signals.gopher_quality.words": words,
                "signals.gopher_quality.mean_word_length": rng.uniform(3, 8, hi - lo),
                "signals.gopher_quality.stop_words": rng.integers(0, 40, hi - lo).astype("float64"),
            }
        )
        keep = pa.array(~rejected)
        pq.write_table(
            table.filter(keep),
            folder / "data" / f"{shard}.parquet",
            compression="zstd",
            row_group_size=SHARD_ROWS,
        )
        dropped = table.filter(pa.array(rejected))
        idx = reason_index[rejected]
        dropped = dropped.append_column("reject.filter", pa.array([REASONS[i][0] for i in idx]))
        dropped = dropped.append_column("reject.reason", pa.array([REASONS[i][1] for i in idx]))
        pq.write_table(
            dropped,
            folder / "rejected" / f"{shard}.parquet",
            compression="zstd",
            row_group_size=SHARD_ROWS,
        )
        filters: dict = {}
        for name in ("gopher_quality", "c4_page"):
            filters[name] = {"dropped": {r: 0 for f, r in REASONS if f == name}}
        for i in idx.tolist():
            f, r = REASONS[i]
            filters[f]["dropped"][r] += 1
        n_in = hi - lo
        gq = sum(filters["gopher_quality"]["dropped"].values())
        c4 = sum(filters["c4_page"]["dropped"].values())
        filters["gopher_quality"].update({"in": n_in, "kept": n_in - gq})
        filters["c4_page"].update({"in": n_in - gq, "kept": n_in - gq - c4})
        counters = {
            "documents_in": n_in,
            "documents_kept": n_in - gq - c4,
            "documents_dropped": gq + c4,
            "filters": filters,
        }
        stats = {
            "shard": shard,
            "input": f"in/{shard}",
            "counters": counters,
            "rows": n_in - gq - c4,
            "seconds": 1.0,
        }
        (folder / "_stats" / f"{shard}.json").write_text(json.dumps(stats))
        (folder / "_done" / shard).write_text("")
        counters_all[shard] = counters
    manifest = {
        "stage": "filter",
        "shards": {"total": len(counters_all), "done": len(counters_all), "failed": []},
        "filter": {"order": ["gopher_quality", "c4_page"]},
        "params": {
            "chain": [
                {"key": "gopher_quality", "name": "gopher_quality", "params": {"min_words": 50}},
                {"key": "c4_page", "name": "c4_page", "params": {"min_sentences": 3}},
            ]
        },
        "counters": {},
    }
    (folder / "manifest.json").write_text(json.dumps(manifest))
    return total_bytes


def peak_rss_mb() -> float:
    """This process's peak RSS (VmHWM on Linux, ru_maxrss elsewhere)."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(what: str, folder: Path) -> dict:
    started = time.monotonic()
    if what == "report":
        from cli.report import write_report

        write_report([str(folder)], str(folder.parent / "report.html"))
    elif what == "stats":
        from cli.stats import summarise

        summarise(str(folder))
    else:  # the full-read baseline, vectorised with pyarrow.compute throughout
        import numpy as np
        import pyarrow.compute as pc
        import pyarrow.parquet as pq

        lengths, hosts = [], []
        for sub in ("data", "rejected"):
            for path in sorted((folder / sub).glob("*.parquet")):
                table = pq.read_table(path, columns=["text", "url"])
                lengths.append(pc.utf8_length(table["text"]).to_numpy())
                host = pc.extract_regex(table["url"], r"^[a-z]+://(?P<host>[^/:?#]+)")
                hosts.append(pc.value_counts(pc.struct_field(host, [0])))
        np.histogram(np.concatenate(lengths), bins=[0, 100, 300, 1000, 3000, 10000])
    return {"seconds": time.monotonic() - started, "peak_rss_mb": peak_rss_mb()}


def run_child(what: str, folder: Path) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--child", what, str(folder)],
        check=True,
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[1],
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--docs", type=int, default=1_000_000)
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
        print(json.dumps(child(args.child[0], Path(args.child[1]))))
        return
    print("corpuskit report benchmark (filter folder, 20 % rejected, 100,000-row groups, zstd)")
    print(f"{'documents':>10} {'what':<34} {'seconds':>8} {'peak RSS MB':>12}")
    for docs in (max(1000, args.docs // 4), args.docs):
        with tempfile.TemporaryDirectory(prefix="bench-report-") as tmp:
            folder = Path(tmp) / "filtered"
            started = time.monotonic()
            text_bytes = generate(folder, docs)
            print(
                f"{docs:>10,} generated, {text_bytes / 1e6:,.0f} MB of text, "
                f"in {time.monotonic() - started:.1f} s"
            )
            for what, label in (
                ("report", "corpuskit report"),
                ("stats", "corpuskit stats (footers, _stats)"),
                ("baseline", "baseline: pyarrow full read"),
            ):
                r = run_child(what, folder)
                print(f"{docs:>10,} {label:<34} {r['seconds']:>8.2f} {r['peak_rss_mb']:>12.0f}")
    print("the report reads a fixed number of row groups: its time stays flat as the folder grows")


if __name__ == "__main__":
    main()
