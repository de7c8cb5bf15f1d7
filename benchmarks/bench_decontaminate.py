"""Benchmark decontamination: documents/s per core against an index of 100k benchmark examples.

Benchmark examples are generated sentences (20-40 words from a 5,000-word vocabulary, so
their 13-grams are distinct, like real test sets). Documents are real prose when the dev data
is there (the Project Gutenberg books and Wikipedia articles of ``../shared/devdata``, cut into
~4 KB documents), else generated text; 1 % of them get a benchmark example planted.

Measured, one process (= one core):

1. building the index (examples/s);
2. the rule as the apply step runs it (batches of 256 hashed at once, then
   :func:`corpuskit.decontam.rule.apply_rule` on the colliding documents), documents/s;
3. the baseline's best path: the usual pure-Python check, a ``set`` of Python ``hash`` values
   of the space-joined 13-grams (built from the same normalised words), documents/s;
4. end to end, ``corpuskit decontaminate apply --executor local --workers 1`` (count phase,
   reduce, apply phase, Parquet in and out), documents/s.

    .venv/bin/python benchmarks/bench_decontaminate.py                  # 100k examples, 20k docs
    .venv/bin/python benchmarks/bench_decontaminate.py --examples 20000 --docs 2000  # quick
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEVDATA = ROOT / ".." / "shared" / "devdata"


def vocabulary(rng: random.Random, size: int = 5000) -> list[str]:
    letters = "abcdefghijklmnopqrstuvwxyz"
    return ["".join(rng.choice(letters) for _ in range(rng.randint(3, 9))) for _ in range(size)]


def examples(count: int, seed: int = 1) -> list[str]:
    rng = random.Random(seed)
    vocab = vocabulary(rng)
    return [
        " ".join(rng.choice(vocab) for _ in range(rng.randint(20, 40))).capitalize() + "."
        for _ in range(count)
    ]


def real_prose() -> tuple[list[str], str]:
    """Dev books and Wikipedia articles, or nothing when the dev data is absent."""
    if not DEVDATA.is_dir():
        return [], "generated text (devdata absent)"
    from corpuskit.mix.books import iter_books
    from corpuskit.mix.wiki import dump_files, iter_articles

    texts = [d.text for d in iter_books((str(DEVDATA / "books"),), {})]
    for dump in dump_files((str(DEVDATA / "wiki"),)):
        texts.extend(d.text for d in iter_articles(dump, {}))
    return texts, "dev books and Wikipedia articles"


def documents(count: int, planted: list[str], seed: int = 2) -> tuple[list[str], str]:
    rng = random.Random(seed)
    texts, origin = real_prose()
    chunks = [t[i : i + 4000] for t in texts for i in range(0, len(t), 4000)]
    if not chunks:
        vocab = vocabulary(rng)
        chunks = [" ".join(rng.choice(vocab) for _ in range(650)) for _ in range(500)]
    docs = []
    for i in range(count):
        text = chunks[i % len(chunks)]
        if i % 100 == 0:
            cut = len(text) // 2
            text = f"{text[:cut]} {rng.choice(planted)} {text[cut:]}"
        docs.append(text)
    return docs, origin


def naive_index(texts: list[str], n: int) -> set[int]:
    from corpuskit.decontam.ngrams import normalised_words

    grams: set[int] = set()
    for text in texts:
        words = normalised_words(text)
        grams.update(hash(" ".join(words[i : i + n])) for i in range(len(words) - n + 1))
    return grams


def naive_contaminated(text: str, grams: set[int], n: int) -> bool:
    from corpuskit.decontam.ngrams import normalised_words

    words = normalised_words(text)
    return any(hash(" ".join(words[i : i + n])) in grams for i in range(len(words) - n + 1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=100_000)
    parser.add_argument("--docs", type=int, default=20_000)
    args = parser.parse_args()

    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    from corpuskit.decontam.index import NgramIndex, build_index
    from corpuskit.decontam.rule import DecontaminationRule, apply_rule, documents_with_hits

    bench = examples(args.examples)
    docs, origin = documents(args.docs, bench)
    mb = sum(len(d) for d in docs) / 1e6
    results: dict = {"examples": len(bench), "documents": len(docs), "text_mb": round(mb, 1)}
    results["documents_from"] = origin
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "bench.jsonl").write_text("".join(json.dumps({"text": t}) + "\n" for t in bench))
        started = time.perf_counter()
        meta = build_index([("bench", str(root / "bench.jsonl"))], str(root / "index"))
        seconds = time.perf_counter() - started
        results["index"] = {
            "ngrams": meta["ngrams"],
            "seconds": round(seconds, 2),
            "examples_per_s": round(len(bench) / seconds),
        }
        index = NgramIndex.load(str(root / "index"))
        rule, ignored = DecontaminationRule(), np.zeros(0, np.uint64)
        started = time.perf_counter()
        verdicts = []
        for lo in range(0, len(docs), 256):  # as the apply step does: batch, then cut the dirty
            batch = docs[lo : lo + 256]
            dirty = documents_with_hits(batch, index, ignored)
            verdicts.extend(apply_rule(batch[i], index, ignored, rule).verdict for i in dirty)
        seconds = time.perf_counter() - started
        results["rule"] = {
            "docs_per_s_per_core": round(len(docs) / seconds),
            "mb_per_s": round(mb / seconds, 2),
            "cut": sum(v != "clean" for v in verdicts),
        }
        started = time.perf_counter()
        grams = naive_index(bench, 13)
        build = time.perf_counter() - started
        started = time.perf_counter()
        flagged = sum(naive_contaminated(d, grams, 13) for d in docs)
        seconds = time.perf_counter() - started
        results["baseline_python_set"] = {
            "index_seconds": round(build, 2),
            "docs_per_s_per_core": round(len(docs) / seconds),
            "flagged": flagged,
        }
        data = root / "web"
        data.mkdir(parents=True)
        for part in range(4):
            texts = docs[part::4]
            table = pa.table({"id": [f"{part}-{i}" for i in range(len(texts))], "text": texts})
            pq.write_table(table, data / f"part-{part}.parquet")
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "corpuskit", "decontaminate", "apply", str(root / "web"),
             "--index", str(root / "index"), "-o", str(root / "out"),
             "--executor", "local", "--workers", "1", "-q"],
            check=True,
        )  # fmt: skip
        seconds = time.perf_counter() - started
        results["end_to_end_one_worker"] = {
            "seconds": round(seconds, 2),
            "docs_per_s_per_core": round(len(docs) / seconds),
        }
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
