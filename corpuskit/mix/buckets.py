"""Pass 2's external bucketing: rows are spilled to one bucket per output shard.

Documents are read source by source, but leave in a shuffled order across sources. Rather
than holding documents or seeking back into inputs, each planned row is appended to the
bucket of its output shard together with its position (``_position``) in the shuffled order.
Buffered rows are flushed to Arrow IPC files (``<bucket>/part-NNNNNN.arrow``, lz4) whenever
the buffer exceeds ``memory_limit`` bytes; afterwards a bucket is read back alone, sorted by
position and written as one Parquet shard. Peak memory is therefore about one shard plus the
buffer, whatever the number of documents.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

DEFAULT_MEMORY_LIMIT = 64 * 1024 * 1024


class Buckets:
    """Append-only on-disk buckets of Arrow rows keyed by (split, shard)."""

    def __init__(self, folder: Path, memory_limit: int = DEFAULT_MEMORY_LIMIT):
        self.folder = folder
        self.memory_limit = memory_limit
        self._buffers: dict[tuple[str, int], list[Any]] = {}
        self._buffered = 0
        self._parts: dict[tuple[str, int], int] = {}

    def _path(self, key: tuple[str, int]) -> Path:
        return self.folder / f"{key[0]}-{key[1]:05d}"

    def add(self, key: tuple[str, int], table) -> None:
        """Buffer rows for bucket ``key``; flush all buffers past the memory limit."""
        self._buffers.setdefault(key, []).append(table)
        self._buffered += table.nbytes
        if self._buffered >= self.memory_limit:
            self.flush()

    def flush(self) -> None:
        import pyarrow as pa

        for key, tables in self._buffers.items():
            if not tables:
                continue
            folder = self._path(key)
            folder.mkdir(parents=True, exist_ok=True)
            number = self._parts.get(key, 0)
            self._parts[key] = number + 1
            table = pa.concat_tables(tables)
            options = pa.ipc.IpcWriteOptions(compression="lz4")
            with pa.ipc.new_file(
                folder / f"part-{number:06d}.arrow", table.schema, options=options
            ) as writer:
                writer.write_table(table)
        self._buffers = {}
        self._buffered = 0

    def take(self, key: tuple[str, int], schema):
        """All rows of one bucket sorted by ``_position`` (and the bucket removed from disk)."""
        import pyarrow as pa
        import pyarrow.compute as pc

        self.flush()
        folder = self._path(key)
        tables = []
        for number in range(self._parts.get(key, 0)):
            with pa.memory_map(str(folder / f"part-{number:06d}.arrow")) as source:
                tables.append(pa.ipc.open_file(source).read_all())
        table = pa.concat_tables(tables) if tables else schema.empty_table()
        table = table.take(pc.sort_indices(table, sort_keys=[("_position", "ascending")]))
        shutil.rmtree(folder, ignore_errors=True)
        return table.drop_columns(["_position"])
