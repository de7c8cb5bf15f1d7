"""Every file ``mix`` writes or reads besides its inputs, in a few small functions.

A package is built in a work area (``.OUT.tmp-PID`` next to ``OUT``, see
:mod:`corpuskit.mix.package`) that the client and every worker reach by the same absolute
path or URL, never a worker's local temporary folder: workers on a cluster share no disk.
Keeping this I/O here means moving it to another file system is a change in one module.
"""

from __future__ import annotations

import os
import shutil
from typing import Any


def make_folders(paths: list[str]) -> None:
    """Create the given folders (and parents); existing ones are kept."""
    for path in paths:
        os.makedirs(path, exist_ok=True)


def write_part(table, path: str) -> None:
    """Write one bucket part: an Arrow IPC file with lz4 buffers.

    The bucket's folder must exist (the client makes it): a task still running after its
    build failed and the work area was removed then fails instead of re-creating it."""
    import pyarrow as pa

    options = pa.ipc.IpcWriteOptions(compression="lz4")
    with pa.OSFile(path, "wb") as sink, pa.ipc.new_file(sink, table.schema, options=options) as out:
        out.write_table(table)


def read_parts(folder: str) -> list[Any]:
    """The tables of every part in a bucket folder, in name order."""
    import pyarrow as pa

    tables = []
    for name in sorted(os.listdir(folder)):
        if name.endswith(".arrow"):
            with pa.memory_map(os.path.join(folder, name)) as source:
                tables.append(pa.ipc.open_file(source).read_all())
    return tables


def write_parquet(table, path: str, row_group_size: int) -> tuple[int, str]:
    """Write a package shard (zstd Parquet); returns its size in bytes and its sha256."""
    import pyarrow.parquet as pq

    from corpuskit.checksum import file_sha256

    pq.write_table(table, path, compression="zstd", row_group_size=row_group_size)
    return os.path.getsize(path), file_sha256(path)


def remove_tree(path: str) -> None:
    """Remove a folder and everything in it; a missing folder is fine."""
    shutil.rmtree(path, ignore_errors=True)
