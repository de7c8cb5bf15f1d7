"""The units of work of ``mix``, run by any executor (in-process, process pool, Dask).

Each is a top-level function of frozen parameters, so what travels to a worker is the
function's name and small values, never a closure, a reader holding state or an executor:

- :func:`count_file` (pass 1): one input file of one source → its per-document token counts,
  UTF-8 sizes, C4 validation flags, languages and reading counters;
- :func:`spill_file` (pass 2): one input file, read again, with the planned rows of that file
  → bucket parts under the work area (:mod:`corpuskit.mix.buckets`);
- :func:`write_shard` (pass 2): one bucket → one Parquet shard of the package and its summary.

A worker holds one input file's read batch and buffer, or one output shard, at a time. An
error that corpuskit reports on purpose (a malformed dump, an unreadable book) is returned
rather than raised, so Dask does not retry a task that would fail the same way; the client
raises it (:func:`raise_failure`). Paths are absolute (or URLs): a worker may run anywhere.
"""

from __future__ import annotations

import dataclasses
import functools
from typing import Any

from corpuskit.errors import CorpuskitError, InputError
from corpuskit.mix.buckets import Buckets, read_bucket
from corpuskit.mix.plan import SPLITS
from corpuskit.mix.sources import SourceReader
from corpuskit.mix.workarea import storage_options, use_storage_options, write_parquet

ROW_GROUP_BYTES = 64 * 1024 * 1024


@dataclasses.dataclass(frozen=True)
class SourceFile:
    """One input file of one recipe source: the unit of pass 1 and of pass 2's reading."""

    source: int  # the source's number in the recipe
    name: str
    kind: str
    path: str
    number: int  # the file's position among the source's files
    url_list: str | None = None

    def reader(self) -> SourceReader:
        return SourceReader(self.name, self.kind, (self.path,), self.url_list)


@dataclasses.dataclass(frozen=True)
class CountParams:
    """What pass 1 needs besides the file: the tokenizer spec and the validation rule."""

    tokenizer: str
    c4_validation: bool = False
    storage_options: str = dataclasses.field(default_factory=storage_options)


@dataclasses.dataclass
class FileIndex:
    """Pass-1 facts about the documents of one file (no text): numpy arrays, one per document."""

    source: int
    number: int
    tokens: Any
    text_bytes: Any
    c4_validation: Any  # bool per document, or None when the recipe has no C4 split
    languages: dict[str, int]
    counters: dict[str, Any]

    @property
    def documents(self) -> int:
        return len(self.tokens)


@dataclasses.dataclass(frozen=True)
class SpillParams:
    """Where pass 2 writes bucket parts and how much a task buffers before writing."""

    root: str
    memory_limit: int
    storage_options: str = dataclasses.field(default_factory=storage_options)


@dataclasses.dataclass(frozen=True)
class FileRows:
    """The planned output rows taken from one file, sorted by document (numpy arrays)."""

    documents: int  # documents pass 1 counted in the file
    doc: Any  # document index within the file
    position: Any  # position in the shuffled order of its split
    split: Any  # int8 index into SPLITS
    shard: Any  # output shard within its split
    tokens: Any
    epoch: Any


@dataclasses.dataclass(frozen=True)
class ShardJob:
    """One output shard: its bucket, where it goes and its totals from the plan."""

    split: str
    number: int
    bucket: str
    path: str  # absolute path of the Parquet file in the work area
    name: str  # its path inside the package, data/<split>-NNNNN-of-NNNNN.parquet
    text_bytes: int
    tokens: int
    storage_options: str = dataclasses.field(default_factory=storage_options)


@functools.lru_cache(maxsize=4)
def _counter(spec: str):
    """One tokenizer per worker process and spec: BPE vocabularies load once, not per file."""
    from corpuskit.mix.tokens import TokenCounter

    return TokenCounter(spec)


def count_file(params: CountParams, file: SourceFile) -> FileIndex | CorpuskitError:
    """Pass 1 over one file: tokens, UTF-8 size and C4 split of each document."""
    import numpy as np
    import pyarrow.compute as pc

    try:
        use_storage_options(params.storage_options)
        counter = _counter(params.tokenizer)
        tokens, sizes, validation = [], [], []
        languages: dict[str, int] = {}
        counters: dict[str, Any] = {}
        for table in file.reader().file_tables(file.path, counters):
            text = table.column("text")
            tokens.append(counter.count(text))
            sizes.append(
                pc.binary_length(text.cast("binary"))
                .to_numpy(zero_copy_only=False)
                .astype(np.int64)
            )
            if params.c4_validation:
                validation.append(_c4_mask(table))
            for entry in pc.value_counts(table.column("language")).to_pylist():
                key = entry["values"] or "unknown"
                languages[key] = languages.get(key, 0) + entry["counts"]
    except CorpuskitError as exc:
        return exc
    return FileIndex(
        source=file.source,
        number=file.number,
        tokens=_joined(tokens, np.int64),
        text_bytes=_joined(sizes, np.int64),
        c4_validation=_joined(validation, bool) if params.c4_validation else None,
        languages=languages,
        counters=counters,
    )


def _joined(parts: list, dtype):
    import numpy as np

    return np.concatenate(parts).astype(dtype) if parts else np.zeros(0, dtype)


def _c4_mask(table):
    import numpy as np

    from corpuskit.mix.webtext import c4_validation

    urls = table.column("url").to_pylist()
    return np.fromiter((c4_validation(u) for u in urls), bool, len(urls))


def spill_file(
    params: SpillParams, file: SourceFile, rows: FileRows
) -> dict[str, Any] | CorpuskitError:
    """Pass 2 over one file: append its planned rows to the buckets of their shards."""
    import numpy as np

    try:
        use_storage_options(params.storage_options)
        buckets = Buckets(
            params.root, f"s{file.source:04d}-f{file.number:06d}", params.memory_limit
        )
        offset = 0
        for table in file.reader().file_tables(file.path, {}):
            lo = np.searchsorted(rows.doc, offset)
            hi = np.searchsorted(rows.doc, offset + table.num_rows)
            if hi > lo:
                _spill_rows(buckets, file.name, table, rows, lo, hi, offset)
            offset += table.num_rows
        if offset != rows.documents:
            raise InputError(
                f"source {file.name!r} changed while mixing ({file.path}: {rows.documents} "
                f"documents in pass 1, {offset} in pass 2): do not modify inputs during "
                "`corpuskit mix`"
            )
        buckets.flush()
    except CorpuskitError as exc:
        return exc
    return {"source": file.source, "number": file.number, "documents": offset}


def _spill_rows(buckets: Buckets, name: str, table, rows: FileRows, lo: int, hi: int, offset: int):
    import numpy as np
    import pyarrow as pa

    split_of = rows.split[lo:hi]
    for split_number, split in enumerate(SPLITS):
        mask = split_of == split_number
        if not mask.any():
            continue
        picked = table.take(pa.array(rows.doc[lo:hi][mask] - offset))
        count = picked.num_rows
        columns = {
            "text": picked.column("text"),
            "source": pa.array(np.full(count, name, object), pa.string()),
            "id": picked.column("id"),
            "url": picked.column("url"),
            "timestamp": picked.column("timestamp"),
            "language": picked.column("language"),
            "origin": picked.column("source"),
            "tokens": pa.array(rows.tokens[lo:hi][mask], pa.int64()),
            "epoch": pa.array(rows.epoch[lo:hi][mask], pa.int32()),
            "metadata": picked.column("metadata"),
            "_position": pa.array(rows.position[lo:hi][mask], pa.int64()),
        }
        rows_table = pa.table(columns)
        shard = rows.shard[lo:hi][mask]
        for number in np.unique(shard):
            buckets.add((split, int(number)), rows_table.filter(pa.array(shard == number)))


def write_shard(job: ShardJob) -> dict[str, Any]:
    """Read one bucket, sort it into the shuffled order and write it as a package shard."""
    import pyarrow as pa

    from corpuskit.mix.package import package_schema

    use_storage_options(job.storage_options)
    schema = package_schema()
    table = read_bucket(job.bucket, schema.append(pa.field("_position", pa.int64())))
    table = table.cast(schema)
    rows_per_group = max(1, int(ROW_GROUP_BYTES * table.num_rows / max(job.text_bytes, 1)))
    size, sha256 = write_parquet(table, job.path, rows_per_group)
    return {
        "path": job.name,
        "split": job.split,
        "rows": table.num_rows,
        "bytes": size,
        "text_bytes": job.text_bytes,
        "arrow_bytes": table.nbytes,
        "tokens": job.tokens,
        "sha256": sha256,
    }


def raise_failure(result: Any) -> Any:
    """Raise the error a task returned; pass any other result through."""
    if isinstance(result, CorpuskitError):
        raise result
    return result
