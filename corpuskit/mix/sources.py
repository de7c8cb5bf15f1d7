"""Read every kind of mixture source as Arrow tables of one raw schema.

A source is read twice (pass 1 counts tokens, pass 2 writes), so every reader must yield the
same documents in the same order each time; all of them do, because files are sorted and
read front to back. Kinds:

- ``dataset``: corpuskit dataset folders (completed ``data/`` shards), Parquet files and
  JSONL(.gz/.zst) files with a ``text`` column, e.g. an OpenWebText export
  (:mod:`corpuskit.readers` resolves the paths);
- ``books``: folders of plain-text books (:mod:`corpuskit.mix.books`);
- ``wikipedia``: MediaWiki XML dumps (:mod:`corpuskit.mix.wiki`);
- ``webtext``: web documents selected by a URL list (:mod:`corpuskit.mix.webtext`).

Errors are re-raised as :class:`~corpuskit.errors.InputError` naming the source.
"""

from __future__ import annotations

import contextlib
import functools
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from corpuskit.document import BASE_COLUMNS, Document, content_id, documents_to_table
from corpuskit.errors import CorpuskitError, InputError

SOURCE_KINDS = ("dataset", "books", "wikipedia", "webtext")
RAW_COLUMNS = tuple(c for c in BASE_COLUMNS if c != "language_score")
PARQUET_BATCH_ROWS = 8192
DOCUMENT_BATCH_ROWS = 1024
# Facts about a whole source that every file reports again (not summed across files).
CONSTANT_COUNTERS = frozenset({"url_list_size"})


def raw_schema():
    """The columns every reader yields: the Document schema without scores and signals."""
    from corpuskit.document import base_schema

    schema = base_schema()
    return schema.remove(schema.get_field_index("language_score"))


class SourceReader:
    """Reads one recipe source; ``counters`` collects what reading skipped or detected."""

    def __init__(self, name: str, kind: str, paths: tuple[str, ...], url_list: str | None = None):
        self.name = name
        self.kind = kind
        self.paths = paths
        self.url_list = url_list
        self.counters: dict[str, Any] = {}

    def tables(self) -> Iterator[Any]:
        """Arrow tables with :func:`raw_schema`, in a stable order; errors name the source."""
        self.counters = {}
        for path in self.source_files():
            yield from self.file_tables(path, self.counters)

    def source_files(self) -> list[str]:
        """:meth:`files`, with errors naming the source."""
        with self._naming(", ".join(self.paths)):
            return self.files()

    def file_tables(self, path: str, counters: dict[str, Any]) -> Iterator[Any]:
        """The tables of one input file of this source (the unit of work on a cluster);
        ``counters`` gets what reading skipped or detected. Errors name the source."""
        with self._naming(path):
            yield from self._file_tables(path, counters)

    @contextlib.contextmanager
    def _naming(self, where: str):
        try:
            yield
        except CorpuskitError as exc:
            raise type(exc)(f"source {self.name!r} ({self.kind}): {exc}") from exc
        except (OSError, ValueError, UnicodeDecodeError) as exc:
            raise InputError(
                f"source {self.name!r} ({self.kind}): cannot read {where} ({exc})"
            ) from exc

    def _file_tables(self, path: str, counters: dict[str, Any]) -> Iterator[Any]:
        if self.kind == "dataset":
            yield from read_file_tables(path)
        elif self.kind == "books":
            from corpuskit.mix.books import iter_books

            yield from documents_to_tables(iter_books((path,), counters))
        elif self.kind == "wikipedia":
            from corpuskit.mix.wiki import iter_articles

            yield from documents_to_tables(iter_articles(path, counters))
        elif self.kind == "webtext":
            selector = url_selector(self.url_list)
            counters["url_list_size"] = len(selector)
            for table in read_file_tables(path):
                selected = selector.select(table, counters)
                if selected.num_rows:
                    yield selected
        else:  # validated by the recipe already
            raise InputError(f"unknown source kind {self.kind!r}")

    def files(self) -> list[str]:
        """The input files of this source, sorted, as they will be read."""
        if self.kind == "books":
            from corpuskit.mix.books import book_files

            return book_files(self.paths)
        if self.kind == "wikipedia":
            from corpuskit.mix.wiki import dump_files

            return dump_files(self.paths)
        from corpuskit.readers import expand_document_inputs

        return expand_document_inputs(list(self.paths))

    def lineage(self) -> dict[str, Any]:
        """Where the source came from: its files and the manifests of its dataset folders."""
        from corpuskit.stage import upstream_lineage

        files = self.files()
        entry: dict[str, Any] = {
            "name": self.name,
            "kind": self.kind,
            "paths": [_absolute(p) for p in self.paths],
            "files": len(files),
            "bytes": sum(_size(f) for f in files),
            "reading": dict(self.counters),
            "upstream": upstream_lineage([p for p in self.paths if "://" not in p]),
        }
        if self.url_list:
            entry["url_list"] = _absolute(self.url_list)
        return entry


@functools.lru_cache(maxsize=2)
def url_selector(path: str | None):
    """The URL list of a ``webtext`` source, loaded once per process (it can be millions of
    URLs, and a worker reads many files of the same source)."""
    from corpuskit.mix.webtext import UrlSelector

    return UrlSelector.from_file(path)


def merge_counters(total: dict[str, Any], part: dict[str, Any]) -> dict[str, Any]:
    """Add one file's reading counters into ``total`` (nested dicts summed key by key, keys in
    first-seen order, so files merged in order give the counters of one sequential read)."""
    for key, value in part.items():
        if isinstance(value, dict):
            merge_counters(total.setdefault(key, {}), value)
        elif key in CONSTANT_COUNTERS:
            total[key] = value
        else:
            total[key] = total.get(key, 0) + value
    return total


def _absolute(path: str) -> str:
    return path if "://" in path else os.path.abspath(path)


def _size(path: str) -> int:
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


def read_file_tables(path: str) -> Iterator[Any]:
    """Raw-schema tables of one Parquet or JSONL file (Parquet is read column-wise, fast)."""
    from corpuskit.readers import read_documents

    if path.endswith(".parquet"):
        yield from _parquet_tables(path)
    else:
        yield from documents_to_tables(read_documents(path))


def _parquet_tables(path: str) -> Iterator[Any]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    from corpuskit.readers import open_binary

    try:
        with open_binary(path) as fh:
            parquet = pq.ParquetFile(fh)
            names = parquet.schema_arrow.names
            if "text" not in names:
                raise InputError(f"{path}: no 'text' column (columns: {', '.join(names)})")
            wanted = [c for c in RAW_COLUMNS if c in names]
            for batch in parquet.iter_batches(batch_size=PARQUET_BATCH_ROWS, columns=wanted):
                yield normalise_table(pa.Table.from_batches([batch]))
    except InputError:
        raise
    except Exception as exc:  # pyarrow raises several unrelated types for a damaged file
        raise InputError(f"{path}: unreadable Parquet file ({exc})") from exc


def normalise_table(table):
    """Cast a table to :func:`raw_schema`: missing columns null, missing ids content hashes."""
    import pyarrow as pa
    import pyarrow.compute as pc

    schema = raw_schema()
    columns = []
    for field in schema:
        if field.name in table.column_names:
            column = table.column(field.name)
            if column.type != field.type:
                column = (
                    _to_string(column) if field.type == pa.string() else column.cast(field.type)
                )
        else:
            column = pa.nulls(table.num_rows, field.type)
        columns.append(column)
    loose = pa.schema([f.with_nullable(True) for f in schema])
    table = pa.Table.from_arrays(columns, schema=loose)
    ids = table.column("id")
    if ids.null_count or pc.any(pc.equal(ids, "")).as_py():
        texts, sources = table.column("text").to_pylist(), table.column("source").to_pylist()
        filled = [
            value or content_id(texts[i] or "", sources[i] or "")
            for i, value in enumerate(ids.to_pylist())
        ]
        table = table.set_column(0, loose.field("id"), pa.array(filled, pa.string()))
    text = table.column("text")
    if text.null_count:
        table = table.set_column(1, loose.field("text"), text.fill_null(""))
    return pa.Table.from_arrays(table.columns, schema=schema)


def _to_string(column):
    import pyarrow as pa

    if pa.types.is_timestamp(column.type) or pa.types.is_date(column.type):
        return pa.array(
            [None if v is None else v.isoformat() for v in column.to_pylist()], pa.string()
        )
    if pa.types.is_struct(column.type) or pa.types.is_map(column.type):
        import json

        return pa.array(
            [None if v is None else json.dumps(v, default=str) for v in column.to_pylist()],
            pa.string(),
        )
    return column.cast(pa.string())


def documents_to_tables(docs: Iterable[Document], rows: int = DOCUMENT_BATCH_ROWS) -> Iterator[Any]:
    """Group documents into raw-schema tables of ``rows`` documents."""
    batch: list[Document] = []
    for doc in docs:
        batch.append(doc)
        if len(batch) >= rows:
            yield _docs_table(batch)
            batch = []
    if batch:
        yield _docs_table(batch)


def _docs_table(docs: list[Document]):
    return normalise_table(documents_to_table(docs, signal_names=()))


def check_paths_exist(name: str, paths: Iterable[str]) -> None:
    """Fail early, naming the source, when a local path does not exist."""
    for path in paths:
        if "://" not in path and not any(ch in path for ch in "*?[") and not Path(path).exists():
            raise InputError(f"source {name!r}: {path} does not exist: check the path")
