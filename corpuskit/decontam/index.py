"""The reusable n-gram index of benchmark examples.

Benchmarks are local files the user gives, one example per record: JSON lines
(``.jsonl``/``.ndjson``, optionally ``.gz``/``.zst``) or Parquet with the text in one or more
fields (``--field``; every field is indexed on its own, so no n-gram spans two fields), or
plain text with one example per non-empty line. An example shorter than n normalised words
has no n-gram and cannot be matched; it is counted as ``too_short``.

The index is a folder with two files, so it can be built once and used by every run:

- ``ngrams.parquet``: columns ``hash`` (uint64, the n-gram hash of
  :func:`corpuskit.decontam.ngrams.ngram_hashes`) and ``benchmark`` (uint16, the position of
  the benchmark in ``index.json``), sorted by hash; one row per distinct (hash, benchmark);
- ``index.json``: ``n``, ``normalisation``, ``fields`` and per benchmark its file, examples,
  ``too_short`` examples and distinct n-grams.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

from corpuskit import storage
from corpuskit.decontam.ngrams import NGRAM, ngram_hashes_many, normalised_words
from corpuskit.errors import ConfigError, InputError

NORMALISATION = "gpt3-lowercase-whitespace-words-no-punctuation/poly64-bytes"
INDEX_JSON = "index.json"
NGRAMS_PARQUET = "ngrams.parquet"
BATCH_EXAMPLES = 4096
JSON_SUFFIXES = (".jsonl", ".jsonl.gz", ".jsonl.zst", ".ndjson", ".json.gz")


def read_examples(path: str, fields: tuple[str, ...]) -> Iterator[str]:
    """The example texts of one benchmark file (each field of each record separately)."""
    if path.endswith(".parquet"):
        yield from _parquet_examples(path, fields)
    elif path.endswith(JSON_SUFFIXES):
        yield from _json_examples(path, fields)
    else:
        with storage.open_input(path) as raw:
            for line in raw.read().decode("utf-8", "replace").splitlines():
                if line.strip():
                    yield line


def _parquet_examples(path: str, fields: tuple[str, ...]) -> Iterator[str]:
    import pyarrow.parquet as pq

    with storage.open_input(path) as fh:
        parquet = pq.ParquetFile(fh)
        names = parquet.schema_arrow.names
        missing = [f for f in fields if f not in names]
        if missing:
            raise InputError(
                f"{path}: no column {', '.join(missing)} (columns: {', '.join(names)}): "
                "choose the text with --field"
            )
        for batch in parquet.iter_batches(columns=list(fields)):
            for field in fields:
                yield from (v for v in batch.column(field).to_pylist() if isinstance(v, str))


def _json_examples(path: str, fields: tuple[str, ...]) -> Iterator[str]:
    from corpuskit.readers import json_objects, open_text_stream

    needs = " and ".join(f"a {f!r} string" for f in fields)
    with open_text_stream(path) as stream:
        for lineno, row in json_objects(stream, path, needs):
            values = [row.get(f) for f in fields]
            if not all(isinstance(v, str) for v in values):
                raise InputError(
                    f"{path}:{lineno}: each line needs {needs} (keys: {', '.join(row)}): "
                    "choose the text with --field"
                )
            yield from values


def build_index(
    benchmarks: list[tuple[str, str]],
    output: str,
    n: int = NGRAM,
    fields: tuple[str, ...] = ("text",),
) -> dict[str, Any]:
    """Index the n-grams of every ``(name, file)`` benchmark into folder ``output``."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    names = [name for name, _ in benchmarks]
    if len(set(names)) != len(names):
        raise ConfigError(f"benchmark names must differ: {', '.join(names)} (use NAME=PATH)")
    if not benchmarks:
        raise ConfigError("no benchmark file: give one or more NAME=PATH or PATH")
    hashes, ids, summary = [], [], {}
    for position, (name, path) in enumerate(benchmarks):
        if not storage.exists(path):
            raise InputError(f"benchmark {name}: {path} does not exist: check the path")
        examples, too_short, found, batch = 0, 0, [], []
        for text in read_examples(path, fields):
            examples += 1
            batch.append(normalised_words(text))
            too_short += len(batch[-1]) < n
            if len(batch) >= BATCH_EXAMPLES:
                found.append(ngram_hashes_many(batch, n)[0])
                batch = []
        found.append(ngram_hashes_many(batch, n)[0])
        distinct = np.unique(np.concatenate(found))
        hashes.append(distinct)
        ids.append(np.full(len(distinct), position, dtype=np.uint16))
        summary[name] = {
            "path": storage.normalize(path),
            "examples": examples,
            "too_short": too_short,
            "ngrams": int(len(distinct)),
        }
    all_hashes = np.concatenate(hashes)
    all_ids = np.concatenate(ids)
    order = np.lexsort((all_ids, all_hashes))
    table = pa.table(
        {
            "hash": pa.array(all_hashes[order], pa.uint64()),
            "benchmark": pa.array(all_ids[order], pa.uint16()),
        }
    )
    storage.makedirs(output)
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink, compression="zstd")
    storage.write_bytes(storage.join(output, NGRAMS_PARQUET), sink.getvalue().to_pybytes())
    meta = {
        "n": n,
        "normalisation": NORMALISATION,
        "fields": list(fields),
        "benchmarks": summary,
        "ngrams": int(len(all_hashes)),
        "created": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
    }
    storage.write_text(storage.join(output, INDEX_JSON), json.dumps(meta, indent=1))
    return meta


class NgramIndex:
    """A loaded index: sorted hashes, their benchmark ids, the benchmark names and n."""

    def __init__(self, hashes, benchmark_ids, names: list[str], n: int, meta: dict[str, Any]):
        self.hashes = hashes
        self.benchmark_ids = benchmark_ids
        self.names = names
        self.n = n
        self.meta = meta

    @classmethod
    def load(cls, folder: str) -> NgramIndex:
        """Read an index folder written by :func:`build_index`; errors name the fix."""
        import io

        import pyarrow.parquet as pq

        meta = storage.read_json(storage.join(folder, INDEX_JSON))
        if not meta:
            raise InputError(
                f"{folder} is not a decontamination index (no {INDEX_JSON}): "
                "build one with `corpuskit decontaminate index`"
            )
        if meta.get("normalisation") != NORMALISATION:
            raise InputError(
                f"{folder}: index built with normalisation {meta.get('normalisation')!r}, "
                f"this version uses {NORMALISATION!r}: rebuild it"
            )
        data = storage.read_bytes(storage.join(folder, NGRAMS_PARQUET))
        table = pq.read_table(io.BytesIO(data))
        return cls(
            table.column("hash").to_numpy(),
            table.column("benchmark").to_numpy(),
            list(meta["benchmarks"]),
            int(meta["n"]),
            meta,
        )

    def matches(self, hashes):
        """Positions of ``hashes`` found in the index (a boolean mask)."""
        import numpy as np

        if not len(self.hashes) or not len(hashes):
            return np.zeros(len(hashes), dtype=bool)
        at = np.searchsorted(self.hashes, hashes)
        at[at == len(self.hashes)] = 0
        return self.hashes[at] == hashes

    def benchmarks_of(self, hashes) -> list[set[str]]:
        """For each (matching) hash, the names of the benchmarks that hold it."""
        import numpy as np

        lo = np.searchsorted(self.hashes, hashes, side="left")
        hi = np.searchsorted(self.hashes, hashes, side="right")
        return [
            {self.names[int(b)] for b in self.benchmark_ids[a:z]}
            for a, z in zip(lo.tolist(), hi.tolist(), strict=True)
        ]
