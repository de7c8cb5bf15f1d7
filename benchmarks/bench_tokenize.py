"""Benchmark `corpuskit tokenize` against the tokenizer library's own batch encoding.

Builds a package of about ``--mb`` MB of text (documents made of 3-12 random paragraphs of
real text: the Project Gutenberg books and the Vietnamese Wikipedia extract in
``../shared/devdata/``, plus the repository's ``sample_sources``), trains a 32k byte-level BPE
on a 10 MB sample (``corpuskit tokenizer train``), then measures CPU seconds on one core
(``TOKENIZERS_PARALLELISM=false``) for:

- **baseline**: Hugging Face ``tokenizers``' fastest batch call, ``Tokenizer.encode_batch_fast``
  (no offsets), and its ``encode_batch``, on the same texts in batches of 1,024 documents,
  texts already in memory (reading the Parquet is not timed);
- **corpuskit tokenize**: ``tokenize_package`` in this process with the inline executor (one
  worker): reading Parquet, encoding, writing ``.bin``, the ``.idx``, the sha256 of every file,
  markers and manifest (``--format megatron``; ``--format npy`` too with ``--npy``).

The overhead is ``cpu(tokenize) / cpu(encode_batch_fast) - 1``; the target is at most 20 %.

    .venv/bin/python benchmarks/bench_tokenize.py            # ~100 MB package
    .venv/bin/python benchmarks/bench_tokenize.py --mb 1000 --fast-only  # the 1 GB figure
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEVDATA = ROOT.parent / "shared" / "devdata"
SOURCES = [
    DEVDATA / "books" / "pg9198" / "9198.txt",
    DEVDATA / "books" / "pg44157" / "44157-0.txt",
    DEVDATA / "wiki" / "viwiki" / "wiki_00.extracted.txt",
]


def paragraphs() -> list[str]:
    """Non-empty paragraphs (blank-line separated) of the real texts."""
    found = []
    for path in SOURCES + sorted((ROOT / "sample_sources").rglob("*.txt")):
        text = path.read_text(encoding="utf-8", errors="replace")
        found += [p.strip() for p in text.split("\n\n") if len(p.strip()) > 40]
    return found


def generate(folder: Path, megabytes: float, seed: int = 0) -> int:
    """Parquet files of documents totalling about ``megabytes`` MB of UTF-8 text."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    rng = np.random.default_rng(seed)
    pool = paragraphs()
    folder.mkdir(parents=True)
    target = int(megabytes * 1_000_000)
    total, number = 0, 0
    while total < target:
        texts = []
        while len(texts) < 20_000 and total < target:
            picks = rng.integers(0, len(pool), rng.integers(3, 13))
            texts.append("\n\n".join(pool[i] for i in picks))
            total += len(texts[-1].encode("utf-8"))
        ids = [f"doc-{number}-{i}" for i in range(len(texts))]
        pq.write_table(
            pa.table({"id": ids, "text": texts}),
            folder / f"part-{number:04d}.parquet",
            compression="zstd",
        )
        number += 1
    return total


def baseline(package: Path, tokenizer_path: Path, call: str) -> dict[str, float]:
    """CPU seconds of one batch call over every package shard, with a fresh tokenizer (its
    word cache starts cold, as in a tokenize worker)."""
    import pyarrow.parquet as pq
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(tokenizer_path))
    tokenizer.encode_special_tokens = True
    encode = getattr(tokenizer, call)
    manifest = json.loads((package / "manifest.json").read_text())
    seconds, tokens = 0.0, 0
    for shard in manifest["shards"]:
        parquet = pq.ParquetFile(package / shard["path"])
        for batch in parquet.iter_batches(batch_size=1024, columns=["text"]):
            texts = batch.column(0).to_pylist()
            started = time.process_time()
            encoded = encode(texts, add_special_tokens=False)
            seconds += time.process_time() - started
            tokens += sum(len(e) for e in encoded)
    return {"seconds": seconds, "tokens": tokens}


def run_tokenize(package: Path, tokenizer_path: Path, out: Path, fmt: str) -> dict[str, float]:
    from corpuskit.executor import LocalExecutor
    from corpuskit.tokenize.run import tokenize_package

    started, wall = time.process_time(), time.monotonic()
    _, manifest = tokenize_package(
        str(package), str(out), str(tokenizer_path), fmt, LocalExecutor(1), update_card=False
    )
    return {
        "seconds": time.process_time() - started,
        "wall": time.monotonic() - wall,
        "tokens": manifest["total_tokens"],
        "documents": sum(s["documents"] for s in manifest["splits"].values()),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mb", type=float, default=100.0, help="MB of text in the package")
    parser.add_argument("--vocab-size", type=int, default=32_000)
    parser.add_argument("--npy", action="store_true", help="also time --format npy")
    parser.add_argument(
        "--fast-only", action="store_true", help="skip the slower encode_batch baseline"
    )
    parser.add_argument("--workdir", default=None, help="keep files here (default: a temp dir)")
    args = parser.parse_args()
    if not all(p.exists() for p in SOURCES):
        print(f"skipped: the real texts in {DEVDATA} are absent (see its README)")
        return 0
    os.environ["TOKENIZERS_PARALLELISM"] = "false"  # one core for both sides
    sys.path.insert(0, str(ROOT))
    from corpuskit.mix.package import build_package
    from corpuskit.mix.recipe import Recipe, SourceSpec
    from corpuskit.progress import set_verbosity
    from corpuskit.tokenize.train import train_tokenizer

    set_verbosity(0)
    with tempfile.TemporaryDirectory(dir=args.workdir) as tmp:
        work = Path(tmp)
        text_bytes = generate(work / "docs", args.mb)
        recipe = Recipe(
            sources=(SourceSpec("web", "dataset", (str(work / "docs"),), 1.0),),
            shard_size=64_000_000 if args.mb >= 256 else 16_000_000,
        )
        build_package(recipe, str(work / "package"))
        tokenizer = work / "tokenizer.json"
        train_tokenizer([str(work / "package")], str(tokenizer), args.vocab_size, 10_000_000)
        calls = ["encode_batch_fast"] + ([] if args.fast_only else ["encode_batch"])
        base = {call: baseline(work / "package", tokenizer, call) for call in calls}
        tokens = base["encode_batch_fast"]["tokens"]
        rows = []
        for fmt in ("megatron", "npy") if args.npy else ("megatron",):
            measured = run_tokenize(work / "package", tokenizer, work / f"tokens-{fmt}", fmt)
            doc_tokens = measured["tokens"] - measured["documents"]  # EOTs are not encoded
            assert doc_tokens == tokens, (doc_tokens, tokens)
            rows.append((f"corpuskit tokenize --format {fmt} (1 worker)", measured["seconds"]))
        mb = text_bytes / 1e6
        print(f"package: {mb:,.0f} MB of text, {tokens:,} tokens, vocabulary {args.vocab_size:,}")
        print("| path | CPU s | tokens/s per core | MB/s per core | vs encode_batch_fast |")
        print("| --- | --- | --- | --- | --- |")
        fast = base["encode_batch_fast"]["seconds"]
        names = {"encode_batch_fast": "tokenizers encode_batch_fast (baseline)"}
        rows = [(names.get(c, f"tokenizers {c}"), base[c]["seconds"]) for c in calls] + rows
        for name, seconds in rows:
            print(
                f"| {name} | {seconds:.1f} | {tokens / seconds:,.0f} | {mb / seconds:.2f} | "
                f"{seconds / fast - 1:+.1%} |"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
