"""Near-duplicate removal quality: corpuskit dedup vs datasketch MinHashLSH, same corpus, same run.

    .venv/bin/python benchmarks/bench_dedup_quality.py                 # 3,000 originals
    .venv/bin/python benchmarks/bench_dedup_quality.py --originals 10000 --thresholds 0.8

The corpus: passages of real text from ../shared/devdata/ (Project Gutenberg books in
English and French, Vietnamese Wikipedia text) assembled into documents, with near-copies
planted (word edits, inserted passage, shuffled paragraphs, boilerplate, truncation) in the
same shard or another (tests/corpuskit/dedup_corpus.py). Truth: brute-force exact Jaccard of
the normalised 5-word shingle sets of every pair sharing a shingle.

For every threshold T it reports recall (true pairs with at least one member removed) and
the false-removal rate (removed documents with no kept document at Jaccard >= T, over all
documents) of:

* corpuskit: ``corpuskit dedup --threshold T`` with every other option at its default
  (exact dedup, MinHash 112 permutations, banding for --target-recall 0.99,
  --verify exact), on the local executor;
* datasketch: ``MinHashLSH(threshold=T, num_perm=128)`` fed ``MinHash.bulk`` signatures of
  the same shingle sets (its default SHA-1 hash), used as its documentation shows for
  dedup: documents in keep order (oldest first), each queried before insertion, removed
  when the query returns a match and inserted otherwise.

Also prints the time of corpuskit's verification phase as a share of its dedup run.
Exits with status 2 when devdata is absent (no real text to plant from).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.corpuskit.dedup_corpus import (  # noqa: E402
    devdata_passages,
    exact_pairs,
    near_duplicate_corpus,
    removal_quality,
    write_planted,
)


def corpuskit_removed(corpus_dir: Path, out: Path, threshold: float, workers: int):
    from corpuskit.dedup.pipeline import DedupInput, DedupSettings, run_dedup
    from corpuskit.executor import LocalExecutor
    from tests.corpuskit.test_dedup_pipeline import kept_ids

    shutil.rmtree(out, ignore_errors=True)
    started = time.monotonic()
    report, counters = run_dedup(
        [DedupInput("bench", str(corpus_dir))],
        DedupSettings(threshold=threshold),
        str(out),
        LocalExecutor(workers),
    )
    elapsed = time.monotonic() - started
    return set(kept_ids(out)), counters, elapsed


def datasketch_removed(docs, threshold: float, num_perm: int = 128):
    from datasketch import MinHash, MinHashLSH

    from corpuskit.dedup.normalize import shingles

    started = time.monotonic()
    sets = [[s.encode("utf-8") for s in shingles(d.text, 5)] for d in docs]
    hashes = MinHash.bulk(sets, num_perm=num_perm)
    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    order = sorted(range(len(docs)), key=lambda i: (docs[i].timestamp or "", docs[i].id))
    removed = set()
    for i in order:
        if lsh.query(hashes[i]):
            removed.add(docs[i].id)
        else:
            lsh.insert(docs[i].id, hashes[i])
    return removed, time.monotonic() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--originals", type=int, default=3000)
    parser.add_argument("--shards", type=int, default=4)
    parser.add_argument("--thresholds", default="0.7,0.8,0.9")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    from corpuskit.progress import set_verbosity

    set_verbosity(0)
    passages = devdata_passages()
    if not passages:
        print("bench_dedup_quality: ../shared/devdata/ is absent: no real text", file=sys.stderr)
        return 2
    corpus = near_duplicate_corpus(passages, args.originals, seed=args.seed, shards=args.shards)
    ids = [d.id for d in corpus.docs]
    thresholds = [float(t) for t in args.thresholds.split(",")]
    started = time.monotonic()
    pairs = exact_pairs(corpus.docs, min_jaccard=min(thresholds))
    truth_seconds = time.monotonic() - started
    root = Path(tempfile.mkdtemp(prefix="bench_dedup_quality_"))
    try:
        write_planted(root / "in", corpus)
        print(
            f"bench_dedup_quality: {len(corpus.docs):,} documents from {len(passages):,} real "
            f"passages, {len(corpus.origin):,} planted copies, {args.shards} shards; "
            f"truth: {len(pairs):,} pairs >= {min(thresholds)} in {truth_seconds:.1f} s"
        )
        header = f"{'T':>4} {'system':<34} {'true pairs':>10} {'recall':>8} {'false removal':>14}"
        print(header + f" {'removed':>8} {'seconds':>8}")
        for threshold in thresholds:
            kept, counters, elapsed = corpuskit_removed(
                root / "in", root / f"out-{threshold}", threshold, args.workers
            )
            ours = removal_quality(pairs, ids, set(ids) - kept, threshold)
            theirs_removed, theirs_seconds = datasketch_removed(corpus.docs, threshold)
            theirs = removal_quality(pairs, ids, theirs_removed, threshold)
            for name, q, seconds in (
                ("corpuskit (defaults)", ours, elapsed),
                ("datasketch MinHashLSH (128 perm)", theirs, theirs_seconds),
            ):
                print(
                    f"{threshold:>4} {name:<34} {q['true_pairs']:>10,} {q['recall']:>8.4f} "
                    f"{100 * q['false_removal_rate']:>13.3f}% {q['removed']:>8,} {seconds:>8.1f}"
                )
            verify = counters.get("seconds", {}).get("verify", 0.0)
            print(
                f"     corpuskit: predicted recall at T {counters.get('predicted_recall')}, "
                f"candidates {counters.get('candidates', 0):,}, verified "
                f"{counters.get('verified_pairs', 0):,}, rejected "
                f"{counters.get('rejected_pairs', 0):,}, chain guard kept "
                f"{counters.get('chain_guard_kept', 0):,}; verification {verify:.1f} s of "
                f"{elapsed:.1f} s ({100 * verify / elapsed:.0f} %)"
            )
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
