"""A folder of plain-text books, one file per book (the Books1/Books2 role in GPT-3).

Each ``*.txt`` file (``.txt.gz`` too) is one document. Its encoding is detected with
charset-normalizer (UTF-8 first, so plain UTF-8 is never second-guessed); a file whose
encoding cannot be detected is an error naming the file, never a silently garbled book.
Project Gutenberg files lose their header, licence, footer and credit lines, in every form
Project Gutenberg has used (:mod:`corpuskit.mix.gutenberg`). The ``Title:``/``Author:``/
``Language:`` header fields go into metadata.
"""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from corpuskit.document import Document, content_id
from corpuskit.errors import InputError
from corpuskit.mix.gutenberg import strip_gutenberg

BOOK_SUFFIXES = (".txt", ".txt.gz")


def book_files(paths: tuple[str, ...]) -> list[str]:
    """Book files under ``paths`` (folders searched recursively), sorted."""
    files: list[str] = []
    for item in paths:
        path = Path(item)
        if path.is_dir():
            files.extend(
                str(p)
                for p in sorted(path.rglob("*"))
                if p.is_file() and p.name.endswith(BOOK_SUFFIXES)
            )
        elif path.is_file():
            files.append(str(path))
        else:
            raise InputError(f"books path {item} does not exist")
    return files


def decode_book(data: bytes, path: str) -> tuple[str, str]:
    """(text, encoding): UTF-8 when valid, else charset-normalizer's best guess."""
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None or b"\x00" in data:
        raise InputError(
            f"{path}: cannot detect the text encoding (binary or damaged file?): "
            "convert it to UTF-8 or remove it from the books folder"
        )
    return str(best), best.encoding


def read_book(path: str) -> tuple[Document, str, bool]:
    """One book file as a Document, with its detected encoding and whether PG text was cut."""
    try:
        with open(path, "rb") as fh:
            data = fh.read()
        if path.endswith(".gz"):
            data = gzip.decompress(data)
    except (OSError, EOFError) as exc:
        raise InputError(f"cannot read book file {path}: {exc}: check the file") from exc
    text, encoding = decode_book(data, path)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    body, fields, stripped = strip_gutenberg(text)
    name = Path(path).name
    metadata: dict[str, Any] = {"file": name, "encoding": encoding, **fields}
    doc = Document(
        id=content_id(body, "books"),
        text=body,
        source="books",
        language=None,
        metadata=metadata,
    )
    return doc, encoding, stripped


def iter_books(paths: tuple[str, ...], counters: dict[str, Any]) -> Iterator[Document]:
    """Every non-empty book under ``paths``; ``counters`` gets books/encodings/Gutenberg counts."""
    for path in book_files(paths):
        doc, encoding, stripped = read_book(path)
        counters["files"] = counters.get("files", 0) + 1
        encodings = counters.setdefault("encodings", {})
        encodings[encoding] = encodings.get(encoding, 0) + 1
        if stripped:
            counters["gutenberg_stripped"] = counters.get("gutenberg_stripped", 0) + 1
        if not doc.text:
            counters["empty_skipped"] = counters.get("empty_skipped", 0) + 1
            continue
        yield doc
