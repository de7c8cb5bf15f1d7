"""Every file ``mix`` writes or reads besides its inputs, in a few small functions.

A package is built in a work area (``.OUT.tmp-PID`` next to ``OUT``, see
:mod:`corpuskit.mix.package`) that the client and every worker reach by the same absolute
path or URL, never a worker's local temporary folder: workers on a cluster share no disk.
Everything goes through :mod:`corpuskit.storage` (fsspec), so a work area may be a local
folder or a URL; tasks carry the storage options (:func:`storage_options`,
:func:`use_storage_options`) because workers share no state with the client.
"""

from __future__ import annotations

from typing import Any

from corpuskit import storage

HASH_CHUNK = 8 * 1024 * 1024


def storage_options() -> str:
    """This process's storage options (JSON), for a task to carry to its worker."""
    return storage.options_json()


def use_storage_options(options: str) -> None:
    """Set the storage options a task carries, on the worker that runs it."""
    storage.configure(options)


def make_folders(urls: list[str]) -> None:
    """Create the given folders (object stores have none: nothing to do there)."""
    for url in urls:
        storage.makedirs(url)


def write_part(table, url: str) -> None:
    """Write one bucket part: an Arrow IPC file with lz4 buffers. A retried task writes the
    same name again, so a part left half-written by a lost worker is replaced whole."""
    import pyarrow as pa

    options = pa.ipc.IpcWriteOptions(compression="lz4")
    with (
        storage.open(url, "wb") as sink,
        pa.ipc.new_file(sink, table.schema, options=options) as out,
    ):
        out.write_table(table)


def read_parts(folder: str) -> list[Any]:
    """The tables of every part in a bucket folder, in name order."""
    import pyarrow as pa

    tables = []
    for name in sorted(storage.listdir(folder)):
        if name.endswith(".arrow"):
            with storage.open(storage.join(folder, name), "rb") as source:
                tables.append(pa.ipc.open_file(source).read_all())
    return tables


def write_parquet(table, url: str, row_group_size: int) -> tuple[int, str]:
    """Write a package shard (zstd Parquet); returns its size in bytes and its sha256."""
    import hashlib

    import pyarrow.parquet as pq

    with storage.open(url, "wb") as sink:
        pq.write_table(table, sink, compression="zstd", row_group_size=row_group_size)
    digest, size = hashlib.sha256(), 0
    with storage.open(url, "rb") as written:
        while chunk := written.read(HASH_CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return size, digest.hexdigest()


def remove_tree(url: str) -> None:
    """Remove a folder and everything in it; a missing folder is fine."""
    storage.delete_tree(url)
