"""Finding document files and reading seeded samples of them one row group at a time.

Sampling is reproducible: every row gets a random key from a generator seeded by
``(seed, file number, row group number)``, and a sample of N is the N rows with the smallest
keys among those selected (a bottom-k sample, uniform without replacement). Only the
columns a selection needs are read to choose rows; full rows are read only for the row
groups that hold a chosen row. Files are taken in sorted order, so the same folder, seed and
selection give the same documents on any machine.
"""

from __future__ import annotations

import contextlib
import dataclasses
import heapq
from collections.abc import Iterator
from typing import Any

from corpuskit import storage
from corpuskit.dataset import DATA_DIR, DONE_DIR, REJECTED_DIR, DatasetFolder
from corpuskit.errors import InputError
from corpuskit.inspection.where import BoolOp, Comparison, check_columns, mask


def _parquet_names(folder: str) -> list[str]:
    return [n for n in storage.listdir(folder) if n.endswith(".parquet") and not n.startswith(".")]


def document_files(path: str, rejected: bool = False) -> list[str]:
    """The Parquet files behind PATH (a local path or any URL): a dataset folder's completed
    shards (its ``rejected/`` files with ``rejected=True``), a package's data files, any
    folder of Parquet files (``OUT/rejected``), or one Parquet file."""
    root = storage.normalize(str(path))
    if storage.isfile(root):
        if not root.endswith(".parquet"):
            raise InputError(
                f"{path}: not a Parquet file; give a dataset folder or a .parquet file"
            )
        return [root]
    if not storage.isdir(root):
        raise InputError(f"{path}: no such file or folder; give a dataset folder (-o of a stage)")
    folder = DatasetFolder(root)
    present = set(storage.listdir(root))
    if rejected:
        names = _parquet_names(storage.join(root, REJECTED_DIR))
        if DONE_DIR in present:
            done = set(folder.done_shards())
            names = [n for n in names if n.removesuffix(".parquet") in done]
        return [storage.join(root, REJECTED_DIR, n) for n in names]
    if DATA_DIR in present:
        return folder.data_files()
    return [storage.join(root, n) for n in _parquet_names(root)]


@contextlib.contextmanager
def _open(url: str):
    """A Parquet reader of ``url`` (any storage), closed with the ``with`` block."""
    import pyarrow.parquet as pq

    with storage.open(str(url), "rb") as fh:
        yield pq.ParquetFile(fh)


@dataclasses.dataclass(frozen=True)
class RowGroup:
    """One row group of one file: where to read it and how many rows it has."""

    file_number: int
    path: str
    index: int
    num_rows: int


def row_groups(files: list[str]) -> list[RowGroup]:
    """Every row group of ``files``, from the Parquet footers only."""
    found = []
    for number, path in enumerate(files):
        try:
            with _open(path) as handle:
                meta = handle.metadata
        except Exception as exc:  # pyarrow raises several unrelated types for a damaged file
            raise InputError(f"{path}: unreadable Parquet file ({exc})") from exc
        found += [
            RowGroup(number, path, i, meta.row_group(i).num_rows)
            for i in range(meta.num_row_groups)
        ]
    return found


def schema_names(files: list[str]) -> list[str]:
    """The union of the column names of ``files`` (signal columns differ between shards)."""
    names: dict[str, None] = {}
    for path in files:
        with _open(path) as handle:
            for name in handle.schema_arrow.names:
                names.setdefault(name, None)
    return list(names)


def read_group(group: RowGroup, columns: list[str] | None = None):
    """One row group as an Arrow table (only ``columns`` that the file has)."""
    with _open(group.path) as handle:
        if columns is not None:
            have = set(handle.schema_arrow.names)
            columns = [c for c in columns if c in have]
        return handle.read_row_group(group.index, columns=columns)


def selection(
    where=None, reason: str | None = None, source: str | None = None
) -> BoolOp | Comparison | None:
    """One expression from ``--where``, ``--reason FILTER[.REASON]`` and ``--source``."""
    parts = [where] if where is not None else []
    if reason:
        name, _, why = reason.partition(".")
        parts.append(Comparison("reject.filter", "==", name))
        if why:
            parts.append(Comparison("reject.reason", "==", why))
    if source:
        parts.append(Comparison("source", "==", source))
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else BoolOp("and", tuple(parts))


def _keys(seed: int, group: RowGroup):
    import numpy as np

    return np.random.default_rng([seed, group.file_number, group.index]).random(group.num_rows)


def _selected(group: RowGroup, node, names: list[str]):
    """Row numbers of ``group`` that ``node`` selects (all rows when node is None)."""
    import numpy as np

    from corpuskit.inspection.where import columns as expression_columns

    if node is None:
        return np.arange(group.num_rows)
    table = read_group(group, sorted(expression_columns(node)))
    missing = expression_columns(node) - set(table.column_names)
    if missing:  # this shard lacks a column other shards have: its rows are null there
        import pyarrow as pa

        for name in sorted(missing):
            table = table.append_column(name, pa.nulls(table.num_rows, pa.float64()))
    return np.flatnonzero(mask(node, table).to_numpy(zero_copy_only=False))


def iterate(files: list[str], node=None, columns: list[str] | None = None) -> Iterator[dict]:
    """Every selected row, in file and row order, one row group in memory at a time."""
    names = schema_names(files)
    if node is not None:
        check_columns(node, names, ", ".join(str(f) for f in files[:3]))
    for group in row_groups(files):
        rows = _selected(group, node, names)
        if len(rows):
            yield from _rows(group, rows, columns)


def sample(
    files: list[str], n: int, seed: int, node=None, columns: list[str] | None = None
) -> list[dict]:
    """A seeded sample of ``n`` selected rows (all of them when fewer), in key order."""
    names = schema_names(files)
    if node is not None:
        check_columns(node, names, ", ".join(str(f) for f in files[:3]))
    best: list[tuple[float, int, int]] = []  # max-heap by -key of the n smallest keys
    groups = row_groups(files)
    for number, group in enumerate(groups):
        rows = _selected(group, node, names)
        if not len(rows):
            continue
        keys = _keys(seed, group)[rows]
        for key, row in zip(keys.tolist(), rows.tolist(), strict=True):
            item = (-key, number, row)
            if len(best) < n:
                heapq.heappush(best, item)
            elif item > best[0]:
                heapq.heapreplace(best, item)
    chosen = sorted((-k, number, row) for k, number, row in best)
    by_group: dict[int, list[int]] = {}
    for _, number, row in chosen:
        by_group.setdefault(number, []).append(row)
    found = {}
    for number, rows in by_group.items():
        for row, record in zip(
            sorted(rows), _rows(groups[number], sorted(rows), columns), strict=True
        ):
            found[(number, row)] = record
    return [found[(number, row)] for _, number, row in chosen]


def _rows(group: RowGroup, rows, columns: list[str] | None) -> Iterator[dict[str, Any]]:
    import pyarrow as pa

    table = read_group(group, columns).take(pa.array(rows, pa.int64()))
    first = sum_rows_before(group)
    for offset, record in enumerate(table.to_pylist()):
        record["_file"] = group.path
        record["_row"] = first + int(rows[offset])
        yield record


def sum_rows_before(group: RowGroup) -> int:
    """The file-level row number of the first row of ``group``."""
    with _open(group.path) as handle:
        meta = handle.metadata
    return sum(meta.row_group(i).num_rows for i in range(group.index))


def read_sample_columns(files: list[str], rows_wanted: int, seed: int, columns: list[str]):
    """About ``rows_wanted`` rows of ``columns`` from whole row groups taken in a seeded
    order (never more row groups than needed): returns (Arrow table, rows in all files)."""
    import numpy as np
    import pyarrow as pa

    groups = row_groups(files)
    total = sum(g.num_rows for g in groups)
    order = np.random.default_rng(seed).permutation(len(groups)).tolist()
    tables, have = [], 0
    for number in order:
        if have >= rows_wanted:
            break
        table = read_group(groups[number], columns)
        for name in columns:
            if name not in table.column_names:
                table = table.append_column(name, pa.nulls(table.num_rows, pa.float64()))
        tables.append(table.select(columns))
        have += table.num_rows
    if not tables:
        return None, total
    table = pa.concat_tables(tables, promote_options="permissive")
    if table.num_rows > rows_wanted:
        keep = np.sort(
            np.random.default_rng(seed).choice(table.num_rows, rows_wanted, replace=False)
        )
        table = table.take(pa.array(keep))
    return table, total
