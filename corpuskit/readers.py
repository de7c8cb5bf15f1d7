"""Read documents from dataset folders, Parquet files and JSONL(.gz/.zst) files.

Any file with a ``text`` column (or key) is accepted; other columns map onto the
Document fields of the same name, the rest go into ``metadata``. Paths may be local or
fsspec URLs.
"""

from __future__ import annotations

import gzip
import io
import json
from collections.abc import Iterable, Iterator

from corpuskit import storage
from corpuskit.dataset import DatasetFolder
from corpuskit.document import Document, content_id
from corpuskit.errors import InputError
from corpuskit.inputs import expand_inputs

DOCUMENT_SUFFIXES = (".parquet", ".jsonl", ".jsonl.gz", ".jsonl.zst", ".json.gz", ".ndjson")


def is_document_file(path: str) -> bool:
    return path.endswith(DOCUMENT_SUFFIXES)


def expand_document_inputs(inputs: list[str]) -> list[str]:
    """Resolve folders (dataset folders or plain folders), globs and files to file paths.

    A dataset folder contributes its completed ``data/`` shards only.
    """
    return expand_inputs(inputs, _document_files_in, "file")


def _document_files_in(folder: str) -> list[str]:
    dataset = DatasetFolder(folder)
    if dataset.is_dataset():
        return dataset.data_files()
    return [
        url
        for url, _ in storage.find_files(folder)
        if is_document_file(storage.name_of(url)) and not storage.name_of(url).startswith(".")
    ]


def open_binary(path: str):
    """Open a local path or URL for binary reading (InputError when it cannot be).

    Remote files (http(s)://, s3://, ...) are streamed: seekable, with read-ahead, retries
    and resume (:mod:`corpuskit.stream`).
    """
    from corpuskit.stream import is_streamed, open_remote

    if is_streamed(path):
        return open_remote(path)
    return storage.open_input(path)


def read_documents(path: str, source: str | None = None) -> Iterator[Document]:
    """Iterate the documents of one Parquet or JSONL file."""
    if path.endswith(".parquet"):
        yield from _read_parquet(path, source)
    elif is_document_file(path):
        yield from _read_jsonl(path, source)
    else:
        raise InputError(
            f"{path}: not a Parquet or JSONL file (expected one of {', '.join(DOCUMENT_SUFFIXES)})"
        )


def _read_parquet(path: str, source: str | None) -> Iterator[Document]:
    import pyarrow.parquet as pq

    try:
        with open_binary(path) as fh:
            parquet = pq.ParquetFile(fh)
            if "text" not in parquet.schema_arrow.names:
                raise InputError(
                    f"{path}: no 'text' column (columns: {', '.join(parquet.schema_arrow.names)})"
                )
            for batch in parquet.iter_batches(batch_size=1024):
                for row in batch.to_pylist():
                    yield _with_defaults(Document.from_row(row), source)
    except InputError:
        raise
    except Exception as exc:  # pyarrow raises several unrelated types for a damaged file
        raise InputError(f"{path}: unreadable Parquet file ({exc})") from exc


def open_text_stream(path: str):
    """A text stream (UTF-8) over a local or remote file, decompressing .gz and .zst."""
    raw = open_binary(path)
    if path.endswith(".gz"):
        return io.TextIOWrapper(gzip.GzipFile(fileobj=raw), encoding="utf-8")
    if path.endswith(".zst"):
        import zstandard

        return io.TextIOWrapper(zstandard.ZstdDecompressor().stream_reader(raw), encoding="utf-8")
    return io.TextIOWrapper(raw, encoding="utf-8")


def json_objects(lines: Iterable[str], path, needs: str) -> Iterator[tuple[int, dict]]:
    """(line number, object) for each non-blank line of a JSON-lines file.

    A line that is not JSON, or not an object, is an InputError naming the file, the line and
    ``needs`` (what each object must hold, e.g. "a 'text' string").
    """
    for lineno, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"{path}:{lineno}: invalid JSON ({exc.msg})") from exc
        if not isinstance(row, dict):
            raise InputError(f"{path}:{lineno}: each line needs a JSON object with {needs}")
        yield lineno, row


def _read_jsonl(path: str, source: str | None) -> Iterator[Document]:
    needs = "a 'text' string"
    with open_text_stream(path) as stream:
        for lineno, row in json_objects(stream, path, needs):
            if not isinstance(row.get("text"), str):
                raise InputError(f"{path}:{lineno}: each line needs a JSON object with {needs}")
            if isinstance(row.get("metadata"), dict):
                row["metadata"] = json.dumps(row["metadata"])
            if not row.get("id"):
                row["id"] = content_id(row["text"], row.get("source") or source or "")
            yield _with_defaults(Document.from_row(row), source)


def _with_defaults(doc: Document, source: str | None) -> Document:
    if source and not doc.source:
        doc.source = source
    return doc
