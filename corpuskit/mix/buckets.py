"""Pass 2's external bucketing: rows are spilled to one bucket per output shard.

Documents are read file by file, but leave in a shuffled order across sources. Rather than
holding documents or seeking back into inputs, each planned row is appended to the bucket of
its output shard together with its position (``_position``) in the shuffled order. A bucket
is a folder (``<work area>/_spill/<split>-NNNNN/``) of Arrow IPC parts (lz4); each task that
reads one input file writes its own parts, named after the source and file
(``s<source>-f<file>-<n>.arrow``), whenever its buffer exceeds ``memory_limit`` bytes, so
tasks never write the same file and a retried task rewrites exactly its own parts.
Afterwards a bucket is read back alone, sorted by position and written as one Parquet shard.
Peak memory of a task is therefore about one shard, or one read batch plus the buffer,
whatever the number of documents.
"""

from __future__ import annotations

from typing import Any

from corpuskit import storage
from corpuskit.mix.workarea import read_parts, write_part

DEFAULT_MEMORY_LIMIT = 64 * 1024 * 1024
SPILL_FOLDER = "_spill"


def bucket_folder(root: str, split: str, number: int) -> str:
    """The folder of the bucket of output shard ``number`` of ``split`` under ``root``."""
    return storage.join(root, f"{split}-{number:05d}")


class Buckets:
    """One task's buffered rows, written as parts of the buckets keyed by (split, shard)."""

    def __init__(self, root: str, prefix: str, memory_limit: int = DEFAULT_MEMORY_LIMIT):
        self.root = root
        self.prefix = prefix
        self.memory_limit = memory_limit
        self._buffers: dict[tuple[str, int], list[Any]] = {}
        self._buffered = 0
        self._parts: dict[tuple[str, int], int] = {}

    def add(self, key: tuple[str, int], table) -> None:
        """Buffer rows for bucket ``key``; flush all buffers past the memory limit."""
        self._buffers.setdefault(key, []).append(table)
        self._buffered += table.nbytes
        if self._buffered >= self.memory_limit:
            self.flush()

    def flush(self) -> None:
        """Write every buffered bucket as a new part and empty the buffer."""
        import pyarrow as pa

        for key, tables in self._buffers.items():
            if not tables:
                continue
            number = self._parts.get(key, 0)
            self._parts[key] = number + 1
            name = f"{self.prefix}-{number:06d}.arrow"
            write_part(pa.concat_tables(tables), storage.join(bucket_folder(self.root, *key), name))
        self._buffers = {}
        self._buffered = 0


def read_bucket(folder: str, schema):
    """All rows of one bucket sorted by ``_position``, without that column."""
    import pyarrow as pa
    import pyarrow.compute as pc

    tables = read_parts(folder)
    table = pa.concat_tables(tables) if tables else schema.empty_table()
    table = table.take(pc.sort_indices(table, sort_keys=[("_position", "ascending")]))
    return table.drop_columns(["_position"])
